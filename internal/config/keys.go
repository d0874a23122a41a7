package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ordermon/kalshi"
)

// key is one key of the configuration file. The table of them, keys, is
// the one list: it drives decoding, the environment overrides, the check
// of config.example.toml, the unknown-key message with its "did you mean",
// the redacted view and the ENVIRONMENT section of the manual.
type key struct {
	name string // the dotted TOML key: "kalshi.env"
	env  string // the environment variable that overrides it, or ""
	// decode checks a value as the TOML decoder gives it (string, int64,
	// float64, bool, time.Time, []any or map[string]any) and stores it in
	// f. Its error is the whole message and never quotes a secret.
	decode func(f *File, raw any) error
	// show is the value for the redacted view; a secret shows as
	// "[redacted]".
	show func(f *File) string
	// path, for a file or directory key, is the field to resolve: relative
	// to the configuration file's directory, and "~/" to the home.
	path func(f *File) *string
}

// tables are the TOML tables that hold keys.
var tables = []string{"kalshi", "pipeline", "stuck"}

// keys is every key, in the order config.example.toml documents them.
var keys = []key{
	durationKey("interval", func(f *File) *Duration { return &f.Interval }, atLeast(MinInterval)),
	textKey("timezone", func(f *File) *string { return &f.Timezone }, checkTimezone),
	boolKey("bell", func(f *File) *bool { return &f.Bell }),
	pathKey("export_dir", func(f *File) *string { return &f.ExportDir }),
	durationKey("keep_finished", func(f *File) *Duration { return &f.KeepFinished }, nil),

	textKey("kalshi.env", func(f *File) *string { return &f.Kalshi.Env }, checkEnv),
	textKey("kalshi.base_url", func(f *File) *string { return &f.Kalshi.BaseURL }, checkURL),
	textKey("kalshi.ws_url", func(f *File) *string { return &f.Kalshi.WSURL }, checkWSURL),
	textKey("kalshi.api_key_id", func(f *File) *string { return &f.Kalshi.APIKeyID }, nil).withEnv("KALSHI_API_KEY_ID"),
	pathKey("kalshi.private_key_file", func(f *File) *string { return &f.Kalshi.PrivateKeyFile }).withEnv("KALSHI_PRIVATE_KEY_FILE"),
	textKey("kalshi.tier", func(f *File) *string { return &f.Kalshi.Tier }, checkTier),
	boolKey("kalshi.push", func(f *File) *bool { return &f.Kalshi.Push }),
	durationKey("kalshi.reconcile_interval", func(f *File) *Duration { return &f.Kalshi.ReconcileInterval }, atLeast(MinInterval)),

	textKey("pipeline.base_url", func(f *File) *string { return &f.Pipeline.BaseURL }, checkURL).withEnv("ORDERMON_PIPELINE_URL"),
	secretKey("pipeline.token", func(f *File) *Secret { return &f.Pipeline.Token }).withEnv("ORDERMON_PIPELINE_TOKEN"),
	pathKey("pipeline.token_file", func(f *File) *string { return &f.Pipeline.TokenFile }),
	textKey("pipeline.token_command", func(f *File) *string { return &f.Pipeline.TokenCommand }, nil),
	secretKey("pipeline.api_key", func(f *File) *Secret { return &f.Pipeline.APIKey }).withEnv("ORDERMON_PIPELINE_API_KEY"),
	textKey("pipeline.wallet_address", func(f *File) *string { return &f.Pipeline.WalletAddress }, checkWallet),

	durationKey("stuck.pending", func(f *File) *Duration { return &f.Stuck.Pending }, positive),
	durationKey("stuck.validated", func(f *File) *Duration { return &f.Stuck.Validated }, positive),
	durationKey("stuck.placed", func(f *File) *Duration { return &f.Stuck.Placed }, positive),
	durationKey("stuck.filled", func(f *File) *Duration { return &f.Stuck.Filled }, positive),
	durationKey("stuck.txn_filled", func(f *File) *Duration { return &f.Stuck.TxnFilled }, positive),
}

// lookupKey returns the key named name.
func lookupKey(name string) (key, bool) {
	for _, k := range keys {
		if k.name == name {
			return k, true
		}
	}
	return key{}, false
}

// withEnv names the environment variable that overrides k.
func (k key) withEnv(name string) key { k.env = name; return k }

// leaf is the last part of k's name: "env" for "kalshi.env".
func (k key) leaf() string { return k.name[strings.LastIndexByte(k.name, '.')+1:] }

const wantString = "a string in quotes"

// textKey is a string key; check, when not nil, returns the value to keep
// (trimmed, lower-cased) or what is wrong with it.
func textKey(name string, field func(*File) *string, check func(string) (string, string)) key {
	return key{
		name: name,
		decode: func(f *File, raw any) error {
			s, ok := raw.(string)
			if !ok {
				return wrongType(wantString, raw)
			}
			if check != nil {
				norm, msg := check(s)
				if msg != "" {
					return errors.New(msg)
				}
				s = norm
			}
			*field(f) = s
			return nil
		},
		show: func(f *File) string { return *field(f) },
	}
}

// pathKey is a file or directory.
func pathKey(name string, field func(*File) *string) key {
	k := textKey(name, field, nil)
	k.path = field
	return k
}

// secretKey is a credential that goes into an HTTP header.
func secretKey(name string, field func(*File) *Secret) key {
	return key{
		name: name,
		decode: func(f *File, raw any) error {
			s, ok := raw.(string)
			if !ok {
				return wrongType(wantString, raw)
			}
			if msg := checkToken(s); msg != "" && s != "" {
				return errors.New(msg)
			}
			*field(f) = Secret(s)
			return nil
		},
		show: func(f *File) string { return field(f).String() },
	}
}

