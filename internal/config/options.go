// Package config turns ordermon's command line, environment and
// configuration file into checked, resolved Options, from which the
// program builds its clients. It also says how to get the intent
// service's token (Options.TokenFetcher) and how to show the settings
// without their secrets (Options.Redacted).
//
// Precedence is file < environment < flags. Every error Parse returns,
// other than ErrHelp, is a *UsageError or a *ConfigError: nothing has been
// sent anywhere yet, and the program should exit 2.
package config

import (
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
)

// Options is the resolved configuration of one run.
type Options struct {
	// File is the configuration file with the environment and flags
	// applied: File.Interval is the interval in force, File.Timezone is
	// "UTC" under --utc, File.Kalshi.BaseURL is the URL that will be used
	// (from kalshi.base_url or the environment), and file paths are
	// absolute or relative to the working directory.
	File File
	// ConfigPath is the configuration file: --config, else
	// $ORDERMON_CONFIG, else the default location, which may be missing
	// (ConfigFound is then false). It is "" under --version or --help, or
	// when no home directory is known.
	ConfigPath  string
	ConfigFound bool

	// Targets are the orders named on the command line, in order.
	Targets []engine.Target

	// Once prints the current state of every target and exits.
	Once bool
	// JSON prints newline-delimited JSON instead of text.
	JSON bool
	// ExitStatus makes the exit code say how the orders ended.
	ExitStatus bool
	// Demo watches simulated orders; no credentials or network are needed.
	Demo bool
	// Version asks for the version; Parse then checks nothing else.
	Version bool
	// Man asks for the manual page; Parse then checks nothing else.
	Man bool
	// Completion is the shell `ordermon completion SHELL` asks a script
	// for ("bash", "zsh" or "fish"), or ""; Parse then checks nothing else.
	Completion string
	// Help is true when Parse returned ErrHelp.
	Help bool
	// All watches every resting order on the Kalshi account and the
	// intent service's unfinished ones; Targets may then be empty.
	All bool
	// UTC is --utc; Location is then UTC.
	UTC bool
	// Env is --env as given ("prod" or "demo"), or "" when not given.
	Env string
	// LogFile is --log: where to write a debug log, or "" for none.
	LogFile string

	// Interval is how often every order is refreshed: --interval, else
	// the file's interval.
	Interval time.Duration
	// Timeout is --timeout: stop after this long; zero means never.
	Timeout time.Duration
	// Location is the time zone every time is shown in.
	Location *time.Location
	// KalshiBaseURL is the Kalshi API root, including /trade-api/v2.
	KalshiBaseURL string
	// KalshiWSURL is Kalshi's WebSocket: kalshi.ws_url, else derived from a
	// loopback base URL (ws://host:port/trade-api/ws/v2), else the
	// environment's.
	KalshiWSURL string
	// KalshiTier is the usage tier kalshi.tier names, or "" when it is not
	// set and the budget should be read from Kalshi's /account/limits.
	KalshiTier string
	// Push uses Kalshi's WebSocket: kalshi.push, and not --no-push.
	Push bool
	// ReconcileInterval is how often orders are read over REST while push
	// is up; at least Interval.
	ReconcileInterval time.Duration
	// KeepFinished is how long an order found by --all stays listed after
	// it finishes.
	KeepFinished time.Duration
	// ExportDir is the absolute directory the screen's export writes to.
	ExportDir string
	// Thresholds say when an order counts as stuck, from [stuck].
	Thresholds engine.Thresholds
}

// KalshiEnabled reports whether Kalshi credentials are configured.
func (o *Options) KalshiEnabled() bool {
	return o.File.Kalshi.APIKeyID != "" && o.File.Kalshi.PrivateKeyFile != ""
}

// PipelineEnabled reports whether the intent service is configured.
func (o *Options) PipelineEnabled() bool { return o.File.Pipeline.BaseURL != "" }

// KalshiReadRate returns the read tokens per second of the configured
// usage tier, or of the lowest tier when none is set (Basic: 200). A
// GetOrder costs 2 tokens and most other reads 10, so a rate limiter
// should spend this budget, not a request count.
func (o *Options) KalshiReadRate() int {
	r, err := kalshi.TierBudget(o.KalshiTierOrLowest())
	if err != nil {
		return 0
	}
	return r
}

// KalshiTierOrLowest returns KalshiTier, or the lowest tier when it is not
// set, for a rate limiter built before Kalshi says which tier applies.
func (o *Options) KalshiTierOrLowest() string {
	if o.KalshiTier != "" {
		return o.KalshiTier
	}
	return kalshi.Tiers()[0]
}

// kalshiURLs returns the REST and WebSocket URLs of a Kalshi environment
// (Kalshi's API environments page: the recommended hosts).
func kalshiURLs(env string) (rest, ws string) {
	if env == "demo" {
		return kalshi.DemoBaseURL, "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2"
	}
	return kalshi.ProdBaseURL, "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
}
