package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/config"
	"ordermon/internal/engine"
	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Options is the resolved configuration of one run: the flags and IDs of
// the command line over the configuration file and the environment.
//
// Precedence is file < environment < flags. Every error Parse returns,
// other than ErrHelp, is a *UsageError or a *config.ConfigError: nothing
// has been sent anywhere yet, and the program exits 2.
type Options struct {
	// File is the configuration file with the environment and flags
	// applied: File.Interval is the interval in force, File.Timezone is
	// "UTC" under --utc, File.Kalshi's URLs are the ones that will be used,
	// and file paths are absolute or relative to the working directory.
	File config.File
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

// Parse reads the command line (args without the program name), the
// environment (env looks a variable up; nil means os.Getenv) and the
// configuration file, and returns the checked result. Warnings, such as a
// private key file others can read, go to stderr.
//
// Under --help it returns ErrHelp, and under --version or --man Options
// saying so, having checked nothing else. Any other error is a
// *UsageError or a *config.ConfigError.
func Parse(args []string, env func(string) string, stderr io.Writer) (*Options, error) {
	if env == nil {
		env = os.Getenv
	}
	o, err := parseArgs(args)
	switch {
	case err != nil:
		return nil, err
	case o.Help:
		return o, ErrHelp
	case o.Version || o.Man:
		return o, nil
	case o.ConfigPath == "-":
		// Standard input is the live screen's keyboard, and a pipe that
		// nobody closes would hang the start: a file it must be.
		return nil, &UsageError{Msg: "--config -: reading the configuration from standard input is not supported; " +
			"name a file (--config /dev/stdin works when standard input is redirected from one)"}
	}
	f, src, err := config.Load(o.ConfigPath, env, stderr)
	o.ConfigPath, o.ConfigFound = src.Path, src.Found
	if err == nil {
		err = o.resolve(f)
	}
	if err == nil && !o.Demo {
		err = o.checkSources(env, stderr)
	}
	if err != nil {
		return nil, err
	}
	return o, nil
}

// resolve applies the flags to the final File, which they override (--env
// even over kalshi.base_url and kalshi.ws_url: it is the more specific
// choice), and derives the values the program uses.
func (o *Options) resolve(f config.File) error {
	if o.Interval != 0 {
		f.Interval = o.Interval
	}
	if o.UTC {
		f.Timezone = "UTC"
	}
	if o.Env != "" {
		f.Kalshi.Env, f.Kalshi.BaseURL, f.Kalshi.WSURL = o.Env, "", ""
	}
	f.Kalshi.Push = f.Kalshi.Push && !o.NoPush
	loc, err := f.Location()
	if err != nil {
		return &config.ConfigError{Key: "timezone", Msg: err.Error()}
	}
	if f.Kalshi.BaseURL == "" {
		f.Kalshi.BaseURL, _ = kalshi.BaseURLFor(f.Kalshi.Env)
	}
	if f.Kalshi.WSURL == "" {
		// A local test server serves both on one port; for any other base
		// URL Kalshi knows no WebSocket, and the environment's is used.
		if f.Kalshi.WSURL, err = kalshi.StreamURLFromBase(f.Kalshi.BaseURL); err != nil {
			f.Kalshi.WSURL, _ = kalshi.StreamURLFor(f.Kalshi.Env)
		}
	}
	if f.ExportDir, err = exportDir(f.ExportDir); err != nil {
		return err
	}
	o.File, o.Interval, o.Location = f, f.Interval, loc
	o.KalshiBaseURL, o.KalshiWSURL, o.KalshiTier, o.Push = f.Kalshi.BaseURL, f.Kalshi.WSURL, f.Kalshi.Tier, f.Kalshi.Push
	o.ReconcileInterval = max(f.Kalshi.ReconcileInterval, o.Interval)
	o.KeepFinished, o.ExportDir, o.Thresholds = f.KeepFinished, f.ExportDir, f.Stuck
	return nil
}

// exportDir makes the export directory absolute ("" is the current one)
// and checks that it is a directory now, so a wrong export_dir is found
// at the start rather than when the user first presses e to export.
func exportDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(abs); err == nil && !st.IsDir() {
			return "", &config.ConfigError{Key: "export_dir", Msg: textsafe.Short(abs, textsafe.PartMax) + ": not a directory"}
		}
	}
	if err != nil {
		return "", &config.ConfigError{Key: "export_dir", Msg: textsafe.Short(abs, textsafe.PartMax) + ": " + safefile.Why(err)}
	}
	return abs, nil
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
// source is configured, or nil when none is, and the function to call
// before exiting so no token_command outlives ordermon (see
// pipeline.TokenSource.Fetcher).
func (o *Options) TokenFetcher() (fetch func(context.Context) (string, error), stop func()) {
	p := o.File.Pipeline
	return pipeline.TokenSource{Token: p.Token.Reveal(), File: p.TokenFile, Command: p.TokenCommand}.Fetcher()
}

