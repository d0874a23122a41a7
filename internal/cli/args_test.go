package cli

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"ordermon/internal/engine"
)

// usageErr asserts err is a *UsageError and returns it.
func usageErr(t *testing.T, err error) *UsageError {
	t.Helper()
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("got error %v (%T), want a *UsageError", err, err)
	}
	return ue
}

// TestParseHelp: --help is answered whatever else is wrong; the command
// writes the text (internal/cli's TestHelp checks it).
func TestParseHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"intent:1", "--help"}, {"--once", "-h", "bad id"}} {
		// A broken configuration must not stop --help.
		env := testEnv(t, map[string]string{"ORDERMON_CONFIG": "/nonexistent/config.toml"})
		r := runParse(t, env, args...)
		if !errors.Is(r.err, ErrHelp) {
			t.Fatalf("%q: err = %v, want ErrHelp", args, r.err)
		}
		if r.stderr != "" {
			t.Errorf("%q: stderr = %q, want the help on stdout only", args, r.stderr)
		}
	}
}

func TestParseVersionChecksNothingElse(t *testing.T) {
	r := runParse(t, testEnv(t, map[string]string{"ORDERMON_CONFIG": "/nonexistent/config.toml"}), "--version")
	if r.err != nil || !r.opts.Version {
		t.Errorf("--version: %v, %+v", r.err, r.opts)
	}
}

func TestParseFlagInterval(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want time.Duration
	}{
		{[]string{"-i", "5"}, 5 * time.Second},
		{[]string{"-i=5"}, 5 * time.Second},
		{[]string{"--interval=750ms"}, 750 * time.Millisecond},
		{[]string{"--interval", "1m"}, time.Minute},
		{[]string{"-interval", "2.5"}, 2500 * time.Millisecond},
		{[]string{"--interval", "0.5"}, 500 * time.Millisecond},
		{[]string{"-i", "3", "-i", "4"}, 4 * time.Second}, // the last one wins
	} {
		r := runParse(t, testEnv(t, withKalshi(t)), tc.args...)
		if r.err != nil {
			t.Errorf("%q: %v", tc.args, r.err)
			continue
		}
		if r.opts.Interval != tc.want {
			t.Errorf("%q: Interval = %v, want %v", tc.args, r.opts.Interval, tc.want)
		}
	}
}

func TestParseFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-i", "100ms"}, "--interval 100ms is shorter than the minimum of 500ms"},
		{[]string{"--interval", "0"}, "shorter than the minimum"},
		{[]string{"-i", "fast"}, `invalid duration "fast"`},
		{[]string{"-i", "-5s"}, "negative duration"},
		{[]string{"-i"}, "-i needs a value"},
		{[]string{"--timeout", "soon"}, `invalid duration "soon"`},
		{[]string{"--env", "staging"}, `--env: unknown environment "staging"; use prod or demo`},
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"intent:1", "-x"}, "unknown flag -x"},
		{[]string{"--once=maybe"}, "invalid value for --once: use true or false"},
		{[]string{"--once"}, "--once needs at least one order ID"},
		{[]string{"-i", "fast"}, "invalid value for -i: invalid duration"},
		{[]string{"--timeout", "x"}, "invalid value for --timeout: invalid duration"},
		{[]string{"-i", strings.Repeat("9", 5000) + "\x1b[2J"}, "invalid duration"},
	} {
		r := runParse(t, testEnv(t, withKalshi(t)), tc.args...)
		ue := usageErr(t, r.err)
		if !strings.Contains(ue.Msg, tc.msg) {
			t.Errorf("%.40q: message %q does not contain %q", tc.args, ue.Msg, tc.msg)
		}
		if !strings.HasSuffix(r.err.Error(), "\nRun 'ordermon --help' for usage.") {
			t.Errorf("%.40q: error %q does not point to --help", tc.args, r.err)
		}
		if strings.ContainsRune(ue.Msg, 0x1b) || len(ue.Msg) > 300 {
			t.Errorf("%.40q: message not sanitized or not short: %q", tc.args, ue.Msg)
		}
		if r.stderr != "" {
			t.Errorf("%.40q: printed %q; errors are returned, not printed", tc.args, r.stderr)
		}
	}
}

