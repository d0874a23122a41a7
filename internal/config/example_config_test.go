package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestConfigExampleFile keeps config.example.toml honest: it parses with
// no unknown keys, documents every key of the table with a comment, and
// shows the defaults it claims to show.
func TestConfigExampleFile(t *testing.T) {
	data, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	f := DefaultFile()
	if err := decodeFile("config.example.toml", data, &f); err != nil {
		t.Fatalf("config.example.toml does not load: %v", err)
	}
	if !reflect.DeepEqual(f, DefaultFile()) {
		t.Errorf("config.example.toml's values are not the defaults:\n got %+v\nwant %+v", f, DefaultFile())
	}

	d, err := parseDoc("config.example.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.unknownKeys(); err != nil {
		t.Errorf("unknown keys in config.example.toml: %v", err)
	}

	lines := strings.Split(string(data), "\n")
	for _, k := range keys {
		if !d.md.IsDefined(strings.Split(k.name, ".")...) {
			t.Errorf("config.example.toml does not set %s", k.name)
			continue
		}
		n := d.line(strings.Split(k.name, "."))
		if n < 2 || !strings.HasPrefix(strings.TrimSpace(lines[n-2]), "#") {
			// The [stuck] keys share one comment above the first.
			if !strings.HasPrefix(k.name, "stuck.") {
				t.Errorf("%s (line %d) has no comment right above it", k.name, n)
			}
		}
	}
}

// TestConfigKeysAreExactlyThese pins the file's keys, which are part of
// ordermon's interface: renaming one breaks users' files.
func TestConfigKeysAreExactlyThese(t *testing.T) {
	var got []string
	for _, k := range keys {
		got = append(got, k.name)
	}
	want := []string{
		"interval", "timezone", "bell", "export_dir", "keep_finished",
		"kalshi.env", "kalshi.base_url", "kalshi.ws_url", "kalshi.api_key_id", "kalshi.private_key_file", "kalshi.tier",
		"kalshi.push", "kalshi.reconcile_interval",
		"pipeline.base_url", "pipeline.token", "pipeline.token_file", "pipeline.token_command", "pipeline.api_key",
		"pipeline.wallet_address",
		"stuck.pending", "stuck.validated", "stuck.placed", "stuck.filled", "stuck.txn_filled",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys = %v\nwant   %v", got, want)
	}
	// internal/cli's TestHelp checks that --help documents every EnvVars.
}
