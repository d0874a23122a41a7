package config

import (
	"fmt"
	"io"
	"strconv"
)

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
