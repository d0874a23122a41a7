package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ordermon/internal/engine"
	"ordermon/internal/report"
	"ordermon/internal/textsafe"
)

// engineDoneMsg reports that an engine call made from a command finished.
type engineDoneMsg struct{}

// addedMsg reports that the engine took (or already had) a new order.
type addedMsg struct {
	target engine.Target
	added  bool
}

// flashFor is how long a one-line notice ("copied", "exported to …")
// stays in the footer.
const flashFor = 4 * time.Second

// Update applies one message to the model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case clockMsg, tickMsg, roundMsg, changedMsg, engineDoneMsg:
		// These decide for themselves whether the screen changed: the
		// clock when a second passes, a poll or a commit when it brought
		// something, so an idle screen is drawn once a second.
	default:
		m.frameOK = false
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(msg.IsDark())
		return m, nil
	case tickMsg:
		return m, m.handleTick(msg)
	case roundMsg:
		return m, m.handleRound(msg)
	case changedMsg:
		return m, m.handleChanged(msg)
	case clockMsg:
		return m, m.handleClock()
	case addedMsg:
		if msg.added {
			return m, m.refreshNow(false)
		}
		return m, nil
	case exportedMsg:
		if msg.err != nil {
			m.setFlash("export failed: "+textsafe.Clean(msg.err.Error()), true)
		} else {
			m.setFlash("exported to "+textsafe.Clean(msg.path), false)
		}
		return m, nil
	case engineDoneMsg:
		return m, nil
	case panicMsg:
		m.crash = msg.err
		return m, tea.Quit
	case tea.PasteMsg:
		if m.mode != modeNormal {
			return m, m.updateInput(msg)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) setFlash(s string, isErr bool) {
	m.flash, m.flashErr = s, isErr
	m.flashUntil = m.now().Add(flashFor)
}

// handleKey routes a key press to the prompt, the focused pane or the
// global bindings.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQ) {
		return tea.Quit
	}
	if m.mode != modeNormal {
		return m.handlePromptKey(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil
	case key.Matches(msg, k.Refresh):
		return m.refreshNow(true)
	case key.Matches(msg, k.Pause):
		return m.togglePause()
	case key.Matches(msg, k.Add):
		m.openPrompt(modeAdd)
		return nil
	case key.Matches(msg, k.Filter):
		m.openPrompt(modeFilter)
		m.input.SetValue(m.filter)
		m.input.CursorEnd()
		return nil
	case key.Matches(msg, k.Remove), key.Matches(msg, k.All):
		return m.handleWatchKey(msg)
	case key.Matches(msg, k.Copy):
		return m.copySelected()
	case key.Matches(msg, k.CopyText):
		return m.copyVerdict()
	case key.Matches(msg, k.NextBad), key.Matches(msg, k.PrevBad), key.Matches(msg, k.Problems), key.Matches(msg, k.Sort):
		return m.handleAttentionKey(msg)
	case key.Matches(msg, k.Export):
		return m.exportSelected()
	case key.Matches(msg, k.Next):
		if m.current() != nil {
			m.focus = (m.focus + 1) % 3
			m.picked = true // reading this order's detail
		}
		return nil
	case key.Matches(msg, k.Back):
		if m.focus == focusList && m.filter != "" {
			m.setFilter("")
			return m.focusCmd()
		}
		m.focus = focusList
		return nil
	}
	switch m.focus {
	case focusDetail:
		scroll(&m.detailVP, msg, k)
	case focusEvents:
		scroll(&m.eventsVP, msg, k)
	default:
		return m.moveSelection(msg)
	}
	return nil
}

// handleAttentionKey handles the keys that find the orders needing
// attention: n and N jump to the next and previous, ! shows only them,
// s cycles the sort.
func (m *Model) handleAttentionKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Problems):
		m.problemsOnly = !m.problemsOnly
		m.listTop = 0
		m.refilter()
		return m.focusCmd()
	case key.Matches(msg, k.Sort):
		m.sortBy = (m.sortBy + 1) % numSortModes
		m.refilter()
		m.setFlash("sorted by "+m.sortBy.String(), false)
		return nil
	}
	dir := 1
	if key.Matches(msg, k.PrevBad) {
		dir = -1
	}
	if !m.jumpAttention(dir) {
		m.setFlash("no order needs attention", false)
		return nil
	}
	m.picked = true
	m.detailVP.GotoTop()
	m.eventsVP.GotoTop()
	return m.focusCmd()
}

// moveSelection handles the list's navigation keys.
func (m *Model) moveSelection(msg tea.KeyPressMsg) tea.Cmd {
	if len(m.visible) == 0 {
		return nil
	}
	pos := m.visiblePos()
	k := m.keys
	page := max(1, m.listRows-1)
	switch {
	case key.Matches(msg, k.Up):
		pos--
	case key.Matches(msg, k.Down):
		pos++
	case key.Matches(msg, k.PageUp):
		pos -= page
	case key.Matches(msg, k.PageDown):
		pos += page
	case key.Matches(msg, k.Top):
		pos = 0
	case key.Matches(msg, k.Bottom):
		pos = len(m.visible) - 1
	default:
		return nil
	}
	pos = max(0, min(len(m.visible)-1, pos))
	return m.selectIndex(m.visible[pos])
}

// selectIndex selects rows[i], as the user asked, and tells the engine.
func (m *Model) selectIndex(i int) tea.Cmd {
	m.picked = true
	if i == m.selected {
		return nil
	}
	m.selected = i
	m.detailVP.GotoTop()
	m.eventsVP.GotoTop()
	return m.focusCmd()
}

