package engine

import (
	"errors"
	"testing"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
)

// pushedOrder is order o1 with a status, fill count and last update time.
func pushedOrder(st kalshi.OrderStatus, fills int64, updated time.Time) *kalshi.Order {
	return &kalshi.Order{OrderID: "o1", Ticker: "KXT-1", Status: st, FillCount: fixed.FromInt(fills),
		InitialCount: fixed.FromInt(10), RemainingCount: fixed.FromInt(10 - fills), LastUpdateTime: updated}
}

// TestFoldKeepsTheNewerOrder: a REST reply older, by Kalshi's
// last_update_time, than a push that arrived while it was on its way does
// not put the older state back; a newer or equally new one wins, as a
// late push older than a reconciling read does not.
func TestFoldKeepsTheNewerOrder(t *testing.T) {
	target := Target{Kind: KindKalshi, ID: "o1"}
	env := foldEnv{now: at(10 * sec), kalshi: true}
	cases := []struct {
		name       string
		held, read *kalshi.Order
		pushed     bool
		want       kalshi.OrderStatus
	}{
		{"REST older than a push", pushedOrder(kalshi.StatusCanceled, 0, at(5*sec)), pushedOrder(kalshi.StatusResting, 0, at(3*sec)), false, kalshi.StatusCanceled},
		{"REST newer", pushedOrder(kalshi.StatusResting, 0, at(3*sec)), pushedOrder(kalshi.StatusCanceled, 0, at(5*sec)), false, kalshi.StatusCanceled},
		{"same time: REST wins", pushedOrder(kalshi.StatusResting, 0, at(5*sec)), pushedOrder(kalshi.StatusCanceled, 0, at(5*sec)), false, kalshi.StatusCanceled},
		{"REST in whole seconds", pushedOrder(kalshi.StatusResting, 0, at(5*sec+400*time.Millisecond)), pushedOrder(kalshi.StatusCanceled, 0, at(5*sec)), false, kalshi.StatusCanceled},
		{"late push", pushedOrder(kalshi.StatusExecuted, 10, at(8*sec)), pushedOrder(kalshi.StatusResting, 4, at(6*sec)), true, kalshi.StatusExecuted},
	}
	for _, c := range cases {
		it := item{target: target, prev: Snapshot{Target: target, Order: c.held}}
		r := result{target: target, orderID: "o1", pushed: c.pushed, order: read[*kalshi.Order]{tried: true, at: env.now, val: c.read}}
		s, _ := fold(it, r, env)
		if s.Order.Status != c.want {
			t.Errorf("%s: status %s, want %s", c.name, s.Order.Status, c.want)
		}
		if !s.Sources.Kalshi.LastSuccess.Equal(env.now) {
			t.Errorf("%s: Kalshi answered, but LastSuccess is %v", c.name, s.Sources.Kalshi.LastSuccess)
		}
	}
}

// TestFoldKeepsTheNewerPrices: a market read sent before a pushed price
// arrived does not put the older prices back; one sent after it does.
func TestFoldKeepsTheNewerPrices(t *testing.T) {
	target := Target{Kind: KindKalshi, ID: "o1"}
	env := foldEnv{now: at(10 * sec), kalshi: true}
	market := func(bid string) *kalshi.Market {
		return &kalshi.Market{Ticker: "KXT-1", Status: "active", YesBid: fixed.MustParse(bid)}
	}
	prev := Snapshot{Target: target, Order: pushedOrder(kalshi.StatusResting, 0, at(sec))}
	prev.Market = market("0.40")
	prev.Figures.Market.At = at(8 * sec) // pushed at 8s
	cases := []struct {
		name   string
		sentAt time.Time
		want   string
	}{
		{"read sent before the push", at(7 * sec), "0.40"},
		{"read sent after the push", at(9 * sec), "0.35"},
	}
	for _, c := range cases {
		r := result{target: target, orderID: "o1", market: read[*kalshi.Market]{tried: true, at: c.sentAt, val: market("0.35")}}
		s, _ := fold(item{target: target, prev: prev}, r, env)
		if got := s.Market.YesBid.String(); got != c.want {
			t.Errorf("%s: yes bid %s, want %s", c.name, got, c.want)
		}
	}
	// A pushed price is never older than the last one held.
	push := result{target: target, orderID: "o1", pushed: true, market: read[*kalshi.Market]{tried: true, at: at(7 * sec), val: market("0.38")}}
	if s, _ := fold(item{target: target, prev: prev}, push, env); s.Market.YesBid.String() != "0.38" || !s.Figures.Market.At.Equal(env.now) {
		t.Errorf("push: yes bid %s at %v", s.Market.YesBid, s.Figures.Market.At)
	}
}

