// Command idlefloor measures the floor under ordermon's idle cost: the
// least any Bubble Tea program can spend showing ordermon's idle screen.
// It is a measuring stick, not a product, and scripts/idle-floor.sh runs
// it in ordermon's place (idle-cpu.sh's BIN=), with ordermon's arguments.
//
// It shows a frame captured from ordermon (IDLEFLOOR_FRAME, an ANSI screen
// from `tmux capture-pane -e`) in the alternate screen, at ordermon's 8
// frames a second unless IDLEFLOOR_FPS says otherwise. IDLEFLOOR_MODE
// says what else it does:
//
//	static  nothing: the frame never changes, so only Bubble Tea's
//	        frame ticker and the runtime wake it;
//	clock   once a second, the header clock and every row's age change,
//	        as they do on ordermon's screen, so the frame is drawn again;
//	reads   clock, and every 2 s on the clock the reads an idle
//	        ordermon round cannot do without, through ordermon's own
//	        clients: each watched intent read once, and one signed
//	        queue-positions read of the markets scripts/idlefakes lists.
//
// A read that fails ends the program with its error, so a floor measured
// against a broken fake cannot pass for a cheap one.
package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"ordermon/internal/config"
	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "idlefloor:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	configPath, ids := parseArgs(args)
	raw, err := os.ReadFile(os.Getenv("IDLEFLOOR_FRAME"))
	if err != nil {
		return fmt.Errorf("IDLEFLOOR_FRAME: %w", err)
	}
	fps := 8
	if v := os.Getenv("IDLEFLOOR_FPS"); v != "" {
		if fps, err = strconv.Atoi(v); err != nil {
			return fmt.Errorf("IDLEFLOOR_FPS: %w", err)
		}
	}
	m := &model{
		lines: strings.Split(strings.TrimRight(string(raw), "\n"), "\n"),
		start: time.Now(),
		now:   time.Now,
	}
	switch mode := os.Getenv("IDLEFLOOR_MODE"); mode {
	case "static":
	case "clock":
		m.clock = true
	case "reads":
		m.clock = true
		if m.round, err = newRound(configPath, ids); err != nil {
			return err
		}
	default:
		return fmt.Errorf("IDLEFLOOR_MODE %q: want static, clock or reads", mode)
	}
	if _, err := tea.NewProgram(m, tea.WithFPS(fps)).Run(); err != nil {
		return err
	}
	return m.err
}

// parseArgs takes the arguments idle-cpu.sh gives ordermon: --config
// FILE, --log FILE (ignored) and the order IDs.
func parseArgs(args []string) (configPath string, ids []string) {
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--config":
			if i+1 < len(args) {
				configPath = args[i+1]
			}
			i++
		case "--log":
			i++
		default:
			ids = append(ids, args[i])
		}
	}
	return configPath, ids
}

// model shows the captured frame, changing what ordermon's clock changes.
type model struct {
	lines []string
	start time.Time
	now   func() time.Time
	clock bool
	round func(context.Context) error // nil: no reads
	err   error
}

type (
	secondMsg struct{}
	roundMsg  struct{ err error }
)

// every fires on the wall clock's multiples of d, as ordermon's timers do.
func every(d time.Duration, msg func() tea.Msg) tea.Cmd {
	return tea.Every(d, func(time.Time) tea.Msg { return msg() })
}

func (m *model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.clock {
		cmds = append(cmds, every(time.Second, func() tea.Msg { return secondMsg{} }))
	}
	if m.round != nil {
		cmds = append(cmds, m.nextRound())
	}
	return tea.Batch(cmds...)
}

func (m *model) nextRound() tea.Cmd {
	round := m.round
	return every(2*time.Second, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return roundMsg{err: round(ctx)}
	})
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if msg.String() == "q" || msg.String() == "ctrl+c" {
			return m, tea.Quit
		}
	case secondMsg:
		return m, every(time.Second, func() tea.Msg { return secondMsg{} })
	case roundMsg:
		if msg.err != nil {
			m.err = msg.err
			return m, tea.Quit
		}
		return m, m.nextRound()
	}
	return m, nil
}

