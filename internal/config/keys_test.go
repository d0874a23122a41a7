package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ordermon/kalshi"
)

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

func TestConfigNewKeyErrors(t *testing.T) {
	for _, tc := range []struct {
		content, key string
		line         int
		msg          string
	}{
		{"[kalshi]\nws_url = \"ws://ws.example/trade-api/ws/v2\"", "kalshi.ws_url", 2, "must use wss://"},
		{"[kalshi]\nws_url = \"https://ws.example/\"", "kalshi.ws_url", 2, "must start with wss://"},
		{"[kalshi]\npush = \"yes\"", "kalshi.push", 2, "want true or false, found a string"},
		{"interval = \"10s\"\n[kalshi]\n\nreconcile_interval = \"5s\"", "kalshi.reconcile_interval", 4, "shorter than interval (10s)"},
		{"keep_finished = \"soon\"", "keep_finished", 1, `invalid duration "soon"`},
		{"[pipeline]\nwallet_address = \"0x1234\"", "pipeline.wallet_address", 2, `"0x1234" is not a wallet address`},
		{"[pipeline]\nwallet_address = \"0x" + strings.Repeat("g", 40) + "\"", "pipeline.wallet_address", 2, "40 hex digits"},
		{"export_dir = 7", "export_dir", 1, "want a string in quotes, found an integer"},
		{"[kalshi]\ntier = \"gold\"", "kalshi.tier", 2, strings.Join(kalshi.Tiers(), ", ")},
	} {
		r := parseFile(t, tc.content)
		ce := configErr(t, r.err)
		if ce.Key != tc.key || ce.Line != tc.line || !strings.Contains(ce.Msg, tc.msg) {
			t.Errorf("%q: error %v; want %s at line %d saying %q", tc.content, r.err, tc.key, tc.line, tc.msg)
		}
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

func TestConfigEnvOverridesFromTable(t *testing.T) {
	var names []string
	for _, v := range EnvVars() {
		names = append(names, v.Name)
	}
	want := "KALSHI_API_KEY_ID KALSHI_PRIVATE_KEY_FILE ORDERMON_PIPELINE_URL ORDERMON_PIPELINE_TOKEN ORDERMON_PIPELINE_API_KEY"
	if strings.Join(names, " ") != want {
		t.Errorf("environment variables = %v, want %s", names, want)
	}
}
