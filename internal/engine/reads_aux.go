package engine

import (
	"context"
	"slices"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
)

// auxOut is what the auxiliary reads returned, one entry per call.
type auxOut struct {
	queue   []callOut[map[string]fixed.Decimal] // by order ID
	markets []callOut[map[string]kalshi.Market] // by ticker, only those asked
	fills   fillsOut
	at      time.Time
}

// callOut is one list call's reply or error.
type callOut[T any] struct {
	val T
	err error
}

// fillsOut is the fills read's outcome: the fills of each watched order,
// and, by ticker ("" for an account-wide call), the error and whether the
// listing was cut short.
type fillsOut struct {
	byOrder map[string][]kalshi.Fill
	errs    map[string]error
	cut     map[string]bool
}

// readAux runs the planned queue, market, fill and exchange reads at once,
// each call in its own goroutine with its own result, then hands each
// order its figures.
func (e *Engine) readAux(ctx context.Context, items []item, res []result, ap auxPlan, p *plan) {
	out := auxOut{
		queue:   make([]callOut[map[string]fixed.Decimal], len(ap.queue)),
		markets: make([]callOut[map[string]kalshi.Market], len(ap.markets)),
		at:      e.now(),
	}
	var jobs []func()
	var fail []func(error)
	for k, c := range ap.queue {
		jobs = append(jobs, func() { out.queue[k] = e.readQueue(ctx, c) })
		fail = append(fail, func(err error) { out.queue[k].err = err })
	}
	for k, tickers := range ap.markets {
		jobs = append(jobs, func() { out.markets[k] = e.readMarkets(ctx, tickers) })
		fail = append(fail, func(err error) { out.markets[k].err = err })
	}
	if len(ap.fills.calls) > 0 {
		jobs = append(jobs, func() { out.fills = e.readFills(ctx, items, res, ap.fills, p) })
		fail = append(fail, func(err error) { out.fills = fillsOut{errs: map[string]error{"": err}} })
	}
	if ap.exchange {
		jobs = append(jobs, func() { e.readExchange(ctx) })
		fail = append(fail, func(err error) { e.exchange.Err = shortError(err) })
	}
	for k, err := range e.parallel(ctx, "queue, market or fill read", len(jobs), e.cfg.KalshiConcurrency, func(k int) { jobs[k]() }) {
		if err != nil {
			fail[k](err)
		}
	}
	handOut(items, res, ap, out)
}

// readQueue reads one subaccount's queue positions in some markets.
func (e *Engine) readQueue(ctx context.Context, c queueCall) callOut[map[string]fixed.Decimal] {
	qs, err := e.cfg.Kalshi.GetQueuePositionsIn(ctx, kalshi.QueueQuery{MarketTickers: c.tickers, Subaccount: c.sub})
	pos := map[string]fixed.Decimal{}
	for _, q := range qs {
		if slices.Contains(c.tickers, q.MarketTicker) {
			pos[q.OrderID] = q.Ahead
		}
	}
	return callOut[map[string]fixed.Decimal]{val: pos, err: err}
}

// readMarkets reads some markets; markets not asked for are ignored.
func (e *Engine) readMarkets(ctx context.Context, tickers []string) callOut[map[string]kalshi.Market] {
	ms, err := e.cfg.Kalshi.GetMarkets(ctx, tickers)
	byTicker := map[string]kalshi.Market{}
	for _, m := range ms {
		if slices.Contains(tickers, m.Ticker) {
			byTicker[m.Ticker] = m
		}
	}
	return callOut[map[string]kalshi.Market]{val: byTicker, err: err}
}

// readFills runs the fills calls one after another. When the server
// refuses a ticker list, it says so once (the round state remembers) and
// reads the same markets one a call, or the whole account when they are
// many, as far as the budget allows. It alone spends from p while it
// runs.
func (e *Engine) readFills(ctx context.Context, items []item, res []result, fp fillsPlan, p *plan) fillsOut {
	out := fillsOut{byOrder: map[string][]kalshi.Fill{}, errs: map[string]error{}, cut: map[string]bool{}}
	want := map[string]string{} // order ID → its ticker
	for _, i := range fp.items {
		want[res[i].orderID] = currentOrder(items[i], res[i]).Ticker
	}
	calls := fp.calls
	for len(calls) > 0 && ctx.Err() == nil {
		c := calls[0]
		calls = calls[1:]
		err, cut := e.listFills(ctx, c, fp.minTs, want, out.byOrder)
		if kalshi.IsListRefused(err, len(c)) {
			e.listsRefused = true
			e.log.Info("kalshi refused a ticker list; fills are read one market a call, or account-wide")
			again := planFills(items, res, true).calls
			calls = append(again[:p.affordN(kalshi.OpGetFills, len(again))], calls...)
			continue
		}
		keys := c
		if c == nil {
			keys = []string{""}
		}
		for _, t := range keys {
			out.errs[t], out.cut[t] = err, cut
		}
	}
	return out
}

// listFills follows one fills listing's pages, keeping the fills of the
// watched orders in the markets asked for, and reports its error and
// whether it stopped before the end.
func (e *Engine) listFills(ctx context.Context, tickers []string, minTs int64, want map[string]string, into map[string][]kalshi.Fill) (error, bool) {
	q := kalshi.FillsQuery{Tickers: tickers, MinTs: minTs, Limit: e.cfg.Kalshi.PageLimit(fillBytes)}
	for range maxBatchPages {
		page, err := e.cfg.Kalshi.GetFillsPage(ctx, q)
		if err != nil {
			return err, true
		}
		for _, f := range page.Fills {
			t, ok := want[f.OrderID]
			if ok && (f.Ticker == "" || f.Ticker == t) && (tickers == nil || slices.Contains(tickers, t)) {
				into[f.OrderID] = append(into[f.OrderID], f)
			}
		}
		if page.Cursor == "" {
			return nil, false
		}
		q.Cursor = page.Cursor
	}
	return nil, true
}

// handOut gives each order its queue position, market and fills from the
// calls that covered it.
func handOut(items []item, res []result, ap auxPlan, out auxOut) {
	for k, c := range ap.queue {
		for _, t := range c.tickers {
			for _, i := range ap.queueItems[queueKey{c.sub, t}] {
				r := &res[i]
				r.queue = read[*fixed.Decimal]{tried: true, at: out.at, err: out.queue[k].err}
				if q, ok := out.queue[k].val[r.orderID]; ok && r.queue.err == nil {
					r.queue.val = &q
				}
			}
		}
	}
	for k, tickers := range ap.markets {
		for _, t := range tickers {
			for _, i := range ap.marketItems[t] {
				r := &res[i]
				r.market = read[*kalshi.Market]{tried: true, at: out.at, err: out.markets[k].err}
				if m, ok := out.markets[k].val[t]; ok {
					r.market.val = &m
				}
			}
		}
	}
	for _, i := range ap.fills.items {
		r := &res[i]
		t := currentOrder(items[i], *r).Ticker
		err, ok := out.fills.errs[t]
		if !ok {
			err, ok = out.fills.errs[""]
		}
		if !ok {
			continue // no call covered it: the budget ran out
		}
		r.fills = read[[]kalshi.Fill]{tried: true, at: out.at, val: out.fills.byOrder[r.orderID], err: err}
		r.fillsDone = err == nil && !out.fills.cut[t] && !out.fills.cut[""]
	}
}
