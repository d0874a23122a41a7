package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// The secrets of these tests: distinctive, so any leak is found.
const (
	fileToken  = "eyJFILE-TOKEN-7f3a"
	envToken   = "eyJENV-TOKEN-91cc"
	fileAPIKey = "FILE-API-KEY-d41d"
	envAPIKey  = "ENV-API-KEY-0e5b"
)

var configSecrets = []string{fileToken, envToken, fileAPIKey, envAPIKey}

// assertNoConfigSecret fails if any test secret appears in s.
func assertNoConfigSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range configSecrets {
		if strings.Contains(s, sec) {
			// Name the secret by position, not by value, in the failure.
			t.Errorf("%s contains a secret (%d bytes of output)", what, len(s))
			return
		}
	}
}

func secretOptions(t *testing.T) *Options {
	t.Helper()
	vars := withKalshi(t)
	vars["ORDERMON_CONFIG"] = writeFile(t, "config.toml",
		"[pipeline]\nbase_url = \"https://swap.example\"\ntoken = \""+fileToken+"\"\napi_key = \""+fileAPIKey+"\"\n", 0o600)
	r := runParse(t, testEnv(t, vars), "intent:1")
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertNoConfigSecret(t, "stderr", r.stderr)
	return r.opts
}

func TestRedacted(t *testing.T) {
	o := secretOptions(t)
	red := o.Redacted()
	assertNoConfigSecret(t, "Redacted()", red)
	for _, want := range []string{
		`pipeline.token = "[redacted]"`,
		`pipeline.api_key = "[redacted]"`,
		`pipeline.base_url = "https://swap.example"`,
		`kalshi.api_key_id = "key-id-1"`,
		`kalshi.private_key_file = "` + o.File.Kalshi.PrivateKeyFile + `"`,
		`interval = "2s"`,
		`targets = "intent:1"`,
	} {
		if !strings.Contains(red, want) {
			t.Errorf("Redacted() lacks %q:\n%s", want, red)
		}
	}
	// An unset secret shows as empty, so "is it set?" can be answered.
	o.File.Pipeline.APIKey = ""
	if !strings.Contains(o.Redacted(), `pipeline.api_key = ""`) {
		t.Errorf("unset api_key not shown as empty:\n%s", o.Redacted())
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	o := secretOptions(t)

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "options", o, "file", o.File, "token", o.File.Pipeline.Token)
	assertNoConfigSecret(t, "slog JSON", logged.String())
	if !strings.Contains(logged.String(), `"pipeline.token":"[redacted]"`) {
		t.Errorf("slog output lacks the redacted token: %s", logged.String())
	}
	logged.Reset()
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "options", o, "file", o.File)
	assertNoConfigSecret(t, "slog text", logged.String())

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		assertNoConfigSecret(t, "fmt "+verb+" of *Options", fmt.Sprintf(verb, o))
		assertNoConfigSecret(t, "fmt "+verb+" of Options", fmt.Sprintf(verb, *o))
		assertNoConfigSecret(t, "fmt "+verb+" of File", fmt.Sprintf(verb, o.File))
		assertNoConfigSecret(t, "fmt "+verb+" of Secret", fmt.Sprintf(verb, o.File.Pipeline.Token))
	}
	js, err := json.Marshal(o.File)
	if err != nil {
		t.Fatal(err)
	}
	assertNoConfigSecret(t, "JSON of File", string(js))

	// Reveal is the way to the secret.
	if o.File.Pipeline.Token.Reveal() != fileToken || o.File.Pipeline.APIKey.Reveal() != fileAPIKey {
		t.Error("Reveal does not return the secret")
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	base := "[pipeline]\nbase_url = \"https://swap.example\"\n"
	files := map[string]string{
		"unquoted token":         base + "token = " + fileToken + "\n",
		"unquoted api_key":       base + "api_key = " + fileAPIKey + "-x\n",
		"token and token_file":   base + "token = \"" + fileToken + "\"\ntoken_file = \"/x\"\n",
		"token with a newline":   base + "token = \"" + fileToken + "\\n" + fileToken + "\"\n",
		"token as a number":      base + "token = 12\napi_key = \"" + fileAPIKey + "\"\n",
		"token in wrong table":   "[kalshi]\ntoken = \"" + fileToken + "\"\n",
		"token under a bad key":  "[pipeline]\n" + fileToken + " = 1\n",
		"api_key with space":     base + "api_key = \"" + fileAPIKey + " x\"\n",
		"token with bad escape":  base + "token = \"" + fileToken + "\\q\"\n",
		"token unterminated":     base + "token = \"" + fileToken + "\n",
		"token then syntax":      base + "token = \"" + fileToken + "\" x\n",
		"token in URL":           "[pipeline]\nbase_url = \"https://u:" + fileToken + "@x.example\"\n",
		"token in URL query":     "[pipeline]\nbase_url = \"https://x.example/?t=" + fileToken + "\"\n",
		"token and bad interval": base + "token = \"" + fileToken + "\"\ninterval = \"1ms\"\n",
	}
	for name, content := range files {
		vars := withKalshi(t)
		vars["ORDERMON_CONFIG"] = writeFile(t, "config.toml", content, 0o600)
		r := runParse(t, testEnv(t, vars))
		if r.err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		assertNoConfigSecret(t, name+": error", r.err.Error())
		assertNoConfigSecret(t, name+": stderr", r.stderr)
	}

	envCases := []map[string]string{
		{"ORDERMON_PIPELINE_TOKEN": envToken + " " + envToken},
		{"ORDERMON_PIPELINE_API_KEY": envAPIKey + "\x1b"},
		{"ORDERMON_PIPELINE_TOKEN": envToken}, // no URL
		{"ORDERMON_PIPELINE_URL": "https://" + envToken + ":x@h.example"},
	}
	for i, vars := range envCases {
		r := runParse(t, testEnv(t, vars), "intent:1")
		if r.err == nil {
			t.Errorf("env case %d: no error", i)
			continue
		}
		assertNoConfigSecret(t, fmt.Sprintf("env case %d: error", i), r.err.Error())
	}
}
