package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"ordermon/kalshi"
)

// budgetShare is the part of the rate budget a round may plan to spend; the
// rest absorbs extra pages and retries, so ordermon never causes its own
// 429s.
const budgetShare = 0.9

// plan is one round's Kalshi reads, chosen by token cost.
type plan struct {
	// single orders are read one by one (GetOrder, 2 tokens each).
	single []*fetch
	// batches read every watched order of up to ten events in one
	// GetOrders call (10 tokens a page).
	batches []orderBatch
	// deferred orders wait for a later round: the budget ran out.
	deferred []*fetch
	budget   int // tokens this round may spend; 0 means unlimited
	cost     int // tokens planned so far
	// reserve is kept back from order reads for the queue-position and
	// market reads that follow them; released once the orders are read.
	reserve int
}

// orderBatch is one GetOrders call and the watched orders it should return.
type orderBatch struct {
	events []string
	// status, when set, asks for every order of the account with that
	// status instead of by event: the discovery batch for orders whose
	// event is not known yet.
	status kalshi.OrderStatus
	fetch  []*fetch
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

// planKalshi decides how to read this round's orders, cheapest first.
//
// Orders that were resting last round, or were never read, are found by one
// account-wide read of resting orders (10 tokens a page of 1,000), where
// single reads would cost 2 each. Orders that stopped resting but are still
// watched (their intent has not finished) are read by event, ten events a
// call, when more than five share a call, else singly. The order on screen
// is always read, in the discovery read or singly. Room is kept for the queue-position and market
// reads, which the screen needs as much as the order. When the budget
// cannot cover every order, the orders refreshed longest ago go first and
// the rest wait for a later round. The order on screen is never deferred.
func (e *Engine) planKalshi(work []*fetch, now time.Time) *plan {
	p := &plan{}
	if e.cfg.ReadBudget > 0 {
		p.budget = int(float64(e.cfg.ReadBudget) * e.cfg.Interval.Seconds() * budgetShare)
		p.budget = max(p.budget, kalshi.CostDefault)
		p.reserve = min(2*kalshi.CostDefault, p.budget/4)
	}
	var todo []*fetch
	for _, f := range work {
		// An order found in Kalshi's historical data is finished; Kalshi
		// is not asked about it again.
		if f.orderID != "" && !f.w.archived {
			todo = append(todo, f)
		}
	}
	// Urgency: the focused order first, then the longest unrefreshed.
	slices.SortStableFunc(todo, func(a, b *fetch) int {
		if a.focused != b.focused {
			if a.focused {
				return -1
			}
			return 1
		}
		return a.w.snap.Sources.Kalshi.LastSuccess.Compare(b.w.snap.Sources.Kalshi.LastSuccess)
	})

	var loose, resting []*fetch
	byEvent := map[string][]*fetch{}
	var events []string
	for _, f := range todo {
		prev := f.w.snap.Order
		ev := e.eventOf(f)
		switch {
		case (prev == nil || prev.Status == kalshi.StatusResting) && (!e.discoveryFull || ev == ""):
			// The focused order too: the batch is planned first, so it
			// is read this round either way, without two extra requests.
			resting = append(resting, f)
		case f.focused:
			loose = append(loose, f)
		case ev != "":
			if _, ok := byEvent[ev]; !ok {
				events = append(events, ev)
			}
			byEvent[ev] = append(byEvent[ev], f)
		default:
			loose = append(loose, f)
		}
	}
	if len(resting)*kalshi.CostGetOrder > kalshi.CostDefault && p.afford(kalshi.CostDefault) {
		p.batches = append(p.batches, orderBatch{status: kalshi.StatusResting, fetch: resting})
	} else {
		loose = append(loose, resting...)
	}

	// Busiest events first, so batches cover the most orders.
	slices.SortStableFunc(events, func(a, b string) int { return cmp.Compare(len(byEvent[b]), len(byEvent[a])) })
	for len(events) > 0 {
		n := min(kalshi.MaxEventTickers, len(events))
		group := events[:n]
		events = events[n:]
		var covered []*fetch
		for _, ev := range group {
			covered = append(covered, byEvent[ev]...)
		}
		if len(covered)*kalshi.CostGetOrder <= kalshi.CostDefault {
			loose = append(loose, covered...)
			continue
		}
		if !p.afford(kalshi.CostDefault) {
			p.deferred = append(p.deferred, covered...)
			continue
		}
		b := orderBatch{events: slices.Clone(group), fetch: covered}
		b.minTs = batchMinTs(covered)
		p.batches = append(p.batches, b)
	}

	slices.SortStableFunc(loose, func(a, b *fetch) int {
		if a.focused != b.focused {
			if a.focused {
				return -1
			}
			return 1
		}
		return a.w.snap.Sources.Kalshi.LastSuccess.Compare(b.w.snap.Sources.Kalshi.LastSuccess)
	})
	for _, f := range loose {
		need := kalshi.CostGetOrder
		if prev := f.w.snap.Order; prev == nil || prev.Status == kalshi.StatusResting {
			need += kalshi.CostDefault // its queue position, read with it
		}
		switch {
		case f.focused:
			p.cost += need // the order on screen is always refreshed
		case !p.afford(need):
			p.deferred = append(p.deferred, f)
			continue
		}
		p.single = append(p.single, f)
	}
	return p
}

// eventOf returns the event ticker of an order's market, when a market
// read has told it.
func (e *Engine) eventOf(f *fetch) string {
	if m := f.w.snap.Market; m != nil && m.EventTicker != "" {
		return m.EventTicker
	}
	return ""
}

// batchMinTs bounds a batch to orders created since the oldest watched one
// (less a minute), so Kalshi does not page through the account's history.
// It is 0 (no bound) when a creation time is unknown.
func batchMinTs(fs []*fetch) int64 {
	var oldest time.Time
	for _, f := range fs {
		o := f.w.snap.Order
		if o == nil || o.CreatedTime.IsZero() {
			return 0
		}
		if oldest.IsZero() || o.CreatedTime.Before(oldest) {
			oldest = o.CreatedTime
		}
	}
	return oldest.Add(-time.Minute).Unix()
}

// maxBatchPages bounds how many pages one batch follows in a round.
const maxBatchPages = 5

// readBatch runs one GetOrders batch and hands each watched order its
// reply. Orders the batch did not return (older than Kalshi's live window,
// say) are returned for a single read.
func (e *Engine) readBatch(ctx context.Context, b orderBatch) (missing []*fetch, pages int, truncated bool) {
	kc := e.cfg.Kalshi
	found := map[string]kalshi.Order{}
	start := e.now()
	q := kalshi.OrdersQuery{EventTickers: b.events, Status: b.status, Limit: kalshi.MaxOrdersLimit, MinTs: b.minTs}
	var err error
	for pages < maxBatchPages {
		var res kalshi.OrdersPage
		pages++
		res, err = kc.GetOrders(ctx, q)
		if err != nil {
			break
		}
		for _, o := range res.Orders {
			found[o.OrderID] = o
		}
		if res.Cursor == "" {
			break
		}
		q.Cursor = res.Cursor
		truncated = pages == maxBatchPages
	}
	lat := e.now().Sub(start)
	for _, f := range b.fetch {
		f.kalshiTry, f.kalshiAt, f.kalshiLat = true, start, lat
		// Orders found on the pages that did arrive are good data even
		// when a later page failed; they still carry the error, since the
		// listing was cut short.
		f.orderErr = err
		if o, ok := found[f.orderID]; ok {
			f.order = &o
			continue
		}
		if err == nil {
			missing = append(missing, f)
		}
	}
	return missing, pages, truncated
}

// scheduleNote describes a stretched schedule for the footer, or "".
func scheduleNote(p *plan, total int, interval time.Duration) string {
	if len(p.deferred) == 0 || total == 0 {
		return ""
	}
	refreshed := total - len(p.deferred)
	every := interval
	if refreshed > 0 {
		every = time.Duration(float64(interval) * float64(total) / float64(refreshed))
	}
	return fmt.Sprintf("rate budget: %d of %d orders refreshed this round; each about every %s", refreshed, total, every.Round(100*time.Millisecond))
}
