package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// checkFile checks the values that decoded but may still be unacceptable,
// naming the line of each.
func checkFile(path string, data []byte, f *File) error {
	fail := func(key, msg string) error {
		return &ConfigError{Path: path, Line: lineOf(data, toml.Key(strings.Split(key, "."))), Key: key, Msg: msg}
	}
	if d := time.Duration(f.Interval); d < MinInterval {
		return fail("interval", fmt.Sprintf("%s is shorter than the minimum of %s", d, MinInterval))
	}
	if _, err := loadLocation(f.Timezone); err != nil {
		return fail("timezone", err.Error())
	}
	if msg := checkEnv(f.Kalshi.Env); msg != "" {
		return fail("kalshi.env", msg)
	}
	tier := strings.ToLower(strings.TrimSpace(f.Kalshi.Tier))
	if tier != "" && !slices.Contains(Tiers, tier) {
		return fail("kalshi.tier", fmt.Sprintf("unknown tier %s; use one of %s", quote(f.Kalshi.Tier), strings.Join(Tiers, ", ")))
	}
	f.Kalshi.Tier = tier
	for _, u := range []struct {
		key string
		val *string
	}{{"kalshi.base_url", &f.Kalshi.BaseURL}, {"pipeline.base_url", &f.Pipeline.BaseURL}} {
		if *u.val == "" {
			continue
		}
		norm, msg := checkURL(*u.val)
		if msg != "" {
			return fail(u.key, msg)
		}
		*u.val = norm
	}
	stuck := []struct {
		key string
		d   Duration
	}{
		{"stuck.pending", f.Stuck.Pending},
		{"stuck.validated", f.Stuck.Validated},
		{"stuck.placed", f.Stuck.Placed},
		{"stuck.filled", f.Stuck.Filled},
		{"stuck.txn_filled", f.Stuck.TxnFilled},
	}
	for _, s := range stuck {
		if s.d <= 0 {
			return fail(s.key, "must be longer than zero")
		}
	}
	if set := tokenKeysSet(f.Pipeline); len(set) > 1 {
		return &ConfigError{Path: path, Line: lineOf(data, toml.Key{"pipeline", set[1]}),
			Msg: "only one of pipeline.token, pipeline.token_file and pipeline.token_command may be set; found " +
				"pipeline." + strings.Join(set, " and pipeline.")}
	}
	if f.Pipeline.Token != "" {
		if msg := checkToken(f.Pipeline.Token.Reveal()); msg != "" {
			return fail("pipeline.token", msg)
		}
	}
	if f.Pipeline.APIKey != "" {
		if msg := checkToken(f.Pipeline.APIKey.Reveal()); msg != "" {
			return fail("pipeline.api_key", msg)
		}
	}
	return nil
}

// tokenKeysSet lists which of the mutually exclusive token keys are set.
func tokenKeysSet(p PipelineFile) []string {
	var set []string
	if p.Token != "" {
		set = append(set, "token")
	}
	if p.TokenFile != "" {
		set = append(set, "token_file")
	}
	if p.TokenCommand != "" {
		set = append(set, "token_command")
	}
	return set
}

// checkEnv returns what is wrong with a Kalshi environment name, or "".
func checkEnv(env string) string {
	if env == "prod" || env == "demo" {
		return ""
	}
	return fmt.Sprintf("unknown environment %s; use prod or demo", quote(env))
}

// loadLocation resolves a timezone setting, with an error that says what
// is accepted.
func loadLocation(name string) (*time.Location, error) {
	if strings.TrimSpace(name) == "" {
		return nil, fmt.Errorf(`empty; use "Local", "UTC" or an IANA zone like "America/New_York"`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf(`unknown time zone %s; use "Local", "UTC" or an IANA zone like "America/New_York"`, quote(name))
	}
	return loc, nil
}

// checkURL validates a base URL and returns it without a trailing slash,
// or a message saying what is wrong. The message never quotes the URL: a
// URL that is refused for carrying credentials must not be echoed.
func checkURL(raw string) (string, string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return "", "not a valid URL"
	case u.Scheme != "https" && u.Scheme != "http":
		return "", "must start with https:// (or http:// for a local test server)"
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
// plain http cannot be overheard.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