// focusCmd tells the engine which order the user is looking at. The call
// runs in a command: the engine may hold its lock for a whole round.
func (m *Model) focusCmd() tea.Cmd {
	r := m.current()
	if r == nil || m.engine == nil {
		return nil
	}
	e, t := m.engine, r.target
	return guard(func() tea.Msg {
		e.Focus(t)
		return engineDoneMsg{}
	})
}

func scroll(vp interface {
	ScrollUp(int)
	ScrollDown(int)
	PageUp()
	PageDown()
	GotoTop() []string
	GotoBottom() []string
}, msg tea.KeyPressMsg, k keyMap) {
	switch {
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	}
}

// current returns the selected row, or nil.
func (m *Model) current() *row {
	if m.selected < 0 || m.selected >= len(m.rows) {
		return nil
	}
	return m.rows[m.selected]
}

// removeSelected stops watching the selected order.
func (m *Model) removeSelected() tea.Cmd {
	r := m.current()
	if r == nil {
		return nil
	}
	i := m.selected
	m.rows = append(m.rows[:i], m.rows[i+1:]...)
	m.rowsGen++
	if m.dropped == nil {
		m.dropped = map[engine.Target]bool{}
	}
	m.dropped[r.target] = true
	m.selected = -1
	m.refilter()
	// Select the next order down, or the one above when the last went.
	next := -1
	for _, vi := range m.visible {
		next = vi
		if vi >= i {
			break
		}
	}
	m.selected, m.picked = next, true
	m.focus = focusList
	m.setFlash("stopped watching "+textsafe.Clean(r.target.ID), false)
	var cmds []tea.Cmd
	if m.engine != nil {
		e, t := m.engine, r.target
		cmds = append(cmds, guard(func() tea.Msg {
			e.Remove(t)
			return engineDoneMsg{}
		}))
	}
	cmds = append(cmds, m.focusCmd())
	if len(m.rows) == 0 {
		m.openPrompt(modeAdd)
	}
	return tea.Batch(cmds...)
}

// copySelected puts the selected order's ID on the clipboard with OSC 52,
// which works over SSH where a native clipboard would not.
func (m *Model) copySelected() tea.Cmd {
	r := m.current()
	if r == nil {
		return nil
	}
	id := textsafe.Clean(r.target.ID)
	m.setFlash("copied "+id, false)
	return tea.SetClipboard(id)
}

// copyVerdict puts the selected order's verdict and diagnosis on the
// clipboard as plain text, ready for a ticket.
func (m *Model) copyVerdict() tea.Cmd {
	r := m.current()
	if r == nil || r.snap == nil {
		m.setFlash("nothing to copy yet: no data for this order", true)
		return nil
	}
	m.setFlash("copied the verdict and diagnosis of "+textsafe.Clean(r.target.ID), false)
	return tea.SetClipboard(report.Ticket(*m.liveSnap(r), m.loc, m.now()))
}

// openPrompt opens the add or filter prompt.
func (m *Model) openPrompt(mode inputMode) {
	m.mode = mode
	m.inputErr = ""
	m.input.Reset()
	switch mode {
	case modeAdd:
		m.input.Prompt = "add order ID: "
		m.input.Placeholder = "intent ID, kalshi:<order id> or intent:<id>"
		m.input.CharLimit = 200
	case modeFilter:
		m.input.Prompt = "/"
		m.input.Placeholder = "filter by ID, ticker or status"
		m.input.CharLimit = 100
	}
	m.input.Focus()
}

func (m *Model) closePrompt() {
	m.mode = modeNormal
	m.inputErr = ""
	m.input.Blur()
	m.input.Reset()
}

// handlePromptKey handles keys while the add or filter prompt is open.
func (m *Model) handlePromptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Cancel):
		if m.mode == modeFilter {
			m.setFilter("")
		}
		m.closePrompt()
		return m.focusCmd()
	case key.Matches(msg, m.keys.Submit):
		if m.mode == modeAdd {
			return m.submitAdd()
		}
		m.closePrompt()
		return m.focusCmd()
	}
	prev := m.selected
	cmd := m.updateInput(msg)
	if m.mode == modeAdd {
		m.inputErr = ""
	}
	if m.selected != prev {
		return tea.Batch(cmd, m.focusCmd())
	}
	return cmd
}

func (m *Model) updateInput(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.mode == modeFilter {
		m.setFilter(m.input.Value())
	}
	return cmd
}

// submitAdd validates the typed ID and starts watching it. On a bad ID
// the prompt stays open with the text as typed and the reason beside it.
func (m *Model) submitAdd() tea.Cmd {
	raw := strings.TrimSpace(m.input.Value())
	if raw == "" {
		if len(m.rows) == 0 {
			m.inputErr = "type an order ID (ctrl+c quits)"
			return nil
		}
		m.closePrompt()
		return nil
	}
	t, err := engine.ParseTarget(raw)
	if err != nil {
		m.inputErr = textsafe.Clean(err.Error())
		return nil
	}
	for i, r := range m.rows {
		if sameOrder(r.target, t) {
			m.closePrompt()
			m.setFilter("")
			m.setFlash("already watching "+textsafe.Clean(t.ID), false)
			return m.selectIndex(i)
		}
	}
	m.closePrompt()
	m.setFilter("")
	m.rows = append(m.rows, &row{target: t})
	m.rowsGen++
	m.refilter()
	m.focus = focusList
	sel := m.selectIndex(len(m.rows) - 1)
	if m.engine == nil {
		return sel
	}
	e := m.engine
	// In sequence, so the engine knows the order before it is focused.
	return tea.Sequence(guard(func() tea.Msg {
		return addedMsg{target: t, added: e.Add(t)}
	}), sel)
}
