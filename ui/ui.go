// Package ui is ordermon's live screen: a Bubble Tea v2 program that polls
// the engine on a timer and shows every watched order, the
// selected order's timeline, Kalshi figures, diagnosis and events, and how
// each data source is doing.
//
// Conventions (after crush's internal/ui/AGENTS.md): Model is the only
// Bubble Tea model; the list, detail, event log and footer are plain
// render functions over its state. Update never does I/O: engine calls,
// file writes and the clipboard run in tea.Cmds that report back with
// messages, and only Update changes the model. All colours and glyphs
// live in styles.go. Every string from a server passes through
// textsafe.Clean before it is drawn.
package ui

import (
	"context"
	"errors"
	"fmt"
	"ordermon/internal/engine"
	"os"
	"runtime/debug"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// Options configures the live screen.
type Options struct {
	// Engine does the polling. Required.
	Engine *engine.Engine
	// Interval is the refresh interval; zero means engine.DefaultInterval.
	Interval time.Duration
	// Location is the zone stage times are shown in; nil means time.Local.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Bell rings the terminal bell when an order reaches a final state.
	Bell bool
	// ExportDir is where `e` writes reports; "" means the current
	// directory.
	ExportDir string
	// Demo says the engine watches the demo orders, which the title shows.
	Demo bool
	// Version is shown in the title bar.
	Version string
	// Stuck says how long each stage may last before its age is flagged.
	// Zero durations mean pipeline.DefaultThresholds' values.
	Stuck engine.Thresholds
}

// eventCap bounds the event history kept per order.
const eventCap = 500

// focusArea says which pane takes the arrow keys.
type focusArea int

const (
	focusList focusArea = iota
	focusDetail
	focusEvents
)

// inputMode says whether a text prompt owns the keyboard.
type inputMode int

const (
	modeNormal inputMode = iota
	modeAdd
	modeFilter
)

// engineAPI is what the screen needs from *engine.Engine; tests supply a
// recording fake.
type engineAPI interface {
	Add(engine.Target) bool
	Remove(engine.Target)
	Targets() []engine.Target
	Focus(engine.Target)
	Resume()
	Poll(context.Context) engine.Round
	Changed(seq uint64) <-chan struct{}
	Latest() engine.Round
	WatchAll(on bool)
}

// timerFunc starts a timer that delivers fn's message; tea.Every in
// production, an immediate fake in tests.
type timerFunc func(time.Duration, func(time.Time) tea.Msg) tea.Cmd

// row is one watched order.
type row struct {
	// target is the order as given to the engine; Remove and Focus use it.
	target engine.Target
	// snap is the latest snapshot, nil until the first round that has it.
	// Each round gives a row a new one, never changed after, so the
	// pointer tells the caches a new snapshot.
	snap *engine.Snapshot
	// events is the order's history, oldest first. It holds at most half
	// again eventCap; history() is the newest eventCap of it.
	events []engine.Event
	// evSeq counts events ever appended, to key the event log's cache.
	evSeq uint64
	// line caches the row's static list text; see list.go.
	line lineCache
	// ev caches the rendered event log; see cachedEvents.
	ev paneCache[eventsKey, []string]
	// found is set for an order the engine found on its own (--all, A),
	// which leaves the list when the engine stops watching it.
	found bool
}

// history returns the order's newest eventCap events, oldest first.
func (r *row) history() []engine.Event {
	if n := len(r.events); n > eventCap {
		return r.events[n-eventCap:]
	}
	return r.events
}

// Model is the live screen's state. Create it with New; it implements
// tea.Model through its pointer.
type Model struct {
	opts Options
	// ctx bounds the polls: Run's context, so a signal stops a poll in
	// flight rather than leaving it to its timeout.
	ctx      context.Context
	engine   engineAPI
	every    timerFunc
	interval time.Duration
	loc      *time.Location
	now      func() time.Time
	stuck    engine.Thresholds

	width, height int
	isDark        bool
	styles        Styles
	keys          keyMap
	help          help.Model

	rows     []*row
	selected int // index into rows; -1 when there are none
	// picked says the user chose the selection (or opened its detail);
	// until then it follows the list's first row (see followTop).
	picked bool
	filter string
	// problemsOnly hides the orders that need no attention (!).
	problemsOnly bool
	// sortBy orders the list (s).
	sortBy sortMode
	// visible holds the indexes of rows that pass the filter, in the
	// list's order; visGen counts its changes.
	visible []int
	visGen  uint64
	// long caches the longest text of each column among the visible
	// rows, by visGen; see longest.
	long     paneCache[uint64, listCols]
	listTop  int // first visible-list position drawn
	listRows int // list rows on screen at the last render, for paging
	focus    focusArea
	mode     inputMode
	input    textinput.Model
	inputErr string

	detailVP viewport.Model
	eventsVP viewport.Model
	// detailSet and eventsSet are the lines the viewports were last
	// given (see setContent).
	detailSet, eventsSet []string
	bar                  progress.Model

	// Polling state. pollTag numbers the polls this model started; a reply
	// whose tag is not inFlight is stale and dropped.
	pollTag  uint64
	inFlight uint64
	queued   bool
	// queuedResume says the queued poll was asked for by the user.
	queuedResume bool
	paused       bool
	tickGen      uint64
	nextPoll     time.Time
	// pollStarted is when the last poll started.
	pollStarted time.Time
	lastSeq     uint64
	haveRound   bool
	// waiting is set while a command waits for the engine's next commit
	// (see awaitChange); dropped holds the orders the user removed that a
	// round may still list, so they do not come back.
	waiting bool
	dropped map[engine.Target]bool
	health  engine.Health
	note    string

	flash      string
	flashErr   bool
	flashUntil time.Time

	// rowsGen counts changes to the rows; sum caches their counts (see
	// summary).
	rowsGen uint64
	sum     paneCache[summaryKey, summary]

	// panes keeps each pane's last drawing (see panes.go).
	panes panes

	// frame and title are the last view drawn; frameOK says they still
	// hold (see View).
	frame, title string
	frameOK      bool

	// crash is a panic caught in a command; Run returns it.
	crash *PanicError
}

var _ tea.Model = (*Model)(nil)

// New returns the screen's model for opts. Without watched orders it opens
// on the add-order prompt.
func New(opts Options) Model {
	m := Model{
		opts:     opts,
		ctx:      context.Background(),
		every:    tea.Every,
		interval: opts.Interval,
		loc:      opts.Location,
		now:      opts.Now,
		stuck:    opts.Stuck,
		selected: -1,
		isDark:   true,
		keys:     newKeyMap(),
		help:     help.New(),
		input:    textinput.New(),
		detailVP: viewport.New(),
		eventsVP: viewport.New(),
		bar: progress.New(progress.WithoutPercentage(),
			progress.WithFillCharacters(GlyphFillFull, GlyphFillNone)),
	}
	if opts.Engine != nil {
		m.engine = opts.Engine
	}
	if m.interval <= 0 {
		m.interval = engine.DefaultInterval
	}
	if m.loc == nil {
		m.loc = time.Local
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.stuck = m.stuck.WithDefaults()
	m.detailVP.SoftWrap = false // lines are wrapped before they get here, so offsets are line indexes
	m.eventsVP.SoftWrap = false
	m.detailVP.MouseWheelEnabled = false
	m.eventsVP.MouseWheelEnabled = false
	m.setStyles(true)
	if m.engine != nil {
		for _, t := range m.engine.Targets() {
			m.rows = append(m.rows, &row{target: t})
		}
	}
	m.refilter()
	if len(m.rows) == 0 {
		m.openPrompt(modeAdd)
	}
	return m
}

// setStyles switches between the light and the dark palette.
func (m *Model) setStyles(isDark bool) {
	m.isDark = isDark
	m.styles = NewStyles(isDark)
	m.help.Styles = m.styles.Help
	m.input.SetStyles(m.styles.Input)
	m.bar.FullColor = m.styles.Theme.Good
	m.bar.EmptyColor = m.styles.Theme.BarEmpty
	for _, r := range m.rows {
		r.ev.reset()
		r.line.fitted.reset() // its reason and market carry colours
	}
	m.panes.reset()
}

// Init asks for the terminal background, starts the first poll and the
// one-second clock.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(
		tea.RequestBackgroundColor,
		m.startPoll(false),
		m.armTick(),
		m.clockTick(),
		m.focusCmd(),
		m.awaitChange(),
	)
}

