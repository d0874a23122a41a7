package ui

import (
	"time"

	"ordermon/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
	"ordermon/textsafe"
)

// This file derives what the screen shows about one order from its
// snapshot. The pipeline package is growing the same helpers on Snapshot;
// these local versions keep the screen honest until they land, and are
// the only place that knows how statuses map to glyphs.

var stageNames = map[pipeline.Stage]string{
	pipeline.StagePending:   "pending",
	pipeline.StageValidated: "validated",
	pipeline.StagePlaced:    "placed",
	pipeline.StageFilled:    "filled",
	pipeline.StageTxnFilled: "txn_filled",
	pipeline.StageCompleted: "completed",
}

// stageName names a stage as the intent service does.
func stageName(st pipeline.Stage) string {
	if s := st.String(); s != "" {
		return s
	}
	return stageNames[st]
}

// stageOf maps an intent status to its pipeline stage.
func stageOf(st pipeline.Status) (pipeline.Stage, bool) {
	if s, ok := pipeline.StageOf(st); ok {
		return s, true
	}
	for s, name := range stageNames {
		if string(st) == name {
			return s, true
		}
	}
	return 0, false
}

// outcome is where an order stands overall.
type outcome int

const (
	outcomeNoData outcome = iota // nothing heard from either source yet
	outcomeActive                // still moving through the pipeline
	outcomeDone                  // completed (or, Kalshi-only, executed)
	outcomeFailed                // failed (or, Kalshi-only, canceled)
)

// orderOutcome says where s stands overall.
func orderOutcome(s *pipeline.Snapshot) outcome {
	if s == nil {
		return outcomeNoData
	}
	if in := s.Intent; in != nil {
		switch in.Status {
		case pipeline.StatusFailed:
			return outcomeFailed
		case pipeline.StatusCompleted:
			return outcomeDone
		}
		return outcomeActive
	}
	if o := s.Order; o != nil {
		switch o.Status {
		case kalshi.StatusExecuted:
			return outcomeDone
		case kalshi.StatusCanceled:
			return outcomeFailed
		}
		return outcomeActive
	}
	return outcomeNoData
}

// terminal reports whether nothing more will happen to the order.
func terminal(s *pipeline.Snapshot) bool {
	o := orderOutcome(s)
	return o == outcomeDone || o == outcomeFailed
}

// outcomeGlyph is the list's one-glyph summary of an order.
func outcomeGlyph(o outcome) string {
	switch o {
	case outcomeDone:
		return GlyphReached
	case outcomeFailed:
		return GlyphFailed
	case outcomeActive:
		return GlyphCurrent
	}
	return GlyphNotYet
}

// kalshiStatusText is Kalshi's status in words, including the "partially
// filled" that Kalshi's three statuses cannot say.
func kalshiStatusText(o *kalshi.Order) string {
	if o == nil {
		return ""
	}
	switch {
	case o.PartiallyFilled():
		return "partially filled"
	case o.Status == kalshi.StatusCanceled && o.FillCount.Sign() > 0:
		return "canceled, partly filled"
	}
	return textsafe.Clean(string(o.Status))
}

// shortStatus is the list's status column: the intent's status, or for a
// Kalshi-only order Kalshi's.
func shortStatus(s *pipeline.Snapshot) string {
	if s == nil {
		return "waiting"
	}
	if in := s.Intent; in != nil {
		st := textsafe.Clean(string(in.Status))
		if st == "" {
			st = "unknown"
		}
		return st
	}
	if s.Order != nil {
		if s.Order.PartiallyFilled() {
			return "part filled"
		}
		return kalshiStatusText(s.Order)
	}
	if s.Sources.Intent.NotFound || s.Sources.Kalshi.NotFound {
		return "not found"
	}
	return "waiting"
}

