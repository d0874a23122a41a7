package engine

import (
	"strings"
	"time"

	"ordermon/internal/fixed"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Outcome is how a watched order ended, as every front end reports it.
type Outcome string

// Outcomes. OutcomeNone means the order is still in progress.
// OutcomeNotFound means no system asked knows the ID: an answer, which
// ends a watch like an outcome does.
const (
	OutcomeNone     Outcome = ""
	OutcomeSuccess  Outcome = "success"
	OutcomeFailure  Outcome = "failure"
	OutcomeNotFound Outcome = "not_found"
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
// disagreement is a diagnosis, not an ending. An ID no system knows is
// OutcomeNotFound.
func (s Snapshot) Outcome() Outcome {
	if s.NotFound() {
		return OutcomeNotFound
	}
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
	since, ok := s.CurrentStageStart()
	if !ok {
		return 0, false
	}
	return ageAt(since, now)
}

// CurrentStageStart is when the order's current stage began, as
// CurrentStageSince measures it: it does not move with the clock, so a
// screen that shows the age every second can keep it.
func (s Snapshot) CurrentStageStart() (time.Time, bool) {
	if s.Terminal() {
		return time.Time{}, false
	}
	if in := s.Intent; in != nil {
		since := time.Time{}
		if st, ok := pipeline.StageOf(in.Status); ok {
			rows := pipeline.Timeline(in, time.Time{})
			if !rows[st].Current {
				return time.Time{}, false
			}
			since = rows[st].At
		}
		if since.IsZero() {
			since = in.LatestStamp()
		}
		return since, !since.IsZero()
	}
	if s.KalshiOnly() && s.Order != nil {
		return s.Order.CreatedTime, !s.Order.CreatedTime.IsZero()
	}
	return time.Time{}, false
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

// NotFound reports whether every system asked about the order answered
// that it does not know it: the intent service for an intent, Kalshi for a
// Kalshi order, and both for a bare ID. A 404 is an answer, not an outage,
// so such an order is neither active nor stale.
//
// An intent the service stops knowing is not found too, whatever Kalshi
// last said about its order: without the intent nothing ties the two.
func (s Snapshot) NotFound() bool {
	switch s.Target.Kind {
	case KindIntent, KindClient:
		return s.Intent == nil && s.Sources.Intent.NotFound
	case KindKalshi:
		return s.Intent == nil && s.Order == nil && s.Sources.Kalshi.NotFound
	}
	return false
}

// NotFoundBy names who answered 404 for a not-found order: "the intent
// service", "Kalshi", or "the intent service and Kalshi" for a bare ID
// both were asked about.
func (s Snapshot) NotFoundBy() string {
	switch {
	case s.Target.NamesIntent():
		return "the intent service"
	case s.Sources.Intent.NotFound:
		return "the intent service and Kalshi"
	}
	return "Kalshi"
}

// askedBare reports whether the order was named by a bare ID that the
// intent service did not know, so it is being watched as a Kalshi order.
func (s Snapshot) askedBare() bool {
	return s.Target.Kind == KindKalshi && s.Sources.Intent.NotFound
}

// Name is the order's name for messages and output: the target in
// canonical form ("intent:123", "kalshi:ORD-1"), a bare ID resolved by
// whichever system answered, and the bare ID as typed while nothing is
// known (including an ID neither system knows). It is the server's text,
// not sanitized: JSON keeps it exact, text output cleans it.
func (s Snapshot) Name() string {
	t := s.Target
	switch {
	case s.askedBare() && s.Order == nil:
		t.Kind = KindAuto
	case t.Kind == KindAuto && s.Intent != nil:
		t.Kind = KindIntent
	case t.Kind == KindAuto && s.Order != nil:
		t.Kind = KindKalshi
	}
	if t.ID == "" {
		switch {
		case s.Intent != nil:
			t.ID = s.Intent.ID
		case s.Order != nil:
			t.ID = s.Order.OrderID
		}
	}
	return t.String()
}

// Limit is the order's limit price in dollars and the outcome side it is
// on ("yes" or "no", lower case): Kalshi's when Kalshi has answered, else
// what the intent asked for. ok is false when neither says.
func (s Snapshot) Limit() (price fixed.Decimal, side string, ok bool) {
	switch {
	case s.Order != nil:
		return s.Order.LimitPrice(), strings.ToLower(textsafe.Clean(s.Order.OutcomeSide)), true
	case s.Intent != nil && !s.Intent.PriceCents.IsZero():
		return s.Intent.PriceCents.CentsToDollars(), strings.ToLower(textsafe.Clean(s.Intent.Side)), true
	}
	return fixed.Decimal{}, "", false
}

// KalshiEndedFirst returns Kalshi's final status (canceled or executed)
// when Kalshi finished the order while the intent still waits on it at
// placement, the disagreement the timeline marks on the placed stage; ""
// otherwise.
func (s Snapshot) KalshiEndedFirst() kalshi.OrderStatus {
	in, o := s.Intent, s.Order
	if in == nil || o == nil || !o.Status.Terminal() {
		return ""
	}
	st, known := pipeline.StageOf(in.Status)
	placed := st == pipeline.StagePlaced || (st == pipeline.StageValidated && in.KalshiOrderID != "")
	if !known || !placed {
		return ""
	}
	return o.Status
}

// IntentNote says, in one phrase, why an order has no intent to show, the
// same on the screen and in an export: a Kalshi order watched on its own,
// a bare ID the intent service does not know (so watched as a Kalshi
// order), an intent the service does not know, or one not read yet. It is
// "" once the intent is known.
func (s Snapshot) IntentNote() string {
	switch {
	case s.Intent != nil:
		return ""
	case s.askedBare():
		return "the intent service does not know this ID (404), so it is watched as a Kalshi order"
	case s.Target.Kind == KindKalshi:
		return "none, a Kalshi order watched on its own"
	case s.Sources.Intent.NotFound:
		return "the intent service does not know this ID (404)"
	case s.Sources.Intent.Err != "":
		return "no intent data: " + textsafe.Short(s.Sources.Intent.Err, 80)
	case s.Target.Kind == KindAuto:
		return "not known yet: the intent service is asked first, then Kalshi"
	}
	return "the intent service has not answered yet"
}
