package kalshi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The examples of Kalshi's AsyncAPI document (2.0.0), one message each, as
// the server sends them.
const (
	exUserOrder    = `{"type":"user_order","sid":22,"msg":{"order_id":"ee587a1c-8b87-4dcf-b721-9f6f790619fa","user_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","ticker":"FED-23DEC-T3.00","exchange_index":2,"status":"resting","side":"yes","is_yes":true,"outcome_side":"yes","book_side":"bid","yes_price_dollars":"0.3500","fill_count_fp":"0.00","remaining_count_fp":"10.00","initial_count_fp":"10.00","taker_fill_cost_dollars":"0.000000","maker_fill_cost_dollars":"0.000000","taker_fees_dollars":"0.000000","maker_fees_dollars":"0.000000","client_order_id":"my-order-1","order_group_id":"og_123","self_trade_prevention_type":"taker_at_cross","created_time":"2024-12-01T10:00:00Z","created_ts_ms":1733047200000,"expiration_time":"2024-12-01T11:00:00Z","expiration_ts_ms":1733050800000,"subaccount_number":0}}`
	exFill         = `{"type":"fill","sid":13,"msg":{"trade_id":"d91bc706-ee49-470d-82d8-11418bda6fed","order_id":"ee587a1c-8b87-4dcf-b721-9f6f790619fa","client_order_id":"my-order-1","market_ticker":"HIGHNY-22DEC23-B53.5","exchange_index":2,"is_taker":true,"side":"yes","yes_price_dollars":"0.7500","count_fp":"278.00","fee_cost":"0.010000","action":"buy","ts":1671899397,"ts_ms":1671899397000,"post_position_fp":"500.00","purchased_side":"yes","outcome_side":"yes","book_side":"bid","subaccount":3}}`
	exTicker       = `{"type":"ticker","sid":11,"msg":{"market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","market_ticker":"FED-23DEC-T3.00","price_dollars":"0.4800","yes_bid_dollars":"0.4500","yes_ask_dollars":"0.5300","volume_fp":"33896.00","open_interest_fp":"20422.00","dollar_volume":16948,"dollar_open_interest":10211,"yes_bid_size_fp":"300.00","yes_ask_size_fp":"150.00","last_trade_size_fp":"25.00","ts":1669149841,"ts_ms":1669149841000,"time":"2022-11-22T20:44:01Z"}}`
	exSubscribed   = `{"id":1,"type":"subscribed","msg":{"channel":"orderbook_delta","sid":1}}`
	exUnsubscribed = `{"id":102,"sid":2,"seq":7,"type":"unsubscribed"}`
	exOK           = `{"id":123,"sid":456,"seq":222,"type":"ok","msg":{"market_tickers":["MARKET-1","MARKET-2","MARKET-3"]}}`
	exOKList       = `{"id":3,"type":"ok","msg":[{"channel":"orderbook_delta","sid":1},{"channel":"ticker","sid":2},{"channel":"fill","sid":3}]}`
	exError        = `{"id":123,"type":"error","msg":{"code":7,"msg":"Unknown subscription ID"}}`
	exPosition     = `{"type":"market_position","sid":14,"msg":{"user_id":"user123","market_ticker":"FED-23DEC-T3.00","position_fp":"100.00","position_cost_dollars":"50.0000","realized_pnl_dollars":"10.0000","fees_paid_dollars":"1.0000","position_fee_cost_dollars":"0.5000","volume_fp":"15.00"}}`
	exTrade        = `{"type":"trade","sid":11,"seq":2,"msg":{"trade_id":"d91bc706-ee49-470d-82d8-11418bda6fed","market_ticker":"HIGHNY-22DEC23-B53.5","yes_price_dollars":"0.3600","no_price_dollars":"0.6400","count_fp":"136.00","taker_side":"no","taker_outcome_side":"no","taker_book_side":"ask","is_block_trade":false,"ts":1669149841,"ts_ms":1669149841000}}`
)

