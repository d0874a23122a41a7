package kalshi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// fastOrder decodes b by the one-pass path alone.
func fastOrder(b []byte) (Order, bool) {
	var w orderIn
	if json.Unmarshal(b, &w) != nil {
		return Order{}, false
	}
	return w.order()
}

// orderFixtureBodies returns the order object inside each GetOrder fixture.
func orderFixtureBodies(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, name := range []string{"order_current.json", "order_legacy.json", "order_mixed.json", "order_fractional.json", "order_unknown.json"} {
		var reply struct {
			Order json.RawMessage `json:"order"`
		}
		if err := json.Unmarshal(readFixture(t, name), &reply); err != nil {
			t.Fatal(err)
		}
		out[name] = reply.Order
	}
	return out
}

// TestFastPathReadsEveryFixture checks that every good fixture is read by
// the one-pass path (so the speed is real) and that it gives exactly what
// the field-by-field path gives.
func TestFastPathReadsEveryFixture(t *testing.T) {
	for name, b := range orderFixtureBodies(t) {
		fast, ok := fastOrder(b)
		if !ok {
			t.Errorf("%s: the fast path refused a good order", name)
			continue
		}
		var slow Order
		if err := slow.decodeSlow(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: fast and slow differ:\n%+v\n%+v", name, fast, slow)
		}
	}
	for _, name := range []string{"fills_current.json", "fills_legacy.json"} {
		var w replyIn
		if err := json.Unmarshal(readFixture(t, name), &w); err != nil {
			t.Fatal(err)
		}
		if _, ok := convertAll(w.Fills, (*fillIn).fill); !ok {
			t.Errorf("%s: the fast path refused good fills", name)
		}
	}
	for _, name := range []string{"market_current.json", "market_legacy.json"} {
		var w struct{ Market marketIn }
		if err := json.Unmarshal(readFixture(t, name), &w); err != nil {
			t.Fatal(err)
		}
		if _, ok := w.Market.market(); !ok {
			t.Errorf("%s: the fast path refused a good market", name)
		}
	}
}

// TestRepeatedKeysKeepTheLastValue checks the cases where encoding/json and
// a map disagree: a key sent twice keeps its last value, null included, and
// a list sent twice is the last list whole.
func TestRepeatedKeysKeepTheLastValue(t *testing.T) {
	var o Order
	body := `{"order_id":"a","ticker":"T","order_id":null,"is_taker":true,"cancel_order_on_pause":true,` +
		`"cancel_order_on_pause":null,"fill_count_fp":"3.00","fill_count_fp":null,"fill_count":2,"created_time":"2026-01-01T00:00:00Z","created_time":null}`
	if err := json.Unmarshal([]byte(body), &o); err != nil {
		t.Fatal(err)
	}
	if o.OrderID != "" || o.Ticker != "T" || o.CancelOrderOnPause || !o.FillCount.Equal(dec("2")) || !o.CreatedTime.IsZero() {
		t.Errorf("repeated keys: %+v", o)
	}
	page, err := decodeOrdersReply([]byte(`{"orders":[{"order_id":"a","ticker":"T"}],"orders":[{"order_id":"b"}]}`))
	if err != nil || len(page.Orders) != 1 || page.Orders[0].OrderID != "b" || page.Orders[0].Ticker != "" {
		t.Errorf("repeated list: %+v, %v", page, err)
	}
}

// TestReplyErrorsStillNameTheField checks that a reply the fast path
// refuses still gets the slow path's detailed error.
func TestReplyErrorsStillNameTheField(t *testing.T) {
	cases := []struct{ body, object, field, want string }{
		{`{"orders":[{"order_id":"a"},{"fill_count_fp":"NaN"}]}`, "orders[1] order", "fill_count_fp", "not a plain decimal"},
		{`{"orders":[{"order_id":"a"},null]}`, "orders reply", "orders", "element 1 is null"},
		{`{"orders":{"order_id":"a"}}`, "orders reply", "orders", "want an array"},
		{`{"orders":[],"cursor":7}`, "orders reply", "cursor", "want a string"},
		{`{"orders":[{"remaining_count":-2}]}`, "orders[0] order", "remaining_count", "negative"},
	}
	for _, tc := range cases {
		_, err := decodeOrdersReply([]byte(tc.body))
		var de *DecodeError
		if !errors.As(err, &de) || de.Object != tc.object || de.Field != tc.field || !strings.Contains(de.Problem, tc.want) {
			t.Errorf("%s: got %#v", tc.body, err)
		}
	}
	if _, _, err := decodeFillsReply([]byte(`{"fills":[{"count_fp":"1e3"}]}`)); err == nil || !strings.Contains(err.Error(), "count_fp") {
		t.Errorf("fills: %v", err)
	}
	if _, err := decodeMarketsReply([]byte(`{"markets":[{"yes_bid":-1}]}`)); err == nil || !strings.Contains(err.Error(), "yes_bid") {
		t.Errorf("markets: %v", err)
	}
	// A markets reply's cursor is not read, so a strange one is no error.
	if m, err := decodeMarketsReply([]byte(`{"markets":[{"ticker":"M"}],"cursor":5}`)); err != nil || len(m) != 1 {
		t.Errorf("markets with a numeric cursor: %v %v", m, err)
	}
}

