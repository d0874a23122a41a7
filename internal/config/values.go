package config

import (
	"flag"
	"fmt"
	"io"
	"strconv"

	"ordermon/internal/textsafe"
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

// ConfigError is a problem with the configuration file, the environment
// or the combination of settings. Nothing was sent; the program should
// print it and exit 2.
type ConfigError struct {
	// Path is the configuration file, or "" when the problem is not in it.
	// It is as the user gave it; Error sanitizes it.
	Path string
	// Line is the line in Path, or 0 when unknown.
	Line int
	// Key is the setting at fault: a TOML key such as "stuck.pending", an
	// environment variable, or "".
	Key string
	// Msg says what is wrong and, where it helps, how to fix it. It is
	// safe to print and never contains a secret.
	Msg string
}

// Error returns "path:line: key: message", leaving out what is unknown,
// as compilers do so editors can jump to the line.
func (e *ConfigError) Error() string {
	prefix := ""
	if e.Path != "" {
		prefix = textsafe.Clean(e.Path)
		if e.Line > 0 {
			prefix += ":" + strconv.Itoa(e.Line)
		}
		prefix += ": "
	}
	if e.Key != "" {
		prefix += e.Key + ": "
	}
	return prefix + e.Msg
}

// Secret is a credential: a JWT or an API key. It prints as "[redacted]"
// through fmt (every verb), slog and encoders alike, so it cannot leak by
// accident into a log, an error or a test failure; Reveal is the one way
// to read it.
type Secret string

// Reveal returns the secret itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" when the secret is empty so that
// "is it set?" is still visible.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// Format hides the secret from every fmt verb, %x, %d and %#v included.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, strconv.Quote(s.String()))
		return
	}
	_, _ = io.WriteString(f, s.String())
}

// MarshalText hides the secret from encoders (JSON, TOML) and so from
// slog's handlers, which use them.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
