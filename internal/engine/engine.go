package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Config configures an Engine.
type Config struct {
	// Kalshi reads Kalshi orders; nil when Kalshi is not configured.
	Kalshi *kalshi.Client
	// Intents reads intents; nil when the intent service is not configured.
	Intents *pipeline.IntentClient
	// Thresholds decide when a stage counts as stuck.
	Thresholds Thresholds
	// Interval is the refresh interval the caller polls at; zero means
	// DefaultInterval.
	Interval time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TokenExpiry reports when the intent service's JWT expires (zero if
	// unknown or none); nil means unknown. The engine calls it with the
	// round's context, never with its lock held, and only after a round
	// whose intent reads got a token, so the check finds the token cached
	// and never fetches one itself.
	TokenExpiry func(ctx context.Context) time.Time
	// IntentConcurrency caps concurrent intent-service requests; zero
	// means 8.
	IntentConcurrency int
	// KalshiConcurrency caps concurrent Kalshi requests; zero means 8.
	// The Kalshi client's own token bucket still paces them.
	KalshiConcurrency int
	// ReadBudget is the Kalshi read tokens per second to plan with when
	// Kalshi's own limits cannot be read (Basic: 200); zero means no
	// planning limit in that case.
	ReadBudget int
	// TierOverride, when set, is the usage tier whose budget the engine
	// plans with instead of the one GET /account/limits reports (the
	// config's kalshi.tier, when the user set it).
	TierOverride string
	// MaxBackoff caps how long a failing source is left alone between
	// attempts; zero means 30 seconds.
	MaxBackoff time.Duration
	// Logger receives the budget in force, recovered panics and the
	// differences reconciliation finds; nil discards.
	Logger *slog.Logger

	// Stream is Kalshi's WebSocket, not yet running; nil means no push.
	// Start runs it; while it is live, pushed orders, fills and prices
	// fold into the snapshots at once and orders are read over REST only
	// to reconcile (see push.go).
	Stream *kalshi.Stream
	// ReconcileInterval is how often the watched orders are read over
	// REST while push is live; zero means 30 seconds.
	ReconcileInterval time.Duration
	// All watches every resting order on the Kalshi account besides the
	// orders added by hand (see WatchAll).
	All bool
	// KeepFinished is how long an order found by All stays watched after
	// it finished; zero means 10 minutes.
	KeepFinished time.Duration
	// Wallet, when set, narrows the intents All finds to one wallet's.
	Wallet string
	// Location is the zone diagnosis messages write times in, the run's
	// zone; nil means time.Local.
	Location *time.Location
}

// Health is how each source is doing across all watched orders.
type Health struct {
	// Kalshi is the health of Kalshi's order reads. Queue, market and
	// fill reads do not change it (see Figures), except that a 429 or a
	// rejected credential on any read counts: both are account-wide.
	Kalshi SourceStatus
	Intent SourceStatus
	// TokenExpiry is when the intent service's JWT expires; zero if none.
	TokenExpiry time.Time
	// Budget is the Kalshi read budget in force and where it came from.
	Budget Budget
	// Exchange is Kalshi's exchange status as last read.
	Exchange ExchangeState
	// Figures is how the queue, market and fill reads went this round,
	// across all orders.
	Figures Figures
	// Push is how Kalshi's WebSocket is doing; Push.On is false when
	// push is not configured.
	Push PushState
	// All says every resting order on the account is watched (WatchAll).
	All bool
}

// Round is the engine's state after a commit: every watched order's
// snapshot, the events not yet handed out, and the health of each source.
// Poll returns one after its refresh; Latest one at any time.
type Round struct {
	// Seq numbers the engine's commits (rounds and pushed updates) in
	// order; a caller drops the snapshots of a Round older than one it
	// already applied, but never its events, which are handed out once.
	Seq      uint64
	Started  time.Time
	Finished time.Time
	// Snapshots has one entry per watched order, in the order they were
	// added. Each Round has its own copies, which the engine never writes
	// again, so a front end may keep pointers into them.
	Snapshots []Snapshot
	// Events are the changes committed since the previous Round handed
	// out (by Poll or Latest), oldest first.
	Events []Event
	Health Health
	// KalshiTokens is the read tokens this round planned to spend on
	// Kalshi.
	KalshiTokens int
	// Note is a short line about the schedule, such as a stretched
	// interval when the rate budget cannot cover every order; "" if none.
	Note string
}

// Engine polls both sources for every watched order and turns the replies
// into snapshots, events and diagnoses. One engine serves the live screen
// and the headless modes. It is safe for concurrent use; rounds run one at
// a time, so a caller that polls from several goroutines still sees rounds
// in Seq order.
//
// Locks. round is held for a whole Poll and guards the fields between it
// and mu, which only rounds touch. mu guards the fields after it: the
// watched set, the focus, the tracker, each source's health, the commit
// sequence and the events not yet handed out, the last round's summary,
// what push has said (push) and whether every resting order is watched
// (all). Add, Remove, Focus, Targets, Resume, WatchAll, Latest and every
// pushed message change them at any time. A round holds mu only twice,
// briefly: to copy its input (begin) and to commit its results (commit);
// a pushed message holds it once, to fold and commit. No read, token
// fetch or token expiry check ever runs with mu held, so a slow server or
// token_command never blocks Add, Focus, a push or Ctrl+C. round is
// always taken before mu, and mu before the Stream's own lock
// (SetMarkets, State).
type Engine struct {
	cfg Config
	now func() time.Time
	log *slog.Logger

	round sync.Mutex
	kalshiState

	mu      sync.Mutex
	seq     uint64
	orders  []*watch
	index   map[string]*watch
	focus   string
	tracker *Tracker
	sources map[SourceName]*sourceState
	out     outbox
	push    pushMemo
	all     bool
	// dismissed holds the Kalshi orders All found that the user removed,
	// so they are not found again.
	dismissed map[string]bool
}

