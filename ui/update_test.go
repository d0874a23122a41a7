package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func TestSelectMovesAndTellsEngine(t *testing.T) {
	m, fe := newTestModel(120, 40)
	if m.current().target != tResting {
		t.Fatalf("first order not selected: %v", m.current().target)
	}
	// Orders needing attention sort first: the list reads stuck, failed,
	// resting, Kalshi-only, stale, and the selection stayed on the
	// resting order.
	drain(t, send(m, "down"))
	drain(t, send(m, "j"))
	if got := m.current().target; got != tStale {
		t.Fatalf("after down, j: selected %v, want %v", got, tStale)
	}
	drain(t, send(m, "k"))
	if got := m.current().target; got != tKalshi {
		t.Fatalf("after k: selected %v, want %v", got, tKalshi)
	}
	drain(t, send(m, "G"))
	if got := m.current().target; got != tStale {
		t.Fatalf("after G: selected %v, want last", got)
	}
	drain(t, send(m, "down")) // stays on the last
	if got := m.current().target; got != tStale {
		t.Fatalf("down at the end moved to %v", got)
	}
	drain(t, send(m, "g"))
	drain(t, send(m, "up")) // stays on the first
	if got := m.current().target; got != tStuck {
		t.Fatalf("up at the top moved to %v", got)
	}
	want := []engine.Target{tKalshi, tStale, tKalshi, tStale, tStuck}
	if !reflect.DeepEqual(fe.focused, want) {
		t.Fatalf("engine focus calls = %v, want %v", fe.focused, want)
	}
	mustContain(t, m, "▸ ✗ 8b14e0f2")
}

