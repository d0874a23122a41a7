package ui

import "ordermon/internal/engine"

// The screen is drawn as panes (the title bar, the list, the detail and
// its event log, the footer), each kept with the inputs it was drawn
// from, so a frame redraws only the panes whose inputs changed: a key
// that scrolls the event log leaves the list alone, and a commit that
// changed one order leaves the title bar alone until the next second.
// Every input a pane reads is in its key; time enters as the wall-clock
// second, the finest unit anything on screen shows.

// paneCache keeps one pane's last drawing and the key it was drawn for.
type paneCache[K comparable, V any] struct {
	key K
	val V
	ok  bool
}

// get returns the drawing for k, drawing it anew only when k differs
// from the last key.
func (c *paneCache[K, V]) get(k K, draw func() V) V {
	if c.ok && c.key == k {
		return c.val
	}
	c.val, c.key, c.ok = draw(), k, true
	return c.val
}

// reset forgets the drawing, for inputs a key cannot hold (the palette).
func (c *paneCache[K, V]) reset() { c.ok = false }

// panes are the screen's pane caches.
type panes struct {
	title  paneCache[titleKey, string]
	list   paneCache[listKey, []string]
	detail paneCache[detailKey, detailText]
	help   paneCache[helpKey, []string]
	// bar is the last fill bar, by its filled cells and width: the
	// progress bubble styles every cell of it.
	bar paneCache[[2]int, string]
}

// reset forgets every pane, as when the palette changes.
func (p *panes) reset() {
	p.title.reset()
	p.list.reset()
	p.detail.reset()
	p.help.reset()
	p.bar.reset()
}

// titleKey is what the title bar shows: the counts, the pause and the
// clock.
type titleKey struct {
	width  int
	sec    int64
	paused bool
	sum    summary
}

// listKey is what the order list shows: the rows (rowsGen), which are
// visible and in what order (visGen), the selection, the focus, and the
// second, since ages and staleness move with it.
type listKey struct {
	width, height   int
	rowsGen, visGen uint64
	selected        int
	focused         bool
	sec             int64
}

// detailKey is what the selected order's detail shows: that row and its
// snapshot (nil before any), the width, the layout, and the second, since
// the verdict, the timeline and the expiry count time.
type detailKey struct {
	row     *row
	snap    *engine.Snapshot
	width   int
	compact bool
	sec     int64
}

// detailText is the detail's lines, indented off the border, and the
// indexes of those that are headings (see lineBuilder.heading).
type detailText struct {
	lines    []string
	headings []int
}

// sameLines reports whether a and b are the same slice, not merely equal:
// the caches hand back the very slice they keep, so this tells an
// unchanged pane without comparing its text.
func sameLines(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
