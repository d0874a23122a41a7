package config

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"ordermon/internal/engine"
	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
)

// Parse reads the command line (args without the program name), the
// environment (env looks a variable up; nil means os.Getenv) and the
// configuration file, and returns the checked result. Warnings, such as a
// private key file others can read, go to stderr.
//
// Under --help it returns ErrHelp, and under --version or --man Options
// saying so, having checked nothing else. Any other error is a
// *UsageError or a *ConfigError.
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
	f, err := o.readConfig(env, stderr)
	if err == nil {
		err = applyEnv(&f, env)
	}
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

// parseArgs parses flags and IDs. Flags may come before, between or after
// IDs, as in most modern CLIs; "--" ends the flags.
func parseArgs(args []string) (*Options, error) {
	o := &Options{}
	fs := flagSet(o)
	var ids []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return nil, &UsageError{Msg: flagErrorMsg(err)}
		}
		left := fs.Args()
		if used := len(rest) - len(left); len(left) == 0 || used > 0 && rest[used-1] == "--" {
			ids = append(ids, left...)
			break
		}
		ids, rest = append(ids, left[0]), left[1:]
	}
	intervalGiven := false
	fs.Visit(func(fl *flag.Flag) {
		given := dashes(fl.Name)
		if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			given += "=" + fl.Value.String()
		}
		o.given = append(o.given, given)
		intervalGiven = intervalGiven || fl.Name == "interval" || fl.Name == "i"
	})
	if o.Help || o.Version || o.Man {
		return o, nil
	}
	if intervalGiven && o.Interval < MinInterval {
		return nil, &UsageError{Msg: fmt.Sprintf("--interval %s is shorter than the minimum of %s", o.Interval, MinInterval)}
	}
	if _, err := checkEnv(o.Env); o.Env != "" && err != nil {
		return nil, &UsageError{Msg: "--env: " + err.Error()}
	}
	for _, id := range ids {
		t, err := engine.ParseTarget(id)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		o.Targets = append(o.Targets, t)
	}
	if o.Once && len(o.Targets) == 0 && !o.Demo && !o.All {
		return nil, &UsageError{Msg: "--once needs at least one order ID, like ordermon --once intent:123 (or --all)"}
	}
	return o, nil
}

// readConfig reads the configuration file (--config, $ORDERMON_CONFIG or
// the default location) over the defaults, with its paths resolved.
func (o *Options) readConfig(env func(string) string, stderr io.Writer) (File, error) {
	f := DefaultFile()
	path, namedBy := configPath(o.ConfigPath, env)
	o.ConfigPath = path
	if path == "" {
		return f, nil
	}
	var err error
	if o.ConfigFound, err = readFile(path, namedBy, &f); err != nil || !o.ConfigFound {
		return f, err
	}
	for _, k := range keys {
		if p, ok := k.field(&f).(*string); ok && k.path && *p != "" {
			if *p = expandHome(*p, env); !filepath.IsAbs(*p) {
				*p = filepath.Join(filepath.Dir(path), *p)
			}
		}
	}
	hasSecret := slices.ContainsFunc(keys, func(k key) bool { return k.secret() && k.show(&f) != "" })
	if st, err := os.Stat(path); err == nil && hasSecret {
		warnIfShared(path, st.Mode(), "configuration file", "holds a secret and ", stderr)
	}
	return f, nil
}

// applyEnv lets the environment override the file, through the same
// checks as the file's values.
func applyEnv(f *File, env func(string) string) error {
	for _, k := range keys {
		v := ""
		if k.env != "" {
			v = strings.TrimSpace(env(k.env))
		}
		if v == "" {
			continue
		}
		if err := k.set(f, v); err != nil {
			return &ConfigError{Key: k.env, Msg: err.Error()}
		}
		if p, ok := k.field(f).(*string); ok && k.path {
			*p = expandHome(*p, env)
		}
		if k.name == "pipeline.token" {
			// A token from the environment replaces every token source of
			// the file: it is the more specific choice.
			f.Pipeline.TokenFile, f.Pipeline.TokenCommand = "", ""
		}
	}
	return nil
}

// resolve applies the flags to the final File, which they override (--env
// even over kalshi.base_url and kalshi.ws_url: it is the more specific
// choice), and derives the values the program uses.
func (o *Options) resolve(f File) error {
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
	loc, err := loadLocation(f.Timezone)
	if err != nil {
		return &ConfigError{Key: "timezone", Msg: err.Error()}
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
// and checks that it is a directory.
func exportDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		var st os.FileInfo
		if st, err = os.Stat(abs); err == nil && !st.IsDir() {
			return "", &ConfigError{Key: "export_dir", Msg: textsafe.Short(abs, 200) + ": not a directory"}
		}
	}
	if err != nil {
		return "", &ConfigError{Key: "export_dir", Msg: textsafe.Short(abs, 200) + ": " + safefile.Why(err)}
	}
	return abs, nil
}

// configPath picks the configuration file: --config, else
// $ORDERMON_CONFIG, else config.toml in the user configuration directory.
// namedBy says which of the first two named it, and is "" for the
// default, which may be missing. Without a home directory there is no
// default, and path is "": that only matters if nothing else configures a
// source, which the checks report.
func configPath(flagPath string, env func(string) string) (path, namedBy string) {
	if flagPath != "" {
		return expandHome(flagPath, env), "--config"
	}
	if p := env("ORDERMON_CONFIG"); p != "" {
		return expandHome(p, env), "ORDERMON_CONFIG"
	}
	// os.UserConfigDir, reading the variables through env so that the
	// caller (a test) decides the directory.
	dir := ".config"
	switch runtime.GOOS {
	case "windows":
		dir = env("AppData")
	case "darwin", "ios":
		dir = filepath.Join("Library", "Application Support")
	default:
		if xdg := env("XDG_CONFIG_HOME"); filepath.IsAbs(xdg) {
			dir = xdg
		}
	}
	if !filepath.IsAbs(dir) {
		if env("HOME") == "" {
			return "", ""
		}
		dir = filepath.Join(env("HOME"), dir)
	}
	return filepath.Join(dir, "ordermon", "config.toml"), ""
}

// expandHome replaces a leading "~/" with the home directory, since a
// path in a TOML file or a quoted variable never reaches a shell that
// would do it.
func expandHome(p string, env func(string) string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	home := env("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return p
	}
	return filepath.Join(home, p[1:])
}
