package engine

import (
	"cmp"
	"context"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Poll runs one refresh round and returns its result. Canceling ctx ends
// the round early; orders not reached keep their previous data.
//
// A round is a recipe: copy the watched set (begin); read the intents;
// plan the order reads from the last snapshots and the budget, and read
// the orders; plan the queue, market and fill reads from what the orders
// said, with what the budget has left, and read those; then fold every
// result into its snapshot and commit, dropping results for orders
// removed or re-added meanwhile.
func (e *Engine) Poll(ctx context.Context) Round {
	e.round.Lock()
	defer e.round.Unlock()

	learnt := e.startLearning(ctx)
	in := e.begin()
	res := make([]result, len(in.items))
	for i, it := range in.items {
		res[i].target = it.target
	}
	if in.intentReady {
		e.readIntents(ctx, in.items, res)
		in.items, res, in.intentListErr = e.findIntents(ctx, in, res)
		e.checkTokenExpiry(ctx, res)
	}
	var op *plan
	if in.kalshiReady {
		resolveOrderIDs(in.items, res)
		op = planOrders(in.items, res, e.roundBudget(), e.costs, e.listView(in))
		e.readOrders(ctx, in.items, res, op)
		in.items, res = found(in, res, op)
		ap := planAux(in.items, res, op, e.auxView(in.start))
		e.readAux(ctx, in.items, res, ap, op)
	}
	learnt()
	cut := ctx.Err() != nil
	if cut {
		forgetCutShort(res)
	}
	return e.commit(in, res, op, cut)
}

// item is one watched order as a round found it: a copy made under mu,
// read without it. w is the order's identity, used only under mu; it is
// nil for an order the round found (All), not yet watched.
type item struct {
	w       *watch
	target  Target
	prev    Snapshot
	focused bool
	// covered is set when push carries the order's changes, so the round
	// does not read it; pricesPushed when push carries its market's
	// prices, so the market is read only to reconcile (see push.go).
	covered, pricesPushed bool
	// memo is what the engine remembered of the order when the copy was
	// made.
	memo
}

// roundIn is what a round starts from.
type roundIn struct {
	start                    time.Time
	items                    []item
	intentReady, kalshiReady bool
	push                     pushPlan
	// allKalshi says the round lists every resting order to find new
	// ones, allIntents the intent service's recent orders; known holds
	// the IDs watched already.
	allKalshi, allIntents bool
	known                 map[string]bool
	// intentListErr is why listing the intent service's orders failed.
	intentListErr error
}

// read is one figure's outcome in a round: whether it was asked for, when,
// how long it took, the value and the error.
type read[T any] struct {
	tried bool
	at    time.Time
	lat   time.Duration
	val   T
	err   error
}

// result is everything a round learned about one order. Each read writes
// only its own fields of its own orders' results.
type result struct {
	target Target // resolved when a bare ID's intent read answered
	intent read[*pipeline.Intent]
	// intentAnswered is set when the intent service replied at all, so
	// the token it was sent is cached.
	intentAnswered bool
	// intentUnknown is set when a bare ID fell back to Kalshi because the
	// intent service answered 404 for it.
	intentUnknown bool
	orderID       string
	order         read[*kalshi.Order]
	// archived is set when the order was found in Kalshi's historical
	// orders this round; historyTried when they were searched.
	archived, historyTried bool
	queue                  read[*fixed.Decimal]
	market                 read[*kalshi.Market]
	// fills are the fills read this round, to merge with those known;
	// fillsDone says the listing reached its end.
	fills     read[[]kalshi.Fill]
	fillsDone bool
	// tickerErr is set when the order's ticker cannot join a list read.
	tickerErr error
	// pushed is set for a result made from one pushed message rather
	// than a round's reads.
	pushed bool
	// heard, for an order push covers, is when push was last heard from:
	// while the subscription is live, no message means no change, so the
	// order's data is as fresh as that.
	heard time.Time
}

// begin copies the round's input under mu: every order not yet confirmed
// finished, the focused one first, and which sources may be asked.
func (e *Engine) begin() roundIn {
	e.mu.Lock()
	defer e.mu.Unlock()
	// An item holds a whole snapshot, so growing the slice by appends
	// would copy them over and over.
	in := roundIn{start: e.now(), items: make([]item, 0, len(e.orders))}
	in.push = e.pushPlanLocked(in.start)
	in.allKalshi, in.allIntents, in.known = e.allPlanLocked(in.push)
	for _, w := range e.orders {
		if w.done() {
			continue
		}
		it := w.item()
		it.covered, it.pricesPushed = e.coveredLocked(in.push, w.snap)
		it.focused = w.key == e.focus || w.target.String() == e.focus
		in.items = append(in.items, it)
		if it.focused {
			// The focused order goes first, the others keep their order.
			copy(in.items[1:], in.items[:len(in.items)-1])
			in.items[0] = it
		}
	}
	in.intentReady = e.ready(SourceIntent, in.start)
	in.kalshiReady = e.ready(SourceKalshi, in.start)
	return in
}

// ready reports whether a source may be asked this round: it is
// configured, not halted by rejected credentials, and not backing off.
// It runs with mu held.
func (e *Engine) ready(name SourceName, now time.Time) bool {
	s := e.sources[name]
	if !s.health.Used || s.health.Halted {
		return false
	}
	return s.health.RetryAt.IsZero() || !now.Before(s.health.RetryAt)
}

// resolveOrderIDs names each order's Kalshi order: the target's own ID,
// or the one its intent names (this round's reply, else the last).
func resolveOrderIDs(items []item, res []result) {
	for i, it := range items {
		res[i].orderID = orderIDOf(res[i].target, cmp.Or(res[i].intent.val, it.prev.Intent))
	}
}

// orderIDOf is the Kalshi order a target is: its own ID for a Kalshi
// order, the one its intent names for an intent (named by its ID or its
// client ID), else "".
func orderIDOf(t Target, in *pipeline.Intent) string {
	switch {
	case t.Kind == KindKalshi:
		return t.ID
	case t.NamesIntent() && in != nil:
		return in.KalshiOrderID
	}
	return ""
}

// forgetCutShort drops errors that only say the caller ended the round
// (Ctrl+C, --timeout): they say nothing about the sources.
func forgetCutShort(res []result) {
	for i := range res {
		r := &res[i]
		if cutShort(r.intent.err) {
			r.intent = read[*pipeline.Intent]{}
		}
		if cutShort(r.order.err) {
			r.order.err = nil
			r.order.tried = r.order.val != nil
		}
		if cutShort(r.queue.err) {
			r.queue = read[*fixed.Decimal]{}
		}
		if cutShort(r.market.err) {
			r.market = read[*kalshi.Market]{}
		}
		if cutShort(r.fills.err) {
			r.fills, r.fillsDone = read[[]kalshi.Fill]{}, false
		}
	}
}
