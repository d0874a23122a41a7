package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ordermon/internal/config"
	"ordermon/kalshi"
)

// parseResult is what one parse produced.
type parseResult struct {
	opts   *Options
	err    error
	stderr string
}

// testEnv returns an environment whose configuration and home directories
// are empty temporary directories, so no test reads the real user's
// configuration, plus the given variables.
func testEnv(t *testing.T, vars map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{
		"HOME":            t.TempDir(),
		"XDG_CONFIG_HOME": t.TempDir(),
		"AppData":         t.TempDir(),
	}
	for k, v := range vars {
		env[k] = v
	}
	return env
}

// runParse parses args with env as the whole environment.
func runParse(t *testing.T, env map[string]string, args ...string) parseResult {
	t.Helper()
	var stderr bytes.Buffer
	o, err := Parse(args, func(k string) string { return env[k] }, &stderr)
	return parseResult{o, err, stderr.String()}
}

// writeFile writes content to a new file in a temporary directory with the
// given mode and returns its path.
func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is filtered by the umask; set it exactly.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// keyFile returns a private key file with mode 0600. Parse only looks at
// its mode, so its contents need not be a key.
func keyFile(t *testing.T) string {
	t.Helper()
	return writeFile(t, "kalshi.pem", "-----BEGIN PRIVATE KEY-----\n", 0o600)
}

// withKalshi returns variables that configure Kalshi.
func withKalshi(t *testing.T) map[string]string {
	return map[string]string{"KALSHI_API_KEY_ID": "key-id-1", "KALSHI_PRIVATE_KEY_FILE": keyFile(t)}
}

// configErr asserts err is a *config.ConfigError and returns it.
func configErr(t *testing.T, err error) *config.ConfigError {
	t.Helper()
	var ce *config.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("got error %v (%T), want a *ConfigError", err, err)
	}
	return ce
}

// quoteTOML writes s as a TOML literal string.
func quoteTOML(s string) string { return "'" + s + "'" }

// parseFile parses a configuration file with Kalshi configured through the
// environment, so only the file can fail.
func parseFile(t *testing.T, content string, args ...string) parseResult {
	t.Helper()
	vars := withKalshi(t)
	vars["ORDERMON_CONFIG"] = writeFile(t, "config.toml", content, 0o600)
	return runParse(t, testEnv(t, vars), args...)
}

func TestConfigDefaults(t *testing.T) {
	r := runParse(t, testEnv(t, withKalshi(t)))
	if r.err != nil {
		t.Fatal(r.err)
	}
	o := r.opts
	if o.ConfigFound {
		t.Error("ConfigFound with no file")
	}
	if o.Interval != 2*time.Second {
		t.Errorf("Interval = %v, want 2s", o.Interval)
	}
	if o.Location != time.Local {
		t.Errorf("Location = %v, want Local", o.Location)
	}
	if o.KalshiBaseURL != kalshi.ProdBaseURL {
		t.Errorf("KalshiBaseURL = %q", o.KalshiBaseURL)
	}
	if o.KalshiReadRate() != 200 {
		t.Errorf("KalshiReadRate = %d, want 200 (basic)", o.KalshiReadRate())
	}
	if o.Thresholds.Placed != 15*time.Minute || o.Thresholds.Pending != time.Minute {
		t.Errorf("Thresholds = %+v", o.Thresholds)
	}
	if o.PipelineEnabled() || !o.KalshiEnabled() {
		t.Errorf("PipelineEnabled = %v, KalshiEnabled = %v", o.PipelineEnabled(), o.KalshiEnabled())
	}
	if fetch, _ := o.TokenFetcher(); fetch != nil {
		t.Error("TokenFetcher is not nil with no token configured")
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q", r.stderr)
	}
}

