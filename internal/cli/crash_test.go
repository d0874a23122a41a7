package cli

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCrashReport: a panic becomes one line on stderr naming a crash report
// that holds the panic and the stack, with every configured secret removed,
// readable by the user alone; the exit code says the state is unknown.
func TestCrashReport(t *testing.T) {
	const token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.crash-secret-sig"
	const apiKey = "ak_crash_0123456789"
	t.Setenv("TMPDIR", t.TempDir())
	env := map[string]string{
		"ORDERMON_PIPELINE_URL":     "http://127.0.0.1:9",
		"ORDERMON_PIPELINE_TOKEN":   token,
		"ORDERMON_PIPELINE_API_KEY": apiKey,
		"XDG_CONFIG_HOME":           t.TempDir(),
		"HOME":                      t.TempDir(),
	}
	opts, err := Parse([]string{"intent:1"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	code := crashed(&stderr, "boom with "+token+" and "+apiKey, []byte("goroutine 1 [running]:\nmain.run()"), opts)
	if code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	m := regexp.MustCompile(`crash report is at (\S+) `).FindStringSubmatch(stderr.String())
	if m == nil || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("stderr: %q", stderr.String())
	}
	report, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(m[1]); fi.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v", fi.Mode().Perm())
	}
	for _, want := range []string{"panic: boom with [redacted] and [redacted]", "goroutine 1 [running]", `pipeline.token = "[redacted]"`} {
		if !bytes.Contains(report, []byte(want)) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	for _, secret := range []string{token, apiKey, "crash-secret-sig"} {
		if bytes.Contains(report, []byte(secret)) || strings.Contains(stderr.String(), secret) {
			t.Errorf("secret %q leaked", secret)
		}
	}
}
