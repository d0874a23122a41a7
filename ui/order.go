package ui

import (
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/pipeline"
)

// This file maps what the pipeline package says about a snapshot onto
// the list's glyphs and columns. The meaning (outcome, stage, ages) comes
// from pipeline, so the screen agrees with the headless modes.

// outcome is where an order stands overall.
type outcome int

const (
	outcomeNoData outcome = iota // nothing heard from either source yet
	outcomeActive                // still moving through the pipeline
	outcomeDone                  // ended well: completed, or Kalshi-only executed
	outcomeFailed                // ended badly: failed, or Kalshi-only canceled
	outcomeEnded                 // marked complete with no clear outcome
)

// orderOutcome says where s stands overall.
func orderOutcome(s *engine.Snapshot) outcome {
	if s == nil {
		return outcomeNoData
	}
	switch s.Outcome() {
	case engine.OutcomeSuccess:
		return outcomeDone
	case engine.OutcomeFailure:
		return outcomeFailed
	}
	switch {
	case s.Terminal():
		return outcomeEnded
	case s.Intent == nil && s.Order == nil:
		return outcomeNoData
	}
	return outcomeActive
}

// terminal reports whether nothing more will happen to the order.
func terminal(s *engine.Snapshot) bool { return s != nil && s.Terminal() }

// outcomeGlyph is the list's one-glyph summary of an order.
func outcomeGlyph(o outcome) string {
	switch o {
	case outcomeDone:
		return GlyphReached
	case outcomeFailed:
		return GlyphFailed
	case outcomeActive:
		return GlyphCurrent
	case outcomeEnded:
		return GlyphEnded
	}
	return GlyphNotYet
}

// shortStatus is the list's status column: the intent's status, or for a
// Kalshi-only order Kalshi's, or why there is none yet.
func shortStatus(s *engine.Snapshot) string {
	if s == nil {
		return "waiting"
	}
	if t := s.StageText(); t != "" {
		return t
	}
	if s.Intent != nil {
		return "unknown"
	}
	if s.Sources.Intent.NotFound || s.Sources.Kalshi.NotFound {
		return "not found"
	}
	if s.Sources.Intent.Err != "" || s.Sources.Kalshi.Err != "" {
		return "error"
	}
	return "waiting"
}

// stageAge is how long the order has been in its current stage.
func stageAge(s *engine.Snapshot, now time.Time) (time.Duration, bool) {
	if s == nil {
		return 0, false
	}
	return s.CurrentStageSince(now)
}

// fills returns filled and initial contract counts. Kalshi's own figures
// win; before Kalshi answers, the intent's reported fill count and
// quantity stand in. ok is false when neither source says anything.
func fills(s *engine.Snapshot) (filled, initial fixed.Decimal, ok bool) {
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
// intervals. A finished order is never stale: the engine stops polling it
// once its final state is confirmed, and that state will not change. Nor
// is a source that answered 404: that is an answer, shown as "not found".
func stale(s *engine.Snapshot, now time.Time, interval time.Duration) bool {
	if s == nil || s.Terminal() {
		return false
	}
	return sourceStale(s.Sources.Kalshi, now, interval) || sourceStale(s.Sources.Intent, now, interval)
}

func sourceStale(ss engine.SourceStatus, now time.Time, interval time.Duration) bool {
	return !ss.NotFound && ss.Stale(now, interval)
}

// threshold returns how long stage may last before it counts as stuck;
// zero for stages with no limit.
func threshold(th engine.Thresholds, st pipeline.Stage) time.Duration {
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