func TestConfigExplicitMissingFileIsAnError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.toml")
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		namedBy string
	}{
		{"flag", nil, []string{"--config", missing}, "--config"},
		{"environment", map[string]string{"ORDERMON_CONFIG": missing}, nil, "ORDERMON_CONFIG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := withKalshi(t)
			for k, v := range tc.env {
				vars[k] = v
			}
			r := runParse(t, testEnv(t, vars), tc.args...)
			ce := configErr(t, r.err)
			if ce.Path != missing || !strings.Contains(ce.Msg, "no such file") || !strings.Contains(ce.Msg, tc.namedBy) {
				t.Errorf("error = %v; want it to name %s, say no such file and name %s", r.err, missing, tc.namedBy)
			}
		})
	}
}

func TestConfigFlagBeatsEnvironmentForPath(t *testing.T) {
	a := writeFile(t, "a.toml", `interval = "3s"`, 0o600)
	b := writeFile(t, "b.toml", `interval = "4s"`, 0o600)
	vars := withKalshi(t)
	vars["ORDERMON_CONFIG"] = a
	r := runParse(t, testEnv(t, vars), "--config", b)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.opts.ConfigPath != b || r.opts.Interval != 4*time.Second {
		t.Errorf("read %s (interval %v), want %s", r.opts.ConfigPath, r.opts.Interval, b)
	}
}

