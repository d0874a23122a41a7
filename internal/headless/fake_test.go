package headless

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

var t0 = time.Date(2026, 3, 14, 14, 0, 0, 0, time.UTC)

const (
	interval = 2 * time.Second
	timeout  = 10 * time.Minute
)

// script is a scripted engine: poll i returns rounds[i], and after the
// script the last round's snapshots again with no new events. A hook may
// run inside a poll, as a Ctrl+C or a timeout arriving mid-round would.
type script struct {
	t      *testing.T
	rounds []engine.Round
	hooks  map[int]func(ctx context.Context)
	polls  int
	cancel context.CancelFunc // ends a run that polls forever
}

func (s *script) poll(ctx context.Context) engine.Round {
	i := s.polls
	s.polls++
	if i > 100 {
		s.t.Errorf("still polling after %d rounds", i)
		s.cancel()
	}
	if h := s.hooks[i]; h != nil {
		h(ctx)
	}
	if i < len(s.rounds) {
		return s.rounds[i]
	}
	r := s.rounds[len(s.rounds)-1]
	r.Events = nil
	r.Seq = uint64(i + 1)
	return r
}

func (s *script) source() source {
	return source{poll: s.poll, count: func() int { return len(s.rounds[0].Snapshots) }}
}

// ticker fires every interval at once, so a watch runs through its script
// without sleeping; the timeout fires only when the test closes it.
type ticker struct {
	mu        sync.Mutex
	asked     []time.Duration
	deadline  chan time.Time
	fireCount int
}

func newTicker() *ticker { return &ticker{deadline: make(chan time.Time)} }

func (k *ticker) tick(d time.Duration) <-chan time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.asked = append(k.asked, d)
	if d == timeout {
		return k.deadline
	}
	k.fireCount++
	c := make(chan time.Time, 1)
	c <- t0
	return c
}

type harness struct {
	t              *testing.T
	stdout, stderr bytes.Buffer
	tick           *ticker
	script         *script
}

// newHarness scripts rounds; set h.script.hooks before h.run.
func newHarness(t *testing.T, rounds ...engine.Round) *harness {
	return &harness{t: t, tick: newTicker(), script: &script{t: t, rounds: rounds}}
}

// run runs the headless front end over the script with opts, filling in
// the writers, clock, zone, interval and ticker.
func (h *harness) run(ctx context.Context, opts Options) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h.script.cancel = cancel
	opts.Stdout, opts.Stderr = &h.stdout, &h.stderr
	opts.Location = time.UTC
	opts.Now = func() time.Time { return t0.Add(5 * time.Minute) }
	opts.Tick = h.tick.tick
	if opts.Interval == 0 {
		opts.Interval = interval
	}
	return run(ctx, h.script.source(), opts)
}

// runScript is newHarness and run in one step.
func runScript(t *testing.T, ctx context.Context, rounds []engine.Round, hooks map[int]func(context.Context), opts Options) (*harness, int) {
	t.Helper()
	h := newHarness(t, rounds...)
	h.script.hooks = hooks
	return h, h.run(ctx, opts)
}

// timeoutDuring makes the timeout fire while poll i is in flight, holding
// the poll until the watch cancels it, as a hung request would.
func (h *harness) timeoutDuring(i int) {
	if h.script.hooks == nil {
		h.script.hooks = map[int]func(context.Context){}
	}
	h.script.hooks[i] = func(ctx context.Context) {
		close(h.tick.deadline)
		<-ctx.Done()
	}
}

func dec(s string) fixed.Decimal { return fixed.MustParse(s) }

var okSource = engine.SourceStatus{Used: true, LastSuccess: t0}

// intentSnap is intent id at status, with its Kalshi order once placed.
func intentSnap(id string, st pipeline.Status, at time.Time) engine.Snapshot {
	s := engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindIntent, ID: id},
		ObservedAt: at,
		Intent: &pipeline.Intent{
			ID: id, Status: st, CreatedAt: t0,
			IsComplete: st == pipeline.StatusCompleted || st == pipeline.StatusFailed,
		},
		Sources: engine.Sources{Intent: okSource},
	}
	if st == pipeline.StatusFailed {
		s.Intent.TerminationReason = "insufficient balance"
	}
	return s
}

// kalshiSnap is Kalshi-only order id in status st.
func kalshiSnap(id string, st kalshi.OrderStatus, at time.Time) engine.Snapshot {
	return engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindKalshi, ID: id},
		ObservedAt: at,
		Order: &kalshi.Order{
			OrderID: id, Ticker: "KXRAIN", Status: st, OutcomeSide: "yes",
			YesPrice: dec("0.30"), InitialCount: dec("5"), FillCount: dec("0"), RemainingCount: dec("5"),
		},
		Sources: engine.Sources{Kalshi: okSource},
	}
}

// unreachable is an intent whose service never answered.
func unreachable(id string, at time.Time) engine.Snapshot {
	return engine.Snapshot{
		Target:     engine.Target{Kind: engine.KindIntent, ID: id},
		ObservedAt: at,
		Sources: engine.Sources{Intent: engine.SourceStatus{
			Used: true, LastAttempt: at, Err: "pipeline: GET /v1/order/" + id + ": Service Unavailable",
		}},
	}
}

func round(seq uint64, snaps ...engine.Snapshot) engine.Round {
	return engine.Round{Seq: seq, Snapshots: snaps}
}
