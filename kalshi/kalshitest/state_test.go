package kalshitest

import (
	"net/http"
	"testing"
	"time"
)

func TestPutOrderDefaults(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("10"), FillCount: d("4")})
	o, ok := f.x.Order("o1")
	if !ok || o.Status != StatusResting || !o.RemainingCount.Equal(d("6")) || o.Action != "buy" {
		t.Fatalf("order = %+v", o)
	}
	f.x.PutOrder(OrderState{OrderID: "o2", Ticker: "T-1", InitialCount: d("10"), FillCount: d("4"), Status: StatusCanceled})
	if o, _ := f.x.Order("o2"); !o.RemainingCount.IsZero() {
		t.Fatalf("canceled order remaining = %s, want 0", o.RemainingCount)
	}
	f.x.PutOrder(OrderState{Ticker: "T-1", InitialCount: d("1")})
	if n := len(list(t, object(t, f.get(t, "/portfolio/orders").body), "orders")); n != 3 {
		t.Fatalf("orders = %d, want 3 (one with a generated ID)", n)
	}
	f.x.RemoveOrder("o1")
	if _, ok := f.x.Order("o1"); ok {
		t.Fatal("removed order still there")
	}
	wantError(t, f.get(t, "/portfolio/orders/o1"), http.StatusNotFound, "not_found")
}

func TestFillTransitions(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", YesPrice: d("0.60"), InitialCount: d("5"), QueueAhead: d("7")})

	f.clk.Add(time.Second)
	f.x.Fill("o1", d("2"), d("0.60"), d("0.02"), true)
	f.clk.Add(time.Second)
	f.x.Fill("o1", d("1.5"), d("0.59"), d("0.01"), false)
	o, _ := f.x.Order("o1")
	if o.Status != StatusResting || !o.FillCount.Equal(d("3.5")) || !o.RemainingCount.Equal(d("1.5")) ||
		!o.TakerFillCost.Equal(d("1.2")) || !o.MakerFillCost.Equal(d("0.885")) ||
		!o.TakerFees.Equal(d("0.02")) || !o.MakerFees.Equal(d("0.01")) ||
		!o.LastUpdateTime.Equal(f.clk.Now()) || !o.QueueAhead.Equal(d("7")) {
		t.Fatalf("after partial fills: %+v", o)
	}

	// An oversized fill is cut to what remains and executes the order.
	f.clk.Add(time.Second)
	f.x.Fill("o1", d("9"), d("0.60"), d("0"), true)
	o, _ = f.x.Order("o1")
	if o.Status != StatusExecuted || !o.FillCount.Equal(d("5")) || !o.RemainingCount.IsZero() ||
		!o.TakerFillCost.Equal(d("2.1")) || !o.QueueAhead.IsZero() {
		t.Fatalf("after final fill: %+v", o)
	}
	fills := f.x.Fills("o1")
	if len(fills) != 3 || !fills[2].Count.Equal(d("1.5")) || fills[0].FillID == fills[1].FillID {
		t.Fatalf("fills = %+v", fills)
	}

	// Executed orders ignore further fills and cancels.
	f.x.Fill("o1", d("1"), d("0.60"), d("0"), true)
	f.x.Cancel("o1")
	if o2, _ := f.x.Order("o1"); o2 != o || len(f.x.Fills("o1")) != 3 {
		t.Fatalf("executed order changed: %+v", o2)
	}
	body := sub(t, object(t, f.get(t, "/portfolio/orders/o1").body), "order")
	wantFields(t, "executed", body, map[string]any{
		"status": "executed", "fill_count_fp": "5.00", "remaining_count_fp": "0.00",
		"taker_fill_cost_dollars": "2.1000", "maker_fill_cost_dollars": "0.8850",
	})
}

func TestFillNoSideRecordsYesPrice(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "no", Action: "sell", YesPrice: d("0.30"), InitialCount: d("1")})
	f.x.Fill("o1", d("1"), d("0.70"), d("0"), true)
	fs := f.x.Fills("o1")
	if len(fs) != 1 || !fs[0].YesPrice.Equal(d("0.30")) {
		t.Fatalf("fills = %+v", fs)
	}
	fill := list(t, object(t, f.get(t, "/portfolio/fills").body), "fills")[0]
	// sell-yes is outcome no, so the deprecated side is yes.
	wantFields(t, "fill", fill, map[string]any{"outcome_side": "no", "side": "yes", "action": "sell", "yes_price_dollars": "0.3000", "no_price_dollars": "0.7000"})
}