// TestConfigPrecedence checks file < environment < flags for every key
// that can be overridden.
func TestConfigPrecedence(t *testing.T) {
	keyA, keyB := keyFile(t), keyFile(t)
	tokFile := writeFile(t, "tok", "file-token\n", 0o600)
	tests := []struct {
		name  string
		file  string
		env   map[string]string
		args  []string
		check func(t *testing.T, o *Options)
	}{
		{
			name: "interval from file",
			file: `interval = "3s"`,
			check: func(t *testing.T, o *Options) {
				if o.Interval != 3*time.Second || o.File.Interval != 3*time.Second {
					t.Errorf("Interval = %v", o.Interval)
				}
			},
		},
		{
			name: "interval flag beats file",
			file: `interval = "3s"`,
			args: []string{"-i", "4"},
			check: func(t *testing.T, o *Options) {
				if o.Interval != 4*time.Second || o.File.Interval != 4*time.Second {
					t.Errorf("Interval = %v, File.Interval = %v", o.Interval, o.File.Interval)
				}
			},
		},
		{
			name: "timezone from file",
			file: `timezone = "America/New_York"`,
			check: func(t *testing.T, o *Options) {
				if o.Location.String() != "America/New_York" {
					t.Errorf("Location = %v", o.Location)
				}
			},
		},
		{
			name: "--utc beats timezone",
			file: `timezone = "America/New_York"`,
			args: []string{"--utc"},
			check: func(t *testing.T, o *Options) {
				if o.Location != time.UTC || o.File.Timezone != "UTC" || !o.UTC {
					t.Errorf("Location = %v, Timezone = %q", o.Location, o.File.Timezone)
				}
			},
		},
		{
			name: "kalshi.env from file",
			file: "[kalshi]\nenv = \"demo\"",
			check: func(t *testing.T, o *Options) {
				if o.KalshiBaseURL != kalshi.DemoBaseURL || o.File.Kalshi.Env != "demo" {
					t.Errorf("KalshiBaseURL = %q", o.KalshiBaseURL)
				}
			},
		},
		{
			name: "kalshi.base_url beats kalshi.env",
			file: "[kalshi]\nenv = \"demo\"\nbase_url = \"https://proxy.example/trade-api/v2/\"",
			check: func(t *testing.T, o *Options) {
				if o.KalshiBaseURL != "https://proxy.example/trade-api/v2" {
					t.Errorf("KalshiBaseURL = %q", o.KalshiBaseURL)
				}
			},
		},
		{
			name: "--env beats kalshi.env and kalshi.base_url",
			file: "[kalshi]\nenv = \"demo\"\nbase_url = \"https://proxy.example/trade-api/v2\"",
			args: []string{"--env", "prod"},
			check: func(t *testing.T, o *Options) {
				if o.KalshiBaseURL != kalshi.ProdBaseURL || o.File.Kalshi.Env != "prod" || o.Env != "prod" {
					t.Errorf("KalshiBaseURL = %q, env %q", o.KalshiBaseURL, o.File.Kalshi.Env)
				}
			},
		},
		{
			name: "kalshi.api_key_id and private_key_file from file",
			file: "[kalshi]\napi_key_id = \"from-file\"\nprivate_key_file = " + quoteTOML(keyA),
			env:  map[string]string{"KALSHI_API_KEY_ID": "", "KALSHI_PRIVATE_KEY_FILE": ""},
			check: func(t *testing.T, o *Options) {
				if o.File.Kalshi.APIKeyID != "from-file" || o.File.Kalshi.PrivateKeyFile != keyA {
					t.Errorf("Kalshi = %+v", o.File.Kalshi)
				}
			},
		},
		{
			name: "KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE beat the file",
			file: "[kalshi]\napi_key_id = \"from-file\"\nprivate_key_file = " + quoteTOML(keyA),
			env:  map[string]string{"KALSHI_API_KEY_ID": "from-env", "KALSHI_PRIVATE_KEY_FILE": keyB},
			check: func(t *testing.T, o *Options) {
				if o.File.Kalshi.APIKeyID != "from-env" || o.File.Kalshi.PrivateKeyFile != keyB {
					t.Errorf("Kalshi = %+v", o.File.Kalshi)
				}
			},
		},
		{
			name: "pipeline from file",
			file: "[pipeline]\nbase_url = \"https://file.example\"\ntoken = \"file-token\"\napi_key = \"file-key\"",
			check: func(t *testing.T, o *Options) {
				p := o.File.Pipeline
				if p.BaseURL != "https://file.example" || p.Token.Reveal() != "file-token" || p.APIKey.Reveal() != "file-key" {
					t.Errorf("Pipeline = %+v", p)
				}
				if tok, err := fetchToken(t, o); tok != "file-token" || err != nil {
					t.Errorf("token = %q, %v", tok, err)
				}
			},
		},
		{
			name: "ORDERMON_PIPELINE_* beat the file",
			file: "[pipeline]\nbase_url = \"https://file.example\"\ntoken = \"file-token\"\napi_key = \"file-key\"",
			env: map[string]string{
				"ORDERMON_PIPELINE_URL":     "https://env.example",
				"ORDERMON_PIPELINE_TOKEN":   "env-token",
				"ORDERMON_PIPELINE_API_KEY": "env-key",
			},
			check: func(t *testing.T, o *Options) {
				p := o.File.Pipeline
				if p.BaseURL != "https://env.example" || p.Token.Reveal() != "env-token" || p.APIKey.Reveal() != "env-key" {
					t.Errorf("Pipeline = %+v", p)
				}
				if tok, err := fetchToken(t, o); tok != "env-token" || err != nil {
					t.Errorf("token = %q, %v", tok, err)
				}
			},
		},
		{
			name: "ORDERMON_PIPELINE_TOKEN replaces token_file",
			file: "[pipeline]\nbase_url = \"https://file.example\"\ntoken_file = " + quoteTOML(tokFile),
			env:  map[string]string{"ORDERMON_PIPELINE_TOKEN": "env-token"},
			check: func(t *testing.T, o *Options) {
				if o.File.Pipeline.TokenFile != "" {
					t.Errorf("TokenFile = %q, want it cleared", o.File.Pipeline.TokenFile)
				}
				if tok, err := fetchToken(t, o); tok != "env-token" || err != nil {
					t.Errorf("token = %q, %v", tok, err)
				}
			},
		},
		{
			name: "ORDERMON_PIPELINE_TOKEN replaces token_command",
			file: "[pipeline]\nbase_url = \"https://file.example\"\ntoken_command = \"echo cmd-token\"",
			env:  map[string]string{"ORDERMON_PIPELINE_TOKEN": "env-token"},
			check: func(t *testing.T, o *Options) {
				if tok, err := fetchToken(t, o); tok != "env-token" || err != nil {
					t.Errorf("token = %q, %v", tok, err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"KALSHI_API_KEY_ID": "id", "KALSHI_PRIVATE_KEY_FILE": keyA}
			for k, v := range tt.env {
				vars[k] = v
			}
			vars["ORDERMON_CONFIG"] = writeFile(t, "config.toml", tt.file, 0o600)
			r := runParse(t, testEnv(t, vars), tt.args...)
			if r.err != nil {
				t.Fatal(r.err)
			}
			tt.check(t, r.opts)
		})
	}
}

func TestConfigTierSetsRate(t *testing.T) {
	r := parseFile(t, "[kalshi]\ntier = \"Premier\"\n")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.opts.File.Kalshi.Tier != "premier" || r.opts.KalshiReadRate() != 1000 {
		t.Errorf("tier %q, rate %d", r.opts.File.Kalshi.Tier, r.opts.KalshiReadRate())
	}
}

func TestConfigKeyPermissionWarning(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		warn bool
	}{{0o644, true}, {0o640, true}, {0o604, true}, {0o600, false}, {0o400, false}} {
		key := writeFile(t, "kalshi.pem", "x", tc.mode)
		r := runParse(t, testEnv(t, map[string]string{"KALSHI_API_KEY_ID": "id", "KALSHI_PRIVATE_KEY_FILE": key}))
		if r.err != nil {
			t.Fatalf("mode %04o: %v (a readable key must still work)", tc.mode, r.err)
		}
		want := "WARNING: private key file " + key + fmt.Sprintf(" is readable by others (mode %04o); chmod 600 it\n", tc.mode)
		if tc.warn && r.stderr != want {
			t.Errorf("mode %04o: stderr = %q, want %q", tc.mode, r.stderr, want)
		}
		if !tc.warn && r.stderr != "" {
			t.Errorf("mode %04o: stderr = %q, want nothing", tc.mode, r.stderr)
		}
	}
}

func TestConfigMissingKeyFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gone.pem")
	r := runParse(t, testEnv(t, map[string]string{"KALSHI_API_KEY_ID": "id", "KALSHI_PRIVATE_KEY_FILE": missing}))
	ce := configErr(t, r.err)
	if ce.Key != "KALSHI_PRIVATE_KEY_FILE" || !strings.Contains(ce.Msg, missing) || !strings.Contains(ce.Msg, "no such file") {
		t.Errorf("error = %v", r.err)
	}

	// From the file this time, so the error names the file and key.
	vars := map[string]string{"ORDERMON_CONFIG": writeFile(t, "config.toml", "[kalshi]\napi_key_id = \"id\"\nprivate_key_file = "+quoteTOML(missing)+"\n", 0o600)}
	r = runParse(t, testEnv(t, vars))
	ce = configErr(t, r.err)
	if ce.Key != "kalshi.private_key_file" || ce.Path != vars["ORDERMON_CONFIG"] {
		t.Errorf("error = %v; want it to name the file and key", r.err)
	}
}

func TestConfigHalfKalshiCredentials(t *testing.T) {
	r := runParse(t, testEnv(t, map[string]string{"KALSHI_API_KEY_ID": "id"}))
	if ce := configErr(t, r.err); ce.Key != "KALSHI_API_KEY_ID" || !strings.Contains(ce.Msg, "KALSHI_PRIVATE_KEY_FILE") {
		t.Errorf("error = %v", r.err)
	}
	r = runParse(t, testEnv(t, map[string]string{"KALSHI_PRIVATE_KEY_FILE": keyFile(t)}))
	if ce := configErr(t, r.err); ce.Key != "KALSHI_PRIVATE_KEY_FILE" || !strings.Contains(ce.Msg, "KALSHI_API_KEY_ID") {
		t.Errorf("error = %v", r.err)
	}
}

func TestConfigTokenWithoutURL(t *testing.T) {
	r := runParse(t, testEnv(t, map[string]string{"ORDERMON_PIPELINE_TOKEN": "t", "KALSHI_API_KEY_ID": "id", "KALSHI_PRIVATE_KEY_FILE": keyFile(t)}))
	if ce := configErr(t, r.err); !strings.Contains(ce.Msg, "ORDERMON_PIPELINE_URL") {
		t.Errorf("error = %v", r.err)
	}
}

