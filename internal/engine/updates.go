package engine

import "time"

// outbox is how commits reach the front ends. Every commit, a round's or
// a pushed message's, adds its events here and wakes whoever waits on
// Changed; Poll and Latest hand the events out, each once. Guarded by
// Engine.mu.
type outbox struct {
	// changed is closed at the next commit, then replaced.
	changed chan struct{}
	// events are committed and not yet handed out, oldest first.
	events []Event
	// last is what the last round said, for a Round Latest builds
	// between rounds.
	last roundSummary
}

// roundSummary is the part of a Round that only a round learns: its
// times, its schedule note and tokens, and the health that rounds keep
// under Engine.round (copied here under mu, so Latest needs no round).
type roundSummary struct {
	started, finished time.Time
	note              string
	tokens            int
	health            Health
}

// maxPending bounds the events kept for a front end that has not asked
// for them; the oldest go first.
const maxPending = 10000

// Changed returns a channel that is closed once the engine has committed
// anything after the commit numbered seq (a Round's Seq): at once if it
// already has. A front end waits on it, then calls Latest, so a pushed
// change reaches the screen or the output without waiting for a round.
func (e *Engine) Changed(seq uint64) <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.seq > seq {
		return closed
	}
	return e.out.changed
}

// closed is a channel that is always closed.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Latest returns the engine's state now: every watched order's snapshot,
// the events committed since the last Round handed out, and the health.
// Its Note, times and Figures are the last round's; KalshiTokens is zero.
func (e *Engine) Latest() Round {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.handOutLocked()
	r.KalshiTokens = 0
	return r
}

// publishLocked commits: it numbers the commit, keeps its events for the
// front ends and wakes them. e.mu must be held.
func (e *Engine) publishLocked(events []Event) {
	e.seq++
	e.out.events = append(e.out.events, events...)
	if n := len(e.out.events); n > maxPending {
		e.out.events = append(e.out.events[:0], e.out.events[n-maxPending:]...)
	}
	close(e.out.changed)
	e.out.changed = make(chan struct{})
}

// handOutLocked builds a Round of the state now and hands out the events
// waiting. e.mu must be held.
func (e *Engine) handOutLocked() Round {
	l := e.out.last
	r := Round{Seq: e.seq, Started: l.started, Finished: l.finished, Note: l.note, KalshiTokens: l.tokens, Events: e.out.events}
	e.out.events = nil
	r.Snapshots = make([]Snapshot, len(e.orders))
	for i, w := range e.orders {
		r.Snapshots[i] = w.snap
	}
	h := l.health
	h.Kalshi, h.Intent = e.sources[SourceKalshi].health, e.sources[SourceIntent].health
	h.Push, h.All = e.pushStateLocked(), e.all
	r.Health = h
	return r
}
