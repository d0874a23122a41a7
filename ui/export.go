package ui

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"ordermon/internal/report"
	"ordermon/internal/safefile"
)

// exportedMsg reports where an export went, or why it failed.
type exportedMsg struct {
	path string
	err  error
}

// exportSelected writes the selected order's Markdown report to a new file
// in ExportDir. The report is rendered here, from the model's own copy of
// the snapshot and events; only the file write runs in the command.
func (m *Model) exportSelected() tea.Cmd {
	r := m.current()
	if r == nil {
		return nil
	}
	if r.snap == nil {
		m.setFlash("nothing to export yet: no data for this order", true)
		return nil
	}
	now := m.now()
	snap := *m.liveSnap(r)
	// Oldest first, as the engine hands them out; the report orders them.
	events := slices.Clone(r.history())
	body := report.Markdown(snap, events, m.loc, now)
	dir := m.opts.ExportDir
	if dir == "" {
		dir = "."
	}
	name := "ordermon-" + fileSafe(r.target.ID) + "-" + now.UTC().Format("20060102T150405Z") + ".md"
	path := filepath.Join(dir, name)
	return guard(func() tea.Msg {
		return writeExport(path, body)
	})
}

// writeExport creates path (never overwriting) and writes body to it.
func writeExport(path, body string) tea.Msg {
	f, err := safefile.OpenWrite(path, os.O_EXCL, 0o644)
	if err != nil {
		return exportedMsg{err: err}
	}
	_, werr := f.WriteString(body)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return exportedMsg{err: err}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return exportedMsg{path: path}
}

// fileSafe keeps the characters of an order ID that are safe in a file
// name everywhere, so an ID cannot name a path.
func fileSafe(id string) string {
	var b strings.Builder
	for _, r := range id {
		if b.Len() >= 64 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "order"
	}
	return b.String()
}
