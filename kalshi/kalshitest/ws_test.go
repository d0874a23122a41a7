package kalshitest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient is a bare WebSocket client, signed by the tests' own signer, so
// the exchange is checked against Kalshi's documented rules and not
// against ordermon's client.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

// dialWS opens a WebSocket signed by s; it returns the HTTP status when
// the upgrade is refused.
func (f *fixture) dialWS(t *testing.T, s signer) (*wsClient, int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.x.WSURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.sign(t, req)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, f.x.WSURL(), &websocket.DialOptions{HTTPHeader: req.Header}) //nolint:bodyclose // Dial owns the body
	if err != nil {
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		return nil, resp.StatusCode
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return &wsClient{t: t, c: c}, http.StatusSwitchingProtocols
}

func (w *wsClient) send(s string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		w.t.Fatal(err)
	}
}

// next reads one message as a JSON object.
func (w *wsClient) next() map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	if err != nil {
		w.t.Fatalf("read: %v", err)
	}
	return object(w.t, b)
}

// wantWSError reads an error message and checks its code.
func (w *wsClient) wantWSError(id, code int) {
	w.t.Helper()
	m := w.next()
	wantFields(w.t, "error", m, map[string]any{"type": "error"})
	if id != 0 {
		wantFields(w.t, "error", m, map[string]any{"id": id})
	}
	wantFields(w.t, "error msg", sub(w.t, m, "msg"), map[string]any{"code": code})
}

