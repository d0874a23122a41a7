package kalshitest

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// seedOrder is a partly filled no order with sub-penny costs, to check
// that every figure is served exactly.
func seedOrder(f *fixture) {
	created := f.clk.Now().Add(-time.Hour)
	f.x.PutMarket(MarketState{
		Ticker: "KXHIGHNY-26SEP01-B75.5", EventTicker: "KXHIGHNY-26SEP01", Title: "NYC high",
		YesSubTitle: "75° to 76°", NoSubTitle: "not 75° to 76°", Status: "active",
		YesBid: d("0.55"), YesAsk: d("0.58"), LastPrice: d("0.5650"),
		CloseTime: time.Date(2026, 9, 2, 4, 0, 0, 0, time.UTC),
	})
	f.x.PutOrder(OrderState{
		OrderID: "o1", UserID: "u1", ClientOrderID: "c1", Ticker: "KXHIGHNY-26SEP01-B75.5",
		OutcomeSide: "no", YesPrice: d("0.44"), InitialCount: d("10"), CreatedTime: created,
		QueueAhead: d("12"),
	})
	f.x.Fill("o1", d("2.5"), d("0.56"), d("0.0123"), true)
}

func TestGetOrderShape(t *testing.T) {
	f := newFixture(t, Options{})
	seedOrder(f)
	r := f.get(t, "/portfolio/orders/o1")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	o := sub(t, object(t, r.body), "order")
	now := f.clk.Now().UTC().Format(time.RFC3339Nano)
	wantFields(t, "order", o, map[string]any{
		"order_id": "o1", "user_id": "u1", "client_order_id": "c1", "ticker": "KXHIGHNY-26SEP01-B75.5",
		"outcome_side": "no", "book_side": "ask", "side": "no", "action": "buy",
		"type": "limit", "status": "resting",
		"yes_price_dollars": "0.4400", "no_price_dollars": "0.5600",
		"fill_count_fp": "2.50", "remaining_count_fp": "7.50", "initial_count_fp": "10.00",
		"taker_fees_dollars": "0.0123", "maker_fees_dollars": "0.0000",
		"taker_fill_cost_dollars": "1.4000", "maker_fill_cost_dollars": "0.0000",
		"created_time":     f.clk.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano),
		"last_update_time": now, "expiration_time": nil,
		"self_trade_prevention_type": nil, "order_group_id": nil,
		"cancel_order_on_pause": false, "subaccount_number": 0, "exchange_index": 0,
	})
	wantAbsent(t, "order", o, "yes_price", "fill_count", "remaining_count", "queue_position", "last_update_reason")
}

func TestGetOrderKeepsSixDecimals(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", YesPrice: d("0.5612"), InitialCount: d("3")})
	f.x.Fill("o1", d("0.33"), d("0.5612"), d("0.000001"), false)
	o := sub(t, object(t, f.get(t, "/portfolio/orders/o1").body), "order")
	wantFields(t, "order", o, map[string]any{
		"maker_fill_cost_dollars": "0.185196", "maker_fees_dollars": "0.000001",
		"yes_price_dollars": "0.5612", "no_price_dollars": "0.4388",
		"fill_count_fp": "0.33", "remaining_count_fp": "2.67",
		"created_time": nil,
	})
}

func TestQueuePositionShape(t *testing.T) {
	f := newFixture(t, Options{})
	seedOrder(f)
	r := f.get(t, "/portfolio/orders/o1/queue_position")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := object(t, r.body)
	wantFields(t, "queue", m, map[string]any{"queue_position_fp": "12.00"})
	if len(m) != 1 {
		t.Errorf("extra fields: %s", r.body)
	}
	if c := f.x.Requests()[0].Cost; c != 10 {
		t.Errorf("cost = %d, want 10", c)
	}

	f.x.Cancel("o1")
	e := wantError(t, f.get(t, "/portfolio/orders/o1/queue_position"), http.StatusBadRequest, "invalid_parameters")
	if e["details"] != "order is not resting" {
		t.Errorf("details = %v", e["details"])
	}
	wantError(t, f.get(t, "/portfolio/orders/nope/queue_position"), http.StatusNotFound, "not_found")
}

func TestQueuePositionZeroOption(t *testing.T) {
	f := newFixture(t, Options{QueueZeroWhenNotResting: true})
	seedOrder(f)
	f.x.Cancel("o1")
	r := f.get(t, "/portfolio/orders/o1/queue_position")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	wantFields(t, "queue", object(t, r.body), map[string]any{"queue_position_fp": "0.00"})
}

