package headless

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
)

// pushSource is an engine that commits on its own: each value sent on
// commits becomes the state Latest returns and wakes Changed, as a pushed
// update does. poll returns the first round and then the last state.
type pushSource struct {
	mu      sync.Mutex
	state   engine.Round
	seq     uint64
	wake    chan struct{}
	polls   int
	latests int
	polled  chan struct{} // closed by the first poll
}

func newPushSource(first engine.Round) *pushSource {
	first.Seq = 1
	return &pushSource{state: first, seq: 1, wake: make(chan struct{}), polled: make(chan struct{})}
}

// commit makes r the engine's state, as a pushed update would, once the
// watch has made its first round.
func (p *pushSource) commit(r engine.Round) {
	<-p.polled
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	r.Seq = p.seq
	p.state = r
	close(p.wake)
	p.wake = make(chan struct{})
}

func (p *pushSource) source() source {
	return source{
		poll: func(context.Context) engine.Round {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.polls++
			if p.polls == 1 {
				close(p.polled)
			}
			r := p.state
			r.Events = nil
			return r
		},
		count: func() int { return 1 },
		changed: func(seq uint64) <-chan struct{} {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.seq > seq {
				c := make(chan struct{})
				close(c)
				return c
			}
			return p.wake
		},
		latest: func() engine.Round {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.latests++
			return p.state
		},
	}
}

// syncBuffer is a writer safe to read while the watch writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// never is a Tick whose interval never passes, so only a commit of the
// engine's own can make the watch print.
func never(time.Duration) <-chan time.Time { return nil }

// TestWatchPrintsPushedChangesAtOnce: with no round due, a change the
// engine commits by itself is printed at once, as a plain line and as an
// NDJSON line, and ends the watch when it finishes the last order.
func TestWatchPrintsPushedChangesAtOnce(t *testing.T) {
	for _, mode := range []Mode{Plain, JSON} {
		resting := kalshiSnap("k1", kalshi.StatusResting, t0)
		src := newPushSource(round(1, resting))
		var stdout, stderr syncBuffer
		done := make(chan int)
		go func() {
			done <- run(context.Background(), src.source(), Options{Mode: mode, Interval: interval, Stdout: &stdout, Stderr: &stderr,
				Location: time.UTC, Now: func() time.Time { return t0 }, Tick: never})
		}()
		canceled := kalshiSnap("k1", kalshi.StatusCanceled, t0.Add(time.Second))
		canceled.Order.LastUpdateReason = "ExpiryCancel"
		ev := engine.Event{At: t0.Add(time.Second), Target: canceled.Target, Kind: engine.EventKalshiStatus, From: "resting", To: "canceled",
			Message: "Kalshi resting → canceled"}
		src.commit(engine.Round{Snapshots: []engine.Snapshot{canceled}, Events: []engine.Event{ev}})
		select {
		case code := <-done:
			if code != ExitOK {
				t.Errorf("mode %d: exit %d", mode, code)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("mode %d: the pushed change never ended the watch; stdout %q", mode, stdout.String())
		}
		out := stdout.String()
		want := "Kalshi resting → canceled"
		if mode == JSON {
			want = jsonLine(t, canceled)
		}
		if !strings.Contains(out, want) {
			t.Errorf("mode %d: output lacks %q:\n%s", mode, want, out)
		}
		if src.polls != 1 || src.latests == 0 {
			t.Errorf("mode %d: %d polls, %d Latest calls; want the first round only, then the pushed state", mode, src.polls, src.latests)
		}
	}
}

// TestWatchAllKeepsWatchingAndNotesPush: watching everything, no orders
// (or all finished) does not end the watch, since new ones may come; the
// push mode is noted on stderr when it changes.
func TestWatchAllKeepsWatchingAndNotesPush(t *testing.T) {
	first := engine.Round{Health: engine.Health{All: true, Push: engine.PushState{On: true, Interval: interval,
		Stream: kalshi.StreamState{Refused: true, RefusedStatus: 401}}}}
	src := newPushSource(first)
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, src.source(), Options{Mode: Plain, Interval: interval, Stdout: &stdout, Stderr: &stderr,
			Location: time.UTC, Now: func() time.Time { return t0 }, Tick: never})
	}()
	ended := kalshiSnap("k1", kalshi.StatusExecuted, t0)
	live := engine.Health{All: true, Push: engine.PushState{On: true, Interval: interval, Stream: kalshi.StreamState{Live: true, LastFrame: t0}}}
	src.commit(engine.Round{Snapshots: []engine.Snapshot{ended}, Health: live})
	deadline := time.After(10 * time.Second)
	for !strings.Contains(stderr.String(), "live") {
		select {
		case code := <-done:
			t.Fatalf("the watch ended (%d) with every order finished, watching everything; stderr %q", code, stderr.String())
		case <-deadline:
			t.Fatalf("stderr %q", stderr.String())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	<-done
	for _, want := range []string{
		"watching every resting order on the Kalshi account (0 orders now)",
		"note: kalshi polling every 2s · push refused (401)",
		"note: kalshi ⚡ live · 0s",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}
