package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageErrorsSendNothing checks exit code 2 for mistakes on the command
// line, and that nothing reached either fake: every run names a valid
// order too, which would be fetched if the check came too late.
func TestUsageErrorsSendNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		mention string // stderr must contain it
	}{
		{"unknown flag", []string{"--bogus", "intent:1"}, "--bogus"},
		{"bad interval", []string{"--interval", "5x", "intent:1"}, "--interval"},
		{"interval below the minimum", []string{"-i", "100ms", "intent:1"}, "500ms"},
		{"bad timeout", []string{"--timeout", "soon", "intent:1"}, "--timeout"},
		{"negative timeout", []string{"--timeout", "-1s", "intent:1"}, "--timeout"},
		{"bad env", []string{"--env", "staging", "intent:1"}, "--env"},
		{"empty ID", []string{"intent:1", ""}, "empty"},
		{"empty intent ID", []string{"intent:1", "intent:"}, "empty"},
		{"empty Kalshi ID", []string{"intent:1", "kalshi:"}, "empty"},
		{"129 characters", []string{"intent:1", strings.Repeat("a", 129)}, "128"},
		{"slash", []string{"intent:1", "kalshi:ord/../x"}, "invalid order ID"},
		{"slash alone", []string{"intent:1", "a/b"}, "'/'"},
		{"space", []string{"intent:1", "intent:a b"}, "whitespace"},
		{"tab", []string{"intent:1", "a\tb"}, "invalid order ID"},
		{"newline", []string{"intent:1", "a\nb"}, "invalid order ID"},
		{"control character", []string{"intent:1", "a\x01b"}, "control character"},
		{"escape", []string{"intent:1", "a\x1b[31mb"}, "invalid order ID"},
		{"DEL", []string{"intent:1", "a\x7fb"}, "invalid order ID"},
		{"dot dot", []string{"intent:1", "kalshi:.."}, ".."},
		{"dot dot inside", []string{"intent:1", "a..b"}, ".."},
		{"invalid ID first", []string{"..", "intent:1"}, ".."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{})
			w.svc.PutIntent(placedIntent("1", "ord-1"))
			r := w.run(nil, append([]string{"--once", "--config", w.config("")}, tt.args...)...)
			if r.code != 2 {
				t.Fatalf("want exit 2, got:\n%s", r)
			}
			if !strings.Contains(r.stderr, tt.mention) {
				t.Errorf("stderr does not mention %q:\n%s", tt.mention, r)
			}
			if r.stdout != "" {
				t.Errorf("stdout is not empty:\n%s", r)
			}
			if strings.ContainsAny(r.stderr, "\x1b\x01\x7f") {
				t.Errorf("stderr echoes a control character: %q", r.stderr)
			}
			w.noRequests()
		})
	}
}

// TestLongestIDIsAccepted is the other side of the 129-character case: 128
// characters are allowed, so the ID is looked up (and not found).
func TestLongestIDIsAccepted(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	id := strings.Repeat("b", 128)
	r := w.run(nil, "--once", "--json", "--config", w.kalshiConfig(), "kalshi:"+id)
	if r.code == 2 {
		t.Fatalf("a 128-character ID was refused:\n%s", r)
	}
	reqs := w.x.Requests()
	if len(reqs) == 0 || !strings.HasSuffix(reqs[0].Path, "/portfolio/orders/"+id) {
		t.Errorf("the order was not asked for; requests: %+v", reqs)
	}
}