func TestQueuePositionsShape(t *testing.T) {
	f := newFixture(t, Options{})
	seedOrder(f)
	f.x.PutOrder(OrderState{OrderID: "o2", Ticker: "KXOTHER-26SEP01-X", OutcomeSide: "yes", InitialCount: d("1"), QueueAhead: d("3.5")})
	f.x.PutOrder(OrderState{OrderID: "o3", Ticker: "KXOTHER-26SEP01-X", OutcomeSide: "yes", InitialCount: d("1"), Status: StatusExecuted})

	r := f.get(t, "/portfolio/orders/queue_positions?market_tickers=KXHIGHNY-26SEP01-B75.5,KXOTHER-26SEP01-X")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	qs := list(t, object(t, r.body), "queue_positions")
	got := map[string]string{}
	for _, q := range qs {
		wantFields(t, "queue entry", q, map[string]any{"order_id": q["order_id"], "market_ticker": q["market_ticker"]})
		got[q["order_id"].(string)] = q["queue_position_fp"].(string)
	}
	if len(got) != 2 || got["o1"] != "12.00" || got["o2"] != "3.50" {
		t.Fatalf("queue positions = %v, want o1 12.00 and o2 3.50 (executed o3 left out)", got)
	}

	r = f.get(t, "/portfolio/orders/queue_positions?event_ticker=KXHIGHNY-26SEP01")
	if qs := list(t, object(t, r.body), "queue_positions"); len(qs) != 1 || qs[0]["order_id"] != "o1" {
		t.Fatalf("by event: %s", r.body)
	}
	r = f.get(t, "/portfolio/orders/queue_positions?market_tickers=EMPTY-1")
	if m := object(t, r.body); m["queue_positions"] != nil {
		t.Fatalf("no resting orders: %s, want null list", r.body)
	}
	wantError(t, f.get(t, "/portfolio/orders/queue_positions"), http.StatusBadRequest, "invalid_parameters")
}

func TestMarketShape(t *testing.T) {
	f := newFixture(t, Options{})
	seedOrder(f)
	r := f.get(t, "/markets/KXHIGHNY-26SEP01-B75.5")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := sub(t, object(t, r.body), "market")
	wantFields(t, "market", m, map[string]any{
		"ticker": "KXHIGHNY-26SEP01-B75.5", "event_ticker": "KXHIGHNY-26SEP01", "title": "NYC high",
		"yes_sub_title": "75° to 76°", "no_sub_title": "not 75° to 76°", "status": "active",
		"yes_bid_dollars": "0.5500", "yes_ask_dollars": "0.5800",
		"no_bid_dollars": "0.4200", "no_ask_dollars": "0.4500",
		"last_price_dollars": "0.5650", "close_time": "2026-09-02T04:00:00Z",
	})
	wantAbsent(t, "market", m, "yes_bid", "last_price")
	wantError(t, f.get(t, "/markets/NOPE"), http.StatusNotFound, "not_found")
}

func TestFillsShape(t *testing.T) {
	f := newFixture(t, Options{})
	seedOrder(f)
	f.clk.Add(time.Second)
	f.x.Fill("o1", d("1"), d("0.57"), d("0"), false)
	r := f.get(t, "/portfolio/fills?order_id=o1")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	body := object(t, r.body)
	wantFields(t, "fills", body, map[string]any{"cursor": ""})
	fills := list(t, body, "fills")
	if len(fills) != 2 {
		t.Fatalf("fills = %d, want 2", len(fills))
	}
	newest, oldest := fills[0], fills[1]
	at := f.clk.Now().Add(-time.Second)
	wantFields(t, "fill", oldest, map[string]any{
		"fill_id": oldest["trade_id"], "order_id": "o1",
		"ticker": "KXHIGHNY-26SEP01-B75.5", "market_ticker": "KXHIGHNY-26SEP01-B75.5",
		"outcome_side": "no", "book_side": "ask", "side": "no", "action": "buy",
		"count_fp": "2.50", "yes_price_dollars": "0.4400", "no_price_dollars": "0.5600",
		"is_taker": true, "fee_cost": "0.0123",
		"created_time": at.UTC().Format(time.RFC3339Nano), "ts": int(at.Unix()), "exchange_index": 0,
	})
	wantFields(t, "fill", newest, map[string]any{"count_fp": "1.00", "is_taker": false, "no_price_dollars": "0.5700"})
	if id, _ := oldest["fill_id"].(string); len(id) != 36 {
		t.Errorf("fill_id %q is not UUID-shaped", id)
	}
	if got := list(t, object(t, f.get(t, "/portfolio/fills?order_id=other").body), "fills"); len(got) != 0 {
		t.Errorf("fills of another order: %v", got)
	}
}

