package ui

import (
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
)

// This file maps what the engine says about a snapshot onto the list's
// columns. The meaning (verdict, mark, stage, ages) comes from the
// engine, so the screen agrees with the headless modes and the exports.

// markOf is the order's mark: the list's glyph and what the header
// counts.
func markOf(s *engine.Snapshot) engine.Mark {
	if s == nil {
		return engine.MarkWaiting
	}
	return s.Mark()
}

// terminal reports whether nothing more will happen to the order.
func terminal(s *engine.Snapshot) bool { return s != nil && s.Terminal() }

// listStatus is the list's status column: the intent's status, or for a
// Kalshi-only order Kalshi's as the detail says it ("partially filled"),
// or why there is none yet.
func listStatus(s *engine.Snapshot) string {
	switch {
	case s == nil:
		return "waiting"
	case s.NotFound():
		return "not found"
	case s.Intent == nil && s.Order != nil:
		return s.KalshiStatusText()
	}
	if t := s.StageText(); t != "" {
		return t
	}
	if s.Intent != nil {
		return "unknown"
	}
	if s.Sources.Intent.Err != "" || s.Sources.Kalshi.Err != "" {
		return "error"
	}
	return "waiting"
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

// marketOf is the order's market ticker: Kalshi's, else the intent's.
func marketOf(s *engine.Snapshot) string {
	switch {
	case s == nil:
		return ""
	case s.Order != nil && s.Order.Ticker != "":
		return s.Order.Ticker
	case s.Intent != nil:
		return s.Intent.MarketID
	}
	return ""
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
