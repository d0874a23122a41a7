package config

import (
	"flag"
	"fmt"
	"io"
	"ordermon/internal/engine"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Parse reads the command line (args without the program name), the
// environment (env looks a variable up; nil means os.Getenv) and the
// configuration file, and returns the checked result. Warnings, such as a
// private key file others can read, go to stderr.
//
// For --help it prints the usage to standard output and returns ErrHelp;
// for --version it returns Options with Version set and checks nothing
// else. Any other error is a *UsageError or a *ConfigError.
func Parse(args []string, env func(string) string, stderr io.Writer) (*Options, error) {
	return parse(args, env, os.Stdout, stderr)
}

// parse is Parse with standard output as a parameter, for tests.
func parse(args []string, env func(string) string, stdout, stderr io.Writer) (*Options, error) {
	if env == nil {
		env = os.Getenv
	}
	o, configFlag, err := parseArgs(args)
	if err != nil {
		return nil, err
	}
	if o.Help {
		writeUsage(stdout)
		return o, ErrHelp
	}
	if o.Version {
		return o, nil
	}

	path, namedBy, err := configPath(configFlag, env)
	if err != nil {
		// Without a home directory there is no default file; that only
		// matters if nothing else configures a source, which the checks
		// below report.
		path = ""
	}
	f := DefaultFile()
	if path != "" {
		o.ConfigPath = path
		o.ConfigFound, err = readFile(path, namedBy, &f)
		if err != nil {
			return nil, err
		}
		if o.ConfigFound {
			f.Kalshi.PrivateKeyFile = resolvePath(f.Kalshi.PrivateKeyFile, path, env)
			f.Pipeline.TokenFile = resolvePath(f.Pipeline.TokenFile, path, env)
			if f.Pipeline.Token != "" || f.Pipeline.APIKey != "" {
				warnSharedConfig(path, stderr)
			}
		}
	}
	if err := applyEnv(&f, env); err != nil {
		return nil, err
	}
	o.applyFlags(&f)
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

// parseArgs parses flags and IDs. Flags may come before, between or after
// IDs, as in most modern CLIs; "--" ends the flags.
func parseArgs(args []string) (o *Options, configFlag string, err error) {
	o = &Options{}
	fs := flag.NewFlagSet("ordermon", flag.ContinueOnError)
	// The usage is hand-written (usage.go) and errors are returned, so the
	// flag package prints nothing itself.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}

	var interval, timeout durationValue
	fs.Var(&interval, "interval", "poll interval")
	fs.Var(&interval, "i", "poll interval")
	fs.Var(&timeout, "timeout", "stop after this long")
	fs.BoolVar(&o.Once, "once", false, "print once and exit")
	fs.BoolVar(&o.JSON, "json", false, "print NDJSON")
	fs.BoolVar(&o.ExitStatus, "exit-status", false, "exit code tells how the orders ended")
	fs.BoolVar(&o.Demo, "demo", false, "watch simulated orders")
	fs.BoolVar(&o.UTC, "utc", false, "show times in UTC")
	fs.BoolVar(&o.Version, "version", false, "print the version")
	fs.BoolVar(&o.Help, "help", false, "show help")
	fs.BoolVar(&o.Help, "h", false, "show help")
	fs.StringVar(&o.Env, "env", "", "Kalshi environment")
	fs.StringVar(&o.LogFile, "log", "", "debug log file")
	fs.StringVar(&configFlag, "config", "", "configuration file")

	var ids []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, "", &UsageError{Msg: flagErrorMsg(err)}
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
	if o.Help || o.Version {
		return o, configFlag, nil
	}

	if interval.set {
		if interval.d < MinInterval {
			return nil, "", &UsageError{Msg: fmt.Sprintf("--interval %s is shorter than the minimum of %s", interval.d, MinInterval)}
		}
		o.Interval = interval.d
	}
	o.Timeout = timeout.d
	if o.Env != "" {
		if msg := checkEnv(o.Env); msg != "" {
			return nil, "", &UsageError{Msg: "--env: " + msg}
		}
	}
	for _, id := range ids {
		t, err := engine.ParseTarget(id)
		if err != nil {
			return nil, "", &UsageError{Msg: err.Error()}
		}
		o.Targets = append(o.Targets, t)
	}
	if o.Once && len(o.Targets) == 0 && !o.Demo {
		return nil, "", &UsageError{Msg: "--once needs at least one order ID, like ordermon --once intent:123"}
	}
	return o, configFlag, nil
}

// flagErrorMsg rewords the flag package's errors: flags are named the
// way they are documented (--interval, -i), and a rejected value is not
// repeated in full, since it can be arbitrarily long; the value's own
// error quotes a sanitized excerpt.
func flagErrorMsg(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		msg = "unknown flag " + dashes(name)
	} else if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if name, ok := strings.CutPrefix(rest[len(q):], " for flag "); ok {
				msg = "invalid value for " + dashes(name)
			}
		}
	} else if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if name, ok := strings.CutPrefix(rest[len(q):], " for "); ok {
				name, _, _ = strings.Cut(name, ":")
				msg = "invalid value for " + dashes(name) + ": use true or false (or leave the value out)"
			}
		}
	} else if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		msg = dashes(name) + " needs a value"
	}
	return cleanMsg(msg)
}