// boolKey is true or false.
func boolKey(name string, field func(*File) *bool) key {
	return key{
		name: name,
		decode: func(f *File, raw any) error {
			b, ok := raw.(bool)
			if !ok {
				return wrongType("true or false", raw)
			}
			*field(f) = b
			return nil
		},
		show: func(f *File) string { return strconv.FormatBool(*field(f)) },
	}
}

// durationKey is a duration in quotes, or a bare number of seconds; check,
// when not nil, says what is wrong with an otherwise valid one.
func durationKey(name string, field func(*File) *Duration, check func(time.Duration) string) key {
	return key{
		name: name,
		decode: func(f *File, raw any) error {
			var text string
			switch v := raw.(type) {
			case string:
				text = v
			case int64:
				text = strconv.FormatInt(v, 10)
			case float64:
				text = strconv.FormatFloat(v, 'f', -1, 64)
			default:
				return wrongType(`a duration in quotes, like "2s"`, raw)
			}
			d, err := ParseDuration(text)
			if err != nil {
				return err
			}
			if check != nil {
				if msg := check(d); msg != "" {
					return errors.New(msg)
				}
			}
			*field(f) = Duration(d)
			return nil
		},
		show: func(f *File) string { return field(f).String() },
	}
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

func atLeast(min time.Duration) func(time.Duration) string {
	return func(d time.Duration) string {
		if d < min {
			return fmt.Sprintf("%s is shorter than the minimum of %s", d, min)
		}
		return ""
	}
}

func positive(d time.Duration) string {
	if d <= 0 {
		return "must be longer than zero"
	}
	return ""
}

// checkEnv checks a Kalshi environment name.
func checkEnv(env string) (string, string) {
	if env == "prod" || env == "demo" {
		return env, ""
	}
	return "", fmt.Sprintf("unknown environment %s; use prod or demo", quote(env))
}

// checkTier checks a usage tier against Kalshi's budget table.
func checkTier(tier string) (string, string) {
	norm := strings.ToLower(strings.TrimSpace(tier))
	if norm == "" {
		return "", ""
	}
	if _, err := kalshi.TierBudget(norm); err != nil {
		return "", fmt.Sprintf("unknown tier %s; use one of %s, or leave it empty to use the budget Kalshi reports",
			quote(tier), strings.Join(kalshi.Tiers(), ", "))
	}
	return norm, ""
}

func checkTimezone(name string) (string, string) {
	if _, err := loadLocation(name); err != nil {
		return "", err.Error()
	}
	return name, ""
}

// loadLocation resolves a timezone setting, with an error that says what
// is accepted.
func loadLocation(name string) (*time.Location, error) {
	const accepted = `use "Local", "UTC" or an IANA zone like "America/New_York"`
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("empty; " + accepted)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %s; %s", quote(name), accepted)
	}
	return loc, nil
}

// checkURL validates an HTTP base URL and returns it without a trailing
// slash, or a message saying what is wrong. The message never quotes the
// URL: a URL that is refused for carrying credentials must not be echoed.
// An empty value means "not set".
func checkURL(raw string) (string, string) {
	return checkAnyURL(raw, "https", "http", "must start with https:// (or http:// for a local test server)")
}

// checkWSURL validates the WebSocket URL: wss, or ws on this machine only,
// like the clients demand of base URLs.
func checkWSURL(raw string) (string, string) {
	norm, msg := checkAnyURL(raw, "wss", "ws", "must start with wss:// (or ws:// for a local test server)")
	if msg == "" && strings.HasPrefix(norm, "ws://") && !isLoopback(norm) {
		return "", "must use wss:// unless the host is this machine (localhost, 127.0.0.1 or ::1)"
	}
	return norm, msg
}

func checkAnyURL(raw, secure, plain, schemeMsg string) (string, string) {
	if raw == "" {
		return "", ""
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return "", "not a valid URL"
	case u.Scheme != secure && u.Scheme != plain:
		return "", schemeMsg
	case u.Host == "":
		return "", "has no host name"
	case u.User != nil:
		return "", "must not contain a user name or password; put credentials in their own keys"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", "must not have a query (?...) or fragment (#...)"
	}
	return strings.TrimRight(u.String(), "/"), ""
}

// isLoopback reports whether a validated URL points at this machine, where
// plain http cannot be overheard. It is the intent client's rule (names
// compared without case, IPv4-mapped addresses unmapped); the lead is to
// make the clients share one.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// checkToken returns what is wrong with a JWT or API key, or "": it goes
// into an HTTP header, where whitespace or controls would break the
// request or smuggle another header. The message never includes the value.
func checkToken(tok string) string {
	if tok == "" {
		return "is empty"
	}
	for _, r := range tok {
		if r <= ' ' || r == 0x7f {
			return "contains whitespace or control characters (more than one line?)"
		}
		if r >= 0x80 {
			return "contains non-ASCII characters"
		}
	}
	return ""
}

// checkWallet checks an Ethereum-style address: "0x" and 40 hex digits.
func checkWallet(addr string) (string, string) {
	a := strings.TrimSpace(addr)
	if a == "" {
		return "", ""
	}
	hex := strings.TrimPrefix(strings.TrimPrefix(a, "0x"), "0X")
	ok := len(hex) == 40 && len(a) == 42
	for _, c := range hex {
		ok = ok && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
	}
	if !ok {
		return "", fmt.Sprintf("%s is not a wallet address; want 0x and 40 hex digits", quote(addr))
	}
	return a, ""
}
