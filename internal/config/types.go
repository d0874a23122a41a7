package config

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/textsafe"
)

// Duration is a time.Duration written as text, such as "2s" or "1m30s".
// A bare number ("5", or 5 in TOML) means seconds.
type Duration time.Duration

// UnmarshalText parses a duration. Implementing it lets the TOML decoder
// report a bad duration together with its key and line.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration the way it is read.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns the duration as time.Duration prints it.
func (d Duration) String() string { return time.Duration(d).String() }

// ParseDuration reads a non-negative duration: Go's syntax ("750ms",
// "2s", "1h30m") or a bare number of seconds ("5", "1.5").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration: use a number and a unit, like 500ms, 2s or 1m")
	}
	text := s
	if isBareNumber(s) {
		text = s + "s"
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %s: use a number and a unit, like 500ms, 2s or 1m", quote(s))
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %s", quote(s))
	}
	return d, nil
}

// isBareNumber reports whether s is digits with at most one decimal point.
func isBareNumber(s string) bool {
	digits, dots := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// Secret is a credential: a JWT or an API key. It prints as "[redacted]"
// through fmt, slog and encoders alike, so it cannot leak by accident
// into a log, an error or a test failure; Reveal is the one way to read
// it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret itself, for the one place that sends it.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" when the secret is empty so that
// "is it set?" is still visible.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return strconv.Quote(s.String()) }

// Format hides the secret from every fmt verb, %x and %d included.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(s.String()))
}

// MarshalText hides the secret from encoders (JSON, TOML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue hides the secret from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// quote makes untrusted text from a file, the environment or the command
// line safe and short enough for an error message.
func quote(s string) string {
	return strconv.Quote(textsafe.Truncate(textsafe.Clean(s[:min(len(s), 512)]), 64))
}