func TestConfigNoCredentials(t *testing.T) {
	env := testEnv(t, nil)
	r := runParse(t, env, "intent:1")
	ce := configErr(t, r.err)
	path := filepath.Join(env["XDG_CONFIG_HOME"], "ordermon", "config.toml")
	for _, want := range []string{
		"kalshi.api_key_id", "kalshi.private_key_file", "KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_FILE",
		"pipeline.base_url", "ORDERMON_PIPELINE_URL", "ordermon --demo", path, "does not exist yet",
	} {
		if !strings.Contains(ce.Msg, want) {
			t.Errorf("message does not mention %q:\n%s", want, ce.Msg)
		}
	}

	r = runParse(t, env, "--demo")
	if r.err != nil {
		t.Errorf("--demo without credentials: %v", r.err)
	}
}

func TestConfigTargetNeedsItsSource(t *testing.T) {
	r := runParse(t, testEnv(t, withKalshi(t)), "kalshi:a", "intent:42")
	if ce := configErr(t, r.err); !strings.Contains(ce.Msg, "intent:42") || !strings.Contains(ce.Msg, "pipeline.base_url") {
		t.Errorf("error = %v", r.err)
	}
	r = runParse(t, testEnv(t, map[string]string{"ORDERMON_PIPELINE_URL": "https://x.example"}), "kalshi:ORD-1")
	if ce := configErr(t, r.err); !strings.Contains(ce.Msg, "kalshi:ORD-1") || !strings.Contains(ce.Msg, "KALSHI_API_KEY_ID") {
		t.Errorf("error = %v", r.err)
	}
	// A bare ID can be looked up in whichever source there is.
	r = runParse(t, testEnv(t, map[string]string{"ORDERMON_PIPELINE_URL": "https://x.example"}), "ORD-1")
	if r.err != nil {
		t.Error(r.err)
	}
}

