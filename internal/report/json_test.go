package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// decodeLine checks that line is exactly one NDJSON line and decodes it
// with numbers kept as text, so a number where a string belongs shows up.
func decodeLine(t *testing.T, line []byte) map[string]any {
	t.Helper()
	if !bytes.HasSuffix(line, []byte("\n")) || bytes.Count(line, []byte("\n")) != 1 {
		t.Fatalf("want exactly one line ending in \\n, got %q", line)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("line is not JSON: %v\n%s", err, line)
	}
	return m
}

// compareJSON asserts got has exactly want's keys at every level, and the
// same value (null vs value included) for each, naming the path of every
// difference.
func compareJSON(t *testing.T, path string, got, want any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %#v, want an object", path, got)
			return
		}
		if gk, wk := keys(g), keys(w); !reflect.DeepEqual(gk, wk) {
			t.Errorf("%s: keys\n got %v\nwant %v", path, gk, wk)
		}
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				compareJSON(t, path+"."+k, gv, wv)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %#v, want %#v", path, got, want)
			return
		}
		for i := range w {
			compareJSON(t, path+"["+string(rune('0'+i))+"]", g[i], w[i])
		}
	default:
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v (%T), want %#v (%T)", path, got, got, want, want)
		}
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func marshal(t *testing.T, s engine.Snapshot) []byte {
	t.Helper()
	line, err := FromSnapshot(s).MarshalLine()
	if err != nil {
		t.Fatalf("MarshalLine: %v", err)
	}
	return line
}

func mustDecode(t *testing.T, s string) map[string]any {
	t.Helper()
	return decodeLine(t, []byte(strings.Join(strings.Fields(s), " ")+"\n"))
}

func TestJSONFullIntentOrder(t *testing.T) {
	want := mustDecode(t, `{
	  "id": "intent:123",
	  "observed_at": "2026-03-14T14:04:05Z",
	  "stage": "placed",
	  "outcome": null,
	  "intent": {
	    "id": "123", "status": "placed", "is_complete": false, "termination_reason": null,
	    "created_at": "2026-03-14T14:00:00Z", "balance_validated_at": "2026-03-14T14:00:05Z",
	    "order_placed_at": "2026-03-14T14:00:07Z", "order_filled_at": null, "txn_filled_at": null,
	    "kalshi_order_id": "ORD-1", "kalshi_fill_count": "3", "tx_hash": null, "chain_id": null
	  },
	  "kalshi": {
	    "order_id": "ORD-1", "client_order_id": "cli-9", "ticker": "KXBTC-26MAR14-B100",
	    "status": "resting", "outcome_side": "yes", "book_side": "bid", "type": "limit",
	    "yes_price_dollars": "0.5600", "no_price_dollars": "0.4400",
	    "fill_count": "3.00", "remaining_count": "7.00", "initial_count": "10.00",
	    "taker_fees_dollars": "0.0700", "maker_fees_dollars": "0.0000",
	    "taker_fill_cost_dollars": "1.6800", "maker_fill_cost_dollars": "0.0000",
	    "queue_position": "120.00",
	    "created_time": "2026-03-14T14:00:07Z", "last_update_time": "2026-03-14T14:01:30Z",
	    "expiration_time": "2026-03-15T14:00:00Z", "last_update_reason": null
	  },
	  "market": {
	    "ticker": "KXBTC-26MAR14-B100", "status": "active",
	    "yes_bid_dollars": "0.5500", "yes_ask_dollars": "0.5700",
	    "no_bid_dollars": "0.4300", "no_ask_dollars": "0.4500",
	    "close_time": "2026-03-15T00:00:00Z"
	  },
	  "diagnosis": [{"code": "partial_fill", "severity": "info", "message": "3 of 10 contracts filled"}],
	  "errors": {"kalshi": "kalshi: GET /portfolio/orders/ORD-1: timeout", "pipeline": null, "queue": null, "market": null, "fills": null}
	}`)
	compareJSON(t, "$", decodeLine(t, marshal(t, placedSnapshot())), want)
}

