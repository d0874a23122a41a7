package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"ordermon/internal/textsafe"
)

// setting is one line of the redacted view.
type setting struct {
	key   string
	value string
}

// settings lists the configuration in force, from the key table, with
// every secret replaced by "[redacted]" (or "" when it is not set, so that
// "is it set?" can still be answered). The private key file's path is
// shown; its contents are never read by this package.
func (o *Options) settings() []setting {
	cfg := o.ConfigPath
	if cfg != "" && !o.ConfigFound {
		cfg += " (not found)"
	}
	ss := []setting{{"config", cfg}}
	for _, k := range keys {
		ss = append(ss, setting{k.name, k.show(&o.File)})
	}
	targets := make([]string, len(o.Targets))
	for i, t := range o.Targets {
		targets[i] = t.String()
	}
	return append(ss, setting{"targets", strings.Join(targets, " ")}, setting{"flags", o.flagSummary()})
}

// flagSummary lists the mode flags that are on.
func (o *Options) flagSummary() string {
	var on []string
	for _, f := range []struct {
		name string
		set  bool
	}{{"--once", o.Once}, {"--json", o.JSON}, {"--exit-status", o.ExitStatus}, {"--demo", o.Demo}, {"--utc", o.UTC}, {"--all", o.All}} {
		if f.set {
			on = append(on, f.name)
		}
	}
	if o.Timeout > 0 {
		on = append(on, "--timeout="+o.Timeout.String())
	}
	if o.LogFile != "" {
		on = append(on, "--log="+o.LogFile)
	}
	return strings.Join(on, " ")
}

// Redacted returns the configuration in force, one "key = value" line per
// setting, with the token and API key shown as "[redacted]". It is meant
// for a debug log or a support ticket. Values are sanitized for a
// terminal.
func (o *Options) Redacted() string {
	var b strings.Builder
	for _, s := range o.settings() {
		fmt.Fprintf(&b, "%s = %s\n", s.key, strconv.Quote(textsafe.Clean(s.value)))
	}
	return b.String()
}

// LogValue makes slog log the redacted configuration as a group.
func (o *Options) LogValue() slog.Value {
	ss := o.settings()
	attrs := make([]slog.Attr, len(ss))
	for i, s := range ss {
		attrs[i] = slog.String(s.key, textsafe.Clean(s.value))
	}
	return slog.GroupValue(attrs...)
}

// String returns Redacted, so printing Options with fmt cannot leak a
// secret either.
func (o *Options) String() string { return o.Redacted() }

var _ slog.LogValuer = (*Options)(nil)
