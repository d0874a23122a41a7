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
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"ordermon/internal/config"
	"ordermon/internal/demo"
	"ordermon/internal/engine"
	"ordermon/internal/headless"
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
	pipelineURL      string
	token            func(context.Context) (string, error)
	apiKey           string
}

func run(args []string, env func(string) string, stdout, stderr io.Writer) (code int) {
	opts, err := config.Parse(args, env, stderr)
	switch {
	case errors.Is(err, config.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "ordermon:", err)
		return headless.ExitUsage
	case opts.Version:
		fmt.Fprintln(stdout, "ordermon", version())
		return 0
	}
	logger, closeLog, err := openLog(opts.LogFile)
	if err != nil {
		fmt.Fprintln(stderr, "ordermon:", err)
		return headless.ExitUsage
	}
	defer closeLog()
	logger.Debug("starting", "version", version(), "config", opts)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer crashGuard(&code, stderr, opts)

	var src sources
	targets := opts.Targets
	if opts.Demo {
		world, err := demo.Start()
		if err != nil {
			fmt.Fprintln(stderr, "ordermon:", err)
			return headless.ExitUnknown
		}
		defer world.Close()
		go world.Run(ctx, 2*time.Second)
		src = demoSources(world)
		if len(targets) == 0 {
			targets = world.Targets
		}
	} else if src, err = configSources(opts); err != nil {
		fmt.Fprintln(stderr, "ordermon:", err)
		return headless.ExitUsage
	}
	eng, err := newEngine(opts, src, logger)
	if err != nil {
		fmt.Fprintln(stderr, "ordermon:", err)
		return headless.ExitUsage
	}
	for _, t := range targets {
		eng.Add(t)
	}

	if !opts.Once && !opts.JSON && isTerminal(stdout) {
		err := ui.Run(ctx, ui.Options{
			Engine: eng, Interval: opts.Interval, Location: opts.Location,
			Bell: opts.File.Bell, Demo: opts.Demo, Version: version(), Stuck: opts.Thresholds,
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
	mode := headless.Plain
	if opts.Once {
		mode |= headless.Once
	}
	if opts.JSON {
		mode |= headless.JSON
	}
	if len(targets) == 0 {
		fmt.Fprintln(stderr, "ordermon: no order IDs given; name one or more (see --help)")
		return headless.ExitUsage
	}
	return headless.Run(ctx, eng, headless.Options{
		Mode: mode, Interval: opts.Interval, Timeout: opts.Timeout, ExitStatus: opts.ExitStatus,
		Location: opts.Location, Stdout: stdout, Stderr: stderr,
	})
}

// configSources reads the credentials the configuration names.
func configSources(opts *config.Options) (sources, error) {
	var s sources
	if opts.KalshiEnabled() {
		key, err := kalshi.LoadPrivateKey(opts.File.Kalshi.PrivateKeyFile)
		if err != nil {
			return s, err
		}
		s.kalshiURL, s.keyID, s.key = opts.KalshiBaseURL, opts.File.Kalshi.APIKeyID, key
	}
	if opts.PipelineEnabled() {
		s.pipelineURL = opts.File.Pipeline.BaseURL
		if fetch := opts.TokenFetcher(); fetch != nil {
			s.token = pipeline.CachingToken(fetch, time.Now)
		}
		s.apiKey = opts.File.Pipeline.APIKey.Reveal()
	}
	return s, nil
}

func demoSources(w *demo.World) sources {
	token := w.Token
	return sources{
		kalshiURL: w.KalshiBaseURL, keyID: w.KeyID, key: w.Key,
		pipelineURL: w.PipelineURL, apiKey: w.APIKey,
		token: func(context.Context) (string, error) { return token, nil },
	}
}

// newEngine builds the two clients and the engine that polls them.
func newEngine(opts *config.Options, s sources, logger *slog.Logger) (*engine.Engine, error) {
	cfg := engine.Config{Interval: opts.Interval, Thresholds: opts.Thresholds, ReadBudget: opts.KalshiReadRate(), Location: opts.Location}
	if s.key != nil {
		// One token bucket paces every Kalshi read, so ordermon never
		// causes its own 429s.
		limiter, err := kalshi.NewReadLimiter(opts.File.Kalshi.Tier)
		if err != nil {
			return nil, err
		}
		kc, err := kalshi.New(kalshi.Config{BaseURL: s.kalshiURL, KeyID: s.keyID, Key: s.key, Limiter: limiter, Logger: logger})
		if err != nil {
			return nil, err
		}
		cfg.Kalshi = kc
	}
	if s.pipelineURL != "" {
		ic, err := pipeline.NewIntentClient(pipeline.IntentConfig{BaseURL: s.pipelineURL, Token: s.token, APIKey: s.apiKey, Logger: logger})
		if err != nil {
			return nil, err
		}
		cfg.Intents = ic
		cfg.TokenExpiry = func() time.Time { return ic.TokenExpiry(context.Background()) }
	}
	return engine.New(cfg), nil
}

// openLog opens the --log file for a debug log, or discards logging.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.DiscardHandler), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the log file: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// version reports the module version and VCS revision the binary was built
// from.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
