package engine

import (
	"slices"
	"time"

	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// foldEnv is what folding needs besides the order itself: the time, the
// thresholds, what is configured, each source's health after this round,
// and the exchange status.
type foldEnv struct {
	now                  time.Time
	loc                  *time.Location // the zone diagnoses write times in
	th                   Thresholds
	intents, kalshi      bool // configured
	kalshiSrc, intentSrc SourceStatus
	exchange             ExchangeState
}

// memo is what the engine remembers of an order between rounds besides
// its snapshot. A watch keeps it; a round's item carries a copy for
// planning; fold returns the next one.
type memo struct {
	// fillsDue is set while the fill count moved but the fills have not
	// been read yet (the budget deferred them, or the read failed).
	fillsDue bool
	// fillsThrough is the time of the newest fill read, or when the order
	// was created; fills are read from there on. Zero before any read.
	fillsThrough time.Time
	// terminalRounds counts consecutive rounds that observed a terminal
	// state; after two the order is confirmed and no longer polled.
	terminalRounds int
	// historyTried is set once Kalshi's historical orders were searched
	// for this order. When it was found there, the snapshot says so
	// (KalshiArchived): it is finished, and Kalshi is not asked about it
	// again.
	historyTried bool
}

// maxFills bounds the fills kept per order, newest first.
const maxFills = 5000

// fold merges one order's results into its last snapshot and memo. It is
// pure: the same item, result and environment always give the same
// snapshot and memo.
func fold(it item, r result, env foldEnv) (Snapshot, memo) {
	s := it.prev
	s.ObservedAt = env.now
	s.Target = r.target
	foldIntent(&s, r, env)
	foldKalshi(&s, it.prev, r, env)
	m := foldFills(&s, it, r, env.now)
	foldFigures(&s, it.prev, r, env.now)
	noteBackoff(&s, env)
	m.historyTried = m.historyTried || r.historyTried
	s.KalshiArchived = s.KalshiArchived || r.archived
	s.Exchange = env.exchange
	s.Diagnosis = Diagnose(s, env.th, env.now, env.loc)
	// A terminal state counts toward confirmation only when every source
	// the order involves answered this round (an archived order is
	// finished, so its Kalshi side needs no answer), so an order is never
	// left frozen on stale data from a source that was failing.
	fresh := (!s.Sources.Intent.Used || (r.intent.tried && r.intent.err == nil)) &&
		(!s.Sources.Kalshi.Used || s.KalshiArchived || (r.order.tried && r.order.val != nil && r.order.err == nil))
	switch {
	case !s.Terminal():
		m.terminalRounds = 0
	case fresh:
		m.terminalRounds++
	}
	return s, m
}

// foldIntent applies the intent read. A 404 is an answer: it is recorded
// as not found, and the source is not failing.
func foldIntent(s *Snapshot, r result, env foldEnv) {
	src := &s.Sources.Intent
	src.Used = s.Target.Kind != KindKalshi && env.intents
	if r.intentUnknown {
		src.NotFound = true
	}
	if s.Target.NamesIntent() && !env.intents {
		src.Used, src.Err = true, "the intent service is not configured"
	}
	if r.intent.tried {
		src.LastAttempt, src.Latency = r.intent.at, r.intent.lat
		if r.intent.err != nil {
			src.Err = shortError(r.intent.err)
			src.NotFound = pipeline.IsIntentNotFound(r.intent.err)
			if src.NotFound {
				// A 404 is an answer, not an outage.
				src.Err, src.LastSuccess = "", env.now
				s.Intent = nil
			}
		} else {
			src.Err, src.NotFound = "", false
			src.LastSuccess = env.now
			s.Intent = r.intent.val
		}
	}
	if s.Intent != nil && (s.PeakStatus == "" || statusRank(s.Intent.Status) > statusRank(s.PeakStatus)) {
		s.PeakStatus = s.Intent.Status
	}
}

// foldKalshi applies the order read. Only the order read decides the
// order's Kalshi status; queue, market and fill reads have their own
// freshness (Snapshot.Figures).
func foldKalshi(s *Snapshot, prev Snapshot, r result, env foldEnv) {
	src := &s.Sources.Kalshi
	src.Used = s.Target.Kind == KindKalshi || (s.Intent != nil && s.Intent.KalshiOrderID != "")
	if src.Used && !env.kalshi {
		src.Err = "Kalshi is not configured"
	}
	if r.order.tried {
		src.LastAttempt, src.Latency = r.order.at, r.order.lat
		if r.order.val != nil {
			src.LastSuccess, src.NotFound = env.now, false
			if !olderOrder(r.order.val, prev.Order) {
				s.Order = r.order.val
			}
		}
		switch err := r.order.err; {
		case err != nil:
			src.Err = shortError(err)
			src.NotFound = r.order.val == nil && kalshi.IsNotFound(err)
			if src.NotFound {
				// A 404 is an answer, not an outage.
				src.Err, src.LastSuccess = "", env.now
				s.Order, s.QueueAhead, s.PrevQueueAhead = nil, nil, nil
			}
		case r.tickerErr != nil:
			src.Err = shortError(r.tickerErr)
		default:
			src.Err = ""
		}
	}
	if !r.pushed {
		// A round says whether push vouches for the order now; a pushed
		// message leaves that as the last round found it.
		src.Pushed = src.Used && !r.heard.IsZero()
	}
	if src.Used && r.heard.After(src.LastSuccess) {
		src.LastSuccess = r.heard
	}
	if s.Order == nil || s.Order.Status != kalshi.StatusResting {
		// Off the book, an order has no place in a queue, nor a stale one.
		s.QueueAhead, s.PrevQueueAhead, s.Figures.Queue = nil, nil, Figure{}
	}
}

// foldFigures applies the queue-position and market reads. A failed read
// marks only its own figure, keeping the last value and its age.
func foldFigures(s *Snapshot, prev Snapshot, r result, now time.Time) {
	resting := s.Order != nil && s.Order.Status == kalshi.StatusResting
	if r.queue.tried && resting && s.Figures.Queue.note(r.queue.err, now) && r.queue.val != nil {
		s.PrevQueueAhead, s.QueueAhead = prev.QueueAhead, r.queue.val
	}
	// A market read sent before push last moved the prices answers with
	// the older ones: it must not put them back, as an older order read
	// must not (olderOrder). Prices pushed since are the newer truth, and
	// a failure of such a read leaves them fresh; but the read's other
	// fields (status, close time), which no push carries, are still the
	// newest.
	pushedSince := !r.pushed && prev.Figures.Market.At.After(r.market.at)
	if !r.market.tried || pushedSince && r.market.err != nil {
		return
	}
	if ok := s.Figures.Market.note(r.market.err, now); !ok || r.market.val == nil {
		return
	}
	s.Market = r.market.val
	if p := prev.Market; pushedSince && p != nil && p.Ticker == s.Market.Ticker {
		m := kalshi.Ticker{YesBid: p.YesBid, YesAsk: p.YesAsk, LastPrice: p.LastPrice}.ApplyTo(*s.Market)
		s.Market = &m
	}
}

// olderOrder reports whether an order read or pushed is older, by
// Kalshi's own last_update_time, than the one already held: a push that
// arrived while a REST read was on its way, or a late push after a
// reconciling read. The older one never replaces the newer; on a tie the
// new one wins. The held time is cut to whole seconds, since REST may say
// less than the push's milliseconds.
func olderOrder(in, held *kalshi.Order) bool {
	return held != nil && in.OrderID == held.OrderID && held.LastUpdateTime.Truncate(time.Second).After(in.LastUpdateTime)
}

// foldFills merges the fills read this round with those known, newest
// first, and decides whether a read is still due. It returns the order's
// memo (it.memo) with the fills' part brought up to date.
func foldFills(s *Snapshot, it item, r result, now time.Time) memo {
	m := it.memo
	needed := fillsNeeded(it, r)
	if r.pushed {
		return foldPushedFills(s, r, m, needed, now)
	}
	if !r.fills.tried {
		m.fillsDue = m.fillsDue || needed
		return m
	}
	s.Fills = mergeFills(s.Fills, r.fills.val)
	s.Figures.Fills.note(r.fills.err, now)
	for _, f := range r.fills.val {
		if f.CreatedTime.After(m.fillsThrough) {
			m.fillsThrough = f.CreatedTime
		}
	}
	if o := currentOrder(it, r); r.fillsDone && m.fillsThrough.IsZero() && o != nil {
		m.fillsThrough = o.CreatedTime.Add(-time.Minute)
	}
	m.fillsDue = !r.fillsDone
	return m
}

// foldPushedFills applies a pushed message to the fills: a pushed fill is
// one fill, not a listing, so a read stays due until the fills known add
// up to the order's fill count; once they do, every fill up to the newest
// is known and reads start after it.
func foldPushedFills(s *Snapshot, r result, m memo, needed bool, now time.Time) memo {
	s.Fills = mergeFills(s.Fills, r.fills.val)
	covered := s.Order != nil && fillsCover(s.Fills, s.Order.FillCount)
	if len(r.fills.val) > 0 {
		s.Figures.Fills.note(nil, now)
		if covered || !m.fillsThrough.IsZero() {
			for _, f := range s.Fills {
				if f.CreatedTime.After(m.fillsThrough) {
					m.fillsThrough = f.CreatedTime
				}
			}
		}
	}
	m.fillsDue = (m.fillsDue || needed) && !covered
	return m
}

// fillsCover reports whether fills add up to at least count contracts.
func fillsCover(fills []kalshi.Fill, count fixed.Decimal) bool {
	var sum fixed.Decimal
	for _, f := range fills {
		sum = sum.Add(f.Count)
	}
	return sum.Cmp(count) >= 0
}

// mergeFills adds fills to known, dropping repeats (by fill ID, or by
// trade ID, which a pushed fill carries as its only ID and REST gives the
// same value), newest first, at most maxFills.
func mergeFills(known, more []kalshi.Fill) []kalshi.Fill {
	if len(more) == 0 {
		return known
	}
	seen := map[string]bool{}
	var out []kalshi.Fill
	for _, f := range slices.Concat(more, known) {
		k := fillKey(&f)
		if k != "" && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b kalshi.Fill) int { return b.CreatedTime.Compare(a.CreatedTime) })
	return out[:min(len(out), maxFills)]
}

// noteBackoff copies a source's engine-level backoff into the order's
// status, so the order shows when its data will next be refreshed.
func noteBackoff(s *Snapshot, env foldEnv) {
	for _, p := range []struct {
		st  SourceStatus
		src *SourceStatus
	}{{env.kalshiSrc, &s.Sources.Kalshi}, {env.intentSrc, &s.Sources.Intent}} {
		src := p.src
		src.RetryAt, src.RateLimited, src.Halted = time.Time{}, false, false
		if !src.Used {
			continue
		}
		if p.st.Halted {
			src.Halted, src.Err = true, p.st.Err
		}
		if !p.st.RetryAt.IsZero() && env.now.Before(p.st.RetryAt) {
			src.RetryAt, src.RateLimited = p.st.RetryAt, p.st.RateLimited
		}
	}
}
