package pipeline

import (
	"context"
	"time"

	"ordermon/kalshi"
)

// EngineConfig configures an Engine.
type EngineConfig struct {
	// Kalshi reads Kalshi orders; nil when Kalshi is not configured.
	Kalshi *kalshi.Client
	// Intents reads intents; nil when the intent service is not configured.
	Intents *IntentClient
	// Thresholds decide when a stage counts as stuck.
	Thresholds Thresholds
	// Interval is the refresh interval the caller polls at.
	Interval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TokenExpiry reports when the intent service's JWT expires (zero if
	// unknown or none).
	TokenExpiry func() time.Time
}

// Health is how each source is doing across all watched orders.
type Health struct {
	Kalshi SourceStatus
	Intent SourceStatus
	// TokenExpiry is when the intent service's JWT expires; zero if none.
	TokenExpiry time.Time
}

// Round is the result of one refresh: every watched order's snapshot, the
// events since the previous round, and the health of each source.
type Round struct {
	// Seq numbers rounds in the order they started; a caller drops a
	// round older than one it already applied.
	Seq      uint64
	Started  time.Time
	Finished time.Time
	// Snapshots has one entry per watched order, in the order they were
	// added.
	Snapshots []Snapshot
	// Events are the changes since the previous round, oldest first.
	Events []Event
	Health Health
	// Note is a short line about the schedule, such as a stretched
	// interval when the rate budget cannot cover every order; "" if none.
	Note string
}

// Engine polls both sources for every watched order and turns the replies
// into snapshots, events and diagnoses. One engine serves the live screen
// and the headless modes. It is safe for concurrent use; rounds run one at
// a time.
type Engine struct{ cfg EngineConfig }

// NewEngine returns an engine with no watched orders.
func NewEngine(cfg EngineConfig) *Engine { return &Engine{cfg: cfg} } // STUB

// Add starts watching t. Adding a target already watched does nothing and
// reports false.
func (e *Engine) Add(t Target) bool { return false } // STUB

// Remove stops watching t.
func (e *Engine) Remove(t Target) {} // STUB

// Targets returns the watched targets in the order they were added.
func (e *Engine) Targets() []Target { return nil } // STUB

// Focus marks t as the order the user is looking at, so it is refreshed
// first when the budget is tight.
func (e *Engine) Focus(t Target) {} // STUB

// Poll runs one refresh round and returns its result. Canceling ctx ends
// the round early; orders not reached keep their previous data.
func (e *Engine) Poll(ctx context.Context) Round { return Round{} } // STUB