// Run shows the live screen until the user quits or ctx ends. It restores
// the terminal if the screen panics and returns the panic as an error.
func Run(ctx context.Context, opts Options) (err error) {
	if opts.Engine == nil {
		return errors.New("ui: no engine")
	}
	m := New(opts)
	// The commands' context ends with the screen, so a poll or a wait for
	// the engine's next commit still running is let go.
	cmdCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.ctx = cmdCtx
	p := tea.NewProgram(&m,
		tea.WithContext(ctx),
		// Bubble Tea's own panic handler would print a bare stack trace;
		// ours restores the terminal and returns one clean error.
		tea.WithoutCatchPanics(),
		// Nothing here animates. Bubble Tea re-parses the whole frame on
		// every tick even when nothing changed, so 8 frames a second
		// (125 ms, still prompt for keys) keeps an idle screen under 1% of
		// a core where 30 cost 1.7%: measured with scripts/idle-cpu.sh.
		tea.WithFPS(8),
	)
	defer func() {
		if r := recover(); r != nil {
			p.Kill()
			fmt.Fprintln(os.Stderr, "ordermon: the live screen crashed; the terminal was restored.")
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	_, err = p.Run()
	if m.crash != nil {
		fmt.Fprintln(os.Stderr, "ordermon: the live screen crashed; the terminal was restored.")
		return m.crash
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}
