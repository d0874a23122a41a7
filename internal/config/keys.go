package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/timefmt"
	"ordermon/pipeline"
)

// key is one key of the configuration file. The table of them, keys, is
// the one list: it drives decoding, the environment overrides, the check
// of config.example.toml, the unknown-key message with its "did you mean",
// the defaults, the redacted view, and the environment sections of --help
// and the manual.
type key struct {
	name  string          // the dotted TOML key: "kalshi.env"
	env   string          // the environment variable that overrides it, or ""
	field func(*File) any // *string, *Secret, *bool or *time.Duration
	// check, for a text key, returns the value to keep (trimmed, lower
	// case) or what is wrong with it; least, for a duration, what is
	// wrong with an otherwise valid one.
	check func(string) (string, error)
	least func(time.Duration) error
	// path marks a file or directory: "~/" is the home directory, and in
	// the file a relative path is relative to the file's directory.
	path bool
	def  any // the default, of the field's type; nil for the zero value
	// clears names the keys a value from the environment sets aside: the
	// more specific choice replaces the file's other ways to say it.
	clears []string
}

// keys is every key, in the order config.example.toml documents them.
var keys = []key{
	{name: "interval", field: func(f *File) any { return &f.Interval }, least: CheckInterval, def: engine.DefaultInterval},
	{name: "timezone", field: func(f *File) any { return &f.Timezone }, check: checkTimezone, def: "Local"},
	{name: "bell", field: func(f *File) any { return &f.Bell }},
	{name: "export_dir", field: func(f *File) any { return &f.ExportDir }, path: true},
	{name: "keep_finished", field: func(f *File) any { return &f.KeepFinished }, def: 10 * time.Minute},

	{name: "kalshi.env", field: func(f *File) any { return &f.Kalshi.Env }, check: CheckEnv, def: "prod"},
	{name: "kalshi.base_url", field: func(f *File) any { return &f.Kalshi.BaseURL }, check: checkURL},
	{name: "kalshi.ws_url", field: func(f *File) any { return &f.Kalshi.WSURL }, check: checkWSURL},
	{name: "kalshi.api_key_id", env: "KALSHI_API_KEY_ID", field: func(f *File) any { return &f.Kalshi.APIKeyID }},
	{name: "kalshi.private_key_file", env: "KALSHI_PRIVATE_KEY_FILE",
		field: func(f *File) any { return &f.Kalshi.PrivateKeyFile }, path: true},
	{name: "kalshi.tier", field: func(f *File) any { return &f.Kalshi.Tier }, check: checkTier},
	{name: "kalshi.push", field: func(f *File) any { return &f.Kalshi.Push }, def: true},
	{name: "kalshi.reconcile_interval", field: func(f *File) any { return &f.Kalshi.ReconcileInterval }, least: CheckInterval,
		def: 30 * time.Second},

	{name: "pipeline.base_url", env: "ORDERMON_PIPELINE_URL", field: func(f *File) any { return &f.Pipeline.BaseURL }, check: checkURL},
	{name: "pipeline.token", env: "ORDERMON_PIPELINE_TOKEN", field: func(f *File) any { return &f.Pipeline.Token },
		clears: []string{"pipeline.token_file", "pipeline.token_command"}},
	{name: "pipeline.token_file", field: func(f *File) any { return &f.Pipeline.TokenFile }, path: true},
	{name: "pipeline.token_command", field: func(f *File) any { return &f.Pipeline.TokenCommand }},
	{name: "pipeline.api_key", env: "ORDERMON_PIPELINE_API_KEY", field: func(f *File) any { return &f.Pipeline.APIKey }},
	{name: "pipeline.wallet_address", field: func(f *File) any { return &f.Pipeline.WalletAddress }, check: checkWallet},

	{name: "stuck.pending", field: func(f *File) any { return &f.Stuck.Pending }, least: positive,
		def: engine.DefaultThresholds.Pending},
	{name: "stuck.validated", field: func(f *File) any { return &f.Stuck.Validated }, least: positive,
		def: engine.DefaultThresholds.Validated},
	{name: "stuck.placed", field: func(f *File) any { return &f.Stuck.Placed }, least: positive,
		def: engine.DefaultThresholds.Placed},
	{name: "stuck.filled", field: func(f *File) any { return &f.Stuck.Filled }, least: positive,
		def: engine.DefaultThresholds.Filled},
	{name: "stuck.txn_filled", field: func(f *File) any { return &f.Stuck.TxnFilled }, least: positive,
		def: engine.DefaultThresholds.TxnFilled},
}

// leaf is the last part of k's name: "env" for "kalshi.env".
func (k key) leaf() string { return k.name[strings.LastIndexByte(k.name, '.')+1:] }

// secret reports whether k holds a credential, which is never shown.
func (k key) secret() bool { _, ok := k.field(&File{}).(*Secret); return ok }

// show is k's value for the redacted view: fmt prints a Secret as
// "[redacted]".
func (k key) show(f *File) string { return fmt.Sprint(reflect.ValueOf(k.field(f)).Elem()) }

// set checks a value as the TOML decoder gives it (string, int64,
// float64, bool, time.Time, []any or map[string]any), or as the
// environment does (a string), and stores it in f. Its error is the whole
// message and never quotes a secret.
func (k key) set(f *File, raw any) (err error) {
	text, isText := raw.(string)
	switch p := k.field(f).(type) {
	case *bool:
		b, ok := raw.(bool)
		if !ok {
			return wrongType("true or false", raw)
		}
		*p = b
		return nil
	case *time.Duration:
		switch raw.(type) {
		case int64, float64:
			text = fmt.Sprint(raw) // a bare number of seconds
		case string:
		default:
			return wrongType(`a duration in quotes, like "2s"`, raw)
		}
		d, err := timefmt.ParseDuration(text)
		if err == nil && k.least != nil {
			err = k.least(d)
		}
		if err == nil {
			*p = d
		}
		return err
	}
	if !isText {
		return wrongType("a string in quotes", raw)
	}
	if p, ok := k.field(f).(*Secret); ok {
		if msg := pipeline.CheckToken(text); msg != "" && text != "" {
			return errors.New(msg)
		}
		*p = Secret(text)
		return nil
	}
	if k.check != nil {
		if text, err = k.check(text); err != nil {
			return err
		}
	}
	*k.field(f).(*string) = text
	return nil
}

// wrongType says what a key wants and what the file has instead, in
// TOML's words.
func wrongType(want string, raw any) error {
	found := "a date or time"
	switch raw.(type) {
	case string:
		found = "a string"
	case int64:
		found = "an integer"
	case float64:
		found = "a number"
	case bool:
		found = "a boolean"
	case map[string]any:
		found = "a table"
	case []any, []map[string]any:
		found = "an array"
	}
	return errors.New("want " + want + ", found " + found)
}