// stageSince is when the order entered its current state; zero when
// unknown.
func stageSince(s *pipeline.Snapshot) time.Time {
	if s == nil {
		return time.Time{}
	}
	if in := s.Intent; in != nil {
		var t time.Time
		switch in.Status {
		case pipeline.StatusPending:
			t = in.CreatedAt
		case pipeline.StatusValidated:
			t = in.BalanceValidatedAt
		case pipeline.StatusPlaced:
			t = in.OrderPlacedAt
		case pipeline.StatusFilled:
			t = in.OrderFilledAt
		case pipeline.StatusTxnFilled, pipeline.StatusCompleted:
			t = in.TxnFilledAt
		}
		if t.IsZero() {
			t = latest(in.CreatedAt, in.BalanceValidatedAt, in.OrderPlacedAt, in.OrderFilledAt, in.TxnFilledAt)
		}
		return t
	}
	if o := s.Order; o != nil {
		if !o.LastUpdateTime.IsZero() {
			return o.LastUpdateTime
		}
		return o.CreatedTime
	}
	return time.Time{}
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

// fills returns filled and initial contract counts. Kalshi's own figures
// win; before Kalshi answers, the intent's reported fill count and
// quantity stand in. ok is false when neither source says anything.
func fills(s *pipeline.Snapshot) (filled, initial fixed.Decimal, ok bool) {
	if s == nil {
		return filled, initial, false
	}
	if o := s.Order; o != nil {
		return o.FillCount, o.InitialCount, true
	}
	if in := s.Intent; in != nil && (in.KalshiFillCount != nil || !in.Quantity.IsZero()) {
		if in.KalshiFillCount != nil {
			filled = *in.KalshiFillCount
		}
		return filled, in.Quantity, true
	}
	return filled, initial, false
}

// stale reports whether any source this order uses is older than three
// intervals.
func stale(s *pipeline.Snapshot, now time.Time, interval time.Duration) bool {
	if s == nil {
		return false
	}
	return s.Sources.Kalshi.Stale(now, interval) || s.Sources.Intent.Stale(now, interval)
}

// threshold returns how long stage may last before it counts as stuck;
// zero for stages with no limit.
func threshold(th pipeline.Thresholds, st pipeline.Stage) time.Duration {
	switch st {
	case pipeline.StagePending:
		return th.Pending
	case pipeline.StageValidated:
		return th.Validated
	case pipeline.StagePlaced:
		return th.Placed
	case pipeline.StageFilled:
		return th.Filled
	case pipeline.StageTxnFilled:
		return th.TxnFilled
	}
	return 0
}

// timeline returns the intent's stage rows. It prefers the pipeline
// package's Timeline and falls back to a local reading of the stage
// timestamps while that is not available.
func timeline(in pipeline.Intent, now time.Time) []pipeline.TimelineRow {
	if rows := pipeline.Timeline(in, now); len(rows) > 0 {
		return rows
	}
	at := []time.Time{in.CreatedAt, in.BalanceValidatedAt, in.OrderPlacedAt, in.OrderFilledAt, in.TxnFilledAt, {}}
	cur, known := stageOf(in.Status)
	failed := in.Status == pipeline.StatusFailed
	// A failed intent stopped after the last stage it has a timestamp for.
	lastReached := -1
	for i, t := range at {
		if !t.IsZero() {
			lastReached = i
		}
	}
	if known && int(cur) > lastReached {
		lastReached = int(cur)
	}
	rows := make([]pipeline.TimelineRow, len(pipeline.Stages))
	var prev time.Time
	for i, st := range pipeline.Stages {
		r := pipeline.TimelineRow{Stage: st, At: at[i]}
		r.Reached = i <= lastReached
		if r.Reached && !r.At.IsZero() {
			if !prev.IsZero() {
				r.SincePrev = r.At.Sub(prev)
			}
			prev = r.At
		}
		switch {
		case failed && i == lastReached+1:
			r.Failed = true
		case known && st == cur && st != pipeline.StageCompleted:
			r.Current = true
			if !r.At.IsZero() {
				r.For = now.Sub(r.At)
			}
		}
		rows[i] = r
	}
	return rows
}
