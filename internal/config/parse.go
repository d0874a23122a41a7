package config

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/safefile"
)

// Parse reads the command line (args without the program name), the
// environment (env looks a variable up; nil means os.Getenv) and the
// configuration file, and returns the checked result. Warnings, such as a
// private key file others can read, go to stderr.
//
// For --help it prints the usage to standard output and returns ErrHelp
// (or an *OutputError if that failed); for --version, --man and
// `completion` it returns Options saying so and checks nothing else. Any
// other error is a *UsageError or a *ConfigError.
func Parse(args []string, env func(string) string, stderr io.Writer) (*Options, error) {
	return parse(args, env, os.Stdout, stderr)
}

// parse is Parse with standard output as a parameter, for tests.
func parse(args []string, env func(string) string, stdout, stderr io.Writer) (*Options, error) {
	if env == nil {
		env = os.Getenv
	}
	o, v, err := parseArgs(args)
	if err != nil {
		return nil, err
	}
	if o.Help {
		if err := writeUsage(stdout); err != nil {
			return o, &OutputError{Err: err}
		}
		return o, ErrHelp
	}
	if o.Version || o.Man || o.Completion != "" {
		return o, nil
	}

	if v.config == "-" {
		// Standard input is the live screen's keyboard, and a pipe that
		// nobody closes would hang the start: a file it must be.
		return nil, &UsageError{Msg: "--config -: reading the configuration from standard input is not supported; " +
			"name a file (--config /dev/stdin works when standard input is redirected from one)"}
	}
	f, err := o.readConfig(v.config, env, stderr)
	if err != nil {
		return nil, err
	}
	if err := applyEnv(&f, env); err != nil {
		return nil, err
	}
	o.applyFlags(&f, v.noPush)
	if err := o.resolve(f); err != nil {
		return nil, err
	}
	if o.Demo {
		return o, nil
	}
	if err := o.checkSources(env, stderr); err != nil {
		return nil, err
	}
	return o, nil
}

// readConfig reads the configuration file (--config, $ORDERMON_CONFIG or
// the default location) over the defaults, with its paths resolved.
func (o *Options) readConfig(flagPath string, env func(string) string, stderr io.Writer) (File, error) {
	f := DefaultFile()
	path, namedBy := configPath(flagPath, env)
	if path == "" {
		return f, nil
	}
	o.ConfigPath = path
	var err error
	if o.ConfigFound, err = readFile(path, namedBy, &f); err != nil || !o.ConfigFound {
		return f, err
	}
	for _, k := range keys {
		if k.path != nil {
			*k.path(&f) = resolvePath(*k.path(&f), path, env)
		}
	}
	if f.Pipeline.Token != "" || f.Pipeline.APIKey != "" {
		warnSharedConfig(path, stderr)
	}
	return f, nil
}

// parseArgs parses flags and IDs. Flags may come before, between or after
// IDs, as in most modern CLIs; "--" ends the flags.
func parseArgs(args []string) (*Options, *flagValues, error) {
	o, v := &Options{}, &flagValues{}
	if len(args) > 0 && args[0] == Completion {
		if len(args) != 2 || !slices.Contains(CompletionShells, args[1]) {
			return nil, nil, &UsageError{Msg: "use: ordermon completion " + strings.Join(CompletionShells, "|")}
		}
		o.Completion = args[1]
		return o, v, nil
	}
	fs := flagSet(o, v)
	var ids []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, nil, &UsageError{Msg: flagErrorMsg(err)}
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		used := len(rest) - len(left)
		if used > 0 && rest[used-1] == "--" {
			ids = append(ids, left...)
			break
		}
		ids = append(ids, left[0])
		rest = left[1:]
	}
	if o.Help || o.Version || o.Man {
		return o, v, nil
	}

	if v.interval.set {
		if v.interval.d < MinInterval {
			return nil, nil, &UsageError{Msg: fmt.Sprintf("--interval %s is shorter than the minimum of %s", v.interval.d, MinInterval)}
		}
		o.Interval = v.interval.d
	}
	o.Timeout = v.timeout.d
	if o.Env != "" {
		if _, msg := checkEnv(o.Env); msg != "" {
			return nil, nil, &UsageError{Msg: "--env: " + msg}
		}
	}
	for _, id := range ids {
		t, err := engine.ParseTarget(id)
		if err != nil {
			return nil, nil, &UsageError{Msg: err.Error()}
		}
		o.Targets = append(o.Targets, t)
	}
	if o.Once && len(o.Targets) == 0 && !o.Demo && !o.All {
		return nil, nil, &UsageError{Msg: "--once needs at least one order ID, like ordermon --once intent:123 (or --all)"}
	}
	return o, v, nil
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
		if err := k.decode(f, v); err != nil {
			return &ConfigError{Key: k.env, Msg: err.Error()}
		}
		if k.path != nil {
			*k.path(f) = expandHome(*k.path(f), env)
		}
	}
	if strings.TrimSpace(env("ORDERMON_PIPELINE_TOKEN")) != "" {
		// A token from the environment replaces every token source of the
		// file: it is the more specific choice.
		f.Pipeline.TokenFile, f.Pipeline.TokenCommand = "", ""
	}
	return nil
}