// dashes writes "-name..." with two dashes when the name is a word.
func dashes(s string) string {
	name, rest, _ := strings.Cut(strings.TrimLeft(s, "-"), ":")
	if rest != "" {
		rest = ":" + rest
	}
	if len(name) > 1 {
		return "--" + name + rest
	}
	return "-" + name + rest
}

// durationValue is a flag.Value for durations that also takes a bare
// number of seconds ("-i 5").
type durationValue struct {
	d   time.Duration
	set bool
}

// String returns the value for the flag package's defaults.
func (v *durationValue) String() string { return v.d.String() }

// Set parses one occurrence of the flag.
func (v *durationValue) Set(s string) error {
	d, err := ParseDuration(s)
	if err != nil {
		return err
	}
	v.d, v.set = d, true
	return nil
}

// applyEnv lets the environment override the file. A token from the
// environment replaces any token source of the file, since the
// environment is the more specific choice.
func applyEnv(f *File, env func(string) string) error {
	get := func(name string) string { return strings.TrimSpace(env(name)) }
	if v := get("KALSHI_API_KEY_ID"); v != "" {
		f.Kalshi.APIKeyID = v
	}
	if v := get("KALSHI_PRIVATE_KEY_FILE"); v != "" {
		f.Kalshi.PrivateKeyFile = expandHome(v, env)
	}
	if v := get("ORDERMON_PIPELINE_URL"); v != "" {
		norm, msg := checkURL(v)
		if msg != "" {
			return &ConfigError{Key: "ORDERMON_PIPELINE_URL", Msg: msg}
		}
		f.Pipeline.BaseURL = norm
	}
	if v := get("ORDERMON_PIPELINE_TOKEN"); v != "" {
		if msg := checkToken(v); msg != "" {
			return &ConfigError{Key: "ORDERMON_PIPELINE_TOKEN", Msg: msg}
		}
		f.Pipeline.Token, f.Pipeline.TokenFile, f.Pipeline.TokenCommand = Secret(v), "", ""
	}
	if v := get("ORDERMON_PIPELINE_API_KEY"); v != "" {
		if msg := checkToken(v); msg != "" {
			return &ConfigError{Key: "ORDERMON_PIPELINE_API_KEY", Msg: msg}
		}
		f.Pipeline.APIKey = Secret(v)
	}
	return nil
}

// applyFlags lets the flags override the file and the environment.
// --env picks the environment's URL even over kalshi.base_url: it is the
// more specific choice.
func (o *Options) applyFlags(f *File) {
	if o.Interval != 0 {
		f.Interval = Duration(o.Interval)
	}
	if o.UTC {
		f.Timezone = "UTC"
	}
	if o.Env != "" {
		f.Kalshi.Env, f.Kalshi.BaseURL = o.Env, ""
	}
}

// resolve derives the values the program uses from the final File.
func (o *Options) resolve(f File) error {
	loc, err := loadLocation(f.Timezone)
	if err != nil {
		return &ConfigError{Key: "timezone", Msg: err.Error()}
	}
	if f.Kalshi.BaseURL == "" {
		f.Kalshi.BaseURL = kalshiURL(f.Kalshi.Env)
	}
	o.File = f
	o.Interval = time.Duration(f.Interval)
	o.Location = loc
	o.KalshiBaseURL = f.Kalshi.BaseURL
	o.Thresholds = f.Stuck.Thresholds()
	return nil
}

// warnSharedConfig warns when a configuration file holding a secret can be
// read by others.
func warnSharedConfig(path string, stderr io.Writer) {
	st, err := os.Stat(path)
	if err != nil || runtime.GOOS == "windows" {
		return
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		fmt.Fprintf(stderr, "WARNING: configuration file %s holds a secret and is readable by others (mode %04o); chmod 600 it\n",
			cleanMsg(path), perm)
	}
}
