package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// lineBuilder collects lines clipped to a width.
type lineBuilder struct {
	width int
	lines []string
	// headings holds the indexes of lines that only title what follows,
	// so a pane that cuts the lines off right after one can hide it.
	headings []int
	// compact drops spacing and folds the timeline into two lines, for
	// short terminals.
	compact bool
}

func (b *lineBuilder) add(s string) { b.lines = append(b.lines, clip(s, b.width)) }

// addOrBreak adds head followed by tail, or, when both do not fit the
// width, tail on a line of its own indented by cont cells.
func (b *lineBuilder) addOrBreak(head, tail string, cont int) {
	if cells(head)+cells(tail) <= b.width {
		b.add(head + tail)
		return
	}
	b.add(head)
	b.add(strings.Repeat(" ", cont) + strings.TrimLeft(tail, " "))
}

// part is one fact of a line that flow may carry to the next line: its
// text, and the separator that goes before it only when it follows
// another fact on the same line.
type part struct{ sep, text string }

// flow adds facts on one line, breaking between them where they do not
// fit the width, later lines indented by cont cells, so a fact is moved
// to the next line rather than cut off. Only a fact wider than a whole
// line is clipped.
func (b *lineBuilder) flow(cont int, parts ...part) {
	b.flowInk(Ink{}, cont, parts...)
}

// flowInk is flow for facts written in one ink, drawn as one run a line.
func (b *lineBuilder) flowInk(ink Ink, cont int, parts ...part) {
	var line strings.Builder
	lw := 0
	emit := func() {
		lead := len(line.String()) - len(strings.TrimLeft(line.String(), " "))
		b.add(line.String()[:lead] + ink.Render(line.String()[lead:]))
	}
	for _, p := range parts {
		if p.text == "" {
			continue
		}
		tw, sw := cells(p.text), cells(p.sep)
		switch {
		case lw == 0:
			line.WriteString(p.text)
			lw = tw
		case lw+sw+tw <= b.width:
			line.WriteString(p.sep)
			line.WriteString(p.text)
			lw += sw + tw
		default:
			emit()
			line.Reset()
			line.WriteString(strings.Repeat(" ", cont))
			line.WriteString(p.text)
			lw = cont + tw
		}
	}
	if lw > 0 {
		emit()
	}
}

// heading adds a line that titles the lines after it.
func (b *lineBuilder) heading(s string) {
	b.headings = append(b.headings, len(b.lines))
	b.add(s)
}

// blank adds an empty line between sections, never two in a row and
// never in compact mode.
func (b *lineBuilder) blank() {
	if !b.compact && len(b.lines) > 0 && b.lines[len(b.lines)-1] != "" {
		b.lines = append(b.lines, "")
	}
}

// wrap adds prefix followed by text word-wrapped to the width, later
// lines indented by cont cells, so a long reason or message is shown in
// full rather than cut off.
func (b *lineBuilder) wrap(prefix string, cont int, text string, style Ink) {
	b.lines = append(b.lines, wrapLines(prefix, cont, text, style, b.width)...)
}

// wrapLines is wrap's work, for callers without a lineBuilder. It breaks
// at spaces only (IDs and timestamps keep their hyphens), and hard-breaks
// a word longer than the line.
func wrapLines(prefix string, cont int, text string, style Ink, width int) []string {
	pw := cells(prefix)
	first := max(10, width-pw)
	rest := max(10, width-cont)
	words := strings.Fields(text)
	var out []string
	var line strings.Builder
	lw, limit := 0, first
	flush := func() {
		p := strings.Repeat(" ", cont)
		if len(out) == 0 {
			p = prefix
		}
		out = append(out, clip(p+style.Render(line.String()), width))
		line.Reset()
		lw, limit = 0, rest
	}
	for _, w := range words {
		ww := cells(w)
		if lw > 0 && lw+1+ww > limit {
			flush()
		}
		for ww > limit {
			// A word longer than a whole line: cut it.
			head := ansi.Cut(w, 0, limit-lw)
			line.WriteString(head)
			flush()
			w = ansi.Cut(w, cells(head), ww)
			ww = cells(w)
		}
		if lw > 0 {
			line.WriteByte(' ')
			lw++
		}
		line.WriteString(w)
		lw += ww
	}
	if lw > 0 || len(out) == 0 {
		flush()
	}
	return out
}
