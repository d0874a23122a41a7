// Package cli is the ordermon command: it turns arguments, environment and
// configuration into a running screen or headless mode and an exit code.
package cli

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/xo/terminfo"

	"ordermon/internal/demo"
	"ordermon/internal/engine"
	"ordermon/internal/headless"
	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
	"ordermon/ui"
)

// Main runs the command with args (os.Args, program name first) and
// returns the process's exit code.
func Main(args []string) int {
	return run(args[1:], os.Getenv, os.Stdout, os.Stderr)
}

// sources is what the engine needs to reach both systems, whether from the
// configuration or from the demo.
type sources struct {
	kalshiURL, keyID string
	key              crypto.Signer
	// wsURL is Kalshi's WebSocket, for push.
	wsURL       string
	pipelineURL string
	token       func(context.Context) (string, error)
	// stopToken kills a token_command in flight and waits for it; the run
	// calls it before exiting. It is nil when there is nothing to stop
	// (the demo, or no intent service).
	stopToken func()
	apiKey    string
}

func run(args []string, env func(string) string, stdout, stderr io.Writer) (code int) {
	opts, code, done := prepare(args, env, stdout, stderr)
	if done {
		return code
	}
	screen := !opts.Once && !opts.JSON && isTerminal(stdout)
	logger, closeLog, err := openLog(opts.LogFile)
	if err != nil {
		fmt.Fprintln(stderr, "ordermon:", err)
		return headless.ExitUsage
	}
	defer closeLog()
	full, title := version()
	logger.Debug("starting", "version", full, "config", opts)

	ctx, sig, stop := watchSignals(context.Background())
	defer stop()
	defer crashGuard(&code, stderr, opts)

	eng, targets, cleanup, code := start(ctx, opts, logger, stderr)
	if eng == nil {
		return code
	}
	defer cleanup()
	if screen {
		if reason := plainTerminal(env("TERM")); reason != "" {
			fmt.Fprintf(stderr, "ordermon: %s, so plain lines instead of the live screen\n", reason)
			screen = false
		}
	}
	if screen {
		return runScreen(ctx, eng, opts, title, stderr)
	}
	if len(targets) == 0 && !opts.All {
		fmt.Fprintln(stderr, "ordermon: no order IDs given; name one or more (see --help)")
		return headless.ExitUsage
	}
	code = headless.Run(ctx, eng, headless.Options{
		Mode: mode(opts), Interval: opts.Interval, Timeout: opts.Timeout, ExitStatus: opts.ExitStatus,
		Location: opts.Location, Stdout: stdout, Stderr: stderr,
	})
	if c := sig.exitCode(); c != 0 && opts.Once {
		// --once was cut short: a script must not take what it printed
		// for a full answer.
		return c
	}
	return code
}

// runScreen runs the live screen until the user quits.
func runScreen(ctx context.Context, eng *engine.Engine, opts *Options, title string, stderr io.Writer) int {
	err := ui.Run(ctx, ui.Options{
		Engine: eng, Interval: opts.Interval, Location: opts.Location,
		Bell: opts.File.Bell, Demo: opts.Demo, Version: title, Stuck: opts.Thresholds,
		ExportDir: opts.ExportDir,
	})
	var pe *ui.PanicError
	if errors.As(err, &pe) {
		return crashed(stderr, pe.Value, pe.Stack, opts)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ordermon:", err)
		return headless.ExitUnknown
	}
	return 0
}

// prepare refuses a closed standard output, parses the command line and
// configuration, and does what needs neither an engine nor the network:
// --help, --version, --man and `completion`. done says the run is over,
// with code.
func prepare(args []string, env func(string) string, stdout, stderr io.Writer) (opts *Options, code int, done bool) {
	if stdoutClosed(stdout) {
		fmt.Fprintln(stderr, "ordermon: standard output is closed, so nothing printed could be seen; "+
			"to discard it, redirect it with >/dev/null")
		return nil, headless.ExitOutput, true
	}
	if len(args) > 0 && args[0] == completionCommand {
		if len(args) != 2 || !slices.Contains(completionShells, args[1]) {
			err := &UsageError{Msg: "use: ordermon completion " + strings.Join(completionShells, "|")}
			fmt.Fprintln(stderr, "ordermon:", err)
			return nil, headless.ExitUsage, true
		}
		return nil, writeOut(stdout, stderr, completionScript(args[1])), true
	}
	opts, err := Parse(args, env, stderr)
	switch {
	case errors.Is(err, ErrHelp):
		return nil, writeOut(stdout, stderr, usage()), true
	case err != nil:
		fmt.Fprintln(stderr, "ordermon:", err)
		return nil, headless.ExitUsage, true
	}
	if text, ok := printOnly(opts); ok {
		return nil, writeOut(stdout, stderr, text), true
	}
	return opts, 0, false
}

// printOnly returns what --version or --man print, and whether one of
// them was asked for.
func printOnly(opts *Options) (string, bool) {
	full, _ := version()
	switch {
	case opts.Version:
		return "ordermon " + full + "\n", true
	case opts.Man:
		return manPage(full), true
	}
	return "", false
}

// writeOut writes what --help, --version, --man or `completion` print,
// and returns the exit code: 0, or the lost-output code when it could not
// be written (a full disk, a closed standard output).
func writeOut(stdout, stderr io.Writer, text string) int {
	if _, err := io.WriteString(stdout, text); err != nil {
		fmt.Fprintln(stderr, "ordermon: cannot write output:", textsafe.Clean(err.Error()))
		return headless.ExitOutput
	}
	return 0
}

