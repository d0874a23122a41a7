// Package config reads ordermon's configuration file, and the environment
// variables that override its keys, into a checked File.
package config

import (
	"log/slog"
	"reflect"
	"strconv"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/textsafe"
)

// File is the configuration file after decoding. Each field is the key of
// the same name in snake_case (Kalshi.APIKeyID is kalshi.api_key_id), and
// config.example.toml documents them all, so the documentation of a key
// is in one place; the table in keys.go decodes and checks them.
type File struct {
	Interval     time.Duration
	Timezone     string
	Bell         bool
	ExportDir    string
	KeepFinished time.Duration
	Kalshi       KalshiFile
	Pipeline     PipelineFile
	Stuck        engine.Thresholds
}

// Location returns the time zone Timezone names: "Local", "UTC" or an
// IANA zone, which decoding has checked.
func (f *File) Location() (*time.Location, error) { return loadLocation(f.Timezone) }

// Settings lists every key and its value in f, in the table's order, for
// a redacted view of the configuration: a Secret shows as "[redacted]", or
// as "" when it is not set, so that "is it set?" can still be answered.
// The private key file's path is shown; this package never reads its
// contents.
func (f *File) Settings() []slog.Attr {
	ss := make([]slog.Attr, len(keys))
	for i, k := range keys {
		ss[i] = slog.String(k.name, k.show(f))
	}
	return ss
}

// KalshiFile is the [kalshi] table: where Kalshi is and how to sign in.
// Tier is lower case; APIKeyID names the key and is not itself a secret.
type KalshiFile struct {
	Env, BaseURL, WSURL, APIKeyID, PrivateKeyFile, Tier string
	Push                                                bool
	ReconcileInterval                                   time.Duration
}

// PipelineFile is the [pipeline] table: the intent service. At most one of
// Token, TokenFile and TokenCommand is set.
type PipelineFile struct {
	BaseURL                 string
	Token                   Secret
	TokenFile, TokenCommand string
	APIKey                  Secret
	WalletAddress           string
}

// MinInterval is the shortest poll interval: faster polling would spend
// the rate budget without showing anything a person could act on.
const MinInterval = 500 * time.Millisecond

// DefaultFile returns the configuration used for every key the file
// leaves out, from the key table; config.example.toml shows the same
// values, and a test keeps the two equal.
func DefaultFile() File {
	var f File
	for _, k := range keys {
		if k.def != nil {
			reflect.ValueOf(k.field(&f)).Elem().Set(reflect.ValueOf(k.def))
		}
	}
	return f
}

// EnvVar is an environment variable that overrides a key of the file.
type EnvVar struct {
	// Name is the variable, Key the key: "KALSHI_API_KEY_ID",
	// "kalshi.api_key_id".
	Name, Key string
	// Clears names the keys the variable sets aside when it is set.
	Clears []string
}

// EnvVars lists the environment variables that override keys, from the
// key table, for the command's help and manual and for naming the
// variable a value came from.
func EnvVars() []EnvVar {
	var vs []EnvVar
	for _, k := range keys {
		if k.env != "" {
			vs = append(vs, EnvVar{k.env, k.name, k.clears})
		}
	}
	return vs
}

// ConfigError is a problem with the configuration file, the environment
// or the combination of settings. Nothing has been sent yet; the program
// should print it and exit 2.
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