func TestSelectScrollsLongList(t *testing.T) {
	fe := &fakeEngine{}
	for i := range 100 {
		fe.targets = append(fe.targets, engine.Target{Kind: engine.KindIntent, ID: fmt.Sprintf("order-%03d", i)})
	}
	m := newModelWith(fe, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	screen(m)
	for range 60 {
		send(m, "down")
	}
	mustContain(t, m, "▸ ○ order-060")
	mustNotContain(t, m, "order-000")
	send(m, "pgdown")
	if m.selected <= 60 {
		t.Fatalf("pgdown did not move down a page: %d", m.selected)
	}
	mustContain(t, m, fmt.Sprintf("order-%03d", m.selected))
}

func TestTabMovesFocusAndEscReturns(t *testing.T) {
	m, _ := newTestModel(120, 40)
	send(m, "tab")
	if m.focus != focusDetail {
		t.Fatalf("tab: focus %v, want detail", m.focus)
	}
	mustContain(t, m, "┏━ ▸ Order")
	send(m, "enter")
	if m.focus != focusEvents {
		t.Fatalf("enter: focus %v, want events", m.focus)
	}
	mustContain(t, m, "▸ Events")
	// The list keys do not move the selection while the log has focus.
	send(m, "down")
	if m.current().target != tResting {
		t.Fatal("down in the event log moved the list selection")
	}
	send(m, "esc")
	if m.focus != focusList {
		t.Fatalf("esc: focus %v, want list", m.focus)
	}
	mustContain(t, m, "┏━ ▸ Orders")
	send(m, "tab")
	send(m, "tab")
	send(m, "tab")
	if m.focus != focusList {
		t.Fatalf("three tabs: focus %v, want back on the list", m.focus)
	}
}

func TestScrollEventLog(t *testing.T) {
	m, _ := newTestModel(80, 24)
	var evs []engine.Event
	for i := range 40 {
		evs = append(evs, ev(tResting, time.Duration(40-i)*time.Second, engine.EventQueueMoved,
			fmt.Sprint(100-i), fmt.Sprint(99-i), fmt.Sprintf("queue step %02d", i)))
	}
	r := fixtureRound(2)
	r.Events = evs
	applyTestRound(m, r)
	mustContain(t, m, "queue step 39")
	mustNotContain(t, m, "queue step 30")
	send(m, "tab")
	send(m, "tab")
	send(m, "pgdown")
	if m.eventsVP.YOffset() == 0 {
		t.Fatal("pgdown in the event log did not scroll")
	}
	mustNotContain(t, m, "queue step 39")
	send(m, "pgup")
	if m.eventsVP.YOffset() != 0 {
		t.Fatalf("pgup did not scroll back: offset %d", m.eventsVP.YOffset())
	}
	// The detail pane scrolls on its own.
	send(m, "esc")
	send(m, "tab")
	send(m, "down")
	if m.detailVP.YOffset() != 1 {
		t.Fatalf("down in the detail: offset %d, want 1", m.detailVP.YOffset())
	}
}

func TestAddValidID(t *testing.T) {
	m, fe := newTestModel(120, 40)
	send(m, "a")
	if m.mode != modeAdd {
		t.Fatal("a did not open the add prompt")
	}
	mustContain(t, m, "add order ID:")
	typeText(m, "kalshi:0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d")
	msgs := drain(t, send(m, "enter"))
	want := engine.Target{Kind: engine.KindKalshi, ID: "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"}
	if m.mode != modeNormal {
		t.Fatal("prompt still open after a valid ID")
	}
	if got := m.current().target; got != want {
		t.Fatalf("selected %v, want the new order %v", got, want)
	}
	if !reflect.DeepEqual(fe.added, []engine.Target{want}) {
		t.Fatalf("engine.Add calls = %v", fe.added)
	}
	if len(fe.focused) == 0 || fe.focused[len(fe.focused)-1] != want {
		t.Fatalf("engine not focused on the new order: %v", fe.focused)
	}
	added, ok := find[addedMsg](msgs)
	if !ok || !added.added {
		t.Fatalf("no addedMsg: %v", msgs)
	}
	// Once the engine has it, the screen refreshes at once.
	m.Update(added)
	if m.inFlight == 0 {
		t.Fatal("adding an order did not start a refresh")
	}
	mustContain(t, m, "○ 0b1c2d3e", "waiting")
}

func TestAddInvalidIDKeepsText(t *testing.T) {
	m, fe := newTestModel(120, 40)
	send(m, "a")
	typeText(m, "abc def")
	send(m, "enter")
	if m.mode != modeAdd {
		t.Fatal("prompt closed on an invalid ID")
	}
	if m.input.Value() != "abc def" {
		t.Fatalf("typed text lost: %q", m.input.Value())
	}
	if m.inputErr == "" {
		t.Fatal("no error shown")
	}
	mustContain(t, m, "✗ invalid order ID \"abc def\": the ID contains whitespace")
	if len(m.rows) != 5 || len(fe.added) != 0 {
		t.Fatalf("invalid ID was added: %d rows, %v", len(m.rows), fe.added)
	}
	// Fixing the text clears the error and the ID goes in.
	for range 4 {
		send(m, "backspace")
	}
	if m.inputErr != "" {
		t.Fatal("error kept after editing")
	}
	typeText(m, "-def")
	drain(t, send(m, "enter"))
	if m.mode != modeNormal || m.current().target.ID != "abc-def" {
		t.Fatalf("fixed ID not added: mode %v, %v", m.mode, m.current().target)
	}
	// esc cancels without adding.
	send(m, "a")
	typeText(m, "zzz")
	send(m, "esc")
	if m.mode != modeNormal || len(m.rows) != 6 {
		t.Fatalf("esc: mode %v, %d rows", m.mode, len(m.rows))
	}
}

func TestAddDuplicateSelectsExisting(t *testing.T) {
	m, fe := newTestModel(120, 40)
	send(m, "a")
	typeText(m, tFailed.ID) // bare ID matches the intent
	drain(t, send(m, "enter"))
	if len(m.rows) != 5 || len(fe.added) != 0 {
		t.Fatalf("duplicate added: %d rows", len(m.rows))
	}
	if m.current().target != tFailed {
		t.Fatalf("selected %v, want the existing order", m.current().target)
	}
	mustContain(t, m, "already watching")
}

func TestPasteIntoPrompt(t *testing.T) {
	m, _ := newTestModel(120, 40)
	send(m, "a")
	m.Update(tea.PasteMsg{Content: "intent:pasted-id"})
	if m.input.Value() != "intent:pasted-id" {
		t.Fatalf("paste: %q", m.input.Value())
	}
	m.Update(tea.PasteMsg{Content: "x"})
	send(m, "esc")
	m.Update(tea.PasteMsg{Content: "ignored"})
	if m.input.Value() != "" {
		t.Fatal("paste outside a prompt reached the input")
	}
}

func TestRemoveSelected(t *testing.T) {
	m, fe := newTestModel(120, 40)
	selectTarget(m, tStuck)
	drain(t, send(m, "d"))
	if len(m.rows) != 4 {
		t.Fatalf("%d rows after remove", len(m.rows))
	}
	if !reflect.DeepEqual(fe.removed, []engine.Target{tStuck}) {
		t.Fatalf("engine.Remove calls = %v", fe.removed)
	}
	if m.current().target != tFailed {
		t.Fatalf("selection moved to %v, want the next order", m.current().target)
	}
	if strings.Contains(strings.Join(strings.Split(screen(m), "\n")[:38], "\n"), "8b14e0f2") {
		t.Fatal("removed order still on screen")
	}
	mustContain(t, m, "stopped watching 8b14e0f2")
	// A round that was in flight still carries the removed order; it must
	// not come back.
	applyTestRound(m, fixtureRound(2))
	if len(m.rows) != 4 || m.rowIndex()(tStuck) != nil {
		t.Fatal("a late round brought the removed order back")
	}
	// Removing the last order selects the one above.
	send(m, "G")
	drain(t, send(m, "d"))
	if m.current().target != tKalshi {
		t.Fatalf("after removing the last: selected %v", m.current().target)
	}
}

func TestRemoveEverythingOpensPrompt(t *testing.T) {
	m, _ := newTestModel(120, 40)
	for range 5 {
		drain(t, send(m, "d"))
	}
	if len(m.rows) != 0 || m.current() != nil {
		t.Fatalf("%d rows left", len(m.rows))
	}
	if m.mode != modeAdd {
		t.Fatal("empty list did not open the add prompt")
	}
	// Keys that need an order do nothing rather than crash.
	if m.mode == modeAdd {
		send(m, "esc")
	}
	for _, k := range []string{"y", "e", "d", "tab", "down"} {
		drain(t, send(m, k))
	}
	mustContain(t, m, "no orders watched")
}

func TestNoTargetsOpensAddPrompt(t *testing.T) {
	m := newModelWith(&fakeEngine{}, Options{})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if m.mode != modeAdd {
		t.Fatal("no add prompt without targets")
	}
	mustContain(t, m, "add order ID:", "no orders watched yet")
	// Enter on nothing keeps the prompt open and says why.
	send(m, "enter")
	if m.mode != modeAdd || m.inputErr == "" {
		t.Fatal("empty submit closed the only prompt")
	}
	// q types a q rather than quitting while the prompt is open.
	if cmd := send(m, "q"); cmd != nil {
		if _, ok := find[tea.QuitMsg](drain(t, cmd)); ok {
			t.Fatal("q quit from inside the prompt")
		}
	}
	if m.input.Value() != "q" {
		t.Fatalf("q not typed: %q", m.input.Value())
	}
}

func TestDemoOpensOnEngineOrders(t *testing.T) {
	fe := &fakeEngine{targets: fixtureTargets()}
	m := newModelWith(fe, Options{Demo: true})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if m.mode != modeNormal || len(m.rows) != 5 {
		t.Fatalf("demo: mode %v, %d rows", m.mode, len(m.rows))
	}
	mustContain(t, m, "DEMO", "3f2a9c1d")
}

func TestRefreshKeyQueuesOneMore(t *testing.T) {
	m, fe := newTestModel(120, 40)
	fe.round = fixtureRound(7)
	cmd := send(m, "r")
	if cmd == nil || m.inFlight == 0 {
		t.Fatal("r did not start a poll")
	}
	first := m.inFlight
	// r while in flight queues exactly one more; more presses add nothing.
	for range 2 {
		if send(m, "r") != nil {
			t.Fatal("r started a second poll while one was in flight")
		}
	}
	if !m.queued {
		t.Fatal("r while in flight did not queue")
	}
	msgs := drain(t, cmd)
	rm, ok := find[roundMsg](msgs)
	if !ok || rm.tag != first {
		t.Fatalf("poll reply: %v", msgs)
	}
	_, next := m.Update(rm)
	if m.inFlight == 0 || m.inFlight == first || m.queued {
		t.Fatalf("queued refresh did not start: inFlight %d queued %v", m.inFlight, m.queued)
	}
	rm2, _ := find[roundMsg](drain(t, next))
	_, after := m.Update(rm2)
	if m.inFlight != 0 || after != nil {
		t.Fatal("more than one extra poll ran")
	}
	if fe.polls != 2 {
		t.Fatalf("engine polled %d times, want 2", fe.polls)
	}
	// r is the user asking, so each of those polls first lifted any halt
	// on rejected credentials.
	if fe.resumes != 2 {
		t.Fatalf("engine resumed %d times, want 2", fe.resumes)
	}
}

func TestTickPollsAndRearms(t *testing.T) {
	m, fe := newTestModel(120, 40)
	fe.round = fixtureRound(2)
	// Right after a poll (the fixture's), the timer only re-arms: it is
	// aligned to the clock, so after a refresh by hand it could fire at
	// once.
	_, cmd := m.Update(tickMsg{gen: m.tickGen})
	msgs := drain(t, cmd)
	if _, ok := find[roundMsg](msgs); ok || fe.polls != 0 {
		t.Fatalf("a tick right after a poll polled again: %v", msgs)
	}
	m.pollStarted = testNow.Add(-m.interval)
	_, cmd = m.Update(tickMsg{gen: m.tickGen})
	msgs = drain(t, cmd)
	if _, ok := find[roundMsg](msgs); !ok {
		t.Fatalf("tick did not poll: %v", msgs)
	}
	tk, ok := find[tickMsg](msgs)
	if !ok || tk.gen != m.tickGen {
		t.Fatalf("tick did not re-arm: %v", msgs)
	}
	// A tick while a poll runs skips the poll but keeps the timer.
	_, cmd = m.Update(tickMsg{gen: m.tickGen})
	msgs = drain(t, cmd)
	if _, ok := find[roundMsg](msgs); ok {
		t.Fatal("second poll started while one was in flight")
	}
	if _, ok := find[tickMsg](msgs); !ok {
		t.Fatal("timer not re-armed")
	}
	if fe.resumes != 0 {
		t.Fatal("a timed refresh lifted a credentials halt; only the user may")
	}
	// An orphaned timer does nothing.
	m.inFlight = 0
	if _, cmd := m.Update(tickMsg{gen: m.tickGen - 1}); cmd != nil {
		t.Fatal("old timer acted")
	}
}

func TestInitStartsPollClockAndAsksBackground(t *testing.T) {
	fe := &fakeEngine{targets: fixtureTargets(), round: fixtureRound(1)}
	m := newModelWith(fe, Options{})
	// A commit of the engine's own is waiting, so the wait for it returns.
	fe.commit(fixtureRound(1))
	msgs := drain(t, m.Init())
	if _, ok := find[roundMsg](msgs); !ok {
		t.Fatalf("Init did not poll: %v", msgs)
	}
	if _, ok := find[changedMsg](msgs); !ok {
		t.Fatal("Init does not wait for the engine's own commits (push)")
	}
	if _, ok := find[clockMsg](msgs); !ok {
		t.Fatal("Init did not start the clock")
	}
	if _, ok := find[tickMsg](msgs); !ok {
		t.Fatal("Init did not arm the refresh timer")
	}
	found := false
	for _, msg := range msgs {
		if strings.Contains(fmt.Sprintf("%T", msg), "backgroundColor") {
			found = true
		}
	}
	if !found {
		t.Fatalf("Init did not ask for the background colour: %v", msgs)
	}
}

func TestPauseStopsTimedRefresh(t *testing.T) {
	m, fe := newTestModel(120, 40)
	fe.round = fixtureRound(2)
	if send(m, "p") != nil {
		t.Fatal("pausing started something")
	}
	if !m.paused {
		t.Fatal("p did not pause")
	}
	mustContain(t, m, "PAUSED", "p resumes")
	mustNotContain(t, m, "next refresh")
	// The timer armed before the pause is orphaned; even the current one
	// does nothing while paused.
	if _, cmd := m.Update(tickMsg{gen: m.tickGen}); cmd != nil {
		t.Fatal("tick polled while paused")
	}
	// Resuming refreshes at once and re-arms.
	msgs := drain(t, send(m, "p"))
	if m.paused {
		t.Fatal("p did not resume")
	}
	if _, ok := find[roundMsg](msgs); !ok {
		t.Fatal("resume did not refresh")
	}
	if _, ok := find[tickMsg](msgs); !ok {
		t.Fatal("resume did not re-arm the timer")
	}
	mustNotContain(t, m, "PAUSED")
}

func TestStaleRoundDropped(t *testing.T) {
	m, _ := newTestModel(120, 40)
	// A reply to a poll this model is not waiting for is dropped.
	late := fixtureRound(9)
	late.Snapshots[0].Order.FillCount = dec("9")
	m.Update(roundMsg{tag: 99, round: late})
	if got := m.rows[0].snap.Order.FillCount.String(); got != "3.00" {
		t.Fatalf("untagged reply applied: fill %s", got)
	}
	// A round older than one already applied is dropped too.
	newer := fixtureRound(5)
	applyTestRound(m, newer)
	older := fixtureRound(4)
	older.Snapshots[0].Order.FillCount = dec("1")
	applyTestRound(m, older)
	if got := m.rows[0].snap.Order.FillCount.String(); got != "3.00" {
		t.Fatalf("older round applied: fill %s", got)
	}
	if m.lastSeq != 5 {
		t.Fatalf("lastSeq %d", m.lastSeq)
	}
	if m.inFlight != 0 {
		t.Fatal("dropped round left the poll slot busy")
	}
}

func TestRoundUpdatesListAndEvents(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	s := &r.Snapshots[0]
	s.Order.FillCount, s.Order.RemainingCount = dec("6"), dec("4")
	s.PrevQueueAhead, s.QueueAhead = decp("12"), decp("15")
	r.Events = []engine.Event{
		ev(tResting, 0, engine.EventNewFill, "", "3", "new fill F3: 3 at $0.56 (maker)"),
		ev(tResting, 0, engine.EventQueueMoved, "12", "15", "▼ 3 further back in queue (15 ahead)"),
	}
	applyTestRound(m, r)
	mustContain(t, m, "6/10", "6 filled · 4 left · 10 total", "queue 15 ahead at your price $0.56 ▼ 3 further back",
		"Events 10", "▼ 3 further back in queue (15 ahead)", "new fill F3: 3 at $0.56")
	mustNotContain(t, m, "▼ ▼")
}

func TestEventHistoryCapped(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	r.Events = nil
	for i := range 700 {
		r.Events = append(r.Events, ev(tKalshi, time.Duration(700-i)*time.Second, engine.EventQueueMoved, "2", "1", fmt.Sprintf("e%d", i)))
	}
	applyTestRound(m, r)
	evs := m.rowIndex()(tKalshi).history()
	if n := len(m.rowIndex()(tKalshi).events); n >= eventCap+eventCap/2 {
		t.Fatalf("%d events stored", n)
	}
	mustNotContain(t, m, "Events 500") // another order is selected
	if len(evs) != eventCap {
		t.Fatalf("%d events kept, want %d", len(evs), eventCap)
	}
	if evs[0].Message != "e200" || evs[len(evs)-1].Message != "e699" {
		t.Fatalf("kept %s..%s, want the newest", evs[0].Message, evs[len(evs)-1].Message)
	}
}

func TestCopySelectedID(t *testing.T) {
	m, _ := newTestModel(120, 40)
	msgs := drain(t, send(m, "y"))
	if len(msgs) != 1 {
		t.Fatalf("copy produced %v", msgs)
	}
	// tea.SetClipboard's message is unexported; it is a string type.
	v := reflect.ValueOf(msgs[0])
	if !strings.Contains(fmt.Sprintf("%T", msgs[0]), "setClipboard") || v.String() != tResting.ID {
		t.Fatalf("copy message %T %v", msgs[0], msgs[0])
	}
	mustContain(t, m, "✓ copied 3f2a9c1d-77e4-4c1b-9a55-0b7d2e6f8a10")
	// The notice goes away on a later clock tick.
	m.flashUntil = testNow
	m.Update(clockMsg{})
	mustNotContain(t, m, "copied")
}

// TestCopyVerdict: Y puts the selected order's verdict and diagnosis on
// the clipboard as plain text for a ticket, judged at this second.
func TestCopyVerdict(t *testing.T) {
	m, _ := newTestModel(120, 40)
	selectTarget(m, tStuck)
	msgs := drain(t, send(m, "Y"))
	if len(msgs) != 1 || !strings.Contains(fmt.Sprintf("%T", msgs[0]), "setClipboard") {
		t.Fatalf("Y produced %v", msgs)
	}
	got := reflect.ValueOf(msgs[0]).String()
	want := "intent:" + tStuck.ID + "  ✗ stuck at validated for 12m04s: funds locked, no Kalshi order\n" +
		"  error stuck_validated: intent:" + tStuck.ID + " funds locked but no Kalshi order for 12m04s (threshold 2m): " +
		"validated 13:52:56 EST, no orderPlacedAt and no kalshiOrderId; $7.75 locked without market exposure\n"
	if got != want {
		t.Fatalf("copied:\n%q\nwant:\n%q", got, want)
	}
	if strings.ContainsAny(got, "\x1b") {
		t.Fatal("the copy holds escape sequences")
	}
	mustContain(t, m, "✓ copied the verdict and diagnosis of 8b14e0f2")
}

func TestExportWritesFile(t *testing.T) {
	dir := t.TempDir()
	fe := &fakeEngine{targets: fixtureTargets()}
	m := newModelWith(fe, Options{ExportDir: dir})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	applyTestRound(m, fixtureRound(1))
	selectTarget(m, tResting)
	msgs := drain(t, send(m, "e"))
	ex, ok := find[exportedMsg](msgs)
	if !ok || ex.err != nil {
		t.Fatalf("export: %v", msgs)
	}
	want := filepath.Join(dir, "ordermon-"+tResting.ID+"-20260314T190500Z.md")
	if ex.path != want {
		t.Fatalf("exported to %s, want %s", ex.path, want)
	}
	body, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	// The report is report.Markdown's, over the model's own copy of the
	// order and its events.
	for _, s := range []string{tResting.ID, "KXBTCD-26MAR14-T98000", "▲ 8 closer in queue (12 ahead)", "● resting, 12 ahead at $0.56"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("report lacks %q:\n%s", s, body)
		}
	}
	m.Update(ex)
	mustContain(t, m, "exported to "+dir)
	// A second export in the same second does not overwrite the first.
	msgs = drain(t, send(m, "e"))
	ex, _ = find[exportedMsg](msgs)
	if ex.err == nil {
		t.Fatal("second export overwrote the first")
	}
	m.Update(ex)
	mustContain(t, m, "✗ export failed")
}