// TestConfigErrorsNameTheKey checks that a mistake in the configuration
// file or the environment names the key (and the file and line, when it is
// in the file), exits 2 and sends nothing.
func TestConfigErrorsNameTheKey(t *testing.T) {
	t.Parallel()
	// appendTOML and replaceTOML edit the valid file world.config writes.
	appendTOML := func(extra string) func(*testing.T, string) {
		return func(t *testing.T, path string) { rewrite(t, path, "", extra) }
	}
	replaceTOML := func(old, new string) func(*testing.T, string) {
		return func(t *testing.T, path string) { rewrite(t, path, old, new) }
	}
	tests := []struct {
		name string
		edit func(t *testing.T, path string)
		env  []string // environment added to the run
		want []string // stderr must contain each
	}{
		{"unknown key", appendTOML("\n[stuck]\npendng = \"1m\"\n"), nil,
			[]string{"config.toml:14:", "stuck.pendng"}},
		{"unknown table", appendTOML("\n[kalsh]\napi_key_id = \"x\"\n"), nil,
			[]string{"config.toml:", "kalsh"}},
		{"bad duration", appendTOML("\n[stuck]\nplaced = \"soon\"\n"), nil,
			[]string{"config.toml:14:", "stuck.placed"}},
		{"interval too short", replaceTOML(`interval = "500ms"`, `interval = "100ms"`), nil,
			[]string{"config.toml:1:", "interval"}},
		{"bad tier", replaceTOML("[pipeline]", "tier = \"platinum\"\n\n[pipeline]"), nil,
			[]string{"config.toml:8:", "kalshi.tier"}},
		{"bad timezone", replaceTOML(`interval = "500ms"`, "interval = \"500ms\"\ntimezone = \"Mars/Olympus\""), nil,
			[]string{"timezone"}},
		{"bad pipeline URL in the environment", nil, []string{"ORDERMON_PIPELINE_URL=ftp://example.com"},
			[]string{"ORDERMON_PIPELINE_URL"}},
		{"token with a newline in the environment", nil, []string{"ORDERMON_PIPELINE_TOKEN=abc\ndef"},
			[]string{"ORDERMON_PIPELINE_TOKEN"}},
		{"missing key file", nil, []string{"KALSHI_PRIVATE_KEY_FILE=/nonexistent/key.pem"},
			[]string{"KALSHI_PRIVATE_KEY_FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{})
			w.svc.PutIntent(placedIntent("1", "ord-1"))
			path := w.config("")
			if tt.edit != nil {
				tt.edit(t, path)
			}
			r := w.run(tt.env, "--once", "--config", path, "intent:1")
			if r.code != 2 {
				t.Fatalf("want exit 2, got:\n%s", r)
			}
			for _, s := range tt.want {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr does not mention %q:\n%s", s, r)
				}
			}
			w.noRequests()
		})
	}
}

// rewrite replaces old with new in the file at path, once; an empty old
// appends new.
func rewrite(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body := string(b) + new
	if old != "" {
		if !strings.Contains(string(b), old) {
			t.Fatalf("%s does not contain %q", path, old)
		}
		body = strings.Replace(string(b), old, new, 1)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestNothingConfigured runs with a clean home and no configuration: an
// order ID then cannot be looked up anywhere, which is a configuration
// error that says what to set.
func TestNothingConfigured(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runIn(t, dir, nil, "--once", "intent:1")
	if r.code != 2 {
		t.Fatalf("want exit 2, got:\n%s", r)
	}
	for _, s := range []string{"ORDERMON_PIPELINE_URL", "KALSHI_API_KEY_ID", "--demo", filepath.Join(dir, "xdg", "ordermon", "config.toml")} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not mention %q:\n%s", s, r)
		}
	}
}

// TestKeyFileReadableByOthersWarns gives the private key mode 0644: ordermon
// warns, as ssh does, and still works.
func TestKeyFileReadableByOthersWarns(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putFinishedOrder("ord-1", "executed")
	if err := os.Chmod(w.keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	r := w.run(nil, "--once", "--json", "--exit-status", "--config", w.kalshiConfig(), "kalshi:ord-1")
	if r.code != 0 {
		t.Fatalf("want exit 0, got:\n%s", r)
	}
	if !strings.Contains(r.stderr, w.keyFile) || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("stderr does not warn about the key file's mode:\n%s", r)
	}
	lines := jsonLines(t, r.stdout)
	if len(lines) != 1 || text(t, lines[0]["stage"]) != "executed" {
		t.Errorf("the order was not read:\n%s", r)
	}
}
