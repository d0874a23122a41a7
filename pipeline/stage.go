package pipeline

import (
	"strconv"
	"strings"
	"time"
)

// Stage is one step of the pipeline, in order. Failed is not a step: it
// can be reached from any of them.
type Stage int

// The pipeline's stages, in order.
const (
	StagePending Stage = iota
	StageValidated
	StagePlaced
	StageFilled
	StageTxnFilled
	StageCompleted
)

// NumStages sizes the fixed arrays that let the hot paths (diagnosis and
// the tracker, run on every poll) avoid allocating a timeline slice.
// NumStages is how many stages the pipeline has.
const NumStages = int(StageCompleted) + 1

// Stages lists every stage in pipeline order.
var Stages = []Stage{StagePending, StageValidated, StagePlaced, StageFilled, StageTxnFilled, StageCompleted}

var stageNames = [NumStages]string{"pending", "validated", "placed", "filled", "txn_filled", "completed"}

// stageStampNames are the intent API's field names for each stage's
// timestamp, so messages name the field a support person will see in the
// raw payload.
var stageStampNames = [NumStages]string{"createdAt", "balanceValidatedAt", "orderPlacedAt", "orderFilledAt", "txnFilledAt", ""}

// String returns the stage's status name, e.g. "txn_filled".
func (s Stage) String() string {
	if s < 0 || int(s) >= NumStages {
		return "stage(" + strconv.Itoa(int(s)) + ")"
	}
	return stageNames[s]
}

// Status returns the intent status that names this stage.
func (s Stage) Status() Status { return Status(s.String()) }

// StageOf maps a status to its stage; ok is false for failed and for
// statuses outside the older API's pipeline (such as "executing").
// Case is ignored, because the service's own examples are not consistent
// about it.
func StageOf(st Status) (s Stage, ok bool) {
	for i, name := range stageNames {
		if string(st) == name {
			return Stage(i), true
		}
	}
	for i, name := range stageNames {
		if strings.EqualFold(string(st), name) {
			return Stage(i), true
		}
	}
	return 0, false
}

// Is reports whether st is want, ignoring case like StageOf does.
func (st Status) Is(want Status) bool {
	return st == want || strings.EqualFold(string(st), string(want))
}

// StampName is the intent API's field name for the stage's timestamp
// ("balanceValidatedAt"), so messages name the field a support person will
// see in the raw payload; completed has none.
func (s Stage) StampName() string {
	if s < 0 || int(s) >= NumStages {
		return ""
	}
	return stageStampNames[s]
}

// StageAt returns the intent's timestamp for stage s; completed has none.
func (in *Intent) StageAt(s Stage) time.Time {
	switch s {
	case StagePending:
		return in.CreatedAt
	case StageValidated:
		return in.BalanceValidatedAt
	case StagePlaced:
		return in.OrderPlacedAt
	case StageFilled:
		return in.OrderFilledAt
	case StageTxnFilled:
		return in.TxnFilledAt
	}
	return time.Time{}
}

// TimelineRow is one stage of an intent's timeline.
type TimelineRow struct {
	Stage Stage
	// Reached is true when the stage's timestamp is set or a later stage
	// was reached (polling can miss a short stage).
	Reached bool
	// At is when the stage was reached; zero when reached but the service
	// gave no timestamp.
	At time.Time
	// SincePrev is At minus the At of the nearest earlier stage that has a
	// timestamp, so a skipped stage does not hide how long the step took.
	// It is zero when At is unknown or no earlier stage has one, and
	// negative when the service's timestamps are out of order.
	SincePrev time.Duration
	// Current is true for the stage the intent is in now (not set once the
	// intent completed or failed).
	Current bool
	// For is how long the intent has been in the current stage at now:
	// since the stage's At, or since the latest known timestamp when the
	// stage has none. It is never negative.
	For time.Duration
	// Failed is true for the stage at which a failed intent stopped: the
	// first stage it did not reach.
	Failed bool
}

// Timeline builds one row per stage from the intent's status and stage
// timestamps, as of now.
//
// A stage counts as reached when its own timestamp is set, when the status
// is at or past it, or when a later stage was reached, because at a 5–10 s
// poll interval a short stage is easily missed. A status outside the older
// pipeline (such as the newer API's "executing") marks only what the
// timestamps say and no current stage.
func Timeline(in *Intent, now time.Time) [NumStages]TimelineRow {
	var rows [NumStages]TimelineRow
	cur, known := StageOf(in.Status)
	failed := in.Status.Is(StatusFailed)

	// The furthest stage reached, by status or by timestamp; -1 for none.
	furthest := -1
	if known {
		furthest = int(cur)
	}
	var latest time.Time
	for i := range NumStages {
		at := in.StageAt(Stage(i))
		rows[i].Stage = Stage(i)
		rows[i].At = at
		if !at.IsZero() {
			furthest = max(furthest, i)
			if at.After(latest) {
				latest = at
			}
		}
	}

	var prev time.Time
	for i := range NumStages {
		r := &rows[i]
		r.Reached = i <= furthest
		if !r.At.IsZero() {
			if !prev.IsZero() {
				r.SincePrev = r.At.Sub(prev)
			}
			prev = r.At
		}
	}

	switch {
	case failed:
		if furthest+1 < NumStages {
			rows[furthest+1].Failed = true
		}
	case known && cur != StageCompleted:
		r := &rows[cur]
		r.Current = true
		since := r.At
		if since.IsZero() {
			since = latest
		}
		if !since.IsZero() && now.After(since) {
			r.For = now.Sub(since)
		}
	}
	return rows
}

// LatestStamp returns the latest of the intent's stage timestamps.
func (in *Intent) LatestStamp() time.Time {
	var latest time.Time
	for i := range NumStages {
		if at := in.StageAt(Stage(i)); at.After(latest) {
			latest = at
		}
	}
	return latest
}
