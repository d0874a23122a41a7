package engine

import (
	"strings"
	"time"
)

// commit folds the round's results into the watched orders under mu,
// commits, and hands out the Round. An order removed, or removed and added
// again, while the round ran is not in the index as the same watch any
// more: its results are dropped, so it is never brought back. An order the
// round found (All) is watched from now on. cut says the round ended
// early, so a reconciliation it owed is owed again.
func (e *Engine) commit(in roundIn, res []result, op *plan, cut bool) Round {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.updateHealth(res, now)
	summary := roundSummary{started: in.start, finished: now}
	if op != nil {
		summary.note = scheduleNote(op, len(in.items), e.cfg.Interval)
		summary.tokens = op.cost
	}
	if err := in.intentListErr; err != nil && !cut {
		summary.note = strings.TrimPrefix(summary.note+"; listing the intent service's orders failed ("+shortError(err)+")", "; ")
	}
	summary.health = Health{TokenExpiry: e.tokenExpiry, Budget: e.budget, Exchange: e.exchange, Figures: roundFigures(res, now)}
	e.out.last = summary
	heard := e.vouchLocked()
	env := e.foldEnvLocked(now)
	var events []Event
	for i, it := range in.items {
		w := it.w
		switch {
		case w == nil:
			if w = e.adoptLocked(it.target); w == nil {
				continue
			}
		case e.index[w.key] != w:
			continue
		}
		if in.push.live {
			e.noteDifference(w, res[i])
		}
		if it.covered {
			res[i].heard = heard
		}
		events = append(events, e.foldLocked(w, res[i], env)...)
	}
	e.settleReconcile(in.push, op == nil || cut, now)
	e.expireLocked(now)
	e.publishLocked(events)
	e.syncMarketsLocked()
	return e.handOutLocked()
}

// foldEnvLocked is what folding needs of the engine now, with the
// exchange status as the last round read it. e.mu must be held.
func (e *Engine) foldEnvLocked(now time.Time) foldEnv {
	return foldEnv{
		now: now, loc: e.cfg.Location, th: e.cfg.Thresholds, intents: e.cfg.Intents != nil, kalshi: e.cfg.Kalshi != nil,
		kalshiSrc: e.sources[SourceKalshi].health, intentSrc: e.sources[SourceIntent].health, exchange: e.out.last.health.Exchange,
	}
}

// foldLocked folds one result into a watched order, from what the order is
// now (a pushed message may have changed it since a round began), and
// returns the events. Rounds and pushed messages both fold here. e.mu must
// be held.
func (e *Engine) foldLocked(w *watch, r result, env foldEnv) []Event {
	if r.target.Kind != w.target.Kind {
		// A bare ID resolved: start its history under the resolved name.
		e.tracker.Forget(w.target)
		w.target = r.target
	}
	w.snap, w.memo = fold(w.item(), r, env)
	if w.found && w.finishedAt.IsZero() && w.snap.Terminal() {
		w.finishedAt = env.now
	}
	return e.tracker.Observe(w.snap)
}

// roundFigures sums up this round's queue, market and fill reads: the
// time of the last success and the first error.
func roundFigures(res []result, now time.Time) Figures {
	var f Figures
	for _, r := range res {
		for _, p := range []struct {
			fig   *Figure
			tried bool
			err   error
		}{{&f.Queue, r.queue.tried, r.queue.err}, {&f.Market, r.market.tried, r.market.err}, {&f.Fills, r.fills.tried, r.fills.err}} {
			switch {
			case !p.tried:
			case p.err == nil:
				p.fig.At = now
			case p.fig.Err == "":
				p.fig.Err, p.fig.ErrAt = shortError(p.err), now
			}
		}
	}
	return f
}