func TestExportBeforeDataSaysSo(t *testing.T) {
	fe := &fakeEngine{targets: fixtureTargets()}
	m := newModelWith(fe, Options{ExportDir: t.TempDir()})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if cmd := send(m, "e"); cmd != nil {
		t.Fatal("export started with no data")
	}
	mustContain(t, m, "nothing to export yet")
}

func TestRunNeedsEngine(t *testing.T) {
	if err := Run(t.Context(), Options{}); err == nil {
		t.Fatal("Run without an engine did not fail")
	}
}

func TestExportIDCannotEscapeDir(t *testing.T) {
	if got := fileSafe("../../etc/passwd"); strings.ContainsAny(got, "/.") {
		t.Fatalf("fileSafe kept path characters: %q", got)
	}
	if got := fileSafe(strings.Repeat("a", 300)); len(got) > 64 {
		t.Fatalf("fileSafe kept %d bytes", len(got))
	}
	if got := fileSafe(""); got != "order" {
		t.Fatalf("fileSafe(\"\") = %q", got)
	}
}

func TestFilterList(t *testing.T) {
	m, _ := newTestModel(120, 40)
	send(m, "/")
	if m.mode != modeFilter {
		t.Fatal("/ did not open the filter")
	}
	typeText(m, "KXBTCD")
	if len(m.visible) != 2 {
		t.Fatalf("filter KXBTCD: %d visible, want the 2 orders on that market", len(m.visible))
	}
	typeText(m, "X")
	if len(m.visible) != 0 {
		t.Fatalf("%d visible for a filter that matches nothing", len(m.visible))
	}
	mustContain(t, m, "no order matches the filter")
	send(m, "backspace") // drops the X
	send(m, "backspace") // drops the D
	send(m, "enter")
	if m.mode != modeNormal || m.filter != "KXBTC" {
		t.Fatalf("enter: mode %v, filter %q", m.mode, m.filter)
	}
	mustContain(t, m, "Orders 2/5", "filter “KXBTC”")
	// esc on the list clears the filter.
	drain(t, send(m, "esc"))
	if m.filter != "" || len(m.visible) != 5 {
		t.Fatalf("esc left filter %q, %d visible", m.filter, len(m.visible))
	}
	// Filtering by status, then esc in the prompt clears it.
	send(m, "/")
	typeText(m, "failed")
	if len(m.visible) != 1 || m.current().target != tFailed {
		t.Fatalf("filter failed: %d visible, selected %v", len(m.visible), m.current().target)
	}
	send(m, "esc")
	if m.filter != "" || m.mode != modeNormal {
		t.Fatal("esc in the filter prompt did not clear it")
	}
}