func TestJSONCompletedIntentOnChain(t *testing.T) {
	s := placedSnapshot()
	in := *s.Intent
	in.Status = pipeline.StatusCompleted
	in.IsComplete = true
	in.OrderFilledAt = t0.Add(time.Minute)
	in.TxnFilledAt = t0.Add(70 * time.Second)
	in.TxHash = "0xabc"
	in.ChainID = 8453
	s.Intent = &in
	s.QueueAhead = nil
	s.Sources.Kalshi.Err = ""
	s.Diagnosis = nil

	got := decodeLine(t, marshal(t, s))
	compareJSON(t, "$.outcome", got["outcome"], "success")
	compareJSON(t, "$.stage", got["stage"], "completed")
	intent := got["intent"].(map[string]any)
	compareJSON(t, "$.intent.tx_hash", intent["tx_hash"], "0xabc")
	compareJSON(t, "$.intent.chain_id", intent["chain_id"], json.Number("8453"))
	compareJSON(t, "$.intent.is_complete", intent["is_complete"], true)
	compareJSON(t, "$.intent.txn_filled_at", intent["txn_filled_at"], "2026-03-14T14:01:10Z")
	compareJSON(t, "$.kalshi.queue_position", got["kalshi"].(map[string]any)["queue_position"], nil)
	compareJSON(t, "$.diagnosis", got["diagnosis"], []any{})
	compareJSON(t, "$.errors", got["errors"], map[string]any{"kalshi": nil, "pipeline": nil, "queue": nil, "market": nil, "fills": nil})
}

func TestJSONFailedIntent(t *testing.T) {
	s := placedSnapshot()
	in := *s.Intent
	in.Status = pipeline.StatusFailed
	in.IsComplete = true
	in.TerminationReason = "insufficient balance"
	s.Intent = &in
	got := decodeLine(t, marshal(t, s))
	compareJSON(t, "$.outcome", got["outcome"], "failure")
	compareJSON(t, "$.intent.termination_reason", got["intent"].(map[string]any)["termination_reason"], "insufficient balance")
}

func TestJSONKalshiOnly(t *testing.T) {
	got := decodeLine(t, marshal(t, kalshiOnlySnapshot()))
	compareJSON(t, "$.id", got["id"], "kalshi:ORD-2")
	compareJSON(t, "$.stage", got["stage"], "executed")
	compareJSON(t, "$.outcome", got["outcome"], "success")
	compareJSON(t, "$.intent", got["intent"], nil)
	compareJSON(t, "$.market", got["market"], nil)
	k := got["kalshi"].(map[string]any)
	compareJSON(t, "$.kalshi.client_order_id", k["client_order_id"], nil)
	compareJSON(t, "$.kalshi.maker_fees_dollars", k["maker_fees_dollars"], "0")
	compareJSON(t, "$.kalshi.expiration_time", k["expiration_time"], nil)
	compareJSON(t, "$.errors", got["errors"], map[string]any{"kalshi": nil, "pipeline": nil, "queue": nil, "market": nil, "fills": nil})

	compareJSON(t, "$.kalshi.last_update_reason", k["last_update_reason"], nil)

	s := kalshiOnlySnapshot()
	o := *s.Order
	o.Status, o.LastUpdateReason = kalshi.StatusCanceled, "ExpiryCancel"
	s.Order = &o
	got = decodeLine(t, marshal(t, s))
	compareJSON(t, "$.outcome", got["outcome"], "failure")
	compareJSON(t, "$.kalshi.last_update_reason", got["kalshi"].(map[string]any)["last_update_reason"], "ExpiryCancel")
}

func TestJSONNothingKnownYet(t *testing.T) {
	s := engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindAuto, ID: "77"},
		ObservedAt: t0,
		Sources: engine.Sources{
			Intent: engine.SourceStatus{Used: true, Err: "pipeline: GET /v1/order/77: Service Unavailable", LastAttempt: t0},
			Kalshi: engine.SourceStatus{Used: true, NotFound: true},
		},
	}
	want := mustDecode(t, `{"id": "77", "observed_at": "2026-03-14T14:00:00Z", "stage": null, "outcome": null,
	  "intent": null, "kalshi": null, "market": null, "diagnosis": [],
	  "errors": {"kalshi": "not found", "pipeline": "pipeline: GET /v1/order/77: Service Unavailable", "queue": null, "market": null, "fills": null}}`)
	compareJSON(t, "$", decodeLine(t, marshal(t, s)), want)
}

func TestJSONTimesInUTC(t *testing.T) {
	s := kalshiOnlySnapshot()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	s.ObservedAt = time.Date(2026, 3, 14, 10, 0, 0, 250_000_000, ny)
	compareJSON(t, "$.observed_at", decodeLine(t, marshal(t, s))["observed_at"], "2026-03-14T14:00:00.25Z")
}

func TestJSONYearOutOfRangeIsNull(t *testing.T) {
	s := kalshiOnlySnapshot()
	s.Order.ExpirationTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	got := decodeLine(t, marshal(t, s))
	compareJSON(t, "$.kalshi.expiration_time", got["kalshi"].(map[string]any)["expiration_time"], nil)
}

