package cli

import (
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/config"
	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
	"ordermon/internal/timefmt"
)

// ErrHelp is returned by Parse for --help, whose text the command
// writes; the program should exit 0.
var ErrHelp = flag.ErrHelp

// UsageError is a mistake on the command line: an unknown flag, a bad flag
// value or an invalid order ID. Nothing was sent; the program should print
// it and exit 2.
type UsageError struct {
	// Msg is one line, already safe to print.
	Msg string
}

// Error returns the message and where to find help.
func (e *UsageError) Error() string { return e.Msg + "\nRun 'ordermon --help' for usage." }

// Flag is one command-line flag. The table of them is the one list: it
// drives parsing, --help, the completions and the manual.
type Flag struct {
	// Long is the name after "--"; Short is the letter after "-", or "".
	Long, Short string
	// Arg names the flag's value in help ("DURATION", "FILE"), or is ""
	// for a switch.
	Arg string
	// Help says what the flag does, in a sentence or two without a final
	// period.
	Help string
	// Values lists the values the flag takes, for completion; nil when any.
	Values []string
	// File is true when the value is a file name.
	File bool

	field func(*Options) any // *bool, *string or *time.Duration
}

// flagTable is every flag, in the order --help lists them.
var flagTable = []Flag{
	{Long: "interval", Short: "i", Arg: "DURATION", field: func(o *Options) any { return &o.Interval },
		Help: "Refresh every DURATION, like 2s or 750ms; a bare number is seconds (default " +
			engine.DefaultInterval.String() + ", minimum " + config.MinInterval.String() + ")"},
	{Long: "once", Help: "Print the current state once and exit", field: func(o *Options) any { return &o.Once }},
	{Long: "json", Help: "Print newline-delimited JSON instead of text", field: func(o *Options) any { return &o.JSON }},
	{Long: "exit-status", Help: "Make the exit code say how the orders ended (see EXIT CODES)",
		field: func(o *Options) any { return &o.ExitStatus }},
	{Long: "timeout", Arg: "DURATION", Help: "Stop after DURATION, like 10m", field: func(o *Options) any { return &o.Timeout }},
	{Long: "all", Help: "Watch every resting order on the Kalshi account, and the intent service's unfinished ones; IDs may then be left out",
		field: func(o *Options) any { return &o.All }},
	{Long: "no-push", Help: "Poll Kalshi instead of using its WebSocket push (kalshi.push = false)",
		field: func(o *Options) any { return &o.NoPush }},
	{Long: "demo", Help: "Watch simulated orders: no credentials, no network", field: func(o *Options) any { return &o.Demo }},
	{Long: "env", Arg: "prod|demo", Values: []string{"prod", "demo"}, Help: "Kalshi environment; overrides kalshi.env, kalshi.base_url and kalshi.ws_url",
		field: func(o *Options) any { return &o.Env }},
	{Long: "utc", Help: "Show times in UTC instead of the configured zone", field: func(o *Options) any { return &o.UTC }},
	{Long: "log", Arg: "FILE", File: true, Help: "Write a debug log to FILE (secrets redacted)",
		field: func(o *Options) any { return &o.LogFile }},
	{Long: "config", Arg: "FILE", File: true, Help: "Read the configuration from FILE",
		field: func(o *Options) any { return &o.ConfigPath }},
	{Long: "version", Help: "Print the version and exit", field: func(o *Options) any { return &o.Version }},
	{Long: "man", Help: "Print the manual page (roff) and exit", field: func(o *Options) any { return &o.Man }},
	{Long: "help", Short: "h", Help: "Show this help", field: func(o *Options) any { return &o.Help }},
}

// durationFlag is a flag.Value for a duration that may be a bare number of
// seconds ("-i 5").
type durationFlag time.Duration

// String returns the duration as Go writes it.
func (d *durationFlag) String() string { return time.Duration(*d).String() }

// Set parses one occurrence of the flag.
func (d *durationFlag) Set(s string) error {
	v, err := timefmt.ParseDuration(s)
	*d = durationFlag(v)
	return err
}

// flagSet registers every flag of the table on a new set bound to o.
func flagSet(o *Options) *flag.FlagSet {
	fs := flag.NewFlagSet("ordermon", flag.ContinueOnError)
	// Errors are returned and the command writes the help from the table,
	// so the flag package prints nothing itself.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, f := range flagTable {
		for _, name := range []string{f.Long, f.Short} {
			if name == "" {
				continue
			}
			switch p := f.field(o).(type) {
			case *bool:
				fs.BoolVar(p, name, false, f.Help)
			case *string:
				fs.StringVar(p, name, "", f.Help)
			case *time.Duration:
				fs.Var((*durationFlag)(p), name, f.Help)
			}
		}
	}
	return fs
}

// flagErrorMsg rewords the flag package's errors: flags are named the
// way they are documented (--interval, -i), and a rejected value is not
// repeated in full, since it can be arbitrarily long; the value's own
// error quotes a sanitized excerpt.
func flagErrorMsg(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return textsafe.Short("unknown flag "+dashes(name), 200)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return textsafe.Short(dashes(name)+" needs a value", 200)
	}
	// `invalid value "V" for flag -i: why`, `invalid boolean value "V" for -once: why`
	rest, isBool := strings.CutPrefix(msg, "invalid boolean value ")
	if !isBool {
		rest, _ = strings.CutPrefix(msg, "invalid value ")
	}
	if q, err := strconv.QuotedPrefix(rest); err == nil && strings.HasPrefix(rest[len(q):], " for ") {
		name, why, _ := strings.Cut(strings.TrimPrefix(rest[len(q)+len(" for "):], "flag "), ": ")
		if isBool {
			why = "use true or false (or leave the value out)"
		}
		msg = "invalid value for " + dashes(name) + ": " + why
	}
	return textsafe.Short(msg, textsafe.PartMax)
}

// dashes writes a flag's name with two dashes when it is a word.
func dashes(name string) string {
	name = strings.TrimLeft(name, "-")
	if len(name) > 1 {
		return "--" + name
	}
	return "-" + name
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
	if err := config.CheckInterval(o.Interval); intervalGiven && err != nil {
		return nil, &UsageError{Msg: "--interval " + err.Error()}
	}
	if _, err := config.CheckEnv(o.Env); o.Env != "" && err != nil {
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