func TestHelpToggle(t *testing.T) {
	m, _ := newTestModel(120, 40)
	mustNotContain(t, m, "page down")
	send(m, "?")
	if !m.help.ShowAll {
		t.Fatal("? did not open the full help")
	}
	mustContain(t, m, "page down", "back to list", "remove")
	checkFrame(t, m, 120, 40)
	send(m, "?")
	mustNotContain(t, m, "page down")
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m, _ := newTestModel(120, 40)
		if _, ok := find[tea.QuitMsg](drain(t, send(m, k))); !ok {
			t.Fatalf("%s did not quit", k)
		}
	}
	// ctrl+c quits even from a prompt.
	m, _ := newTestModel(120, 40)
	send(m, "a")
	if _, ok := find[tea.QuitMsg](drain(t, send(m, "ctrl+c"))); !ok {
		t.Fatal("ctrl+c did not quit from the prompt")
	}
}

func TestResizeBothWays(t *testing.T) {
	m, _ := newTestModel(120, 40)
	wide := func() bool {
		lines := strings.Split(screen(m), "\n")
		return strings.Contains(lines[1], "Orders") && strings.Contains(lines[1], "Order ")
	}
	checkFrame(t, m, 120, 40)
	if !wide() {
		t.Fatal("120×40 is not side by side")
	}
	for _, sz := range [][2]int{{80, 24}, {119, 40}, {120, 39}, {60, 20}, {200, 60}, {120, 40}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFrame(t, m, sz[0], sz[1])
		if got, want := wide(), sz[0] >= 120 && sz[1] >= 40; got != want {
			t.Fatalf("%d×%d: side by side %v, want %v", sz[0], sz[1], got, want)
		}
	}
}

