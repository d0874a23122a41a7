package engine

import (
	"cmp"
	"slices"
	"strings"

	"ordermon/internal/fixed"
	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// maxErrText bounds a source error quoted in an event, so one long error
// body cannot swamp the event log.
const maxErrText = 120

// Tracker compares successive snapshots of each watched order and reports
// what changed, each change once. It is not safe for concurrent use.
//
// It remembers the last known value of each piece of an order separately,
// so a poll where one source failed (Order or Intent nil, no queue
// position, no fills) changes nothing: the next successful poll is
// compared with the last data that actually arrived.
type Tracker struct {
	orders map[string]*trackState
}

// trackState is what the tracker remembers about one target.
type trackState struct {
	srcErr [2]string // last error of Kalshi and the intent service

	reached     [pipeline.NumStages]bool
	failed      bool
	otherStatus pipeline.Status // last status outside the pipeline, e.g. "executing"

	orderSeen bool
	kStatus   string
	fill      fixed.Decimal
	fees      fixed.Decimal

	queueSeen bool
	queue     fixed.Decimal

	// fillsKnown is set once the fills list is trustworthy as a baseline:
	// before that, fills that show up are history, not news.
	fillsKnown bool
	fillIDs    map[string]struct{}
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker { return &Tracker{orders: make(map[string]*trackState)} }

// Observe records s and returns the events since the previous snapshot of
// the same target, stamped with s.ObservedAt, in a stable order. The first
// snapshot of a target reports the stages already reached.
//
// Events come in this order: source failed or recovered (Kalshi, then the
// intent service); stages reached, one per stage in pipeline order even
// when a poll jumped over some, then failed; Kalshi status; fill count;
// new fills, oldest first; fees; queue position. Apart from the stages, a
// first snapshot reports only a source that is already failing and, for a
// Kalshi-only order that has no stages, Kalshi's status.
func (t *Tracker) Observe(s Snapshot) []Event {
	if t.orders == nil {
		t.orders = make(map[string]*trackState)
	}
	key := s.Target.String()
	st, seen := t.orders[key]
	if !seen {
		st = &trackState{}
		t.orders[key] = st
	}
	ev := eventer{at: s, st: st}
	ev.sources(s.Sources)
	if s.Intent != nil {
		ev.stages(s.Intent)
	}
	if s.Order != nil {
		ev.order(s.Order, s.Fills, s.KalshiOnly())
	}
	if s.QueueAhead != nil {
		ev.queueMoved(*s.QueueAhead)
	}
	return ev.out
}

// Forget drops what the tracker remembers about a target.
func (t *Tracker) Forget(target Target) { delete(t.orders, target.String()) }

// eventer builds one Observe call's events.
type eventer struct {
	at  Snapshot
	st  *trackState
	out []Event
}

func (e *eventer) emit(kind EventKind, from, to, msg string) {
	e.out = append(e.out, Event{At: e.at.ObservedAt, Target: e.at.Target, Kind: kind, From: from, To: to, Message: msg})
}

func (e *eventer) sources(src Sources) {
	for i, x := range [2]struct {
		label string
		err   string
	}{{"Kalshi", src.Kalshi.Err}, {"intent service", src.Intent.Err}} {
		prev := e.st.srcErr[i]
		e.st.srcErr[i] = x.err
		switch {
		case prev == "" && x.err != "":
			msg := textsafe.Short(x.err, maxErrText)
			e.emit(EventSourceFailed, "", msg, x.label+" failed: "+msg)
		case prev != "" && x.err == "":
			msg := textsafe.Short(prev, maxErrText)
			e.emit(EventSourceRecovered, msg, "", x.label+" recovered")
		}
	}
}

func (e *eventer) stages(in *pipeline.Intent) {
	rows := pipeline.Timeline(in, e.at.ObservedAt)
	for i := range rows {
		r := &rows[i]
		if !r.Reached || e.st.reached[i] {
			continue
		}
		e.st.reached[i] = true
		name := r.Stage.String()
		msg := "reached " + name
		switch {
		case !r.At.IsZero():
			if r.SincePrev != 0 {
				msg += " (+" + timefmt.Duration(r.SincePrev) + ")"
			}
		case r.Stage != pipeline.StageCompleted:
			msg += " (no timestamp; passed between polls)"
		}
		e.emit(EventStageReached, "", name, msg)
		e.out[len(e.out)-1].When = r.At
	}

	_, known := pipeline.StageOf(in.Status)
	if known {
		e.st.otherStatus = ""
	}
	switch {
	case in.Status.Is(pipeline.StatusFailed):
		if e.st.failed {
			return
		}
		e.st.failed = true
		msg := "failed"
		for i := range rows {
			if rows[i].Failed {
				msg += " before reaching " + rows[i].Stage.String()
			}
		}
		if in.TerminationReason != "" {
			msg += ": " + textsafe.Clean(in.TerminationReason)
		} else {
			msg += ": no reason given"
		}
		e.emit(EventStageReached, "", string(pipeline.StatusFailed), msg)
	case !known && in.Status != e.st.otherStatus:
		// A status outside the pipeline (the newer API's "executing") has
		// no stage, but a trader still wants to see it change.
		from := textsafe.Clean(string(e.st.otherStatus))
		e.st.otherStatus = in.Status
		to := textsafe.Clean(string(in.Status))
		e.emit(EventStageReached, from, to, "status "+quoteIfEmpty(to))
	}
}

func quoteIfEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

func (e *eventer) order(o *kalshi.Order, fills []kalshi.Fill, kalshiOnly bool) {
	st := e.st
	text := kalshiStatusText(o)
	fees := o.TotalFees()
	if st.orderSeen {
		if text != st.kStatus {
			e.emit(EventKalshiStatus, st.kStatus, text, "Kalshi "+st.kStatus+" → "+text+endWhy(o, ": "))
		}
		if !o.FillCount.Equal(st.fill) {
			e.emit(EventFillCount, st.fill.String(), o.FillCount.String(),
				"filled "+st.fill.Count()+" → "+o.FillCount.Count()+" of "+o.InitialCount.Count())
		}
	} else if kalshiOnly {
		// A bare Kalshi order has no stages; its status starts the log.
		e.emit(EventKalshiStatus, "", text, "Kalshi "+text+endWhy(o, ": ")+", filled "+o.FillCount.Count()+" of "+o.InitialCount.Count())
	}
	e.newFills(o, fills)
	if st.orderSeen && !fees.Equal(st.fees) {
		e.emit(EventFees, st.fees.String(), fees.String(), "fees "+st.fees.Dollars()+" → "+fees.Dollars())
	}
	st.orderSeen, st.kStatus, st.fill, st.fees = true, text, o.FillCount, fees
}

// newFills reports fills not seen before. Fills that arrive before the
// tracker has a trustworthy baseline (the first snapshot, or a fills
// fetch that failed while the order already had fills) are recorded
// silently: they are history, not news.
func (e *eventer) newFills(o *kalshi.Order, fills []kalshi.Fill) {
	st := e.st
	report := st.fillsKnown
	var fresh []*kalshi.Fill
	for i := range fills {
		f := &fills[i]
		id := fillKey(f)
		if id == "" {
			continue
		}
		if _, ok := st.fillIDs[id]; ok {
			continue
		}
		if st.fillIDs == nil {
			st.fillIDs = make(map[string]struct{})
		}
		st.fillIDs[id] = struct{}{}
		if report {
			fresh = append(fresh, f)
		}
	}
	// An order with no fills has a complete (empty) fills list; one with
	// fills is complete once any fills have arrived.
	if len(fills) > 0 || o.FillCount.Sign() == 0 {
		st.fillsKnown = true
	}
	slices.SortStableFunc(fresh, func(a, b *kalshi.Fill) int {
		if c := a.CreatedTime.Compare(b.CreatedTime); c != 0 {
			return c
		}
		return cmp.Compare(fillKey(a), fillKey(b))
	})
	for _, f := range fresh {
		id := textsafe.Clean(fillKey(f))
		price := f.YesPrice
		if f.OutcomeSide == "no" {
			price = f.NoPrice
		}
		var b strings.Builder
		b.WriteString("new fill " + id + ": " + f.Count.Count() + " at " + price.Dollars())
		if f.IsTaker {
			b.WriteString(" (taker")
		} else {
			b.WriteString(" (maker")
		}
		if !f.FeeCost.IsZero() {
			b.WriteString(", fee " + f.FeeCost.Dollars())
		}
		b.WriteString(")")
		e.emit(EventNewFill, "", f.Count.String(), b.String())
	}
}

// fillKey identifies a fill; the trade ID stands in for payloads that
// carry no fill ID.
func fillKey(f *kalshi.Fill) string {
	if f.FillID != "" {
		return f.FillID
	}
	return f.TradeID
}

func (e *eventer) queueMoved(q fixed.Decimal) {
	st := e.st
	if st.queueSeen && !q.Equal(st.queue) {
		e.emit(EventQueueMoved, st.queue.String(), q.String(), QueueMove(st.queue, q)+" in queue ("+q.Count()+" ahead)")
	}
	st.queueSeen, st.queue = true, q
}

// QueueMove describes a move in the queue from the contracts ahead before
// to after: "▲ 3 closer" or "▼ 5 further back". The arrow points the way
// the order moved, up the queue or back.
func QueueMove(before, after fixed.Decimal) string {
	if after.Cmp(before) < 0 {
		return GlyphQueueUp + " " + before.Sub(after).Count() + " closer"
	}
	return GlyphQueueDown + " " + after.Sub(before).Count() + " further back"
}

// The arrows of a queue move: up the queue (fewer contracts ahead) or
// back (more).
const (
	GlyphQueueUp   = "▲"
	GlyphQueueDown = "▼"
)
