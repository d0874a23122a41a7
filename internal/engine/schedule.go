package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"ordermon/kalshi"
)

// plan is one round's Kalshi order reads, chosen by token cost. Its
// slices hold indexes into the round's items.
type plan struct {
	// single orders are read one by one (GetOrder, 2 tokens each).
	single []int
	// batches read many orders in one GetOrders call (10 tokens a page).
	batches []orderBatch
	// deferred orders wait for a later round: the budget ran out.
	deferred []int
	budget   int // tokens this round may spend; 0 means unlimited
	cost     int // tokens planned so far
	// reserve is kept back from order reads for the queue-position and
	// market reads that follow them; released once the orders are read.
	reserve int
	costs   kalshi.Costs
	// listErr is why a listing failed this round, when it did.
	listErr error
	// resting is what the account-wide listing of resting orders
	// returned, when the round made one.
	resting *batchOut
}

// listView is what planOrders needs of the engine's round state.
type listView struct {
	// discoveryFull: the account has more resting orders than a round
	// pages through, so orders whose event is known are read by event.
	discoveryFull bool
	// noListings: listings keep failing, so orders are read one by one.
	noListings bool
	// discover: the account's resting orders are listed even when no
	// watched order needs it, to find new ones (All).
	discover bool
}

// listingPause is how long orders are read one by one after a listing
// failed even in smaller pages, before a listing is tried again.
const listingPause = 30 * time.Second

func (e *Engine) listView(in roundIn) listView {
	return listView{discoveryFull: e.discoveryFull, noListings: !e.listingFailed.IsZero() && in.start.Sub(e.listingFailed) < listingPause,
		discover: in.allKalshi}
}

// orderBatch is one GetOrders listing and the watched orders it should
// return.
type orderBatch struct {
	events []string
	// status, when set, lists every order of the account with that status
	// instead of by event: the discovery batch for orders whose event is
	// not known yet.
	status kalshi.OrderStatus
	items  []int
	minTs  int64
}

// afford reports whether n more tokens fit the budget, and if so spends
// them.
func (p *plan) afford(n int) bool {
	if p.budget > 0 && p.cost+n+p.reserve > p.budget {
		return false
	}
	p.cost += n
	return true
}

// affordN returns how many of n calls of op fit the budget, spending them.
func (p *plan) affordN(op string, n int) int {
	for i := range n {
		if !p.afford(p.costs.Of(op)) {
			return i
		}
	}
	return n
}

// planOrders decides how to read this round's orders, cheapest first. It
// is a pure function of the orders, their last snapshots and the budget.
//
// Orders that were resting last round, or were never read, are found by one
// account-wide read of resting orders (10 tokens a page), where single
// reads would cost 2 each. Orders that stopped resting but are still
// watched are read by event, ten events a call, when more than five share
// a call, else singly. Room is kept for the queue-position and market
// reads, which the screen needs as much as the order. When the budget
// cannot cover every order, the orders refreshed longest ago go first and
// the rest wait; the order on screen is never deferred.
func planOrders(items []item, res []result, budget int, costs kalshi.Costs, lv listView) *plan {
	p := &plan{budget: max(budget, 0), costs: costs}
	if budget > 0 {
		p.reserve = min(auxReserve(items, costs), p.budget/4)
	}
	var todo []int
	for i, it := range items {
		// An order found in Kalshi's historical data is finished; push
		// carries the changes of a covered one.
		if res[i].orderID != "" && !it.prev.KalshiArchived && !it.covered {
			todo = append(todo, i)
		}
	}
	byUrgency(items, todo)
	listCost, orderCost := costs.Of(kalshi.OpGetOrders), costs.Of(kalshi.OpGetOrder)
	var loose, resting []int
	byEvent := map[string][]int{}
	var events []string
	for _, i := range todo {
		prev := items[i].prev.Order
		ev := eventOf(items[i])
		switch {
		case lv.noListings:
			loose = append(loose, i)
		case (prev == nil || prev.Status == kalshi.StatusResting) && (!lv.discoveryFull || ev == ""):
			resting = append(resting, i)
		case items[i].focused:
			loose = append(loose, i)
		case ev != "":
			if _, ok := byEvent[ev]; !ok {
				events = append(events, ev)
			}
			byEvent[ev] = append(byEvent[ev], i)
		default:
			loose = append(loose, i)
		}
	}
	if (lv.discover || len(resting)*orderCost > listCost) && !lv.noListings && p.afford(listCost) {
		p.batches = append(p.batches, orderBatch{status: kalshi.StatusResting, items: resting})
	} else {
		loose = append(loose, resting...)
	}
	loose = append(loose, p.planEvents(items, events, byEvent)...)
	byUrgency(items, loose)
	for _, i := range loose {
		switch {
		case items[i].focused:
			p.cost += orderCost // the order on screen is always refreshed
		case !p.afford(orderCost):
			p.deferred = append(p.deferred, i)
			continue
		}
		p.single = append(p.single, i)
	}
	return p
}