// TestEscapedNumberIsReadBySlowPath checks the one case the fast path
// leaves to the slow one on purpose: escapes inside a fixed-point string.
func TestEscapedNumberIsReadBySlowPath(t *testing.T) {
	b := []byte(`{"yes_price_dollars":"0\u002e56"}`)
	if _, ok := fastOrder(b); ok {
		t.Error("fast path read an escaped number")
	}
	var o Order
	if err := json.Unmarshal(b, &o); err != nil || !o.YesPrice.Equal(dec("0.56")) {
		t.Errorf("got %s, %v", o.YesPrice, err)
	}
}

// knownOrderKeys are the JSON names orderIn reads, those of the field
// groups it embeds included (encoding/json reads them as its own).
var knownOrderKeys = func() []string {
	var out []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[orderIn]()) {
		if tag := f.Tag.Get("json"); tag != "" && !f.Anonymous {
			out = append(out, tag)
		}
	}
	return out
}()

// oddKeys reports whether an object's keys fall where encoding/json and the
// slow decoder are known to differ: a key that matches a field only when
// case is ignored, or a key sent twice (tested on its own above).
func oddKeys(b []byte) bool {
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		k, _ := tok.(string)
		if seen[k] {
			return true
		}
		seen[k] = true
		for _, f := range knownOrderKeys {
			if k != f && strings.EqualFold(k, f) {
				return true
			}
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// FuzzDecodeFastSlow checks that the one-pass decoder never accepts an
// order the field-by-field decoder refuses, that both give the same order
// when both accept, and that the fast path refuses a good order only when
// it carries escapes (which it leaves to the slow path on purpose).
func FuzzDecodeFastSlow(f *testing.F) {
	orderSeeds(f)
	f.Add([]byte(`{"order_id":"a","order_id":null,"yes_price":5,"yes_price":"x","yes_price_dollars":"0.5"}`))
	f.Add([]byte(`{"ts":1,"subaccount_number":2147483648,"exchange_index":-3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Replies arrive trimmed (decodeBody) and list elements have no
		// space around them; the slow path trims more than JSON's space.
		b = bytes.TrimSpace(b)
		if isNull(b) || oddKeys(b) {
			return
		}
		fast, fastOK := fastOrder(b)
		var slow Order
		slowErr := slow.decodeSlow(b)
		switch {
		case fastOK && slowErr != nil:
			t.Fatalf("fast path accepted what the slow path refuses (%v): %s", slowErr, b)
		case fastOK && !reflect.DeepEqual(fast, slow):
			t.Fatalf("fast and slow differ on %s:\n%+v\n%+v", b, fast, slow)
		case !fastOK && slowErr == nil && !bytes.ContainsRune(b, '\\'):
			t.Fatalf("fast path refused a good order: %s", b)
		}
	})
}

// slowQueue decodes a queue positions reply by the field-by-field path
// alone, as GetQueuePositionsIn did before it had a one-pass path.
func slowQueue(b []byte) ([]QueuePosition, error) {
	ob, err := newObject("queue positions reply", b)
	if err != nil {
		return nil, err
	}
	out := decodeList[QueuePosition](ob, "queue_positions")
	return out, ob.err
}

// TestQueueReplyFastMatchesSlow checks that the queue positions reply
// read in one pass gives what the field-by-field path gives, the same
// error included, and that a good reply takes the one-pass path.
func TestQueueReplyFastMatchesSlow(t *testing.T) {
	bodies := []string{
		string(readFixture(t, "queue_positions.json")),
		`{"queue_positions":[]}`,
		`{"queue_positions":null}`,
		`{}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position_fp":"0.00"}]}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position_fp":12}]}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position_fp":"-1.00"}]}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position_fp":null}]}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position":3}]}`,
		`{"queue_positions":[{"order_id":null,"market_ticker":"M","queue_position_fp":"1.00"}]}`,
		`{"queue_positions":[{"market_ticker":"M","queue_position_fp":"1.00"}]}`,
		`{"queue_positions":[{"order_id":7,"market_ticker":"M","queue_position_fp":"1.00"}]}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position_fp":"1e3"}]}`,
		`{"queue_positions":[null]}`,
		`{"queue_positions":{"order_id":"a"}}`,
		`{"queue_positions":[{"order_id":"a","market_ticker":"M","queue_position_fp":"1.00"}],"queue_positions":[]}`,
	}
	for _, b := range bodies {
		fast, fastErr := decodeQueueReply([]byte(b))
		slow, slowErr := slowQueue([]byte(b))
		if fmt.Sprint(fastErr) != fmt.Sprint(slowErr) || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s:\n one pass   %+v, %v\n field-wise %+v, %v", b, fast, fastErr, slow, slowErr)
		}
	}
	var w replyIn
	if err := json.Unmarshal(readFixture(t, "queue_positions.json"), &w); err != nil {
		t.Fatal(err)
	}
	if q, ok := convertAll(w.Queue, (*queueIn).queue); !ok || len(q) == 0 {
		t.Errorf("the one-pass path refused the good fixture: %+v", q)
	}
}
