package config

import (
	"flag"
	"strconv"
	"strings"

	"ordermon/internal/textsafe"
)

// ErrHelp is returned by Parse after it printed the usage for --help; the
// program should exit 0.
var ErrHelp = flag.ErrHelp

// UsageError is a mistake on the command line: an unknown flag, a bad flag
// value or an invalid order ID. Nothing was sent; the program should print
// it and exit 2.
type UsageError struct {
	// Msg is one line, already safe to print.
	Msg string
}

// Error returns the message and where to find help.
func (e *UsageError) Error() string {
	return e.Msg + "\nRun 'ordermon --help' for usage."
}

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
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(textsafe.Clean(e.Path))
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// OutputError is returned when --help could not be written to standard
// output (a full disk, a closed stdout); the program should say so and
// exit with the lost-output code.
type OutputError struct {
	Err error
}

// Error says what could not be written.
func (e *OutputError) Error() string { return "cannot write the help: " + cleanMsg(e.Err.Error()) }

// Unwrap returns the write error.
func (e *OutputError) Unwrap() error { return e.Err }
