package config

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestConfigExampleFile keeps config.example.toml honest: it parses with
// no unknown keys, documents every key of File with a comment, and shows
// the defaults it claims to show.
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

	md, err := toml.Decode(string(data), new(File))
	if err != nil {
		t.Fatal(err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Errorf("unknown keys in config.example.toml: %v", u)
	}

	lines := strings.Split(string(data), "\n")
	for _, k := range fileKeys() {
		key := toml.Key(strings.Split(k.Name, "."))
		if !md.IsDefined(key...) {
			t.Errorf("config.example.toml does not set %s", k.Name)
			continue
		}
		n := lineOf(data, key)
		if n < 2 || !strings.HasPrefix(strings.TrimSpace(lines[n-2]), "#") {
			// The [stuck] keys share one comment above the first.
			if !strings.HasPrefix(k.Name, "stuck.") {
				t.Errorf("%s (line %d) has no comment right above it", k.Name, n)
			}
		}
	}
}

// TestConfigKeysAreExactlyThese pins the file's keys, which are part of
// ordermon's interface: renaming one breaks users' files.
func TestConfigKeysAreExactlyThese(t *testing.T) {
	var got []string
	for _, k := range fileKeys() {
		got = append(got, k.Name)
	}
	want := []string{
		"interval", "timezone", "bell",
		"kalshi.env", "kalshi.base_url", "kalshi.api_key_id", "kalshi.private_key_file", "kalshi.tier",
		"pipeline.base_url", "pipeline.token", "pipeline.token_file", "pipeline.token_command", "pipeline.api_key",
		"stuck.pending", "stuck.validated", "stuck.placed", "stuck.filled", "stuck.txn_filled",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keys = %v\nwant   %v", got, want)
	}
	for _, k := range want {
		if _, ok := envVars[k]; ok && !strings.Contains(usage, envVars[k]) {
			t.Errorf("usage does not document %s", envVars[k])
		}
	}
}