func TestWSHandshakeIsAuthenticated(t *testing.T) {
	f := newFixture(t, Options{})
	_, other := testRSAKeys(t)
	for name, s := range map[string]signer{
		"wrong key":       {keyID: "key-rsa", key: other, now: f.clk.Now},
		"unknown key ID":  {keyID: "nobody", key: f.sg.key, now: f.clk.Now},
		"auto salt":       {keyID: "key-rsa", key: f.sg.key, now: f.clk.Now, saltAuto: true},
		"stale timestamp": {keyID: "key-rsa", key: f.sg.key, now: f.clk.Now, tsShift: -time.Minute},
		"no signature":    {keyID: "key-rsa", key: f.sg.key, now: f.clk.Now, omit: HeaderSignature},
	} {
		if _, status := f.dialWS(t, s); status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, status)
		}
	}
	if _, status := f.dialWS(t, f.sg); status != http.StatusSwitchingProtocols {
		t.Fatalf("good signature: status %d", status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.x.WaitRequests(ctx, 6); err != nil {
		t.Fatal(err)
	}
	reqs := f.x.Requests()
	if len(reqs) != 6 || reqs[5].Status != 101 || reqs[5].Path != WSPath || reqs[5].Charged {
		t.Errorf("requests: %+v", reqs)
	}
	f.x.RefuseUpgrades(http.StatusServiceUnavailable)
	if _, status := f.dialWS(t, f.sg); status != http.StatusServiceUnavailable {
		t.Errorf("refused upgrade: status %d", status)
	}
}

func TestWSCommandsAreChecked(t *testing.T) {
	f := newFixture(t, Options{})
	w, _ := f.dialWS(t, f.sg)
	w.send(`not json`)
	w.wantWSError(0, WSErrProcess)
	w.send(`{"id":1,"cmd":"subscribe"}`)
	w.wantWSError(1, WSErrParams)
	w.send(`{"id":2,"cmd":"subscribe","params":{}}`)
	w.wantWSError(2, WSErrChannels)
	w.send(`{"id":3,"cmd":"subscribe","params":{"channels":["nope"]}}`)
	w.wantWSError(3, WSErrChannel)
	w.send(`{"id":4,"cmd":"subscribe","params":{"channels":["fill"],"market_ticker":"A","market_tickers":["B"]}}`)
	w.wantWSError(4, WSErrParam)
	w.send(`{"id":5,"cmd":"launch"}`)
	w.wantWSError(5, WSErrCommand)
	w.send(`{"id":6,"cmd":"subscribe","params":{"channels":["user_orders","fill"],"market_tickers":["A"]}}`)
	for _, ch := range []string{"user_orders", "fill"} {
		m := w.next()
		wantFields(t, "subscribed", m, map[string]any{"id": 6, "type": "subscribed"})
		wantFields(t, "subscribed msg", sub(t, m, "msg"), map[string]any{"channel": ch})
	}
	for _, tc := range []struct {
		cmd  string
		code int
	}{
		{`{"id":7,"cmd":"update_subscription","params":{"sid":1,"sids":[1],"market_tickers":["B"],"action":"add_markets"}}`, WSErrOneSID},
		{`{"id":7,"cmd":"update_subscription","params":{"sids":[1,2],"market_tickers":["B"],"action":"add_markets"}}`, WSErrOneSID},
		{`{"id":7,"cmd":"update_subscription","params":{"sid":1,"market_tickers":["B"]}}`, WSErrActionMissing},
		{`{"id":7,"cmd":"update_subscription","params":{"sid":1,"market_tickers":["B"],"action":"get_snapshot"}}`, WSErrAction},
		{`{"id":7,"cmd":"update_subscription","params":{"sid":1,"action":"add_markets"}}`, WSErrMarket},
		{`{"id":7,"cmd":"update_subscription","params":{"sid":99,"market_tickers":["B"],"action":"add_markets"}}`, WSErrUnknownSID},
		{`{"id":7,"cmd":"unsubscribe","params":{"sids":[]}}`, WSErrSIDs},
	} {
		w.send(tc.cmd)
		w.wantWSError(7, tc.code)
	}
	w.send(`{"id":8,"cmd":"update_subscription","params":{"sids":[1],"market_tickers":["C","B"],"action":"add_markets"}}`)
	m := w.next()
	wantFields(t, "ok", m, map[string]any{"id": 8, "sid": 1, "type": "ok"})
	if got := sub(t, m, "msg")["market_tickers"]; len(got.([]any)) != 3 {
		t.Errorf("ok lists %v, want the full filter A,B,C", got)
	}
	w.send(`{"id":9,"cmd":"list_subscriptions"}`)
	if l, ok := w.next()["msg"].([]any); !ok || len(l) != 2 {
		t.Errorf("list_subscriptions: %v", l)
	}
	w.send(`{"id":10,"cmd":"unsubscribe","params":{"sids":[2]}}`)
	wantFields(t, "unsubscribed", w.next(), map[string]any{"id": 10, "sid": 2, "type": "unsubscribed", "seq": 1})
}

func TestWSPushesFollowStateAndFilters(t *testing.T) {
	f := newFixture(t, Options{})
	w, _ := f.dialWS(t, f.sg)
	w.send(`{"id":1,"cmd":"subscribe","params":{"channels":["user_orders"],"market_tickers":["MKT-A"]}}`)
	w.next()
	w.send(`{"id":2,"cmd":"subscribe","params":{"channels":["fill","ticker"]}}`)
	w.next()
	w.next()
	f.x.PutOrder(OrderState{OrderID: "o-b", Ticker: "MKT-B", OutcomeSide: "yes", YesPrice: d("0.40"), InitialCount: d("5")})
	f.x.PutOrder(OrderState{OrderID: "o-a", Ticker: "MKT-A", OutcomeSide: "no", YesPrice: d("0.40"), InitialCount: d("5"),
		CreatedTime: f.clk.Now()})
	m := w.next() // o-b's market is not in the filter
	wantFields(t, "user_order", m, map[string]any{"type": "user_order", "sid": 1})
	msg := sub(t, m, "msg")
	wantFields(t, "user_order msg", msg, map[string]any{"order_id": "o-a", "outcome_side": "no", "book_side": "ask",
		"yes_price_dollars": "0.4000", "remaining_count_fp": "5.00", "status": "resting", "created_ts_ms": int(f.clk.Now().UnixMilli())})
	wantAbsent(t, "user_order msg", msg, "no_price_dollars", "type", "action")

	// A scripted step changes REST and pushes in one call.
	f.x.Script("o-a", func(x *Exchange) { x.Fill("o-a", d("2"), d("0.60"), d("0.01"), false) })
	f.x.Advance()
	if fills := f.x.Fills("o-a"); len(fills) != 1 {
		t.Errorf("REST fills after the step: %+v", fills)
	}
	wantFields(t, "order after fill", sub(t, w.next(), "msg"), map[string]any{"fill_count_fp": "2.00"})
	fill := w.next()
	wantFields(t, "fill", fill, map[string]any{"type": "fill", "sid": 2})
	wantFields(t, "fill msg", sub(t, fill, "msg"), map[string]any{"order_id": "o-a", "market_ticker": "MKT-A",
		"count_fp": "2.00", "yes_price_dollars": "0.4000", "post_position_fp": "-2.00", "is_taker": false})

	f.x.MovePrice("MKT-A", d("0.41"), d("0.43"), d("0.42"))
	wantFields(t, "ticker msg", sub(t, w.next(), "msg"), map[string]any{"market_ticker": "MKT-A",
		"yes_bid_dollars": "0.4100", "yes_ask_dollars": "0.4300", "price_dollars": "0.4200"})
	if mk, _ := f.x.Market("MKT-A"); !mk.YesAsk.Equal(d("0.43")) {
		t.Errorf("REST market not moved: %+v", mk)
	}

	f.x.Quietly(func() { f.x.Cancel("o-a") })
	f.x.PushRaw([]byte(`{"type":"marker"}`))
	if m := w.next(); m["type"] != "marker" {
		t.Errorf("a quiet change was pushed: %v", m)
	}
	if o, _ := f.x.Order("o-a"); o.Status != StatusCanceled {
		t.Errorf("a quiet change did not reach REST: %+v", o)
	}
}

func TestWSTerminalErrorEndsSubscription(t *testing.T) {
	f := newFixture(t, Options{})
	w, _ := f.dialWS(t, f.sg)
	w.send(`{"id":1,"cmd":"subscribe","params":{"channels":["user_orders","fill"]}}`)
	w.next()
	w.next()
	f.x.PushError("user_orders", WSErrOverflow, "Subscription buffer overflow")
	m := w.next()
	wantFields(t, "error", m, map[string]any{"type": "error", "sid": 1})
	if st := f.x.WSStats(); len(st.Subscriptions) != 1 || st.Subscriptions[0].Channel != "fill" {
		t.Errorf("subscriptions after a terminal error: %+v", st.Subscriptions)
	}
}

func TestWSDropAndClose(t *testing.T) {
	f := newFixture(t, Options{})
	w, _ := f.dialWS(t, f.sg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.x.WaitWS(ctx, func(st WSStats) bool { return st.Open == 1 }); err != nil {
		t.Fatal(err)
	}
	f.x.DropConnections()
	if _, _, err := w.c.Read(ctx); err == nil || strings.Contains(err.Error(), "deadline") {
		t.Errorf("read after a drop: %v", err)
	}
	if err := f.x.WaitWS(ctx, func(st WSStats) bool { return st.Open == 0 && st.Accepted == 1 }); err != nil {
		t.Errorf("stats: %+v", f.x.WSStats())
	}
	// Close ends open connections rather than waiting for them.
	f.dialWS(t, f.sg)
	f.x.Close()
}
