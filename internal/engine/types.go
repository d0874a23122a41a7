package engine

import (
	"fmt"
	"time"

	"ordermon/internal/fixed"
	"ordermon/internal/timefmt"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// TargetKind says which system a watched ID belongs to.
type TargetKind int

// Target kinds. KindAuto is a bare ID: an intent when the intent service is
// configured (falling back to Kalshi when it answers 404), else a Kalshi
// order. KindClient is an intent named by the client ID it was created
// with; it keeps that name, with the intent's own ID beside it once read.
const (
	KindAuto TargetKind = iota
	KindIntent
	KindKalshi
	KindClient
)

// Target is one watched order, as the user named it.
type Target struct {
	Kind TargetKind
	ID   string
}

// String returns the canonical form: "intent:<id>", "kalshi:<id>",
// "client:<clientId>" or the bare ID while it is still unresolved.
func (t Target) String() string {
	switch t.Kind {
	case KindIntent:
		return "intent:" + t.ID
	case KindKalshi:
		return "kalshi:" + t.ID
	case KindClient:
		return "client:" + t.ID
	}
	return t.ID
}

// NamesIntent reports whether t names an intent for certain: by its ID or
// by its client ID.
func (t Target) NamesIntent() bool { return t.Kind == KindIntent || t.Kind == KindClient }

// SourceName names one of the two systems ordermon reads.
type SourceName string

// The two sources.
const (
	SourceKalshi SourceName = "kalshi"
	SourceIntent SourceName = "pipeline"
)

// SourceStatus is what ordermon knows about fetching one source for one
// order: when it last succeeded, how long that took, and the last error.
type SourceStatus struct {
	// Used is false when this order does not involve the source at all
	// (a Kalshi-only order has no intent).
	Used bool
	// LastSuccess is when data last arrived; zero if never.
	LastSuccess time.Time
	// LastAttempt is when the last request was made.
	LastAttempt time.Time
	Latency     time.Duration
	// Err is the last error, sanitized and short, or "" after a success.
	Err string
	// NotFound is true when the source answered 404 for this order.
	NotFound bool
	// RetryAt is when a backed-off source will be asked again (rate limit
	// or errors); zero when not backing off.
	RetryAt time.Time
	// RateLimited is true while the backoff is due to 429s.
	RateLimited bool
	// Halted is true when polling stopped until the user acts (a 401).
	Halted bool
	// Pushed is set while LastSuccess is the last frame Kalshi's live
	// push sent: a quiet connection sends only a heartbeat every 10 s,
	// so its data goes stale after PushQuiet, not after three intervals.
	Pushed bool
}

// PushQuiet is how long data vouched for by a live push stays fresh
// without a frame: two of Kalshi's 10 s heartbeats. A connection silent
// for longer is likely failing; the Stream drops it at 30 s.
const PushQuiet = 20 * time.Second

// Stale reports whether the data is older than three intervals at now, or
// than PushQuiet when push vouches for it.
func (s SourceStatus) Stale(now time.Time, interval time.Duration) bool {
	if !s.Used {
		return false
	}
	if s.LastSuccess.IsZero() {
		return s.Err != ""
	}
	limit := 3 * interval
	if s.Pushed {
		limit = max(limit, PushQuiet)
	}
	return now.Sub(s.LastSuccess) > limit
}

// Figure is how fresh one of an order's Kalshi figures is (its queue
// position, market or fills), apart from the order itself: a failed read
// marks only its own figure, which keeps its last value and age.
type Figure struct {
	// At is when the figure was last read; zero if never.
	At time.Time
	// Err is the last read's error, sanitized and short, or "" after a
	// success; ErrAt is when it failed.
	Err   string
	ErrAt time.Time
}

// Stale reports whether the last read of the figure failed, so the value
// shown is as old as At says.
func (f Figure) Stale() bool { return f.Err != "" }

// StaleText says what a figure shown beside fresh ones is worth when its
// last read failed: "stale 40s: 500 Internal Server Error", or "not read:
// …" when no read ever succeeded; "" after a successful read. The screen
// and the plain lines print it beside the figure.
func (f Figure) StaleText(now time.Time) string {
	switch {
	case !f.Stale():
		return ""
	case f.At.IsZero():
		return "not read: " + f.Err
	}
	return "stale " + timefmt.Duration(max(now.Sub(f.At), 0)) + ": " + f.Err
}

// note records one read: its error, or its success at now, which it
// reports.
func (f *Figure) note(err error, now time.Time) bool {
	if err != nil {
		f.Err, f.ErrAt = shortError(err), now
		return false
	}
	f.At, f.Err = now, ""
	return true
}

// Figures holds the freshness of an order's queue position, market and
// fills.
type Figures struct {
	Queue, Market, Fills Figure
}

// Sources holds the fetch status of both systems for one order.
type Sources struct {
	Kalshi SourceStatus
	Intent SourceStatus
}

// Snapshot is one watched order as last observed: the intent joined with
// its Kalshi order, that order's queue position and market, and how each
// source is doing. The live screen and the headless modes render this one
// struct.
type Snapshot struct {
	Target     Target
	ObservedAt time.Time

	// Intent is nil for a Kalshi-only order, or before the first reply.
	Intent *pipeline.Intent
	// Order is nil until Kalshi has answered (or when the intent names no
	// Kalshi order yet).
	Order *kalshi.Order
	// QueueAhead is the contracts ahead in the queue, from the queue
	// position endpoint; nil unless the order is resting. Never the
	// deprecated inline queue_position.
	QueueAhead *fixed.Decimal
	// PrevQueueAhead is the previous poll's value, for ▲/▼.
	PrevQueueAhead *fixed.Decimal
	Market         *kalshi.Market
	Fills          []kalshi.Fill

	// Sources says how fetching each system is going for this order.
	Sources Sources
	// Figures says how fresh the queue position, market and fills are.
	Figures Figures
	// Exchange is Kalshi's exchange status as last read (zero before).
	Exchange ExchangeState

	// KalshiArchived is true when Kalshi no longer serves the order live
	// and it was found in Kalshi's historical orders instead.
	KalshiArchived bool

	// PeakStatus is the most advanced intent status seen across polls, so
	// a regression can be diagnosed.
	PeakStatus pipeline.Status

	// Diagnosis lists what is wrong, most severe first.
	Diagnosis []Finding
}

// Severity ranks a finding.
type Severity int

// Severities, least to most severe.
const (
	SevInfo Severity = iota
	SevWarn
	SevError
)

// String returns "info", "warn" or "error".
func (s Severity) String() string {
	switch s {
	case SevWarn:
		return "warn"
	case SevError:
		return "error"
	}
	return "info"
}

// Finding is one diagnosis: a stable code, a severity, and a message a
// support person can paste into a ticket.
type Finding struct {
	Code     string
	Severity Severity
	Message  string
	// Short is the problem in a few words for the order list, such as
	// "no Kalshi order" or "Kalshi canceled"; it names no order or time.
	Short string
	// Cause is the one-line explanation the verdict prints after the
	// stage, such as "funds locked, no Kalshi order"; it holds no times,
	// so the verdict can age it live.
	Cause string
	// Since is when the condition began, for the findings that have an
	// age (a stuck stage); zero otherwise.
	Since time.Time
	// Limit is the threshold a stuck stage has passed, so the timeline
	// can name it beside the stage; zero for other findings.
	Limit time.Duration
}

// EventKind names what changed between two observations.
type EventKind string

// Event kinds.
const (
	EventStageReached    EventKind = "stage_reached"
	EventKalshiStatus    EventKind = "kalshi_status"
	EventFillCount       EventKind = "fill_count"
	EventQueueMoved      EventKind = "queue_moved"
	EventFees            EventKind = "fees"
	EventNewFill         EventKind = "new_fill"
	EventSourceFailed    EventKind = "source_failed"
	EventSourceRecovered EventKind = "source_recovered"
)

// Event is one change in a watched order, stamped with when it was
// observed.
type Event struct {
	// At is when ordermon observed the change.
	At time.Time
	// When is when the change happened by the server's own clock, such as
	// a stage's timestamp; zero when only the observation time is known.
	When   time.Time
	Target Target
	Kind   EventKind
	// From and To are the old and new values as text ("3.00" → "5.00").
	From, To string
	// Message is a sanitized one-line description.
	Message string
}

// Time returns when the change happened: When if the server said, else
// when it was observed. Event logs show this time, so the history of an
// order first seen long after it started reads true.
func (e Event) Time() time.Time {
	if !e.When.IsZero() {
		return e.When
	}
	return e.At
}

// String renders the event as one plain line without the time.
func (e Event) String() string {
	return fmt.Sprintf("%s %s", e.Target, e.Message)
}

// Thresholds say how long each stage may last before the order is flagged
// as stuck.
type Thresholds struct {
	Pending   time.Duration
	Validated time.Duration
	Placed    time.Duration
	Filled    time.Duration
	TxnFilled time.Duration
}

// DefaultThresholds are what a support desk would choose: the balance check
// and the Kalshi placement are automatic and take seconds, so a minute or
// two means something broke; a limit order may rest for a while; on-chain
// settlement on Base takes seconds, so five minutes is already late.
var DefaultThresholds = Thresholds{
	Pending:   time.Minute,
	Validated: 2 * time.Minute,
	Placed:    15 * time.Minute,
	Filled:    5 * time.Minute,
	TxnFilled: 5 * time.Minute,
}
