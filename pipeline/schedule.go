package pipeline

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
	if p.budget > 0 && p.cost+n > p.budget {
		return false
	}
	p.cost += n
	return true
}

// planKalshi decides how to read this round's orders. An event with more
// than five watched orders is cheaper read as a batch (10 tokens) than order
// by order (2 tokens each), and ten events share one batch; everything else
// is read singly. When the budget cannot cover every order, the focused
// order goes first, then the orders refreshed longest ago, and the rest wait
// for a later round.
func (e *Engine) planKalshi(work []*fetch, now time.Time) *plan {
	p := &plan{}
	if e.cfg.ReadBudget > 0 {
		p.budget = int(float64(e.cfg.ReadBudget) * e.cfg.Interval.Seconds() * budgetShare)
		p.budget = max(p.budget, kalshi.CostDefault)
	}
	var todo []*fetch
	for _, f := range work {
		if f.orderID != "" {
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

	byEvent := map[string][]*fetch{}
	var events []string
	var loose []*fetch
	for _, f := range todo {
		ev := e.eventOf(f)
		if ev == "" || f.focused {
			loose = append(loose, f)
			continue
		}
		if _, ok := byEvent[ev]; !ok {
			events = append(events, ev)
		}
		byEvent[ev] = append(byEvent[ev], f)
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
	// Orders whose event is unknown (never read yet, say) are mostly
	// resting: one account-wide read of resting orders finds them for 10
	// tokens a page, where single reads cost 2 each plus their queue.
	var focused, unknown []*fetch
	for _, f := range loose {
		if f.focused {
			focused = append(focused, f)
		} else {
			unknown = append(unknown, f)
		}
	}
	if len(unknown)*kalshi.CostGetOrder > kalshi.CostDefault && p.afford(kalshi.CostDefault) {
		p.batches = append(p.batches, orderBatch{status: kalshi.StatusResting, fetch: unknown})
		loose = focused
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
func (e *Engine) readBatch(ctx context.Context, b orderBatch) (missing []*fetch, pages int) {
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
	return missing, pages
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
