package engine

import (
	"context"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"time"

	"ordermon/kalshi"
)

// Push. Kalshi's WebSocket (Config.Stream) pushes every change to the
// account's orders, every fill and the watched markets' prices. Each
// pushed message is turned into the result a read would have given and
// folded by the same fold as a round's reads, under mu, and committed at
// once, so the front ends (waiting on Changed) show it without waiting for
// a round. The private channels carry no sequence numbers, so a lost
// message cannot be seen: on every connect and reconnect, and every
// ReconcileInterval, a round reads the watched orders over REST and takes
// any difference from REST (logging it). While push is live, rounds read
// orders only for that; queue positions (no channel carries them) and the
// intent service are read every round as before. When push is down or
// refused, rounds read everything, as without push.

// pushMemo is what the engine remembers of push; guarded by Engine.mu.
type pushMemo struct {
	// live is set by the Stream's EventLive and cleared when the
	// connection changes: the engine has taken the reconciliation that
	// going live asks for, so rounds may trust push.
	live bool
	// markets and all are what SetMarkets was last given.
	markets map[string]bool
	all     bool
	// reconcileAll asks the next round to read every watched order;
	// reconcileMarkets, the orders in those markets (which a
	// subscription has just started to carry).
	reconcileAll     bool
	reconcileMarkets map[string]bool
	// reconciled is when a round last read every watched order while push
	// was live.
	reconciled time.Time
	// lastAt and lastSent are the last pushed message's arrival (by the
	// Stream's clock) and Kalshi's sending_ts_ms for it (zero if none).
	lastAt, lastSent time.Time
	// differences counts the orders reconciliation found push had wrong.
	differences int
}

// Start runs the push Stream, when one is configured and Kalshi is, until
// ctx ends, and returns a function that waits for it to stop. Call it once,
// before or after the first Poll; without it the engine only polls.
func (e *Engine) Start(ctx context.Context) (wait func()) {
	s := e.cfg.Stream
	if s == nil || e.cfg.Kalshi == nil {
		return func() {}
	}
	e.mu.Lock()
	e.syncMarketsLocked()
	e.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx, e.onPush)
	}()
	return func() { <-done }
}

// onPush handles one thing the Stream delivers. A panic while folding a
// hostile message is recovered and logged: the message is lost, the
// connection and the program are not.
func (e *Engine) onPush(ev kalshi.StreamEvent) {
	defer func() {
		if r := recover(); r != nil {
			e.log.Error("recovered panic", slog.String("read", "pushed "+ev.Kind.String()), slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
		}
	}()
	e.mu.Lock()
	defer e.mu.Unlock()
	switch ev.Kind {
	case kalshi.EventOrder:
		e.pushOrderLocked(ev)
	case kalshi.EventFill:
		e.pushFillLocked(ev)
	case kalshi.EventTicker:
		e.pushTickerLocked(ev)
	case kalshi.EventLive:
		if ev.Markets == nil {
			e.push.live, e.push.reconcileAll = true, true
		}
		for _, m := range ev.Markets {
			if e.push.reconcileMarkets == nil {
				e.push.reconcileMarkets = map[string]bool{}
			}
			e.push.reconcileMarkets[m] = true
		}
		e.publishLocked(nil)
	case kalshi.EventConnected, kalshi.EventDisconnected:
		// Until the next EventLive, rounds read everything; the footer
		// says so at once.
		e.push.live = false
		e.publishLocked(nil)
	}
}

// pushOrderLocked folds a pushed order into the watched orders it is. With
// All, an order not watched yet is watched from now on.
func (e *Engine) pushOrderLocked(ev kalshi.StreamEvent) {
	id := ev.Order.OrderID
	if id == "" {
		return
	}
	if e.all && !e.watchesOrderLocked(id) {
		e.adoptLocked(Target{Kind: KindKalshi, ID: id})
	}
	e.foldPushLocked(ev, func(w *watch) bool { return watchedOrderID(w) == id }, func(w *watch) result {
		o := ev.Order
		if prev := w.snap.Order; prev != nil && prev.OrderID == id {
			o = kalshi.MergePush(*prev, o)
		}
		return result{orderID: id, order: read[*kalshi.Order]{tried: true, at: ev.At, val: &o}}
	})
}

// pushFillLocked folds a pushed fill into its order.
func (e *Engine) pushFillLocked(ev kalshi.StreamEvent) {
	id := ev.Fill.OrderID
	if id == "" {
		return
	}
	e.foldPushLocked(ev, func(w *watch) bool { return watchedOrderID(w) == id }, func(w *watch) result {
		return result{orderID: id, fills: read[[]kalshi.Fill]{tried: true, at: ev.At, val: []kalshi.Fill{ev.Fill}}}
	})
}

// pushTickerLocked folds a market's pushed prices into every order in
// that market whose market has been read; the rest of a market (its
// title, status, close time) comes only from REST.
func (e *Engine) pushTickerLocked(ev kalshi.StreamEvent) {
	t := ev.Ticker.MarketTicker
	if t == "" {
		return
	}
	e.foldPushLocked(ev, func(w *watch) bool { return w.snap.Market != nil && w.snap.Market.Ticker == t }, func(w *watch) result {
		m := ev.Ticker.ApplyTo(*w.snap.Market)
		return result{market: read[*kalshi.Market]{tried: true, at: ev.At, val: &m}}
	})
}

// foldPushLocked folds a pushed message into every watched order it
// concerns, through the same fold as a round's reads, and commits.
func (e *Engine) foldPushLocked(ev kalshi.StreamEvent, concerns func(*watch) bool, toResult func(*watch) result) {
	e.push.lastAt, e.push.lastSent = ev.At, ev.SentAt
	now := e.now()
	env := e.foldEnvLocked(now)
	var events []Event
	hit := false
	for _, w := range e.orders {
		if !concerns(w) {
			continue
		}
		hit = true
		r := toResult(w)
		r.target, r.pushed = w.target, true
		events = append(events, e.foldLocked(w, r, env)...)
	}
	if hit {
		e.vouchLocked()
		e.publishLocked(events)
		e.syncMarketsLocked()
	}
}

// vouchLocked makes Kalshi's health as fresh as the last frame push heard,
// while push is live: rounds then seldom read orders, and quiet orders are
// not stale. It returns that time, zero when push is not live. e.mu must
// be held.
func (e *Engine) vouchLocked() time.Time {
	p := e.pushStateLocked()
	h := &e.sources[SourceKalshi].health
	h.Pushed = p.Live()
	if !p.Live() {
		return time.Time{}
	}
	if heard := p.Stream.LastFrame; heard.After(h.LastSuccess) {
		h.LastSuccess = heard
	}
	return p.Stream.LastFrame
}

// watchedOrderID is the Kalshi order a watched order is, once known.
func watchedOrderID(w *watch) string {
	return orderIDOf(w.target, w.snap.Intent)
}

// syncMarketsLocked keeps the Stream's markets in step with the watched
// orders' markets: an order's own, or, before Kalshi has it, the market
// its intent names. e.mu must be held.
func (e *Engine) syncMarketsLocked() {
	s := e.cfg.Stream
	if s == nil {
		return
	}
	set := map[string]bool{}
	for _, w := range e.orders {
		if w.done() {
			continue
		}
		if t := marketOf(item{prev: w.snap}, result{}); t != "" && tickerErr(t) == nil {
			set[t] = true
		}
	}
	if e.push.all == e.all && maps.Equal(set, e.push.markets) {
		return
	}
	e.push.markets, e.push.all = set, e.all
	s.SetMarkets(slices.Collect(maps.Keys(set)), e.all)
}
