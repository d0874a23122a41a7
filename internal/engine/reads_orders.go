package engine

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"time"

	"ordermon/kalshi"
)

// Page sizes. A Kalshi order is about a kilobyte of JSON, a fill about
// half that; pages are sized so that a full one stays well under the
// client's body cap (see kalshi.Client.PageLimit), and a listing that
// fails anyway is read again in pages a quarter the size, down to minPage.
const (
	orderBytes    = 1200
	fillBytes     = 600
	minPage       = 25
	maxBatchPages = 5 // pages one listing follows in a round
	maxShrinks    = 1 // times a failed listing is read again in smaller pages
)

// batchOut is what one GetOrders listing returned.
type batchOut struct {
	found     map[string]kalshi.Order
	pages     int
	truncated bool // more pages than a round reads
	err       error
	at        time.Time
	lat       time.Duration
}

// readOrders reads the orders the plan names: the batches first, then,
// singly, what the batches missed or could not read (budget permitting),
// then Kalshi's historical orders for orders it no longer serves.
func (e *Engine) readOrders(ctx context.Context, items []item, res []result, p *plan) {
	outs := make([]batchOut, len(p.batches))
	panics := e.parallel(ctx, "order listing", len(p.batches), e.cfg.KalshiConcurrency, func(i int) {
		outs[i] = e.readBatch(ctx, p.batches[i])
	})
	for i, b := range p.batches {
		if len(panics) > 0 && panics[i] != nil {
			outs[i].err = panics[i]
		}
		e.applyBatch(items, res, p, b, outs[i])
	}
	// The room kept for queue and market reads is theirs from here on.
	p.reserve = 0
	panics = e.parallel(ctx, "order read", len(p.single), e.cfg.KalshiConcurrency, func(k int) {
		r := &res[p.single[k]]
		r.order = read[*kalshi.Order]{tried: true, at: e.now()}
		o, err := e.cfg.Kalshi.GetOrder(ctx, r.orderID)
		r.order.lat = e.now().Sub(r.order.at)
		if err != nil {
			r.order.err = err
			return
		}
		r.order.val = &o
	})
	for k, err := range panics {
		if err != nil {
			res[p.single[k]].order.err = err
		}
	}
	e.readHistory(ctx, items, res, p)
}

// applyBatch hands each order of a batch its reply. An order the listing
// did not return (it stopped resting, or the listing failed) is read singly
// when the budget allows; one it cannot afford keeps its last data, and
// the round's note names the listing's error.
func (e *Engine) applyBatch(items []item, res []result, p *plan, b orderBatch, out batchOut) {
	p.cost += (out.pages - 1) * p.costs.Of(kalshi.OpGetOrders)
	switch {
	case out.err == nil:
		e.listingFailed = time.Time{}
	case shrinkable(out.err):
		e.listingFailed, p.listErr = e.now(), out.err
	}
	if b.status != "" {
		// An account with more resting orders than a round can page
		// through is better read by event from now on.
		e.discoveryFull = out.truncated
		p.resting = &out
	}
	orderCost := p.costs.Of(kalshi.OpGetOrder)
	for _, i := range b.items {
		r := &res[i]
		if o, ok := out.found[r.orderID]; ok {
			r.order = read[*kalshi.Order]{tried: true, at: out.at, lat: out.lat, val: &o}
			continue
		}
		switch {
		case items[i].focused:
			p.cost += orderCost
			p.single = append(p.single, i)
		case p.afford(orderCost):
			p.single = append(p.single, i)
		default:
			// It keeps its last data; the round's note says why.
			p.deferred = append(p.deferred, i)
		}
	}
}

// readBatch runs one listing. When it fails for a reason smaller pages
// may get past (a page over the body cap, a 5xx after the client's
// retries, a bad reply or cursor), it is read again in smaller pages; the
// orders found on pages that did arrive are kept either way.
func (e *Engine) readBatch(ctx context.Context, b orderBatch) batchOut {
	limit := e.cfg.Kalshi.PageLimit(orderBytes)
	out := e.listOrders(ctx, b, limit)
	for tries := 0; tries < maxShrinks && out.err != nil && shrinkable(out.err) && limit > minPage && ctx.Err() == nil; tries++ {
		limit = max(minPage, limit/4)
		again := e.listOrders(ctx, b, limit)
		again.pages += out.pages
		for id, o := range out.found {
			if _, ok := again.found[id]; !ok {
				again.found[id] = o
			}
		}
		out = again
	}
	return out
}

