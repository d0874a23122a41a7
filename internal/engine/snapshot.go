package engine

import (
	"time"

	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Outcome is how a watched order ended, as every front end reports it.
type Outcome string

// Outcomes. OutcomeNone means the order is still in progress.
const (
	OutcomeNone    Outcome = ""
	OutcomeSuccess Outcome = "success"
	OutcomeFailure Outcome = "failure"
)

// KalshiOnly reports whether s is a bare Kalshi order with no intent
// behind it: the target names a Kalshi order, or an unresolved ID for
// which only Kalshi has answered.
func (s Snapshot) KalshiOnly() bool {
	if s.Intent != nil {
		return false
	}
	return s.Target.Kind == KindKalshi || (s.Target.Kind == KindAuto && s.Order != nil)
}

// Outcome says how the order ended. An intent ends when the intent service
// says completed or failed; a Kalshi-only order ends when Kalshi says
// executed or canceled. Kalshi's view of an intent's order does not decide
// the intent's outcome: the intent still has on-chain steps to run, and a
// disagreement is a diagnosis, not an ending.
func (s Snapshot) Outcome() Outcome {
	if s.Intent != nil {
		switch {
		case s.Intent.Status.Is(pipeline.StatusCompleted):
			return OutcomeSuccess
		case s.Intent.Status.Is(pipeline.StatusFailed):
			return OutcomeFailure
		}
		return OutcomeNone
	}
	if s.KalshiOnly() && s.Order != nil {
		switch s.Order.Status {
		case kalshi.StatusExecuted:
			return OutcomeSuccess
		case kalshi.StatusCanceled:
			return OutcomeFailure
		}
	}
	return OutcomeNone
}

// Terminal reports whether the order will not change any more: it has an
// outcome, or the intent service marked it isComplete.
func (s Snapshot) Terminal() bool {
	if s.Outcome() != OutcomeNone {
		return true
	}
	return s.Intent != nil && s.Intent.IsComplete
}

// StageText is the order's status as its own system reports it,
// sanitized: the intent's status verbatim (so a newer value such as
// "executing" shows as is), or Kalshi's status for a Kalshi-only order.
// It is "" until a source has answered. It never says "partially
// filled", which is not a stage; see KalshiStatusText.
func (s Snapshot) StageText() string {
	if s.Intent != nil {
		return textsafe.Clean(string(s.Intent.Status))
	}
	if s.Order != nil {
		return textsafe.Clean(string(s.Order.Status))
	}
	return ""
}

// KalshiStatusText is Kalshi's status for the order as a trader reads it:
// "resting", "partially filled" (resting with some fills, which Kalshi's
// own status cannot say), "canceled", "executed", or any newer value
// verbatim and sanitized. It is "" while Kalshi has not answered.
func (s Snapshot) KalshiStatusText() string {
	if s.Order == nil {
		return ""
	}
	return kalshiStatusText(s.Order)
}

func kalshiStatusText(o *kalshi.Order) string {
	if o.PartiallyFilled() {
		return "partially filled"
	}
	return textsafe.Clean(string(o.Status))
}

// CurrentStageSince returns how long the order has been in its current
// stage at now. It reports false for a finished order and when no
// timestamp says when the stage began. For an intent whose status is
// outside the older pipeline (such as "executing") it measures from the
// latest stage timestamp; for a Kalshi-only order, from when Kalshi
// created it.
func (s Snapshot) CurrentStageSince(now time.Time) (time.Duration, bool) {
	if s.Terminal() {
		return 0, false
	}
	if in := s.Intent; in != nil {
		since := time.Time{}
		if st, ok := pipeline.StageOf(in.Status); ok {
			rows := pipeline.Timeline(in, now)
			if !rows[st].Current {
				return 0, false
			}
			since = rows[st].At
		}
		if since.IsZero() {
			since = in.LatestStamp()
		}
		return ageAt(since, now)
	}
	if s.KalshiOnly() && s.Order != nil {
		return ageAt(s.Order.CreatedTime, now)
	}
	return 0, false
}

// ageAt returns now − since, clamped at zero for clock skew; false when
// since is unknown.
func ageAt(since, now time.Time) (time.Duration, bool) {
	if since.IsZero() {
		return 0, false
	}
	if d := now.Sub(since); d > 0 {
		return d, true
	}
	return 0, true
}

// Answered reports whether every source the order involves has answered
// it since it was added: with data, or with an error of its own (not
// found, rejected credentials, a failure). An order no round has observed
// yet is not answered.
func (s Snapshot) Answered() bool {
	if s.ObservedAt.IsZero() {
		return false
	}
	have := [...]bool{s.Intent != nil, s.Order != nil}
	for i, st := range [...]SourceStatus{s.Sources.Intent, s.Sources.Kalshi} {
		if st.Used && !have[i] && st.Err == "" && !st.NotFound && !st.Halted {
			return false
		}
	}
	return true
}

// Waiting returns the status of the source an unanswered order still
// waits for: the intent service while its intent is unknown, else Kalshi.
// A caller may write to it, to mark why the order has no data.
func (s *Snapshot) Waiting() *SourceStatus {
	in := &s.Sources.Intent
	if s.Intent == nil && (in.Used || s.Target.Kind == KindIntent) {
		return in
	}
	return &s.Sources.Kalshi
}