func mustFrame(t testing.TB, s string) frame {
	t.Helper()
	f, err := decodeFrame([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return f
}

func TestDecodeUserOrderExample(t *testing.T) {
	f := mustFrame(t, exUserOrder)
	o := f.order
	if f.typ != msgUserOrder || f.sid != 22 || o == nil {
		t.Fatalf("frame %+v", f)
	}
	if o.OrderID != "ee587a1c-8b87-4dcf-b721-9f6f790619fa" || o.Ticker != "FED-23DEC-T3.00" || o.Status != StatusResting ||
		o.OutcomeSide != "yes" || o.BookSide != "bid" || o.ExchangeIndex != 2 || o.ClientOrderID != "my-order-1" ||
		o.OrderGroupID != "og_123" || o.SelfTradePreventionType != "taker_at_cross" || o.SubaccountNumber == nil || *o.SubaccountNumber != 0 {
		t.Errorf("order %+v", o)
	}
	wantDec(t, "YesPrice", o.YesPrice, "0.35")
	wantDec(t, "NoPrice (derived)", o.NoPrice, "0.65")
	wantDec(t, "RemainingCount", o.RemainingCount, "10")
	wantTime(t, "CreatedTime", o.CreatedTime, "2024-12-01T10:00:00Z")
	wantTime(t, "ExpirationTime", o.ExpirationTime, "2024-12-01T11:00:00Z")
	if o.Shape != ShapeCurrent || !f.sentAt.IsZero() {
		t.Errorf("shape %v, sentAt %v", o.Shape, f.sentAt)
	}
}

func TestDecodeUserOrderReasonsAndMillis(t *testing.T) {
	for _, reason := range []string{"Decrease", "Amend", "MarginCancel", "SelfTradeCancel", "ExpiryCancel", "CloseCancel",
		"HaltCancel", "Trade", "PostOnlyCrossCancel", "ReduceOnlyCancel", "SomethingNew"} {
		msg := strings.Replace(exUserOrder, `"subaccount_number":0}`, `"subaccount_number":5,"last_update_reason":"`+reason+`",`+
			`"last_update_time":"2024-12-01T10:00:01Z","last_updated_ts_ms":1733047201500,"created_ts_ms":1733047200250}`, 1)
		msg = strings.Replace(msg, `"sid":22,`, `"sid":22,"sending_ts_ms":1733047201600,`, 1)
		f := mustFrame(t, msg)
		if f.order.LastUpdateReason != reason || *f.order.SubaccountNumber != 5 {
			t.Errorf("%s: %+v", reason, f.order)
		}
		// The millisecond fields win over the deprecated RFC 3339 ones.
		wantTime(t, "LastUpdateTime", f.order.LastUpdateTime, "2024-12-01T10:00:01.5Z")
		wantTime(t, "CreatedTime", f.order.CreatedTime, "2024-12-01T10:00:00.25Z")
		wantTime(t, "sentAt", f.sentAt, "2024-12-01T10:00:01.6Z")
	}
	// sending_ts_ms inside msg counts when the envelope has none.
	f := mustFrame(t, strings.Replace(exUserOrder, `"subaccount_number":0}`, `"subaccount_number":0,"sending_ts_ms":1733047209000}`, 1))
	wantTime(t, "sentAt from msg", f.sentAt, "2024-12-01T10:00:09Z")
	// created_ts_ms may be null, as the schema allows.
	f = mustFrame(t, strings.Replace(exUserOrder, `"created_ts_ms":1733047200000`, `"created_ts_ms":null`, 1))
	wantTime(t, "CreatedTime from RFC 3339", f.order.CreatedTime, "2024-12-01T10:00:00Z")
}

func TestDecodeFillExample(t *testing.T) {
	f := mustFrame(t, exFill)
	l := f.fill
	if l == nil || l.FillID != "d91bc706-ee49-470d-82d8-11418bda6fed" || l.TradeID != l.FillID || l.Ticker != "HIGHNY-22DEC23-B53.5" ||
		l.OrderID != "ee587a1c-8b87-4dcf-b721-9f6f790619fa" || !l.IsTaker || l.OutcomeSide != "yes" || l.ExchangeIndex != 2 ||
		l.ClientOrderID != "my-order-1" || l.SubaccountNumber == nil || *l.SubaccountNumber != 3 {
		t.Fatalf("fill %+v", l)
	}
	wantDec(t, "Count", l.Count, "278")
	wantDec(t, "YesPrice", l.YesPrice, "0.75")
	wantDec(t, "NoPrice (derived)", l.NoPrice, "0.25")
	wantDec(t, "FeeCost", l.FeeCost, "0.01")
	wantDec(t, "PostPosition", l.PostPosition, "500")
	wantTime(t, "CreatedTime", l.CreatedTime, "2022-12-24T16:29:57Z")
}

func TestDecodeTickerExample(t *testing.T) {
	tk := mustFrame(t, exTicker).ticker
	if tk == nil || tk.MarketTicker != "FED-23DEC-T3.00" || tk.MarketID != "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1" ||
		tk.DollarVolume != 16948 || tk.DollarOpenInterest != 10211 || tk.Shape != ShapeCurrent {
		t.Fatalf("ticker %+v", tk)
	}
	wantDec(t, "LastPrice", tk.LastPrice, "0.48")
	wantDec(t, "YesBid", tk.YesBid, "0.45")
	wantDec(t, "YesAsk", tk.YesAsk, "0.53")
	wantDec(t, "Volume", tk.Volume, "33896")
	wantDec(t, "OpenInterest", tk.OpenInterest, "20422")
	wantDec(t, "YesBidSize", tk.YesBidSize, "300")
	wantDec(t, "YesAskSize", tk.YesAskSize, "150")
	wantDec(t, "LastTradeSize", tk.LastTradeSize, "25")
	wantTime(t, "Time", tk.Time, "2022-11-22T20:44:01Z")
	// The legacy shape: cents and whole contracts.
	legacy := mustFrame(t, `{"type":"ticker","sid":1,"msg":{"market_ticker":"M","price":48,"yes_bid":45,"yes_ask":53,"volume":10,"open_interest":3,"ts":1669149841}}`).ticker
	if legacy.Shape != ShapeLegacy || !legacy.YesAsk.Equal(dec("0.53")) || !legacy.Volume.Equal(dec("10")) || legacy.Time.Unix() != 1669149841 {
		t.Errorf("legacy ticker %+v", legacy)
	}
}

func TestDecodeControlExamples(t *testing.T) {
	f := mustFrame(t, exSubscribed)
	if f.id != 1 || f.reply.channel != "orderbook_delta" || f.reply.sid != 1 {
		t.Errorf("subscribed %+v %+v", f, f.reply)
	}
	f = mustFrame(t, exUnsubscribed)
	if f.typ != msgUnsubscribed || f.id != 102 || f.sid != 2 || f.reply == nil {
		t.Errorf("unsubscribed %+v", f)
	}
	f = mustFrame(t, exOK)
	if f.id != 123 || f.sid != 456 || !f.reply.hasMarkets || strings.Join(f.reply.markets, ",") != "MARKET-1,MARKET-2,MARKET-3" {
		t.Errorf("ok %+v %+v", f, f.reply)
	}
	f = mustFrame(t, `{"id":9,"sid":4,"seq":1,"type":"ok"}`) // skip_ticker_ack leaves out the list
	if f.reply == nil || f.reply.hasMarkets {
		t.Errorf("ok without a list %+v", f.reply)
	}
	f = mustFrame(t, exOKList)
	if len(f.reply.subs) != 3 || f.reply.subs[2] != (listedSub{Channel: "fill", SID: 3}) {
		t.Errorf("ok list %+v", f.reply)
	}
	f = mustFrame(t, exError)
	if f.reply.code != 7 || f.reply.text != "Unknown subscription ID" || terminalCode(f.reply.code) {
		t.Errorf("error %+v", f.reply)
	}
	for code, terminal := range map[int]bool{10: true, 25: true, 7: false, 9: false, 26: false, 27: false} {
		if terminalCode(code) != terminal {
			t.Errorf("code %d terminal = %v", code, !terminal)
		}
	}
	if s := codeText(25); s != "25 subscription buffer overflow" || codeText(99) != "99" {
		t.Errorf("codeText: %q", s)
	}
}

func TestDecodeIgnoresOtherTypes(t *testing.T) {
	for _, s := range []string{exPosition, exTrade, `{"type":"orderbook_delta","sid":1,"seq":3,"msg":{}}`, `{"type":"new_in_2027","msg":[1,{"a":null}]}`, `{"msg":{}}`} {
		f := mustFrame(t, s)
		if f.order != nil || f.fill != nil || f.ticker != nil || f.reply != nil {
			t.Errorf("%s was read: %+v", s, f)
		}
	}
}

func TestDecodeFrameErrors(t *testing.T) {
	for in, want := range map[string]string{
		`not json`:   "not a message object",
		`[1]`:        "not a message object",
		`{"type":7}`: "not a message object",
		`{"type":"user_order","sid":"x","msg":{}}`:                                                   "not an integer",
		`{"type":"user_order","msg":[]}`:                                                             "want a JSON object",
		`{"type":"user_order","msg":{"fill_count_fp":"-1.00"}}`:                                      `field "fill_count_fp": negative`,
		`{"type":"user_order","msg":{"created_ts_ms":"soon"}}`:                                       "user_order: a field has the wrong type",
		`{"type":"fill","msg":{"count_fp":"1e9"}}`:                                                   `fill field "count_fp"`,
		`{"type":"ticker","msg":{"yes_bid_dollars":"-0.1"}}`:                                         "ticker: a field",
		`{"type":"error","msg":{"code":"seven"}}`:                                                    "error message field",
		`{"type":"ok","msg":[{"sid":"one"}]}`:                                                        "ok message field",
		`{"type":"user_order","msg":{"order_id":"\u001b]0;x\u0007","fill_count_fp":"\u001b[2JNaN"}}`: "not a plain decimal",
	} {
		_, err := decodeFrame([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
		if err != nil && strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("%s: error carries an escape: %q", in, err)
		}
	}
}

// frameSeeds are the fuzz seeds: the examples, and the committed corpus
// in testdata/fuzz/FuzzDecodeStreamFrame.
func frameSeeds(f *testing.F) {
	for _, s := range []string{exUserOrder, exFill, exTicker, exSubscribed, exUnsubscribed, exOK, exOKList, exError, exPosition, exTrade} {
		f.Add([]byte(s))
	}
}

// FuzzDecodeStreamFrame checks that no message panics the decoder, that
// every error is clean single-line text, that accepted orders and fills
// have no negative count, and that error text from the server is clean.
func FuzzDecodeStreamFrame(f *testing.F) {
	frameSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := decodeFrame(b)
		if err != nil {
			if !utf8.ValidString(err.Error()) || strings.ContainsAny(err.Error(), "\x1b\n\r\u009b") {
				t.Fatalf("error is not clean text: %q", err)
			}
			return
		}
		if o := fr.order; o != nil && (o.FillCount.Sign() < 0 || o.RemainingCount.Sign() < 0 || o.InitialCount.Sign() < 0) {
			t.Fatalf("accepted a negative count: %+v", o)
		}
		if l := fr.fill; l != nil && l.Count.Sign() < 0 {
			t.Fatalf("accepted a negative fill: %+v", l)
		}
		if r := fr.reply; r != nil {
			if !utf8.ValidString(r.text) || strings.ContainsAny(r.text, "\x1b\n\r\u009b\u202e") || utf8.RuneCountInString(r.text) > maxErrorText {
				t.Fatalf("error text is not clean: %q", r.text)
			}
		}
	})
}

func TestFuzzCorpusIsCommitted(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeStreamFrame", "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed corpus for FuzzDecodeStreamFrame: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil || !strings.HasPrefix(string(b), "go test fuzz v1\n") {
			t.Errorf("%s is not a fuzz corpus entry", name)
		}
	}
}

// BenchmarkDecodeUserOrderFrame decodes one user_order message, the
// Stream's most common one.
func BenchmarkDecodeUserOrderFrame(b *testing.B) {
	msg := []byte(strings.Replace(exUserOrder, `"sid":22,`, `"sid":22,"sending_ts_ms":1733047201600,`, 1))
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		f, err := decodeFrame(msg)
		if err != nil || f.order == nil {
			b.Fatal(err)
		}
	}
}

// The frames must stay valid JSON for the seeds to mean anything.
func TestExamplesAreJSON(t *testing.T) {
	for _, s := range []string{exUserOrder, exFill, exTicker, exSubscribed, exUnsubscribed, exOK, exOKList, exError, exPosition, exTrade} {
		if !json.Valid([]byte(s)) {
			t.Errorf("not JSON: %s", s)
		}
	}
}