// listOrders follows one listing's pages, up to maxBatchPages.
func (e *Engine) listOrders(ctx context.Context, b orderBatch, limit int) batchOut {
	out := batchOut{found: map[string]kalshi.Order{}, at: e.now()}
	q := kalshi.OrdersQuery{EventTickers: b.events, Status: b.status, Limit: limit, MinTs: b.minTs}
	for out.pages < maxBatchPages {
		out.pages++
		page, err := e.cfg.Kalshi.GetOrders(ctx, q)
		if err != nil {
			out.err = err
			break
		}
		for _, o := range page.Orders {
			out.found[o.OrderID] = o
		}
		if page.Cursor == "" {
			break
		}
		q.Cursor = page.Cursor
		out.truncated = out.pages == maxBatchPages
	}
	out.lat = e.now().Sub(out.at)
	return out
}

// shrinkable reports whether a listing that failed with err may succeed
// in smaller pages: a page over the body cap, a bad reply or cursor, or a
// 5xx after the client's retries. Not when the credentials were refused,
// the account is rate-limited, no reply came at all (a timeout or a reset,
// which the client already retried), or the caller gave up.
func shrinkable(err error) bool {
	switch st := kalshi.StatusOf(err); {
	case st == http.StatusUnauthorized || st == http.StatusForbidden || st == http.StatusTooManyRequests:
		return false
	case st >= 500:
		return true
	}
	var re *kalshi.RequestError
	return !errors.As(err, &re) && !cutShort(err)
}

// readHistory searches Kalshi's historical orders, once per order, for
// orders it answered 404 for, within the budget.
func (e *Engine) readHistory(ctx context.Context, items []item, res []result, p *plan) {
	var lookups []int
	for _, i := range p.single {
		r := &res[i]
		if kalshi.IsNotFound(r.order.err) && !items[i].historyTried && historyTicker(items[i], *r) != "" &&
			p.afford(p.costs.Of(kalshi.OpGetHistoricalOrders)) {
			r.historyTried = true
			lookups = append(lookups, i)
		}
	}
	e.parallel(ctx, "historical order search", len(lookups), e.cfg.KalshiConcurrency, func(k int) {
		r := &res[lookups[k]]
		if o, ok := e.searchHistory(ctx, items[lookups[k]], *r); ok {
			r.order.val, r.order.err, r.archived = &o, nil, true
		}
	})
}

// historyTicker names the market to search Kalshi's historical orders in:
// the order's own ticker if it was ever read, else the market the intent
// names. The historical endpoint has no order-ID filter, so without a
// ticker the search would have to page through the account's history.
func historyTicker(it item, r result) string {
	if o := it.prev.Order; o != nil && tickerErr(o.Ticker) == nil {
		return o.Ticker
	}
	in := cmp.Or(r.intent.val, it.prev.Intent)
	if in != nil && in.MarketID != "" && tickerErr(in.MarketID) == nil {
		return in.MarketID
	}
	return ""
}

// searchHistory looks for the order in its market's historical orders,
// from an hour before it is known to have existed.
func (e *Engine) searchHistory(ctx context.Context, it item, r result) (kalshi.Order, bool) {
	q := kalshi.OrdersQuery{Ticker: historyTicker(it, r), Limit: e.cfg.Kalshi.PageLimit(orderBytes)}
	var since time.Time
	if o := it.prev.Order; o != nil && !o.CreatedTime.IsZero() {
		since = o.CreatedTime
	} else if in := cmp.Or(r.intent.val, it.prev.Intent); in != nil {
		since = cmp.Or(in.OrderPlacedAt, in.CreatedAt)
	}
	if !since.IsZero() {
		q.MinTs = since.Add(-time.Hour).Unix()
	}
	for range maxBatchPages {
		page, err := e.cfg.Kalshi.GetHistoricalOrders(ctx, q)
		if err != nil {
			return kalshi.Order{}, false
		}
		for _, o := range page.Orders {
			if o.OrderID == r.orderID {
				return o, true
			}
		}
		if page.Cursor == "" {
			break
		}
		q.Cursor = page.Cursor
	}
	return kalshi.Order{}, false
}