// TestFoldTakesWhatPushDoesNotCarry: a market read sent before a pushed
// price keeps the pushed prices but brings the rest of the market (its
// status, close time), which no push carries; a reconciliation is the only
// read of them while push is live, and on a busy market a ticker arrives
// during almost every one.
func TestFoldTakesWhatPushDoesNotCarry(t *testing.T) {
	target := Target{Kind: KindKalshi, ID: "o1"}
	env := foldEnv{now: at(10 * sec), kalshi: true}
	pushed := kalshi.Ticker{MarketTicker: "KXT-1", YesBid: fixed.MustParse("0.40"), YesAsk: fixed.MustParse("0.45"), LastPrice: fixed.MustParse("0.42")}
	held := pushed.ApplyTo(kalshi.Market{Ticker: "KXT-1", Status: "active", Title: "Old title"})
	prev := Snapshot{Target: target, Order: pushedOrder(kalshi.StatusResting, 0, at(sec)), Market: &held}
	prev.Figures.Market.At = at(8 * sec) // pushed at 8s
	rest := kalshi.Market{Ticker: "KXT-1", Status: "closed", Title: "New title", CloseTime: at(9 * sec),
		YesBid: fixed.MustParse("0.30"), YesAsk: fixed.MustParse("0.35"), NoBid: fixed.MustParse("0.65"), NoAsk: fixed.MustParse("0.70"), LastPrice: fixed.MustParse("0.33")}
	r := result{target: target, orderID: "o1", market: read[*kalshi.Market]{tried: true, at: at(7 * sec), val: &rest}}
	s, _ := fold(item{target: target, prev: prev}, r, env)
	want := pushed.ApplyTo(rest)
	if *s.Market != want {
		t.Errorf("market %+v\nwant    %+v", *s.Market, want)
	}
	if !s.Figures.Market.At.Equal(env.now) || s.Figures.Market.Stale() {
		t.Errorf("the read succeeded, but the figure says %+v", s.Figures.Market)
	}
	// A read that failed marks nothing stale: the pushed prices are newer.
	r.market = read[*kalshi.Market]{tried: true, at: at(7 * sec), err: errors.New("500 Internal Server Error")}
	if s, _ := fold(item{target: target, prev: prev}, r, env); *s.Market != held || s.Figures.Market.Stale() {
		t.Errorf("failed read: market %+v, figure %+v", *s.Market, s.Figures.Market)
	}
}

// TestPushedFillsSettleWhatIsDue: a pushed order whose fill count moved
// makes its fills due; the pushed fill that completes them settles that
// and marks every fill up to it known, so no REST fills read follows; a
// fill that never came leaves a read due.
func TestPushedFillsSettleWhatIsDue(t *testing.T) {
	target := Target{Kind: KindKalshi, ID: "o1"}
	env := foldEnv{now: at(10 * sec), kalshi: true}
	prev := Snapshot{Target: target, Order: pushedOrder(kalshi.StatusResting, 0, at(sec))}
	orderPush := result{target: target, orderID: "o1", pushed: true, order: read[*kalshi.Order]{tried: true, val: pushedOrder(kalshi.StatusResting, 3, at(2*sec))}}
	s, m := fold(item{target: target, prev: prev}, orderPush, env)
	if !m.fillsDue {
		t.Fatal("fill count moved by push, but no fills read is due")
	}
	fill := kalshi.Fill{TradeID: "f1", OrderID: "o1", Count: fixed.FromInt(3), CreatedTime: at(2 * sec)}
	fillPush := result{target: target, orderID: "o1", pushed: true, fills: read[[]kalshi.Fill]{tried: true, val: []kalshi.Fill{fill}}}
	s2, m2 := fold(item{target: target, prev: s, memo: m}, fillPush, env)
	if m2.fillsDue || !m2.fillsThrough.Equal(at(2*sec)) || len(s2.Fills) != 1 {
		t.Errorf("after the pushed fill: due %v, through %v, %d fills", m2.fillsDue, m2.fillsThrough, len(s2.Fills))
	}
	if fillsNeeded(item{target: target, prev: s2, memo: memo{fillsThrough: m2.fillsThrough}}, result{}) {
		t.Error("a round would read fills push already brought")
	}
	// REST gives the same fill with both IDs: it is not counted twice.
	rest := fill
	rest.FillID = "f1"
	if got := mergeFills(s2.Fills, []kalshi.Fill{rest}); len(got) != 1 {
		t.Errorf("%d fills after REST read the pushed one again", len(got))
	}

	// A fill push lost: the next order push moves the count past the
	// fills known, and a read is due.
	more := result{target: target, orderID: "o1", pushed: true, order: read[*kalshi.Order]{tried: true, val: pushedOrder(kalshi.StatusResting, 5, at(3*sec))}}
	_, m3 := fold(item{target: target, prev: s2, memo: m2}, more, env)
	if !m3.fillsDue {
		t.Error("fill count ahead of the fills known, but no read is due")
	}
}