// kalshiState is what rounds remember about reading Kalshi; guarded by
// Engine.round.
type kalshiState struct {
	budget      Budget
	budgetTried bool
	costs       kalshi.Costs
	// discoveryFull is set when the account-wide read of resting orders
	// had more pages than a round reads.
	discoveryFull bool
	// listingFailed is when an order listing last failed even in smaller
	// pages; for listingPause after it, orders are read one by one
	// instead of paying for a listing that will fail again.
	listingFailed time.Time
	// listsRefused is set once the server answered a ticker list with
	// 400: fills are then read one market a call, or account-wide.
	listsRefused bool
	exchange     ExchangeState
	tokenExpiry  time.Time
}

// watch is the engine's memory of one watched order; guarded by
// Engine.mu.
type watch struct {
	key    string // the target as the user added it
	target Target // with Kind resolved once known
	snap   Snapshot
	memo
	// found is set for an order All found rather than the user added;
	// finishedAt is when such an order was first seen finished, and it
	// leaves KeepFinished after that.
	found      bool
	finishedAt time.Time
}

func (w *watch) done() bool { return w.terminalRounds >= 2 }

// item copies the order for a round or a fold: a snapshot of what the
// engine knows of it now.
func (w *watch) item() item { return item{w: w, target: w.target, prev: w.snap, memo: w.memo} }

// sourceState is the engine-level backoff and health of one source.
type sourceState struct {
	health   SourceStatus
	failures int
}

// DefaultInterval is the refresh interval when none is configured. It is
// the one default: config's default for the file's interval, and what the
// engine, the headless modes and the screen fall back to when given none.
const DefaultInterval = 2 * time.Second

// New returns an engine with no watched orders.
func New(cfg Config) *Engine {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IntentConcurrency <= 0 {
		cfg.IntentConcurrency = pipeline.MaxConcurrentRequests
	}
	if cfg.KalshiConcurrency <= 0 {
		cfg.KalshiConcurrency = 8
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReconcileInterval <= 0 {
		cfg.ReconcileInterval = 30 * time.Second
	}
	if cfg.KeepFinished <= 0 {
		cfg.KeepFinished = 10 * time.Minute
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	return &Engine{
		cfg:     cfg,
		now:     cfg.Now,
		log:     cfg.Logger,
		index:   map[string]*watch{},
		tracker: NewTracker(),
		sources: map[SourceName]*sourceState{
			SourceKalshi: {health: SourceStatus{Used: cfg.Kalshi != nil}},
			SourceIntent: {health: SourceStatus{Used: cfg.Intents != nil}},
		},
		out:  outbox{changed: make(chan struct{})},
		push: pushMemo{reconcileAll: true},
		all:  cfg.All && cfg.Kalshi != nil,
	}
}

// Add starts watching t. Adding a target already watched does nothing and
// reports false.
func (e *Engine) Add(t Target) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	key := t.String()
	if w, ok := e.index[key]; ok {
		// Added by hand now, an order All found never leaves by itself.
		w.found = false
		return false
	}
	if t.Kind == KindAuto && e.cfg.Intents == nil {
		t.Kind = KindKalshi
	}
	w := &watch{key: key, target: t, snap: Snapshot{Target: t}}
	e.orders = append(e.orders, w)
	e.index[key] = w
	delete(e.dismissed, t.ID)
	return true
}

// Remove stops watching t (named as it was added, or as it resolved). A
// round under way drops what it read for t.
func (e *Engine) Remove(t Target) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, w := range e.orders {
		if w.key == t.String() || w.target.String() == t.String() {
			if w.found {
				if e.dismissed == nil {
					e.dismissed = map[string]bool{}
				}
				e.dismissed[w.target.ID] = true
			}
			e.removeLocked(i)
			e.syncMarketsLocked()
			return
		}
	}
}

// Targets returns the watched targets in the order they were added, with
// their kinds resolved where known.
func (e *Engine) Targets() []Target {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Target, len(e.orders))
	for i, w := range e.orders {
		out[i] = w.target
	}
	return out
}

// Focus marks t as the order the user is looking at, so it is refreshed
// first when the budget is tight.
func (e *Engine) Focus(t Target) {
	e.mu.Lock()
	e.focus = t.String()
	e.mu.Unlock()
}

// Resume clears a halt caused by rejected credentials, so the next round
// asks that source again. The live screen calls it when the user asks for
// a refresh.
func (e *Engine) Resume() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.sources {
		s.health.Halted = false
		s.health.RetryAt = time.Time{}
		s.failures = 0
	}
}