// planEvents batches the orders of busy events, ten events a call, and
// returns the orders better read singly.
func (p *plan) planEvents(items []item, events []string, byEvent map[string][]int) (loose []int) {
	listCost, orderCost := p.costs.Of(kalshi.OpGetOrders), p.costs.Of(kalshi.OpGetOrder)
	// Busiest events first, so batches cover the most orders.
	slices.SortStableFunc(events, func(a, b string) int { return cmp.Compare(len(byEvent[b]), len(byEvent[a])) })
	for len(events) > 0 {
		n := min(kalshi.MaxEventTickers, len(events))
		group := events[:n]
		events = events[n:]
		var covered []int
		for _, ev := range group {
			covered = append(covered, byEvent[ev]...)
		}
		switch {
		case len(covered)*orderCost <= listCost:
			loose = append(loose, covered...)
		case !p.afford(listCost):
			p.deferred = append(p.deferred, covered...)
		default:
			p.batches = append(p.batches, orderBatch{events: slices.Clone(group), items: covered, minTs: batchMinTs(items, covered)})
		}
	}
	return loose
}

// byUrgency sorts order indexes: the focused order first, then the
// longest unrefreshed.
func byUrgency(items []item, idx []int) {
	slices.SortStableFunc(idx, func(a, b int) int {
		if items[a].focused != items[b].focused {
			if items[a].focused {
				return -1
			}
			return 1
		}
		return items[a].prev.Sources.Kalshi.LastSuccess.Compare(items[b].prev.Sources.Kalshi.LastSuccess)
	})
}

// auxReserve estimates the queue-position and market reads the orders will
// need, from the markets their last snapshots name: one call per hundred
// markets for each, and at least one of each before any market is known;
// and one fills read when fills are due.
func auxReserve(items []item, costs kalshi.Costs) int {
	markets := map[string]bool{}
	for _, it := range items {
		if o := it.prev.Order; o != nil {
			markets[o.Ticker] = true
		}
	}
	calls := max(1, (len(markets)+kalshi.MaxMarketTickers-1)/kalshi.MaxMarketTickers)
	n := calls * (costs.Of(kalshi.OpGetQueuePositions) + costs.Of(kalshi.OpGetMarkets))
	for _, it := range items {
		if it.fillsDue {
			// Fills a tight budget deferred get one read's room, so they
			// wait at most a round and are never starved.
			return n + costs.Of(kalshi.OpGetFills)
		}
	}
	return n
}

// eventOf returns the event ticker of an order's market, when a market
// read has told it.
func eventOf(it item) string {
	if m := it.prev.Market; m != nil && m.EventTicker != "" {
		return m.EventTicker
	}
	return ""
}

// batchMinTs bounds a batch to orders created since the oldest watched one
// (less a minute), so Kalshi does not page through the account's history.
// It is 0 (no bound) when a creation time is unknown.
func batchMinTs(items []item, idx []int) int64 {
	var oldest time.Time
	for _, i := range idx {
		o := items[i].prev.Order
		if o == nil || o.CreatedTime.IsZero() {
			return 0
		}
		if oldest.IsZero() || o.CreatedTime.Before(oldest) {
			oldest = o.CreatedTime
		}
	}
	return oldest.Add(-time.Minute).Unix()
}

// scheduleNote describes a stretched schedule for the footer, or "".
func scheduleNote(p *plan, total int, interval time.Duration) string {
	if p == nil || total == 0 {
		return ""
	}
	if p.listErr != nil {
		return fmt.Sprintf("order listing failed (%s); orders are read one by one", shortError(p.listErr)) +
			strings.TrimPrefix(scheduleNote(&plan{deferred: p.deferred}, total, interval), "rate budget")
	}
	if len(p.deferred) == 0 {
		return ""
	}
	refreshed := total - len(p.deferred)
	every := interval
	if refreshed > 0 {
		every = time.Duration(float64(interval) * float64(total) / float64(refreshed))
	}
	return fmt.Sprintf("rate budget: %d of %d orders refreshed this round; each about every %s", refreshed, total, every.Round(100*time.Millisecond))
}