// mode picks the headless mode from the flags.
func mode(opts *Options) headless.Mode {
	m := headless.Plain
	if opts.Once {
		m |= headless.Once
	}
	if opts.JSON {
		m |= headless.JSON
	}
	return m
}

// start makes the engine from the demo or the configuration and adds the
// targets; on failure it has said why and returns a nil engine with the
// exit code.
func start(ctx context.Context, opts *Options, logger *slog.Logger, stderr io.Writer) (*engine.Engine, []engine.Target, func(), int) {
	var src sources
	targets := opts.Targets
	cleanup := func() {}
	if opts.Demo {
		world, err := demo.Start()
		if err != nil {
			fmt.Fprintln(stderr, "ordermon:", err)
			return nil, nil, nil, headless.ExitUnknown
		}
		cleanup = world.Close
		go world.Run(ctx, 2*time.Second)
		src = demoSources(world)
		if len(targets) == 0 {
			targets = world.Targets
		}
	} else {
		var err error
		if src, err = configSources(opts); err != nil {
			fmt.Fprintln(stderr, "ordermon:", err)
			return nil, nil, nil, headless.ExitUsage
		}
	}
	eng, err := newEngine(opts, src, logger)
	if err != nil {
		cleanup()
		fmt.Fprintln(stderr, "ordermon:", err)
		return nil, nil, nil, headless.ExitUsage
	}
	for _, t := range targets {
		eng.Add(t)
	}
	// Push runs until the run ends; cleanup stops it before the fakes.
	// A token_command in flight is killed first, before anything that
	// could delay the exit: the round that started it may have given up
	// on it without waiting, and ordermon must not exit before its
	// process group is dead.
	pctx, stopPush := context.WithCancel(ctx)
	pushDone := eng.Start(pctx)
	closeWorld := cleanup
	cleanup = func() {
		if src.stopToken != nil {
			src.stopToken()
		}
		stopPush()
		pushDone()
		closeWorld()
	}
	return eng, targets, cleanup, 0
}

// configSources reads the credentials the configuration names.
func configSources(opts *Options) (sources, error) {
	var s sources
	if opts.KalshiEnabled() {
		key, err := kalshi.LoadPrivateKey(opts.File.Kalshi.PrivateKeyFile)
		if err != nil {
			return s, err
		}
		s.kalshiURL, s.keyID, s.key, s.wsURL = opts.KalshiBaseURL, opts.File.Kalshi.APIKeyID, key, opts.KalshiWSURL
	}
	if opts.PipelineEnabled() {
		s.pipelineURL = opts.File.Pipeline.BaseURL
		fetch, stop := opts.TokenFetcher()
		if fetch != nil {
			s.token = pipeline.CachingToken(fetch, time.Now)
		}
		s.stopToken = stop
		s.apiKey = opts.File.Pipeline.APIKey.Reveal()
	}
	return s, nil
}

func demoSources(w *demo.World) sources {
	token := w.Token
	return sources{
		kalshiURL: w.KalshiBaseURL, keyID: w.KeyID, key: w.Key, wsURL: w.Exchange.WSURL(),
		pipelineURL: w.PipelineURL, apiKey: w.APIKey,
		token: func(context.Context) (string, error) { return token, nil },
	}
}

// newEngine builds the two clients, Kalshi's push, and the engine that
// reads them.
func newEngine(opts *Options, s sources, logger *slog.Logger) (*engine.Engine, error) {
	cfg := engine.Config{Interval: opts.Interval, Thresholds: opts.Thresholds, ReadBudget: opts.KalshiReadRate(),
		TierOverride: opts.KalshiTier, Logger: logger, Location: opts.Location,
		ReconcileInterval: opts.ReconcileInterval, All: opts.All, KeepFinished: opts.KeepFinished,
		Wallet: opts.File.Pipeline.WalletAddress}
	if s.key != nil {
		// One token bucket paces every Kalshi read, so ordermon never
		// causes its own 429s.
		limiter, err := kalshi.NewReadLimiter(opts.KalshiTierOrLowest())
		if err != nil {
			return nil, err
		}
		kc, err := kalshi.New(kalshi.Config{BaseURL: s.kalshiURL, KeyID: s.keyID, Key: s.key, Limiter: limiter, Logger: logger})
		if err != nil {
			return nil, err
		}
		cfg.Kalshi = kc
		// --once reads once and ends: a WebSocket would not live long
		// enough to help.
		if opts.Push && !opts.Once {
			if cfg.Stream, err = kalshi.NewStream(kalshi.StreamConfig{URL: s.wsURL, KeyID: s.keyID, Key: s.key}); err != nil {
				return nil, err
			}
		}
	}
	if s.pipelineURL != "" {
		ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{BaseURL: s.pipelineURL, Token: s.token, APIKey: s.apiKey, Logger: logger})
		if err != nil {
			return nil, err
		}
		cfg.Intents = ic
		cfg.TokenExpiry = ic.TokenExpiry
	}
	return engine.New(cfg), nil
}

// openLog opens the --log file for a debug log, or discards logging.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := safefile.OpenWrite(path, os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log: %s", textsafe.Clean(err.Error()))
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { _ = f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// plainTerminal says why the terminal cannot show the live screen (TERM
// is dumb, or its terminfo entry cannot move the cursor), or "".
func plainTerminal(term string) string {
	if term == "dumb" {
		return "TERM=dumb"
	}
	if ti, err := terminfo.Load(term); err == nil && len(ti.Strings[terminfo.CursorAddress]) == 0 {
		return "the terminal (TERM=" + textsafe.Short(term, 40) + ") cannot move the cursor"
	}
	return ""
}
