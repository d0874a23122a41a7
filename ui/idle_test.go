package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ordermon/internal/engine"
)

// TestCommitSeenTwiceDrawsOnce: every commit reaches the screen twice, as
// its poll's reply and as the change the screen waits for. The second
// brings nothing, and the frame is not drawn again for it; nor for an
// engine call's bare reply. A commit with new events is drawn.
func TestCommitSeenTwiceDrawsOnce(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	m.Update(changedMsg{round: r})
	first := m.View().Content
	if !m.frameOK {
		t.Fatal("View did not keep the frame")
	}

	// The poll's reply for the same commit, its events already handed
	// out with the change.
	m.inFlight = 7
	m.pollStarted = testNow
	dup := r
	dup.Events = nil
	m.Update(roundMsg{tag: 7, round: dup})
	if !m.frameOK {
		t.Fatal("a commit the screen already shows made it draw the frame again")
	}
	m.Update(engineDoneMsg{})
	if !m.frameOK {
		t.Fatal("an engine call's reply made the screen draw the frame again")
	}

	// Events of the same commit are news.
	late := dup
	late.Events = []engine.Event{ev(m.current().target, time.Minute, engine.EventSourceFailed, "", "", "Kalshi failed: 503 Service Unavailable")}
	m.Update(changedMsg{round: late})
	if m.frameOK {
		t.Fatal("new events did not draw the frame")
	}
	if m.View().Content == first {
		t.Fatal("the frame did not change with the new event")
	}
}

// TestScrollDrawsOnlyTheDetail: a key that scrolls the event log draws
// the detail pane again and keeps the list and the title bar as they
// were; a new second draws them all.
func TestScrollDrawsOnlyTheDetail(t *testing.T) {
	m, _ := newTestModel(120, 40)
	clock := testNow
	m.now = func() time.Time { return clock }
	for range 30 {
		applyTestRound(m, fixtureRound(2)) // plenty of events to scroll
	}
	send(m, "tab")
	send(m, "tab") // the event log has the keys
	_ = m.View()
	list, title, detail := m.panes.list.val, m.panes.title.val, m.View().Content
	send(m, "down")
	if m.View().Content == detail {
		t.Fatal("down did not scroll the event log")
	}
	if !sameLines(m.panes.list.val, list) {
		t.Fatal("scrolling the events drew the list again")
	}
	if m.panes.title.val != title {
		t.Fatal("scrolling the events changed the title bar")
	}
	clock = clock.Add(time.Second)
	m.Update(clockMsg{})
	_ = m.View()
	if sameLines(m.panes.list.val, list) {
		t.Fatal("a new second kept the list, whose ages move")
	}
}

// TestStartSelectsTheFirstProblem: left to itself, the selection follows
// the list's first row, so the order that most needs attention is on
// screen from the start; once the user moves, it stays where they put it.
func TestStartSelectsTheFirstProblem(t *testing.T) {
	fe := &fakeEngine{targets: fixtureTargets()}
	m := newModelWith(fe, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if got := m.current().target; got != tResting {
		t.Fatalf("before any data: selected %v, want the first order added", got)
	}
	if m.startPoll(false) == nil {
		t.Fatal("no poll started")
	}
	_, cmd := m.Update(roundMsg{tag: m.inFlight, round: fixtureRound(1)})
	if got, top := m.current().target, m.rows[m.visible[0]].target; got != top || got != tStuck {
		t.Fatalf("after the first round: selected %v, want the first row %v (stuck)", got, top)
	}
	drain(t, cmd)
	if n := len(fe.focused); n == 0 || fe.focused[n-1] != tStuck {
		t.Fatalf("the engine was not told the order on screen: %v", fe.focused)
	}
	send(m, "down")
	picked := m.current().target
	r := fixtureRound(2)
	m.Update(changedMsg{round: r})
	if m.current().target != picked {
		t.Fatalf("a commit moved the selection the user picked: %v, want %v", m.current().target, picked)
	}
}

// TestDetailFactsWrapNotCut: at every size, the detail of every fixture
// order carries its facts whole, moving one to the next line rather than
// cutting it off with "…" at the end of the line.
func TestDetailFactsWrapNotCut(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		m, _ := newTestModel(size[0], size[1])
		for _, tg := range fixtureTargets() {
			selectTarget(m, tg)
			_ = m.View()
			for _, l := range m.panes.detail.val.lines {
				if strings.HasSuffix(strings.TrimRight(screenText(l), " "), "…") {
					t.Errorf("%dx%d %s: cut line %q", size[0], size[1], tg.ID[:8], screenText(l))
				}
			}
		}
	}
}
