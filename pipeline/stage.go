package pipeline

import "time"

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

// Stages lists every stage in pipeline order.
var Stages = []Stage{StagePending, StageValidated, StagePlaced, StageFilled, StageTxnFilled, StageCompleted}

// String returns the stage's status name, e.g. "txn_filled".
func (s Stage) String() string { return "" } // STUB

// StageOf maps a status to its stage; ok is false for failed and for
// statuses outside the older API's pipeline (such as "executing").
func StageOf(st Status) (s Stage, ok bool) { return 0, false } // STUB

// TimelineRow is one stage of an intent's timeline.
type TimelineRow struct {
	Stage Stage
	// Reached is true when the stage's timestamp is set or a later stage
	// was reached (polling can miss a short stage).
	Reached bool
	// At is when the stage was reached; zero when reached but the service
	// gave no timestamp.
	At time.Time
	// SincePrev is At minus the previous reached stage's At; zero when
	// either is unknown.
	SincePrev time.Duration
	// Current is true for the stage the intent is in now (not set once the
	// intent completed or failed).
	Current bool
	// For is how long the intent has been in the current stage at now.
	For time.Duration
	// Failed is true for the stage at which a failed intent stopped.
	Failed bool
}

// Timeline builds one row per stage from the intent's status and stage
// timestamps, as of now.
func Timeline(in Intent, now time.Time) []TimelineRow { return nil } // STUB
