package engine

import "time"

// commit folds the round's results into the watched orders under mu and
// builds the Round. An order removed, or removed and added again, while
// the round ran is not in the index as the same watch any more: its
// results are dropped, so it is never brought back.
func (e *Engine) commit(in roundIn, res []result, op *plan) Round {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.updateHealth(res, now)
	env := foldEnv{
		now: now, loc: e.cfg.Location, th: e.cfg.Thresholds, intents: e.cfg.Intents != nil, kalshi: e.cfg.Kalshi != nil,
		kalshiSrc: e.sources[SourceKalshi].health, intentSrc: e.sources[SourceIntent].health, exchange: e.exchange,
	}
	var events []Event
	for i, it := range in.items {
		w := it.w
		if e.index[w.key] != w {
			continue
		}
		if res[i].target.Kind != w.target.Kind {
			// A bare ID resolved: start its history under the resolved name.
			e.tracker.Forget(w.target)
			w.target = res[i].target
		}
		m := memo{fillsDue: w.fillsDue, fillsThrough: w.fillsThrough, terminalRounds: w.terminalRounds, historyTried: w.historyTried, archived: w.archived}
		w.snap, m = fold(it, res[i], m, env)
		w.fillsDue, w.fillsThrough, w.terminalRounds, w.historyTried, w.archived = m.fillsDue, m.fillsThrough, m.terminalRounds, m.historyTried, m.archived
		events = append(events, e.tracker.Observe(w.snap)...)
	}
	r := Round{Seq: in.seq, Started: in.start, Finished: now, Events: events}
	if op != nil {
		r.Note = scheduleNote(op, len(in.items), e.cfg.Interval)
		r.KalshiTokens = op.cost
	}
	r.Snapshots = make([]Snapshot, len(e.orders))
	for i, w := range e.orders {
		r.Snapshots[i] = w.snap
	}
	r.Health = Health{
		Kalshi: e.sources[SourceKalshi].health, Intent: e.sources[SourceIntent].health,
		TokenExpiry: e.tokenExpiry, Budget: e.budget, Exchange: e.exchange, Figures: roundFigures(res, now),
	}
	return r
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