func TestNotFoundAndMethod(t *testing.T) {
	f := newFixture(t, Options{})
	wantError(t, f.get(t, "/portfolio/orders/nope"), http.StatusNotFound, "not_found")
	wantError(t, f.get(t, "/portfolio/balance"), http.StatusNotFound, "not_found")
	wantError(t, f.get(t, "/portfolio/orders/"), http.StatusNotFound, "not_found")
	r := f.do(t, f.sg, http.MethodPost, "/portfolio/orders")
	wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
	if r.header.Get("Allow") != "GET" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
	r = f.do(t, f.sg, http.MethodDelete, "/portfolio/orders/o1")
	wantError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestGetOrdersPaging(t *testing.T) {
	f := newFixture(t, Options{})
	base := f.clk.Now().Add(-time.Hour)
	for i := range 250 {
		f.x.PutOrder(OrderState{
			OrderID: fmt.Sprintf("o%03d", i), Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("1"),
			// Pairs of orders share a creation time, so ties must page correctly.
			CreatedTime: base.Add(time.Duration(i/2) * time.Second),
		})
	}
	seen := map[string]bool{}
	var order []string
	cursor := ""
	pages := 0
	for {
		q := "/portfolio/orders?limit=100"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		r := f.get(t, q)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		body := object(t, r.body)
		for _, o := range list(t, body, "orders") {
			id := o["order_id"].(string)
			if seen[id] {
				t.Fatalf("order %s served twice", id)
			}
			seen[id] = true
			order = append(order, id)
		}
		pages++
		cursor, _ = body["cursor"].(string)
		if cursor == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if pages != 3 || len(seen) != 250 {
		t.Fatalf("pages = %d, orders = %d; want 3 and 250", pages, len(seen))
	}
	if order[0] != "o249" || order[1] != "o248" || order[249] != "o000" {
		t.Fatalf("not newest first: %v … %v", order[:2], order[249])
	}

	r := f.get(t, "/portfolio/orders")
	if n := len(list(t, object(t, r.body), "orders")); n != 100 {
		t.Errorf("default limit served %d", n)
	}
	r = f.get(t, "/portfolio/orders?limit=1000")
	if body := object(t, r.body); len(list(t, body, "orders")) != 250 || body["cursor"] != "" {
		t.Errorf("limit 1000 did not serve everything on one page")
	}
	for _, bad := range []string{"limit=0", "limit=1001", "limit=abc", "limit=-5", "cursor=%21%21", "status=pending", "min_ts=yesterday"} {
		wantError(t, f.get(t, "/portfolio/orders?"+bad), http.StatusBadRequest, "invalid_parameters")
	}
}

func TestGetOrdersFilters(t *testing.T) {
	f := newFixture(t, Options{})
	t0 := f.clk.Now()
	f.x.PutOrder(OrderState{OrderID: "a", Ticker: "EVA-1-X", OutcomeSide: "yes", InitialCount: d("1"), CreatedTime: t0})
	f.x.PutOrder(OrderState{OrderID: "b", Ticker: "EVA-1-Y", OutcomeSide: "yes", InitialCount: d("1"), CreatedTime: t0.Add(10 * time.Second), Status: StatusCanceled})
	f.x.PutOrder(OrderState{OrderID: "c", Ticker: "EVB-2-X", OutcomeSide: "no", InitialCount: d("1"), CreatedTime: t0.Add(20 * time.Second)})
	f.x.PutMarket(MarketState{Ticker: "ODD", EventTicker: "EVB-2"})
	f.x.PutOrder(OrderState{OrderID: "d", Ticker: "ODD", OutcomeSide: "no", InitialCount: d("1"), CreatedTime: t0.Add(30 * time.Second)})

	ids := func(q string) string {
		t.Helper()
		r := f.get(t, "/portfolio/orders?"+q)
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", q, r.status, r.body)
		}
		s := ""
		for _, o := range list(t, object(t, r.body), "orders") {
			s += o["order_id"].(string)
		}
		return s
	}
	cases := map[string]string{
		"ticker=EVA-1-X":           "a",
		"event_ticker=EVA-1":       "ba",
		"event_ticker=EVA-1,EVB-2": "dcba",
		"event_ticker=EVB-2":       "dc",
		"status=resting":           "dca",
		"status=canceled":          "b",
		fmt.Sprintf("min_ts=%d", t0.Add(10*time.Second).Unix()):                                         "dcb",
		fmt.Sprintf("max_ts=%d", t0.Add(10*time.Second).Unix()):                                         "ba",
		fmt.Sprintf("min_ts=%d&max_ts=%d", t0.Add(5*time.Second).Unix(), t0.Add(25*time.Second).Unix()): "cb",
	}
	for q, want := range cases {
		if got := ids(q); got != want {
			t.Errorf("%s: got %q, want %q", q, got, want)
		}
	}
	wantError(t, f.get(t, "/portfolio/orders?event_ticker=a,b,c,d,e,f,g,h,i,j,k"), http.StatusBadRequest, "invalid_parameters")
}
