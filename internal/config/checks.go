package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"time"

	"ordermon/internal/httpsafe"
	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
	"ordermon/kalshi"
)

// CheckInterval refuses an interval shorter than MinInterval, for the
// interval keys and --interval alike. Like every check here, its error is
// the whole message and never quotes a secret.
func CheckInterval(d time.Duration) error {
	if d < MinInterval {
		return fmt.Errorf("%s is shorter than the minimum of %s", d, MinInterval)
	}
	return nil
}

// positive refuses a stuck threshold of zero.
func positive(d time.Duration) error {
	if d <= 0 {
		return errors.New("must be longer than zero")
	}
	return nil
}

// CheckEnv checks a Kalshi environment name, of the file or of the
// command line's --env, and returns it.
func CheckEnv(env string) (string, error) {
	if _, err := kalshi.BaseURLFor(env); err != nil {
		return "", fmt.Errorf("unknown environment %s; use prod or demo", textsafe.Quote(env, 64))
	}
	return env, nil
}

// checkTier checks a usage tier against Kalshi's budget table.
func checkTier(tier string) (string, error) {
	norm := strings.ToLower(strings.TrimSpace(tier))
	if _, err := kalshi.TierBudget(norm); err != nil && norm != "" {
		return "", fmt.Errorf("unknown tier %s; use one of %s, or leave it empty to use the budget Kalshi reports",
			textsafe.Quote(tier, 64), strings.Join(kalshi.Tiers(), ", "))
	}
	return norm, nil
}

// checkTimezone checks a time zone key by loading the zone.
func checkTimezone(name string) (string, error) {
	_, err := loadLocation(name)
	return name, err
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
		return nil, fmt.Errorf("unknown time zone %s; %s", textsafe.Quote(name, 64), accepted)
	}
	return loc, nil
}

// checkURL checks a base URL by the clients' own rule (httpsafe.CheckURL:
// https, or http on this machine), so a URL the clients would refuse never
// gets past the configuration, and drops its trailing slash.
func checkURL(raw string) (string, error) { return checkAnyURL(raw, "https", "http") }

// checkWSURL checks the WebSocket URL by the same rule: wss, or ws on this
// machine.
func checkWSURL(raw string) (string, error) { return checkAnyURL(raw, "wss", "ws") }

// checkAnyURL's errors never quote the URL: one refused for carrying
// credentials must not be echoed. An empty value means "not set".
func checkAnyURL(raw, secure, plain string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, why := httpsafe.CheckURL(raw, secure, plain)
	if why != "" {
		return "", errors.New(why)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// checkWallet checks an Ethereum-style address: "0x" and 40 hex digits.
func checkWallet(addr string) (string, error) {
	a := strings.TrimSpace(addr)
	hex := strings.TrimPrefix(strings.TrimPrefix(a, "0x"), "0X")
	if a != "" && (len(a) != 42 || len(hex) != 40 || strings.Trim(hex, "0123456789abcdefABCDEF") != "") {
		return "", fmt.Errorf("%s is not a wallet address; want 0x and 40 hex digits", textsafe.Quote(addr, 64))
	}
	return a, nil
}

// CheckSecretFile makes sure a file holding a secret (the private key,
// the token file) is a regular file that can be opened, and warns on
// stderr when others can read it. kind names the file in the warning.
func CheckSecretFile(path, kind string, stderr io.Writer) error {
	f, err := safefile.OpenRead(path)
	if err != nil {
		return fmt.Errorf("%s: %s", textsafe.Short(path, textsafe.PartMax), safefile.Why(err))
	}
	defer func() { _ = f.Close() }() // opened to read: nothing to lose
	if st, err := f.Stat(); err == nil {
		warnIfShared(path, st.Mode(), kind, "", stderr)
	}
	return nil
}

// warnIfShared warns, as ssh does, when a file holding a secret can be
// read by group or others. Windows has no such mode bits.
func warnIfShared(path string, mode fs.FileMode, kind, what string, stderr io.Writer) {
	if perm := mode.Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		fmt.Fprintf(stderr, "WARNING: %s %s %sis readable by others (mode %04o); chmod 600 it\n", kind, textsafe.Short(path, textsafe.PartMax), what, perm)
	}
}
