package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
)

// changedMsg is the engine's state after a commit it made between polls:
// a change Kalshi pushed, or push going live or down.
type changedMsg struct{ round engine.Round }

// awaitChange waits, in a command, for the engine to commit anything
// newer than what the screen shows, then brings the engine's state, so a
// pushed fill is on screen at once instead of at the next poll. One
// waits at a time; Update arms the next when one returns.
func (m *Model) awaitChange() tea.Cmd {
	if m.engine == nil || m.waiting {
		return nil
	}
	m.waiting = true
	e, seq, ctx := m.engine, m.lastSeq, m.ctx
	return guard(func() tea.Msg {
		select {
		case <-e.Changed(seq):
			return changedMsg{round: e.Latest()}
		case <-ctx.Done():
			return nil
		}
	})
}

// handleChanged applies a commit the engine made by itself and waits for
// the next.
func (m *Model) handleChanged(msg changedMsg) tea.Cmd {
	m.waiting = false
	return tea.Batch(m.applyCommit(msg.round), m.awaitChange())
}

// applyCommit applies a Round from a poll or a commit: its snapshots and
// health unless the screen already shows a newer one (polls and commits
// may arrive out of order), and its events always, since the engine hands
// each out once. It returns what follows either: the bell when an order
// reached a final state (Options.Bell), and the selection kept on the
// list's first row until the user picks one (followTop).
func (m *Model) applyCommit(r engine.Round) tea.Cmd {
	fresh := r.Seq == 0 || r.Seq > m.lastSeq
	m.lastSeq = max(m.lastSeq, r.Seq)
	var bell tea.Cmd
	if m.applyRound(r, fresh) && m.opts.Bell {
		bell = tea.Raw("\a")
	}
	return tea.Batch(bell, m.followTop())
}

// syncFound keeps the rows in step with the orders the engine found on
// its own (--all, A): a snapshot with no row gets one, unless the user has
// just removed it, and a found row whose order the engine no longer
// watches goes. The selection stays on its order while it is listed.
func (m *Model) syncFound(snaps []engine.Snapshot) {
	has := m.rowIndex()
	watched := make(map[engine.Target]bool, len(snaps))
	for _, s := range snaps {
		watched[s.Target] = true
		if has(s.Target) == nil && !m.dropped[s.Target] {
			m.rows = append(m.rows, &row{target: s.Target, found: true})
		}
	}
	for t := range m.dropped {
		if !watched[t] {
			delete(m.dropped, t) // the engine has let it go too
		}
	}
	sel := m.current()
	kept := m.rows[:0]
	for _, r := range m.rows {
		if r.found && !watched[r.target] {
			continue
		}
		kept = append(kept, r)
	}
	clear(m.rows[len(kept):])
	m.rows = kept
	m.selected = -1
	for i, r := range m.rows {
		if r == sel {
			m.selected = i
		}
	}
}

// handleWatchKey handles the keys that change what is watched besides
// adding: d removes the selected order, A toggles watching everything.
func (m *Model) handleWatchKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.All) {
		return m.toggleAll()
	}
	return m.removeSelected()
}

// toggleAll turns watching every resting order on the Kalshi account on
// or off (A), then refreshes so the orders show at once.
func (m *Model) toggleAll() tea.Cmd {
	if m.engine == nil {
		return nil
	}
	if !m.health.Kalshi.Used {
		m.setFlash("watching everything needs Kalshi credentials", true)
		return nil
	}
	on := !m.health.All
	m.health.All = on
	if on {
		m.setFlash("watching every resting order on the account", false)
	} else {
		m.setFlash("watching only the orders added by hand", false)
	}
	e := m.engine
	return tea.Sequence(guard(func() tea.Msg {
		e.WatchAll(on)
		return engineDoneMsg{}
	}), m.refreshNow(false))
}

// kalshiText is Kalshi's part of the footer's health line: with push, how
// fresh push is ("kalshi ⚡ live · 2s", or "kalshi polling every 2s ·
// push refused (401)") while the source is otherwise well; else, or when
// it is not, the source's own health.
func (m *Model) kalshiText() (text string, pushShown bool) {
	st, now := &m.styles, m.now()
	h, p := m.health.Kalshi, m.health.Push
	troubled := h.Halted || h.Err != "" || h.RetryAt.After(now) || h.Stale(now, m.interval)
	if !p.On || troubled || !m.haveRound {
		return m.sourceText("kalshi", h, now), false
	}
	if p.Live() {
		return st.Good.Render(p.Line(now)), true
	}
	return st.Warn.Render(GlyphWarn + " " + textsafe.Clean(p.Line(now))), true
}