func TestFillIgnoresBadInput(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("1")})
	f.x.Fill("nope", d("1"), d("0.5"), d("0"), true)
	f.x.Fill("o1", d("0"), d("0.5"), d("0"), true)
	f.x.Fill("o1", d("-1"), d("0.5"), d("0"), true)
	if o, _ := f.x.Order("o1"); !o.FillCount.IsZero() || len(f.x.Fills("o1")) != 0 {
		t.Fatalf("order = %+v", o)
	}
}

func TestCancelKeepsFills(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", YesPrice: d("0.5"), InitialCount: d("4"), QueueAhead: d("3")})
	f.x.Fill("o1", d("1"), d("0.5"), d("0"), false)
	f.clk.Add(time.Minute)
	f.x.Cancel("o1")
	o, _ := f.x.Order("o1")
	if o.Status != StatusCanceled || !o.FillCount.Equal(d("1")) || !o.RemainingCount.IsZero() ||
		o.LastUpdateReason != CancelReason || !o.LastUpdateTime.Equal(f.clk.Now()) {
		t.Fatalf("after cancel: %+v", o)
	}
	body := sub(t, object(t, f.get(t, "/portfolio/orders/o1").body), "order")
	wantFields(t, "canceled", body, map[string]any{
		"status": "canceled", "fill_count_fp": "1.00", "remaining_count_fp": "0.00",
		"last_update_reason": CancelReason, "maker_fill_cost_dollars": "0.5000",
	})
	if n := len(f.x.Fills("o1")); n != 1 {
		t.Fatalf("fills = %d", n)
	}

	f.x.PutOrder(OrderState{OrderID: "o2", Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("1")})
	f.x.CancelWithReason("o2", "PostOnlyCrossCancel")
	if o, _ := f.x.Order("o2"); o.LastUpdateReason != "PostOnlyCrossCancel" {
		t.Fatalf("reason = %q", o.LastUpdateReason)
	}
}

func TestSetQueue(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "o1", Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("1")})
	f.x.SetQueue("o1", d("42.5"))
	wantFields(t, "queue", object(t, f.get(t, "/portfolio/orders/o1/queue_position").body), map[string]any{"queue_position_fp": "42.50"})
}

func TestScriptAdvance(t *testing.T) {
	f := newFixture(t, Options{})
	f.x.PutOrder(OrderState{OrderID: "a", Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("2")})
	f.x.PutOrder(OrderState{OrderID: "b", Ticker: "T-1", OutcomeSide: "yes", InitialCount: d("2")})
	var trace []string
	step := func(name string, fn func(*Exchange)) func(*Exchange) {
		return func(x *Exchange) { trace = append(trace, name); fn(x) }
	}
	f.x.Script("a",
		step("a1", func(x *Exchange) { x.SetQueue("a", d("5")) }),
		step("a2", func(x *Exchange) { x.Fill("a", d("1"), d("0.5"), d("0"), true) }),
		step("a3", func(x *Exchange) { x.Fill("a", d("1"), d("0.5"), d("0"), true) }),
	)
	f.x.Script("b", step("b1", func(x *Exchange) { x.Cancel("b") }))
	f.x.Script("a") // no steps: no effect

	if p := f.x.Pending(); p != 4 {
		t.Fatalf("pending = %d", p)
	}
	if n := f.x.Advance(); n != 2 {
		t.Fatalf("first advance ran %d", n)
	}
	if o, _ := f.x.Order("b"); o.Status != StatusCanceled {
		t.Fatalf("b = %s", o.Status)
	}
	if n := f.x.Advance(); n != 1 {
		t.Fatalf("second advance ran %d", n)
	}
	f.x.Script("b", step("b2", func(x *Exchange) {}))
	if n := f.x.Advance(); n != 2 {
		t.Fatalf("third advance ran %d", n)
	}
	if n := f.x.Advance(); n != 0 {
		t.Fatalf("finished scripts ran %d", n)
	}
	if o, _ := f.x.Order("a"); o.Status != StatusExecuted {
		t.Fatalf("a = %s", o.Status)
	}
	want := "a1 b1 a2 a3 b2"
	got := ""
	for i, s := range trace {
		if i > 0 {
			got += " "
		}
		got += s
	}
	if got != want {
		t.Fatalf("steps ran %q, want %q", got, want)
	}
}
