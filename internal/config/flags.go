package config

import (
	"flag"
	"io"
	"strconv"
	"strings"
	"time"
)

// Flag is one command-line flag. The table of them, Flags, is the one
// list: it drives parsing, the FLAGS section of --help, the shell
// completions and the manual.
type Flag struct {
	// Long is the name after "--": "interval".
	Long string
	// Short is the one-letter name after "-", or "".
	Short string
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

	value func(o *Options, v *flagValues) flag.Value
}

// flagValues holds the flags that are not Options fields themselves.
type flagValues struct {
	interval, timeout durationValue
	config            string
	noPush            bool
}

// flagTable is every flag, in the order --help lists them.
var flagTable = []Flag{
	{Long: "interval", Short: "i", Arg: "DURATION",
		Help:  "Refresh every DURATION, like 2s or 750ms; a bare number is seconds (default 2s, minimum 500ms)",
		value: func(_ *Options, v *flagValues) flag.Value { return &v.interval }},
	{Long: "once", Help: "Print the current state once and exit", value: boolOpt(func(o *Options) *bool { return &o.Once })},
	{Long: "json", Help: "Print newline-delimited JSON instead of text", value: boolOpt(func(o *Options) *bool { return &o.JSON })},
	{Long: "exit-status", Help: "Make the exit code say how the orders ended (see EXIT CODES)",
		value: boolOpt(func(o *Options) *bool { return &o.ExitStatus })},
	{Long: "timeout", Arg: "DURATION", Help: "Stop after DURATION, like 10m",
		value: func(_ *Options, v *flagValues) flag.Value { return &v.timeout }},
	{Long: "all", Help: "Watch every resting order on the Kalshi account, and the intent service's unfinished ones; IDs may then be left out",
		value: boolOpt(func(o *Options) *bool { return &o.All })},
	{Long: "no-push", Help: "Poll Kalshi instead of using its WebSocket push (kalshi.push = false)",
		value: func(_ *Options, v *flagValues) flag.Value { return (*boolValue)(&v.noPush) }},
	{Long: "demo", Help: "Watch simulated orders: no credentials, no network", value: boolOpt(func(o *Options) *bool { return &o.Demo })},
	{Long: "env", Arg: "prod|demo", Values: []string{"prod", "demo"},
		Help:  "Kalshi environment; overrides kalshi.env and kalshi.base_url",
		value: strOpt(func(o *Options) *string { return &o.Env })},
	{Long: "utc", Help: "Show times in UTC instead of the configured zone", value: boolOpt(func(o *Options) *bool { return &o.UTC })},
	{Long: "log", Arg: "FILE", File: true, Help: "Write a debug log to FILE (secrets redacted)",
		value: strOpt(func(o *Options) *string { return &o.LogFile })},
	{Long: "config", Arg: "FILE", File: true, Help: "Read the configuration from FILE",
		value: func(_ *Options, v *flagValues) flag.Value { return (*stringValue)(&v.config) }},
	{Long: "version", Help: "Print the version and exit", value: boolOpt(func(o *Options) *bool { return &o.Version })},
	{Long: "man", Help: "Print the manual page (roff) and exit", value: boolOpt(func(o *Options) *bool { return &o.Man })},
	{Long: "help", Short: "h", Help: "Show this help", value: boolOpt(func(o *Options) *bool { return &o.Help })},
}

// Flags returns the flag table, for the shell completions and the manual.
func Flags() []Flag { return append([]Flag(nil), flagTable...) }

// Completion is the subcommand that prints a shell completion script, and
// CompletionShells the shells it knows.
const Completion = "completion"

// CompletionShells are the shells `ordermon completion` writes scripts for.
var CompletionShells = []string{"bash", "zsh", "fish"}

func boolOpt(field func(*Options) *bool) func(*Options, *flagValues) flag.Value {
	return func(o *Options, _ *flagValues) flag.Value { return (*boolValue)(field(o)) }
}

func strOpt(field func(*Options) *string) func(*Options, *flagValues) flag.Value {
	return func(o *Options, _ *flagValues) flag.Value { return (*stringValue)(field(o)) }
}

// boolValue is a switch: "--once", or "--once=false".
type boolValue bool

// IsBoolFlag lets the switch stand without a value.
func (b *boolValue) IsBoolFlag() bool { return true }

// Set parses "true" or "false" (or 1, 0, t, f).
func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	*b = boolValue(v)
	return err
}

// String returns the value for the flag package.
func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }

// stringValue is a flag that takes any text.
type stringValue string

// Set keeps the text.
func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }

// String returns the text.
func (s *stringValue) String() string { return string(*s) }

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

// flagSet registers every flag of the table on a new set bound to o and v.
func flagSet(o *Options, v *flagValues) *flag.FlagSet {
	fs := flag.NewFlagSet("ordermon", flag.ContinueOnError)
	// The usage is written from the table and errors are returned, so the
	// flag package prints nothing itself.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, f := range flagTable {
		val := f.value(o, v)
		fs.Var(val, f.Long, f.Help)
		if f.Short != "" {
			fs.Var(val, f.Short, f.Help)
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
		msg = "unknown flag " + dashes(name)
	} else if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if name, ok := strings.CutPrefix(rest[len(q):], " for "); ok {
				name, _, _ = strings.Cut(name, ":")
				msg = "invalid value for " + dashes(name) + ": use true or false (or leave the value out)"
			}
		}
	} else if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if q, err := strconv.QuotedPrefix(rest); err == nil {
			if name, ok := strings.CutPrefix(rest[len(q):], " for flag "); ok {
				msg = "invalid value for " + dashes(name)
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

// writeFlags writes the FLAGS section of --help from the table, each
// flag's help wrapped to 80 columns.
func writeFlags(b *strings.Builder) {
	for _, f := range flagTable {
		name := "      --" + f.Long
		if f.Short != "" {
			name = "  -" + f.Short + ", --" + f.Long
		}
		if f.Arg != "" {
			name += " " + f.Arg
		}
		writeWrapped(b, name, f.Help, 27)
	}
}