var (
	clockRE = regexp.MustCompile(`\d\d:\d\d:\d\d UTC`)
	ageRE   = regexp.MustCompile(` \d{1,2}s  `)
)

func (m *model) View() tea.View {
	var content string
	if m.clock {
		content = m.moved(m.now())
	} else {
		content = strings.Join(m.lines, "\n")
	}
	v := tea.NewView(content)
	v.AltScreen = true
	return v
}

// moved is the frame at now: the header's clock shows now and every age
// the seconds since start, each kept to its width so no line moves.
func (m *model) moved(now time.Time) string {
	secs := int(now.Sub(m.start).Seconds())
	age := func(match string) string {
		w := len(match) - len(" s  ")
		return fmt.Sprintf(" %0*ds  ", w, secs%int(math.Pow10(w)))
	}
	var b strings.Builder
	for i, l := range m.lines {
		if i == 0 {
			l = clockRE.ReplaceAllLiteralString(l, now.UTC().Format("15:04:05 UTC"))
		} else {
			b.WriteByte('\n')
		}
		b.WriteString(ageRE.ReplaceAllStringFunc(l, age))
	}
	return b.String()
}

// newRound returns the reads of one idle round, made with ordermon's
// clients from ordermon's configuration file, which config.Load reads
// as ordermon does.
func newRound(configPath string, ids []string) (func(context.Context) error, error) {
	c, _, err := config.Load(configPath, os.Getenv, os.Stderr)
	if err != nil {
		return nil, err
	}
	key, err := kalshi.LoadPrivateKey(c.Kalshi.PrivateKeyFile)
	if err != nil {
		return nil, err
	}
	kc, err := kalshi.New(kalshi.Config{BaseURL: c.Kalshi.BaseURL, KeyID: c.Kalshi.APIKeyID, Key: key})
	if err != nil {
		return nil, err
	}
	token := c.Pipeline.Token.Reveal()
	ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{
		BaseURL: c.Pipeline.BaseURL,
		Token:   func(context.Context) (string, error) { return token, nil },
	})
	if err != nil {
		return nil, err
	}
	intents, err := intentIDs(ids)
	if err != nil {
		return nil, err
	}
	// idlefakes writes the markets the watched orders rest on beside the
	// configuration; ordermon's queue read asks for those.
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(configPath), "markets.txt"))
	if err != nil {
		return nil, err
	}
	tickers := strings.Fields(string(raw))
	return func(ctx context.Context) error {
		errs := make([]error, len(intents)+1)
		var wg sync.WaitGroup
		// At most as many at once as the client keeps connections, as
		// ordermon's engine does, so no round dials a new one.
		sem := make(chan struct{}, pipeline.MaxConcurrentRequests)
		for i, id := range intents {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				_, errs[i] = ic.GetIntent(ctx, id)
			})
		}
		wg.Go(func() {
			qs, err := kc.GetQueuePositionsIn(ctx, kalshi.QueueQuery{MarketTickers: tickers})
			if err == nil && len(qs) != len(ids) {
				err = fmt.Errorf("%d queue positions for %d orders", len(qs), len(ids))
			}
			errs[len(intents)] = err
		})
		wg.Wait()
		return errors.Join(errs...)
	}, nil
}

// intentIDs returns the intents among the watched IDs, read as ordermon
// reads its arguments. The reads mode without one would leave out the
// reads it is there to measure, so that is an error.
func intentIDs(args []string) ([]string, error) {
	var ids []string
	for _, a := range args {
		t, err := engine.ParseTarget(a)
		if err != nil {
			return nil, err
		}
		if t.Kind == engine.KindIntent {
			ids = append(ids, t.ID)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no intent among the watched IDs (intent:ID)")
	}
	return ids, nil
}