// TestConfigNewKeys checks the keys added for push, --all and exports:
// their defaults, their values from the file, and what overrides them.
func TestConfigNewKeys(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		file  string
		args  []string
		check func(t *testing.T, o *Options)
	}{
		{"defaults", "", nil, func(t *testing.T, o *Options) {
			if o.ExportDir != wd || o.KeepFinished != 10*time.Minute || !o.Push || o.ReconcileInterval != 30*time.Second ||
				o.KalshiTier != "" || o.KalshiReadRate() != 200 || o.All || o.File.Pipeline.WalletAddress != "" ||
				o.KalshiWSURL != "wss://external-api-ws.kalshi.com/trade-api/ws/v2" {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{"demo's WebSocket", "[kalshi]\nenv = \"demo\"", nil, func(t *testing.T, o *Options) {
			if o.KalshiWSURL != "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2" {
				t.Errorf("KalshiWSURL = %q", o.KalshiWSURL)
			}
		}},
		{"--env demo picks demo's WebSocket over ws_url", "[kalshi]\nws_url = \"wss://ws.example/x\"", []string{"--env", "demo"},
			func(t *testing.T, o *Options) {
				if o.KalshiWSURL != "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2" {
					t.Errorf("KalshiWSURL = %q", o.KalshiWSURL)
				}
			}},
		{"WebSocket derived from a loopback base URL", "[kalshi]\nbase_url = \"http://127.0.0.1:8123/trade-api/v2\"", nil,
			func(t *testing.T, o *Options) {
				if o.KalshiWSURL != "ws://127.0.0.1:8123/trade-api/ws/v2" {
					t.Errorf("KalshiWSURL = %q", o.KalshiWSURL)
				}
			}},
		{"ws_url set", "[kalshi]\nbase_url = \"http://localhost:1/trade-api/v2\"\nws_url = \"ws://localhost:2/ws/\"", nil,
			func(t *testing.T, o *Options) {
				if o.KalshiWSURL != "ws://localhost:2/ws" || o.File.Kalshi.WSURL != o.KalshiWSURL {
					t.Errorf("KalshiWSURL = %q", o.KalshiWSURL)
				}
			}},
		{"push off", "[kalshi]\npush = false", nil, func(t *testing.T, o *Options) {
			if o.Push {
				t.Error("Push with push = false")
			}
		}},
		{"--no-push", "[kalshi]\npush = true", []string{"--no-push"}, func(t *testing.T, o *Options) {
			if o.Push {
				t.Error("Push with --no-push")
			}
		}},
		{"reconcile_interval and keep_finished", "keep_finished = \"1m\"\n[kalshi]\nreconcile_interval = \"45s\"", nil,
			func(t *testing.T, o *Options) {
				if o.ReconcileInterval != 45*time.Second || o.KeepFinished != time.Minute {
					t.Errorf("ReconcileInterval %v, KeepFinished %v", o.ReconcileInterval, o.KeepFinished)
				}
			}},
		{"--interval above reconcile_interval raises it", "", []string{"-i", "60"}, func(t *testing.T, o *Options) {
			if o.ReconcileInterval != time.Minute {
				t.Errorf("ReconcileInterval = %v, want the interval", o.ReconcileInterval)
			}
		}},
		{"tier set", "[kalshi]\ntier = \" Expert \"", nil, func(t *testing.T, o *Options) {
			if o.KalshiTier != "expert" || o.KalshiReadRate() != 600 {
				t.Errorf("KalshiTier %q, rate %d", o.KalshiTier, o.KalshiReadRate())
			}
		}},
		{"wallet", "[pipeline]\nwallet_address = \"0xAbCdEf0123456789abcdef0123456789ABCDEF01\"", nil, func(t *testing.T, o *Options) {
			if o.File.Pipeline.WalletAddress != "0xAbCdEf0123456789abcdef0123456789ABCDEF01" {
				t.Errorf("WalletAddress = %q", o.File.Pipeline.WalletAddress)
			}
		}},
		{"--all without IDs", "", []string{"--all", "--once"}, func(t *testing.T, o *Options) {
			if !o.All || !o.Once || len(o.Targets) != 0 {
				t.Errorf("All %v, Once %v, Targets %v", o.All, o.Once, o.Targets)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parseFile(t, tt.file, tt.args...)
			if r.err != nil {
				t.Fatal(r.err)
			}
			tt.check(t, r.opts)
		})
	}
}

func TestConfigExportDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "reports"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("export_dir = \"reports\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := withKalshi(t)
	vars["ORDERMON_CONFIG"] = cfg
	r := runParse(t, testEnv(t, vars))
	if r.err != nil {
		t.Fatal(r.err)
	}
	if want := filepath.Join(dir, "reports"); r.opts.ExportDir != want {
		t.Errorf("ExportDir = %q, want %q (relative to the file)", r.opts.ExportDir, want)
	}

	env := testEnv(t, withKalshi(t))
	env["ORDERMON_CONFIG"] = writeFile(t, "c.toml", "export_dir = \"~/\"\n", 0o600)
	if r := runParse(t, env); r.err != nil || r.opts.ExportDir != env["HOME"] {
		t.Errorf("~/: ExportDir = %v, %v; want %s", r.opts, r.err, env["HOME"])
	}

	for _, bad := range []string{filepath.Join(dir, "missing"), cfg} {
		vars["ORDERMON_CONFIG"] = writeFile(t, "c.toml", "export_dir = "+quoteTOML(bad)+"\n", 0o600)
		r := runParse(t, testEnv(t, vars))
		if ce := configErr(t, r.err); ce.Key != "export_dir" || !strings.Contains(ce.Msg, bad) {
			t.Errorf("export_dir %s: error %v", bad, r.err)
		}
	}
}

// fetchToken gets the JWT the way the run does, stopping the fetcher
// after.
func fetchToken(t *testing.T, o *Options) (string, error) {
	fetch, stop := o.TokenFetcher()
	defer stop()
	return fetch(t.Context())
}