func TestTooSmall(t *testing.T) {
	m, _ := newTestModel(120, 40)
	for _, sz := range [][2]int{{59, 30}, {100, 19}, {20, 5}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		mustContain(t, m, "terminal too small", "need 60×20")
		for _, l := range strings.Split(screen(m), "\n") {
			if w := lipgloss.Width(l); w > sz[0] {
				t.Fatalf("%d×%d: line %d wide", sz[0], sz[1], w)
			}
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	mustNotContain(t, m, "too small")
	mustContain(t, m, "Orders")
}

func TestBackgroundPicksPalette(t *testing.T) {
	m, _ := newTestModel(120, 40)
	dark := m.View().Content
	m.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#ffffff")})
	if m.isDark {
		t.Fatal("white background read as dark")
	}
	light := m.View().Content
	if dark == light {
		t.Fatal("light palette renders the same as dark")
	}
	m.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#000000")})
	if !m.isDark || m.View().Content != dark {
		t.Fatal("switching back to dark did not restore the dark palette")
	}
}

func TestBellWhenOrderFinishes(t *testing.T) {
	fe := &fakeEngine{targets: fixtureTargets()}
	m := newModelWith(fe, Options{Bell: true})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	// Orders already final when first seen do not ring.
	m.inFlight = 0
	cmd := m.startPoll(false)
	_ = cmd
	_, c := m.Update(roundMsg{tag: m.inFlight, round: fixtureRound(1)})
	if hasBell(drain(t, c)) {
		t.Fatal("bell rang for orders that were already final")
	}
	r := fixtureRound(2)
	r.Snapshots[0].Order.Status = kalshi.StatusExecuted
	r.Snapshots[0].Intent.Status = pipeline.StatusCompleted
	m.startPoll(false)
	_, c = m.Update(roundMsg{tag: m.inFlight, round: r})
	if !hasBell(drain(t, c)) {
		t.Fatal("no bell when an order completed")
	}
	// Without the option, no bell.
	m2, _ := newTestModel(120, 40)
	m2.startPoll(false)
	_, c = m2.Update(roundMsg{tag: m2.inFlight, round: r})
	if hasBell(drain(t, c)) {
		t.Fatal("bell rang with Bell off")
	}
}

func hasBell(msgs []tea.Msg) bool {
	for _, msg := range msgs {
		if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == "\a" {
			return true
		}
	}
	return false
}

func TestStaleOrderMarked(t *testing.T) {
	m, _ := newTestModel(120, 40)
	lines := strings.Split(screen(m), "\n")
	var staleRow string
	for _, l := range lines {
		if strings.Contains(l, "e91f3b7a") {
			staleRow = l
		}
	}
	if !strings.Contains(staleRow, GlyphWarn) {
		t.Fatalf("stale order not marked in the list: %q", staleRow)
	}
	send(m, "G")
	mustContain(t, m, "⚠ STALE kalshi data from 2m10s ago")
	// The fresh orders carry no mark.
	for _, l := range lines {
		if strings.Contains(l, "3f2a9c1d") && strings.Contains(l, GlyphWarn) {
			t.Fatalf("fresh order marked stale: %q", l)
		}
	}
}

func TestServerStringsSanitized(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	r.Snapshots[0].Market.YesSubTitle = "\x1b]0;pwned\x07above\x1b[2J $98k"
	r.Snapshots[0].Diagnosis = []engine.Finding{{Code: "x\x1b[1mcode", Severity: engine.SevWarn, Message: "bad\x1b[31mred\u202ereversed", Short: "bad\x1b[31mred\u202ereversed"}}
	r.Note = "note\x1b]52;c;ZXZpbA==\x07end"
	applyTestRound(m, r)
	out := m.View().Content
	for _, bad := range []string{"\x1b]0;", "\x1b[2J", "\x1b[31mred", "\u202e", "\x1b]52", "pwned"} {
		if strings.Contains(out, bad) {
			t.Fatalf("view carries %q from a server string", bad)
		}
	}
	// The list's reason comes from the engine's finding; the detail
	// judges the order again with the same rules.
	mustContain(t, m, "above $98k", "⚠ 3f2a9c1d", "badredreversed", "noteend")
	selectTarget(m, tFailed)
	mustContain(t, m, "insufficient_balance (subaccount 0)")
}

func TestFooterSourceStates(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	r.Health.Kalshi = engine.SourceStatus{Used: true, LastSuccess: ago_(5 * time.Second), RateLimited: true, RetryAt: testNow.Add(8 * time.Second), Err: "429 too many requests"}
	r.Health.Intent = engine.SourceStatus{Used: true, LastSuccess: ago_(time.Minute), Halted: true, Err: "401 Unauthorized"}
	r.Health.TokenExpiry = testNow.Add(-90 * time.Second)
	applyTestRound(m, r)
	mustContain(t, m, "⚠ kalshi rate-limited, retrying in 8s", "updated 5s ago",
		"✗ intent halted: credentials rejected", "✗ intent token expired 1m30s ago", "interval stretched")

	r.Health.Kalshi = engine.SourceStatus{Used: true, LastSuccess: ago_(2 * time.Second), Err: "timeout"}
	r.Health.Intent = engine.SourceStatus{Used: false}
	r.Health.TokenExpiry = testNow.Add(time.Hour)
	r.Note = ""
	r.Seq = 3
	applyTestRound(m, r)
	mustContain(t, m, "⚠ kalshi error: timeout", "○ intent not used")
	mustNotContain(t, m, "token")

	r.Health.Kalshi = engine.SourceStatus{Used: true, LastSuccess: ago_(2 * time.Second), Err: "503", RetryAt: testNow.Add(4 * time.Second)}
	r.Seq = 4
	applyTestRound(m, r)
	mustContain(t, m, "⚠ kalshi 503, retrying in 4s")
}

func TestStuckStageFlagged(t *testing.T) {
	m, _ := newTestModel(120, 40)
	selectTarget(m, tStuck)
	// The timeline agrees with the diagnosis: the stuck stage carries the
	// finding's glyph, and so does the verdict above it.
	mustContain(t, m, "✗ stuck at validated for 12m04s: funds locked, no",
		"✗ validated  13:52:56 EST  +5s", "for 12m04s ✗ over 2m",
		"✗ stuck_validated", "funds locked but no Kalshi order", "Kalshi  not placed on Kalshi yet")
	// Errors come before warnings whatever order they came in.
	got := sortedFindings([]engine.Finding{
		{Code: "note", Severity: engine.SevInfo},
		{Code: "warned", Severity: engine.SevWarn},
		{Code: "broken", Severity: engine.SevError},
		{Code: "broken2", Severity: engine.SevError},
	})
	var codes []string
	for _, f := range got {
		codes = append(codes, f.Code)
	}
	if strings.Join(codes, " ") != "broken broken2 warned note" {
		t.Fatalf("findings not most severe first: %v", codes)
	}
}

// TestDetailAgesAgree: the diagnosis in the detail is judged at the same
// second as the verdict and the timeline, so their ages agree even when
// the engine's round is a few seconds old.
func TestDetailAgesAgree(t *testing.T) {
	m, _ := newTestModel(120, 40)
	selectTarget(m, tStuck)
	later := testNow.Add(7 * time.Second)
	m.now = func() time.Time { return later }
	m.Update(clockMsg{})
	mustContain(t, m, "stuck at validated for 12m11s", "for 12m11s ✗ over 2m", "for 12m11s (threshold 2m)")
	mustNotContain(t, m, "12m04s")
}

func TestPanicInCommandQuits(t *testing.T) {
	m, _ := newTestModel(120, 40)
	msg := guard(func() tea.Msg { panic("boom") })()
	pm, ok := msg.(panicMsg)
	if !ok {
		t.Fatalf("guard returned %T", msg)
	}
	_, cmd := m.Update(pm)
	if _, ok := find[tea.QuitMsg](drain(t, cmd)); !ok {
		t.Fatal("a panic did not quit")
	}
	if m.crash == nil || m.crash.Error() != "ui: panic: boom" || len(m.crash.Stack) == 0 {
		t.Fatalf("crash = %v", m.crash)
	}
}

func TestTimeFormatting(t *testing.T) {
	cases := map[time.Duration]string{
		-time.Second:                   "0s",
		0:                              "0s",
		59 * time.Second:               "59s",
		2*time.Minute + 13*time.Second: "2m13s",
		time.Hour + 2*time.Minute:      "1h02m",
		76 * time.Hour:                 "3d04h",
	}
	for d, want := range cases {
		if got := age(d); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestFillBarNeverRoundsToFull(t *testing.T) {
	m, _ := newTestModel(120, 40)
	bar := func(f, i string) string { return screenText(m.fillBar(dec(f), dec(i), 20)) }
	if b := bar("999", "1000"); strings.Count(b, string(GlyphFillNone)) != 1 || !strings.Contains(b, "99%") {
		t.Fatalf("99.9%% bar = %q", b)
	}
	if b := bar("1", "1000"); strings.Count(b, string(GlyphFillFull)) != 1 || !strings.Contains(b, "0%") {
		t.Fatalf("0.1%% bar = %q", b)
	}
	if b := bar("10", "10"); strings.Contains(b, string(GlyphFillNone)) || !strings.Contains(b, "100%") {
		t.Fatalf("full bar = %q", b)
	}
	if b := bar("0", "10"); strings.Contains(b, string(GlyphFillFull)) {
		t.Fatalf("empty bar = %q", b)
	}
}

// TestArchivedOrderSaysSo: an order found in Kalshi's historical data says
// where its figures come from.
func TestArchivedOrderSaysSo(t *testing.T) {
	m, _ := newTestModel(120, 40)
	mustNotContain(t, m, "archived by Kalshi")
	r := fixtureRound(2)
	r.Snapshots[0].KalshiArchived = true
	applyTestRound(m, r)
	selectTarget(m, tResting)
	mustContain(t, m, "archived by Kalshi")
}

// TestIdleScreenRepaintsOnceASecond: the clock draws a new frame each
// second, except when a poll is due that moment, whose round draws that
// second with its data: one repaint, not two. A quick poll does not flash
// "refreshing…"; a slow one says so.
func TestIdleScreenRepaintsOnceASecond(t *testing.T) {
	m, fe := newTestModel(120, 40)
	fe.round = fixtureRound(2)
	clock := testNow
	m.now = func() time.Time { return clock }
	m.nextPoll = testNow.Add(2 * time.Second)
	m.pollStarted = testNow.Add(-time.Minute)
	m.Update(clockMsg{})
	first := m.View().Content

	clock = testNow.Add(time.Second)
	m.Update(clockMsg{})
	if m.frameOK {
		t.Fatal("a new second kept the old frame")
	}
	mustContain(t, m, "14:05:01 EST")
	if m.View().Content == first {
		t.Fatal("a new second drew the same frame")
	}
	again := m.View().Content
	if m.View().Content != again || !m.frameOK {
		t.Fatal("asking for the view again drew it again")
	}

	// The poll is due: the clock leaves the repaint to the round.
	clock = testNow.Add(2 * time.Second)
	m.Update(clockMsg{})
	if !m.frameOK || m.View().Content != again {
		t.Fatal("the clock repainted a second the poll's round is about to draw")
	}
	_, cmd := m.Update(tickMsg{gen: m.tickGen})
	mustNotContain(t, m, "refreshing…")
	for _, msg := range drain(t, cmd) {
		if r, ok := msg.(roundMsg); ok {
			m.Update(r)
		}
	}
	mustContain(t, m, "14:05:02 EST")

	// A slow poll says so once it has run for a second.
	m.inFlight, m.pollStarted = 99, clock
	clock = clock.Add(1500 * time.Millisecond)
	m.Update(clockMsg{})
	mustContain(t, m, "refreshing…")
}

// TestAttentionKeys: n and N walk the orders that need attention, ! shows
// only them, and s cycles the sort; the selection stays on its order.
func TestAttentionKeys(t *testing.T) {
	m, fe := newTestModel(120, 40)
	order := func() []engine.Target {
		var out []engine.Target
		for _, i := range m.visible {
			out = append(out, m.rows[i].target)
		}
		return out
	}
	if got, want := order(), []engine.Target{tStuck, tFailed, tResting, tKalshi, tStale}; !reflect.DeepEqual(got, want) {
		t.Fatalf("attention order %v, want %v", got, want)
	}
	for _, step := range []struct {
		key  string
		want engine.Target
	}{{"n", tStuck}, {"n", tFailed}, {"n", tStuck}, {"N", tFailed}} {
		drain(t, send(m, step.key))
		if got := m.current().target; got != step.want {
			t.Fatalf("after %s: selected %v, want %v", step.key, got, step.want)
		}
	}
	if fe.focused[len(fe.focused)-1] != tFailed {
		t.Fatal("the engine was not told which order is on screen")
	}

	send(m, "!")
	if got, want := order(), []engine.Target{tStuck, tFailed}; !reflect.DeepEqual(got, want) {
		t.Fatalf("problems only: %v, want %v", got, want)
	}
	mustContain(t, m, "Orders 2/5 · problems only", "▸ ✗ c7d2a9e4")
	send(m, "!")
	if len(m.visible) != 5 || m.current().target != tFailed {
		t.Fatal("! again did not show every order, keeping the selection")
	}

	send(m, "s")
	if got, want := order(), []engine.Target{tStuck, tStale, tResting, tFailed, tKalshi}; !reflect.DeepEqual(got, want) {
		t.Fatalf("by age: %v, want %v", got, want)
	}
	mustContain(t, m, "Orders 5 · by age", "sorted by age")
	send(m, "s")
	if got, want := order(), []engine.Target{tResting, tStuck, tFailed, tKalshi, tStale}; !reflect.DeepEqual(got, want) {
		t.Fatalf("by ID: %v, want %v", got, want)
	}
	send(m, "s")
	if got, want := order(), []engine.Target{tStuck, tFailed, tResting, tKalshi, tStale}; !reflect.DeepEqual(got, want) {
		t.Fatalf("back to attention: %v, want %v", got, want)
	}
	if m.current().target != tFailed {
		t.Fatal("sorting moved the selection to another order")
	}

	// With nothing to attend to, n says so.
	healthy := fixtureRound(2)
	for i := range healthy.Snapshots {
		healthy.Snapshots[i] = diagnosed(snapResting())
		healthy.Snapshots[i].Target = fixtureTargets()[i]
	}
	applyTestRound(m, healthy)
	send(m, "n")
	mustContain(t, m, "no order needs attention")
}

// TestDetailMarksStaleFigures: a queue position and a market whose last
// reads failed keep their values on screen, each marked with its age and
// the error, and the age moves with the clock; fills never read get a line
// of their own.
func TestDetailMarksStaleFigures(t *testing.T) {
	m, _ := newTestModel(120, 40)
	r := fixtureRound(2)
	for i := range r.Snapshots {
		if r.Snapshots[i].Target == tResting {
			r.Snapshots[i].Figures = engine.Figures{
				Queue:  engine.Figure{At: testNow.Add(-40 * time.Second), Err: "500 Internal Server Error", ErrAt: testNow},
				Market: engine.Figure{At: testNow.Add(-2 * time.Minute), Err: "timed out", ErrAt: testNow},
				Fills:  engine.Figure{Err: "429 Too Many Requests", ErrAt: testNow},
			}
		}
	}
	applyTestRound(m, r)
	selectTarget(m, tResting)
	mustContain(t, m, "12 ahead", "⚠ stale 40s: 500 Internal Server Error", "⚠ stale 2m: timed out", "fills ⚠ not read: 429 Too Many Requests")
	later := testNow.Add(5 * time.Second)
	m.now = func() time.Time { return later }
	m.Update(clockMsg{})
	mustContain(t, m, "⚠ stale 45s: 500 Internal Server Error")
}
