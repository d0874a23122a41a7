package engine

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"time"

	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Watching everything (Config.All, WatchAll). Besides the orders added by
// hand, the engine watches every resting order on the Kalshi account: a
// round lists the account's resting orders (the same listing it reads
// watched orders with) and watches the ones it did not know, every round
// while push is down and at each reconciliation while it is live; and,
// while it is live, every order user_orders announces is watched from its
// first message. Every round also lists the intent service's 100 most
// recent orders (of Config.Wallet, when set) and watches the unfinished
// ones, before the Kalshi reads, so their Kalshi orders are read as theirs.
// An order found so stays watched for KeepFinished after it finishes, then
// leaves; an order added by hand never leaves by itself.

// WatchAll turns watching every resting order on the account on or off.
// Turning it off stops watching the orders it found; turning it on finds
// them at the next round. It does nothing without Kalshi.
func (e *Engine) WatchAll(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	on = on && e.cfg.Kalshi != nil
	if on == e.all {
		return
	}
	e.all = on
	// The next round lists the account's resting orders even while push
	// is live.
	e.push.reconcileAll = on
	if !on {
		for i := len(e.orders) - 1; i >= 0; i-- {
			if e.orders[i].found {
				e.removeLocked(i)
			}
		}
	}
	e.publishLocked(nil)
	e.syncMarketsLocked()
}

// allPlanLocked says whether this round looks for new resting orders on
// Kalshi, and for new intents, and which orders are known already
// (watched, or removed by the user after being found). e.mu must be held.
func (e *Engine) allPlanLocked(p pushPlan) (kalshiOrders, intents bool, known map[string]bool) {
	kalshiOrders = e.all && (!p.live || p.reconcile)
	intents = e.all && e.cfg.Intents != nil
	if !kalshiOrders && !intents {
		return false, false, nil
	}
	known = make(map[string]bool, len(e.orders)+len(e.dismissed))
	for id := range e.dismissed {
		known[id] = true
	}
	for _, w := range e.orders {
		for _, id := range idsOf(w) {
			known[id] = true
		}
	}
	return kalshiOrders, intents, known
}

// idsOf lists every ID a watched order goes by: the ID it was added as (a
// bare ID may be a Kalshi order), its intent's own ID and the Kalshi order
// that intent names, and the order Kalshi returned.
func idsOf(w *watch) []string {
	ids := []string{w.target.ID}
	if in := w.snap.Intent; in != nil {
		ids = append(ids, in.ID, in.KalshiOrderID)
	}
	if o := w.snap.Order; o != nil {
		ids = append(ids, o.OrderID)
	}
	return ids
}

// watchesOrderLocked reports whether a Kalshi order is watched already,
// or was found and then removed by the user. e.mu must be held.
func (e *Engine) watchesOrderLocked(id string) bool {
	if e.dismissed[id] {
		return true
	}
	for _, w := range e.orders {
		if slices.Contains(idsOf(w), id) {
			return true
		}
	}
	return false
}

// findIntents lists the intent service's most recent orders and adds to
// the round the unfinished ones nobody watches, each with its intent as
// listed, so it is not read again this round. It returns the listing's
// error, for the round's note.
func (e *Engine) findIntents(ctx context.Context, in roundIn, res []result) ([]item, []result, error) {
	if !in.allIntents || !in.intentReady {
		return in.items, res, nil
	}
	list, err := e.cfg.Intents.ListIntents(ctx, e.cfg.Wallet)
	if err != nil {
		if !cutShort(err) {
			e.log.Warn("listing the intent service's orders failed", slog.String("error", shortError(err)))
		}
		return in.items, res, err
	}
	at, items := e.now(), in.items
	for _, x := range list {
		if x.ID == "" || in.known[x.ID] || (Snapshot{Intent: &x}).Terminal() {
			continue
		}
		in.known[x.ID] = true
		t := Target{Kind: KindIntent, ID: x.ID}
		items = append(items, item{target: t, prev: Snapshot{Target: t}})
		res = append(res, result{target: t, intent: read[*pipeline.Intent]{tried: true, at: at, val: &x}, intentAnswered: true})
	}
	return items, res, nil
}

// found adds to the round the resting orders its listing returned that
// nobody watches yet, oldest first, each with the order as read, so the
// queue, market and fill reads that follow cover them too and commit
// starts watching them.
func found(in roundIn, res []result, p *plan) ([]item, []result) {
	if !in.allKalshi || p == nil || p.resting == nil {
		return in.items, res
	}
	known := in.known
	for _, r := range res {
		known[r.orderID] = true
	}
	var fresh []kalshi.Order
	for id, o := range p.resting.found {
		if !known[id] && id != "" {
			fresh = append(fresh, o)
		}
	}
	slices.SortFunc(fresh, func(a, b kalshi.Order) int {
		return cmp.Or(a.CreatedTime.Compare(b.CreatedTime), cmp.Compare(a.OrderID, b.OrderID))
	})
	items := in.items
	for _, o := range fresh {
		t := Target{Kind: KindKalshi, ID: o.OrderID}
		items = append(items, item{target: t, prev: Snapshot{Target: t}})
		res = append(res, result{target: t, orderID: o.OrderID,
			order: read[*kalshi.Order]{tried: true, at: p.resting.at, lat: p.resting.lat, val: &o}})
	}
	return items, res
}

// adoptLocked starts watching an order found on the account, unless it is
// watched already or the user removed it; it returns the new watch, or
// nil. e.mu must be held.
func (e *Engine) adoptLocked(t Target) *watch {
	if _, ok := e.index[t.String()]; ok || e.dismissed[t.ID] {
		return nil
	}
	w := &watch{key: t.String(), target: t, snap: Snapshot{Target: t}, found: true}
	e.orders = append(e.orders, w)
	e.index[w.key] = w
	return w
}

// expireLocked stops watching the found orders that finished KeepFinished
// ago. e.mu must be held.
func (e *Engine) expireLocked(now time.Time) {
	for i := len(e.orders) - 1; i >= 0; i-- {
		w := e.orders[i]
		if w.found && !w.finishedAt.IsZero() && now.Sub(w.finishedAt) >= e.cfg.KeepFinished {
			e.removeLocked(i)
		}
	}
}

// removeLocked stops watching e.orders[i]. e.mu must be held.
func (e *Engine) removeLocked(i int) {
	w := e.orders[i]
	e.orders = append(e.orders[:i:i], e.orders[i+1:]...)
	delete(e.index, w.key)
	e.tracker.Forget(w.target)
}