// checkSources checks that the configured sources are complete and usable
// and that each target can be looked up in one of them, before anything
// is sent.
func (o *Options) checkSources(env func(string) string, stderr io.Writer) error {
	k, p := o.File.Kalshi, o.File.Pipeline
	switch {
	case k.APIKeyID != "" && k.PrivateKeyFile == "":
		return o.errAt("kalshi.api_key_id", env,
			"is set, so the private key is needed too: set kalshi.private_key_file or KALSHI_PRIVATE_KEY_FILE")
	case k.APIKeyID == "" && k.PrivateKeyFile != "":
		return o.errAt("kalshi.private_key_file", env,
			"is set, so the key's ID is needed too: set kalshi.api_key_id or KALSHI_API_KEY_ID")
	case o.KalshiEnabled():
		if err := config.CheckSecretFile(k.PrivateKeyFile, "private key file", stderr); err != nil {
			return o.errAt("kalshi.private_key_file", env, err.Error())
		}
	}

	creds := p.Token != "" || p.TokenFile != "" || p.TokenCommand != "" || p.APIKey != ""
	switch {
	case creds && !o.PipelineEnabled():
		return &config.ConfigError{Key: "pipeline.base_url",
			Msg: "a token or API key for the intent service is set, but not where the service is: set pipeline.base_url or ORDERMON_PIPELINE_URL"}
	case p.TokenFile != "":
		if err := config.CheckSecretFile(p.TokenFile, "token file", stderr); err != nil {
			return o.errAt("pipeline.token_file", env, err.Error())
		}
	}

	if !o.KalshiEnabled() && !o.PipelineEnabled() {
		return &config.ConfigError{Msg: o.nothingConfigured()}
	}
	for _, t := range o.Targets {
		switch {
		case t.Kind == engine.KindIntent && !o.PipelineEnabled():
			return &config.ConfigError{Msg: t.String() + " is an intent, but the intent service is not configured: set pipeline.base_url or ORDERMON_PIPELINE_URL"}
		case t.Kind == engine.KindKalshi && !o.KalshiEnabled():
			return &config.ConfigError{Msg: t.String() + " is a Kalshi order, but Kalshi is not configured: set kalshi.api_key_id and kalshi.private_key_file, or KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE"}
		}
	}
	return nil
}

// errAt builds an error about a setting, naming the environment variable
// when that is where the value came from and the file otherwise.
func (o *Options) errAt(name string, env func(string) string, msg string) error {
	for _, v := range config.EnvVars() {
		if v.Key == name && strings.TrimSpace(env(v.Name)) != "" {
			return &config.ConfigError{Key: v.Name, Msg: msg}
		}
	}
	if o.ConfigFound {
		return &config.ConfigError{Path: o.ConfigPath, Key: name, Msg: msg}
	}
	return &config.ConfigError{Key: name, Msg: msg}
}

// nothingConfigured says exactly what to set when no source is.
func (o *Options) nothingConfigured() string {
	where := "the configuration file"
	if o.ConfigPath != "" {
		where = o.ConfigPath
		if !o.ConfigFound {
			where += " (which does not exist yet)"
		}
	}
	return strings.Join([]string{
		"nothing to watch with: neither Kalshi nor the intent service is configured.",
		"  For Kalshi, set kalshi.api_key_id and kalshi.private_key_file in " + textsafe.Short(where, textsafe.PartMax) + ",",
		"    or the environment variables KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE.",
		"  For the intent service, set pipeline.base_url there, or ORDERMON_PIPELINE_URL,",
		"    and pipeline.token, token_file or token_command if it wants a JWT.",
		"  To look around without either, run: ordermon --demo",
	}, "\n")
}

// settings lists the configuration in force: the file, every key's value
// (config.File.Settings: secrets as "[redacted]"), the targets and the
// flags as given.
func (o *Options) settings() []slog.Attr {
	cfg := o.ConfigPath
	if cfg != "" && !o.ConfigFound {
		cfg += " (not found)"
	}
	ss := append([]slog.Attr{slog.String("config", cfg)}, o.File.Settings()...)
	targets := make([]string, len(o.Targets))
	for i, t := range o.Targets {
		targets[i] = t.String()
	}
	ss = append(ss, slog.String("targets", strings.Join(targets, " ")), slog.String("flags", strings.Join(o.given, " ")))
	for i := range ss {
		ss[i].Value = slog.StringValue(textsafe.Clean(ss[i].Value.String()))
	}
	return ss
}

// Redacted returns the configuration in force, one "key = value" line per
// setting, with the token and API key shown as "[redacted]", for a debug
// log or a support ticket. Values are sanitized for a terminal.
func (o *Options) Redacted() string {
	var b strings.Builder
	for _, s := range o.settings() {
		b.WriteString(s.Key + " = " + strconv.Quote(s.Value.String()) + "\n")
	}
	return b.String()
}

// LogValue makes slog log the redacted configuration as a group.
func (o *Options) LogValue() slog.Value { return slog.GroupValue(o.settings()...) }

// String returns Redacted, so printing Options with fmt cannot leak a
// secret either.
func (o *Options) String() string { return o.Redacted() }
