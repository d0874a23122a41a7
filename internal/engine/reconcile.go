package engine

import (
	"log/slog"
	"strings"
	"time"

	"ordermon/internal/textsafe"
	"ordermon/kalshi"
)

// pushPlan is what push means for one round: whether it is live, and if
// so whether the round reconciles every order, or the orders of some
// markets a subscription has just started to carry.
type pushPlan struct {
	live      bool
	reconcile bool
	markets   map[string]bool
}

// pushPlanLocked decides the round's reconciliation and takes the
// requests for it. e.mu must be held.
func (e *Engine) pushPlanLocked(now time.Time) pushPlan {
	if !e.pushStateLocked().Live() {
		return pushPlan{}
	}
	p := pushPlan{live: true, markets: e.push.reconcileMarkets}
	p.reconcile = e.push.reconcileAll || now.Sub(e.push.reconciled) >= e.cfg.ReconcileInterval
	e.push.reconcileAll, e.push.reconcileMarkets = false, nil
	return p
}

// coveredLocked reports whether push carries an order's changes this
// round, so the round need not read it (push is live and not
// reconciling, and the order is known, in a market the subscriptions
// carry and not one they have only just started to), and whether it
// carries the prices of its market, which has been read. e.mu must be
// held.
func (e *Engine) coveredLocked(p pushPlan, s Snapshot) (order, prices bool) {
	if !p.live || p.reconcile {
		return false, false
	}
	carried := func(t string) bool { return !p.markets[t] && (e.push.all || e.push.markets[t]) }
	prices = s.Market != nil && e.push.markets[s.Market.Ticker] && !p.markets[s.Market.Ticker]
	return s.Order != nil && carried(s.Order.Ticker), prices
}

// settleReconcile records a reconciliation done, or asks for it again when
// the round did not read Kalshi or ended early. e.mu must be held.
func (e *Engine) settleReconcile(p pushPlan, failed bool, now time.Time) {
	switch {
	case !p.live:
	case !failed && p.reconcile:
		e.push.reconciled = now
	case failed:
		e.push.reconcileAll = e.push.reconcileAll || p.reconcile
		for m := range p.markets {
			if e.push.reconcileMarkets == nil {
				e.push.reconcileMarkets = map[string]bool{}
			}
			e.push.reconcileMarkets[m] = true
		}
	}
}

// noteDifference logs an order that a REST read, while push was live,
// found different from what push had said: a pushed message was lost or
// has not arrived. REST's reply is taken (unless it is older; see
// olderOrder), and the difference is counted and logged. e.mu must be
// held.
func (e *Engine) noteDifference(w *watch, r result) {
	rest, held := r.order.val, w.snap.Order
	if rest == nil || held == nil || r.order.err != nil || olderOrder(rest, held) {
		return
	}
	diff := orderDiff(held, rest)
	if diff == "" {
		return
	}
	e.push.differences++
	e.log.Info("reconcile difference", slog.String("order", textsafe.Clean(rest.OrderID)),
		slog.String("target", w.target.String()), slog.String("push then rest", diff))
}

// orderDiff names the fields push carries in which two states of an order
// differ, as "status resting → canceled, fill_count 3 → 5"; "" when
// they agree.
func orderDiff(a, b *kalshi.Order) string {
	var out []string
	add := func(name string, same bool, x, y string) {
		if !same {
			out = append(out, name+" "+textsafe.Short(x, 40)+" → "+textsafe.Short(y, 40))
		}
	}
	add("status", a.Status == b.Status, string(a.Status), string(b.Status))
	add("fill_count", a.FillCount.Equal(b.FillCount), a.FillCount.String(), b.FillCount.String())
	add("remaining_count", a.RemainingCount.Equal(b.RemainingCount), a.RemainingCount.String(), b.RemainingCount.String())
	add("yes_price", a.YesPrice.Equal(b.YesPrice), a.YesPrice.String(), b.YesPrice.String())
	add("fees", a.TotalFees().Equal(b.TotalFees()), a.TotalFees().String(), b.TotalFees().String())
	add("last_update_reason", a.LastUpdateReason == b.LastUpdateReason, a.LastUpdateReason, b.LastUpdateReason)
	return strings.Join(out, ", ")
}