func TestParseFlags(t *testing.T) {
	log := "/tmp/ordermon.log"
	r := runParse(t, testEnv(t, withKalshi(t)),
		"--once", "-json", "--exit-status", "--timeout", "10m", "--log", log, "--utc", "--env=demo", "kalshi:A")
	if r.err != nil {
		t.Fatal(r.err)
	}
	o := r.opts
	if !o.Once || !o.JSON || !o.ExitStatus || !o.UTC || o.Demo || o.Version || o.Help {
		t.Errorf("bools wrong: %+v", o)
	}
	if o.Timeout != 10*time.Minute || o.LogFile != log || o.Env != "demo" {
		t.Errorf("Timeout %v, LogFile %q, Env %q", o.Timeout, o.LogFile, o.Env)
	}
	if r2 := runParse(t, testEnv(t, withKalshi(t)), "--timeout", "30"); r2.err != nil || r2.opts.Timeout != 30*time.Second {
		t.Errorf("--timeout 30: %v", r2.err)
	}
}

func TestParseTargets(t *testing.T) {
	env := testEnv(t, withKalshi(t))
	env["ORDERMON_PIPELINE_URL"] = "https://x.example"
	r := runParse(t, env, "intent:1", "--once", "kalshi:B", "-i", "3", "C", "--", "intent:D")
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := []engine.Target{
		{Kind: engine.KindIntent, ID: "1"},
		{Kind: engine.KindKalshi, ID: "B"},
		{Kind: engine.KindAuto, ID: "C"},
		{Kind: engine.KindIntent, ID: "D"},
	}
	if !slices.Equal(r.opts.Targets, want) {
		t.Errorf("Targets = %v, want %v", r.opts.Targets, want)
	}
	if !r.opts.Once || r.opts.Interval != 3*time.Second {
		t.Errorf("flags between IDs were not parsed: %+v", r.opts)
	}

	// After "--" nothing is a flag, so "--json" is an ID, and refused.
	r = runParse(t, env, "--", "intent:1", "--json")
	if ue := usageErr(t, r.err); !strings.Contains(ue.Msg, `"--json"`) || !strings.Contains(ue.Msg, "cannot start with '-'") {
		t.Errorf("message = %q", ue.Msg)
	}
}

func TestParseInvalidIDStopsEverything(t *testing.T) {
	// The configuration is broken and the key file readable by others:
	// an invalid ID must be reported before either is looked at.
	vars := map[string]string{
		"ORDERMON_CONFIG":         "/nonexistent/config.toml",
		"KALSHI_API_KEY_ID":       "id",
		"KALSHI_PRIVATE_KEY_FILE": writeFile(t, "k.pem", "x", 0o644),
	}
	r := runParse(t, testEnv(t, vars), "intent:1", "kalshi:a/b", "intent:3")
	ue := usageErr(t, r.err)
	if !strings.Contains(ue.Msg, `invalid order ID "kalshi:a/b"`) || !strings.Contains(ue.Msg, "path separator") {
		t.Errorf("message = %q", ue.Msg)
	}
	if r.opts != nil || r.stderr != "" {
		t.Errorf("got options %v, stderr %q; want nothing", r.opts, r.stderr)
	}
}

func TestParseNilEnvUsesProcessEnvironment(t *testing.T) {
	t.Setenv("ORDERMON_CONFIG", "/nonexistent/ordermon-test.toml")
	_, err := Parse(nil, nil, io.Discard)
	if ce := configErr(t, err); !strings.Contains(ce.Msg, "ORDERMON_CONFIG") {
		t.Errorf("error = %v", err)
	}
}