// hostile carries a terminal title change (OSC), a colour (CSI), a C1 CSI,
// DEL, a bidi override and a line separator.
const hostile = "A\x1b]0;pwned\x07B\x1b[31mC\u009b2JD\x7fE\u202eF\u2028G\r\nH"

// evilSnapshot puts hostile text in every string a server sends.
func evilSnapshot() engine.Snapshot {
	s := placedSnapshot()
	in := *s.Intent
	in.ID, in.Status, in.TerminationReason = hostile, pipeline.Status(hostile), hostile
	in.KalshiOrderID, in.TxHash, in.MarketID, in.Side, in.OrderType = hostile, hostile, hostile, hostile, hostile
	in.ClientID, in.ActionType, in.KalshiOrderStatus = hostile, hostile, hostile
	s.Intent = &in
	o := *s.Order
	o.OrderID, o.ClientOrderID, o.Ticker, o.Status = hostile, hostile, hostile, kalshi.OrderStatus(hostile)
	o.OutcomeSide, o.BookSide, o.Type, o.Side, o.Action = hostile, hostile, hostile, hostile, hostile
	o.LastUpdateReason, o.UserID = hostile, hostile
	s.Order = &o
	m := *s.Market
	m.Ticker, m.Status, m.Title, m.YesSubTitle, m.NoSubTitle, m.EventTicker = hostile, hostile, hostile, hostile, hostile, hostile
	s.Market = &m
	s.Target.ID = hostile
	s.Sources.Kalshi.Err = hostile
	s.Sources.Intent.Err = hostile
	s.Diagnosis = []engine.Finding{{Code: hostile, Severity: engine.SevError, Message: hostile}}
	return s
}

// assertTerminalSafe fails if out holds anything a terminal would act on
// or that hides or reorders text.
func assertTerminalSafe(t *testing.T, out string, allowNewlines bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("output is not valid UTF-8")
	}
	for i, r := range out {
		if r == '\n' && allowNewlines {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || invisible(r) {
			t.Fatalf("unsafe rune %U at byte %d in %q", r, i, out)
		}
	}
}

func TestJSONHostileStringsEscapedNotLost(t *testing.T) {
	line := marshal(t, evilSnapshot())
	assertTerminalSafe(t, strings.TrimSuffix(string(line), "\n"), false)
	got := decodeLine(t, line)
	// Server strings survive verbatim for scripts; the errors field is
	// short sanitized text.
	compareJSON(t, "$.intent.termination_reason", got["intent"].(map[string]any)["termination_reason"], hostile)
	compareJSON(t, "$.kalshi.ticker", got["kalshi"].(map[string]any)["ticker"], hostile)
	compareJSON(t, "$.market.status", got["market"].(map[string]any)["status"], hostile)
	compareJSON(t, "$.diagnosis[0].message", got["diagnosis"].([]any)[0].(map[string]any)["message"], hostile)
	errs := got["errors"].(map[string]any)
	compareJSON(t, "$.errors.kalshi", errs["kalshi"], "ABCDEF G  H")
}

func TestJSONKeepsHTMLCharacters(t *testing.T) {
	s := kalshiOnlySnapshot()
	s.Order.Ticker = "A&B<C>"
	if line := string(marshal(t, s)); !strings.Contains(line, `"ticker":"A&B<C>"`) {
		t.Errorf("want HTML characters unescaped, got %s", line)
	}
}

func TestJSONInvalidUTF8(t *testing.T) {
	s := kalshiOnlySnapshot()
	s.Order.Ticker = "bad\xff\xc2"
	line := marshal(t, s)
	assertTerminalSafe(t, strings.TrimSuffix(string(line), "\n"), false)
	decodeLine(t, line)
}

func FuzzMarshalLine(f *testing.F) {
	f.Add(hostile)
	f.Add("plain")
	f.Add("\xc2\x9b\xe2\x80\xae")
	f.Fuzz(func(t *testing.T, s string) {
		snap := kalshiOnlySnapshot()
		snap.Order.Ticker = s
		snap.Target.ID = s
		line := marshal(t, snap)
		assertTerminalSafe(t, strings.TrimSuffix(string(line), "\n"), false)
		got := decodeLine(t, line)
		if utf8.ValidString(s) {
			if k := got["kalshi"].(map[string]any)["ticker"]; s != "" && k != s {
				t.Errorf("ticker %q came back as %q", s, k)
			}
		}
	})
}
