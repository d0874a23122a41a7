package ui

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"

	"ordermon/internal/engine"
)

// tickMsg is the refresh timer firing. gen ties it to the timer that was
// armed; pausing or refreshing by hand re-arms, and older ticks are
// ignored so there is only ever one live timer.
type tickMsg struct{ gen uint64 }

// clockMsg is the one-second tick that keeps ages ("updated 3s ago")
// current between polls.
type clockMsg struct{}

// roundMsg is a finished poll. tag is the model's number for the poll.
type roundMsg struct {
	tag   uint64
	round engine.Round
}

// PanicError is a panic caught on the live screen, with the stack where
// it happened, for the caller's crash report.
type PanicError struct {
	Value any
	Stack []byte
}

// Error names the panic in one line.
func (e *PanicError) Error() string { return fmt.Sprintf("ui: panic: %v", e.Value) }

// panicMsg carries a panic out of a command so Run can report it.
type panicMsg struct{ err *PanicError }

// guard turns a panic inside c into a panicMsg, because a panic in a
// command's goroutine could not be recovered anywhere else and would leave
// the terminal in raw mode.
func guard(c tea.Cmd) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{&PanicError{Value: r, Stack: debug.Stack()}}
			}
		}()
		return c()
	}
}

// clockTick fires on the next whole second, so every age on screen moves
// in step with the wall clock.
func (m *Model) clockTick() tea.Cmd {
	return m.every(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}

// armTick starts a new refresh timer and forgets any earlier one. The
// timer fires on the wall clock's multiples of the interval, as the
// one-second clock does, so a poll's new data and the clock's next second
// reach the screen in one repaint rather than two (see handleClock).
func (m *Model) armTick() tea.Cmd {
	m.tickGen++
	gen := m.tickGen
	m.nextPoll = m.now().Truncate(m.interval).Add(m.interval)
	return m.every(m.interval, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// handleClock runs the one-second clock: the ages and the clock on screen
// move, so the frame is drawn again, unless a poll is due this very
// moment or has just started: its round is a few milliseconds away and
// will draw the same second with the new data, in one repaint.
func (m *Model) handleClock() tea.Cmd {
	now := m.now()
	if !m.flashUntil.IsZero() && !now.Before(m.flashUntil) {
		m.flash, m.flashUntil = "", time.Time{}
		m.frameOK = false
	}
	due := !m.paused && !m.nextPoll.IsZero() && m.nextPoll.Sub(now) < pollDueWithin && now.Sub(m.nextPoll) < pollDueWithin
	polling := m.inFlight != 0 && !m.slowPoll(now)
	if !due && !polling {
		m.frameOK = false
	}
	return m.clockTick()
}

// slowPoll reports whether a poll has run for a second or more, so the
// footer says "refreshing…": a quicker one would flash the word and cost
// a repaint for nothing.
func (m *Model) slowPoll(now time.Time) bool {
	return m.inFlight != 0 && now.Sub(m.pollStarted) >= time.Second
}

// pollDueWithin is how close to a poll the clock may be and leave the
// repaint to the poll's round.
const pollDueWithin = 150 * time.Millisecond

// startPoll starts a poll unless one is running, in which case it does
// nothing; the caller decides whether to queue one. resume first lifts a
// halt on rejected credentials: the user asked, so the engine may try
// again.
func (m *Model) startPoll(resume bool) tea.Cmd {
	if m.inFlight != 0 || m.engine == nil {
		return nil
	}
	m.pollTag++
	tag := m.pollTag
	m.inFlight = tag
	m.pollStarted = m.now()
	e := m.engine
	// The poll is bounded by the interval, with a floor, so a hung source
	// cannot hold the one poll slot for ever.
	timeout := max(2*m.interval, 10*time.Second)
	parent := m.ctx
	return guard(func() tea.Msg {
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		if resume {
			e.Resume()
		}
		return roundMsg{tag: tag, round: e.Poll(ctx)}
	})
}

// refreshNow polls at once, or queues exactly one more poll if one is
// running. byUser says the user asked (r or resume), which also lifts a
// halt on rejected credentials.
func (m *Model) refreshNow(byUser bool) tea.Cmd {
	if m.inFlight != 0 {
		m.queued = true
		m.queuedResume = m.queuedResume || byUser
		return nil
	}
	return m.startPoll(byUser)
}

// handleTick runs the timed refresh and re-arms the timer. The poll's
// round draws the screen; a tick that starts none draws it itself, since
// the clock left this second to the round (see handleClock).
func (m *Model) handleTick(msg tickMsg) tea.Cmd {
	if msg.gen != m.tickGen || m.paused {
		return nil
	}
	if !m.pollStarted.IsZero() && m.now().Sub(m.pollStarted) < m.interval/2 {
		// A refresh by hand just ran; the timer, aligned to the clock,
		// would poll again at once.
		m.frameOK = false
		return m.armTick()
	}
	// A tick that finds a poll still running skips: that poll's data is
	// on its way, and the rate budget is better spent later.
	poll := m.startPoll(false)
	if poll == nil {
		m.frameOK = false
	}
	return tea.Batch(poll, m.armTick())
}

// handleRound applies a finished poll, unless it is stale.
func (m *Model) handleRound(msg roundMsg) tea.Cmd {
	if msg.tag != m.inFlight {
		return nil
	}
	if m.slowPoll(m.now()) {
		// The footer says "refreshing…"; it must stop saying so.
		m.frameOK = false
	}
	m.inFlight = 0
	cmds := []tea.Cmd{m.applyCommit(msg.round)}
	if m.queued {
		m.queued = false
		cmds = append(cmds, m.startPoll(m.queuedResume))
		m.queuedResume = false
	}
	return tea.Batch(cmds...)
}

// followTop keeps the selection on the list's first row until the user
// picks an order, so the order that most needs attention is the one on
// screen from the start, once the first round has sorted the list.
func (m *Model) followTop() tea.Cmd {
	if m.picked || len(m.visible) == 0 || m.selected == m.visible[0] {
		return nil
	}
	m.selected = m.visible[0]
	m.detailVP.GotoTop()
	m.eventsVP.GotoTop()
	return m.focusCmd()
}

// applyRound merges a round into the rows and reports whether any order
// reached a final state in it. fresh says its snapshots and health are
// newer than the screen's; an older round brings only its events. A
// round that brings neither changes nothing, and the screen is not drawn
// again for it: every commit reaches the screen twice, as its poll's
// reply and as the change the screen waits for (see awaitChange).
func (m *Model) applyRound(r engine.Round, fresh bool) (finished bool) {
	if !fresh && len(r.Events) == 0 {
		return false
	}
	m.frameOK = false
	m.rowsGen++
	if fresh {
		m.haveRound = true
		m.health = r.Health
		m.note = r.Note
		m.syncFound(r.Snapshots)
	} else {
		r.Snapshots = nil
	}
	find := m.rowIndex()
	// A Round's snapshots are the engine's copies, made for this hand-out
	// and never written again, so a row points into them rather than
	// copying each one to the heap every round.
	for i := range r.Snapshots {
		s := &r.Snapshots[i]
		row := find(s.Target)
		if row == nil {
			// Removed while the poll ran.
			continue
		}
		if row.snap != nil && !terminal(row.snap) && terminal(s) {
			finished = true
		}
		row.snap = s
		row.line = lineCache{}
	}
	for _, e := range r.Events {
		row := find(e.Target)
		if row == nil {
			continue
		}
		row.events = append(row.events, e)
		row.evSeq++
		if n := len(row.events); n >= eventCap+eventCap/2 {
			// Trim in batches, copying down rather than reslicing, so the
			// array stays bounded and each event costs O(1) on average.
			row.events = append(row.events[:0], row.events[n-eventCap:]...)
		}
	}
	// Marks may have changed: the attention order and the problems-only
	// list follow them.
	m.refilter()
	return finished
}

// rowIndex returns a lookup of the rows by target, indexed by ID so a
// round of n orders costs O(n), not O(n²). A bare ID the user typed
// matches the kind the engine resolved it to.
func (m *Model) rowIndex() func(engine.Target) *row {
	byID := make(map[string][]*row, len(m.rows))
	for _, rw := range m.rows {
		byID[rw.target.ID] = append(byID[rw.target.ID], rw)
	}
	return func(t engine.Target) *row {
		for _, rw := range byID[t.ID] {
			if sameOrder(rw.target, t) {
				return rw
			}
		}
		return nil
	}
}

// sameOrder reports whether a and b name the same watched order.
func sameOrder(a, b engine.Target) bool {
	if a == b {
		return true
	}
	return a.ID == b.ID && (a.Kind == engine.KindAuto || b.Kind == engine.KindAuto)
}

// togglePause stops or resumes timed refreshes. Resuming refreshes at
// once, because the data on screen is as old as the pause.
func (m *Model) togglePause() tea.Cmd {
	m.paused = !m.paused
	if m.paused {
		m.tickGen++ // orphan the armed timer
		m.nextPoll = time.Time{}
		return nil
	}
	return tea.Batch(m.refreshNow(true), m.armTick())
}
