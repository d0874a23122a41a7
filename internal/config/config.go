// Package config turns ordermon's command line, environment and
// configuration file into checked, resolved Options, from which the
// program builds its clients.
//
// Precedence is file < environment < flags. Every error Parse returns,
// other than ErrHelp, is a *UsageError or a *ConfigError: nothing has been
// sent anywhere yet, and the program should exit 2.
package config

import (
	"context"
	"reflect"
	"time"

	"ordermon/internal/engine"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Options is the resolved configuration of one run.
type Options struct {
	// File is the configuration file with the environment and flags
	// applied: File.Interval is the interval in force, File.Timezone is
	// "UTC" under --utc, File.Kalshi's URLs are the ones that will be used,
	// and file paths are absolute or relative to the working directory.
	File File
	// ConfigPath is the configuration file: --config, else
	// $ORDERMON_CONFIG, else the default location, which may be missing
	// (ConfigFound is then false). It is "" when no home directory is
	// known.
	ConfigPath  string
	ConfigFound bool
	// Targets are the orders named on the command line, in order.
	Targets []engine.Target

	// The switches as given: --once, --json, --exit-status, --demo,
	// --all, --utc and --no-push. Under --version, --man or --help
	// (ErrHelp) Parse checks nothing else.
	Once, JSON, ExitStatus, Demo, All, UTC, NoPush bool
	Version, Man, Help                             bool
	// Env is --env ("prod" or "demo") or "", and LogFile is --log, where
	// to write a debug log, or "".
	Env, LogFile string
	// Timeout is --timeout: stop after this long; zero means never.
	Timeout time.Duration

	// Interval is how often every order is refreshed: --interval, else
	// the file's.
	Interval time.Duration
	// Location is the time zone every time is shown in.
	Location *time.Location
	// KalshiBaseURL is the Kalshi API root, including /trade-api/v2.
	KalshiBaseURL string
	// KalshiWSURL is Kalshi's WebSocket: kalshi.ws_url, else derived from
	// a loopback base URL (ws://host:port/trade-api/ws/v2), else the
	// environment's.
	KalshiWSURL string
	// KalshiTier is the usage tier kalshi.tier names, or "" when the
	// budget should be read from Kalshi's /account/limits.
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

	given []string // the flags as given, for the redacted view
}

// File is the configuration file after decoding. Each field is the key of
// the same name in snake_case (Kalshi.APIKeyID is kalshi.api_key_id), and
// config.example.toml documents them all, so the documentation of a key
// is in one place; the table in keys.go decodes and checks them.
type File struct {
	Interval     time.Duration
	Timezone     string
	Bell         bool
	ExportDir    string
	KeepFinished time.Duration
	Kalshi       KalshiFile
	Pipeline     PipelineFile
	Stuck        engine.Thresholds
}

// KalshiFile is the [kalshi] table: where Kalshi is and how to sign in.
// Tier is lower case; APIKeyID names the key and is not itself a secret.
type KalshiFile struct {
	Env, BaseURL, WSURL, APIKeyID, PrivateKeyFile, Tier string
	Push                                                bool
	ReconcileInterval                                   time.Duration
}

// PipelineFile is the [pipeline] table: the intent service. At most one of
// Token, TokenFile and TokenCommand is set.
type PipelineFile struct {
	BaseURL                 string
	Token                   Secret
	TokenFile, TokenCommand string
	APIKey                  Secret
	WalletAddress           string
}

// MinInterval is the shortest poll interval: faster polling would spend
// the rate budget without showing anything a person could act on.
const MinInterval = 500 * time.Millisecond

// DefaultFile returns the configuration used for every key the file
// leaves out, from the key table; config.example.toml shows the same
// values, and a test keeps the two equal.
func DefaultFile() File {
	var f File
	for _, k := range keys {
		if k.def != nil {
			reflect.ValueOf(k.field(&f)).Elem().Set(reflect.ValueOf(k.def))
		}
	}
	return f
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
	r, _ := kalshi.TierBudget(o.KalshiTierOrLowest())
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

// TokenFetcher returns how to get the intent service's JWT from whichever
// source is configured, or nil when none is (see
// pipeline.TokenSource.Fetcher).
func (o *Options) TokenFetcher() func(context.Context) (string, error) {
	p := o.File.Pipeline
	return pipeline.TokenSource{Token: p.Token.Reveal(), File: p.TokenFile, Command: p.TokenCommand}.Fetcher()
}