// applyFlags lets the flags override the file and the environment.
// --env picks the environment's URLs even over kalshi.base_url and
// kalshi.ws_url: it is the more specific choice.
func (o *Options) applyFlags(f *File, noPush bool) {
	if o.Interval != 0 {
		f.Interval = Duration(o.Interval)
	}
	if o.UTC {
		f.Timezone = "UTC"
	}
	if o.Env != "" {
		f.Kalshi.Env, f.Kalshi.BaseURL, f.Kalshi.WSURL = o.Env, "", ""
	}
	if noPush {
		f.Kalshi.Push = false
	}
}

// resolve derives the values the program uses from the final File.
func (o *Options) resolve(f File) error {
	loc, err := loadLocation(f.Timezone)
	if err != nil {
		return &ConfigError{Key: "timezone", Msg: err.Error()}
	}
	rest, ws := kalshiURLs(f.Kalshi.Env)
	if f.Kalshi.WSURL == "" {
		f.Kalshi.WSURL = ws
		if f.Kalshi.BaseURL != "" && isLoopback(f.Kalshi.BaseURL) {
			// A local test server serves both on one port.
			u, _ := url.Parse(f.Kalshi.BaseURL)
			f.Kalshi.WSURL = strings.Replace(u.Scheme, "http", "ws", 1) + "://" + u.Host + "/trade-api/ws/v2"
		}
	}
	if f.Kalshi.BaseURL == "" {
		f.Kalshi.BaseURL = rest
	}
	if f.ExportDir, err = exportDir(f.ExportDir); err != nil {
		return err
	}
	o.File = f
	o.Interval = time.Duration(f.Interval)
	o.Location = loc
	o.KalshiBaseURL, o.KalshiWSURL, o.KalshiTier = f.Kalshi.BaseURL, f.Kalshi.WSURL, f.Kalshi.Tier
	o.Push = f.Kalshi.Push
	o.ReconcileInterval = max(time.Duration(f.Kalshi.ReconcileInterval), o.Interval)
	o.KeepFinished = time.Duration(f.KeepFinished)
	o.ExportDir = f.ExportDir
	o.Thresholds = f.Stuck.Thresholds()
	return nil
}

// exportDir makes the export directory absolute ("" is the current one)
// and checks that it is a directory.
func exportDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", &ConfigError{Key: "export_dir", Msg: pathErrorMsg(err)}
	}
	st, err := os.Stat(abs)
	switch {
	case err != nil:
		return "", &ConfigError{Key: "export_dir", Msg: cleanMsg(abs) + ": " + pathErrorMsg(err)}
	case !st.IsDir():
		return "", &ConfigError{Key: "export_dir", Msg: cleanMsg(abs) + ": not a directory"}
	}
	return abs, nil
}

// warnSharedConfig warns when a configuration file holding a secret can be
// read by others.
func warnSharedConfig(path string, stderr io.Writer) {
	if st, err := os.Stat(path); err == nil {
		warnIfShared(path, st.Mode(), "configuration file", "holds a secret and ", stderr)
	}
}

// checkSecretFile makes sure a file holding a secret is a regular file
// that can be opened, and warns on stderr, as ssh does, when others can
// read it. kind names the file in the warning.
func checkSecretFile(path, kind string, stderr io.Writer) error {
	f, err := safefile.OpenRead(path)
	if err != nil {
		return fmt.Errorf("%s: %s", cleanMsg(path), pathErrorMsg(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		warnIfShared(path, st.Mode(), kind, "", stderr)
	}
	return nil
}

// warnIfShared warns when a file holding a secret is readable by group or
// others. Windows has no such mode bits.
func warnIfShared(path string, mode os.FileMode, kind, what string, stderr io.Writer) {
	if perm := mode.Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		fmt.Fprintf(stderr, "WARNING: %s %s %sis readable by others (mode %04o); chmod 600 it\n", kind, cleanMsg(path), what, perm)
	}
}
