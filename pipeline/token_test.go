package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFile writes content to a new file in a temporary directory with the
// given mode and returns its path.
func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// fetchOnce gets a token from s the way ordermon does, stopping the
// fetcher after.
func fetchOnce(ctx context.Context, s TokenSource) (string, error) {
	fetch, stop := s.Fetcher()
	defer stop()
	return fetch(ctx)
}

func TestTokenStatic(t *testing.T) {
	fetch, stop := TokenSource{Token: "eyJ.static.sig"}.Fetcher()
	defer stop()
	if tok, err := fetch(t.Context()); tok != "eyJ.static.sig" || err != nil {
		t.Errorf("token = %q, %v", tok, err)
	}
}

func TestTokenFileIsReadAtFetchTime(t *testing.T) {
	path := writeFile(t, "jwt", "  eyJ.first.sig\n\n", 0o600)
	fetch, stop := TokenSource{File: path}.Fetcher()
	defer stop()
	if tok, err := fetch(t.Context()); tok != "eyJ.first.sig" || err != nil {
		t.Fatalf("token = %q, %v", tok, err)
	}
	if err := os.WriteFile(path, []byte("eyJ.second.sig\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if tok, err := fetch(t.Context()); tok != "eyJ.second.sig" || err != nil {
		t.Errorf("after rewrite: token = %q, %v; want the new token", tok, err)
	}
}

func TestTokenFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, content, msg string
	}{
		{"empty", " \n", "the token is empty"},
		{"two lines", "eyJ.SECRET-ONE\neyJ.SECRET-TWO\n", "whitespace or control characters"},
		{"huge", strings.Repeat("SECRET", maxTokenSize), "larger than 64 KiB"},
	} {
		path := writeFile(t, "jwt", tc.content, 0o600)
		_, err := fetchOnce(t.Context(), TokenSource{File: path})
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v; want it to name %s and say %q", tc.name, err, path, tc.msg)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error %q contains the file's contents", tc.name, err)
		}
	}
	missing := filepath.Join(t.TempDir(), "gone")
	_, err := fetchOnce(t.Context(), TokenSource{File: missing})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestTokenCommand(t *testing.T) {
	fetch, stop := TokenSource{Command: "printf '%s\\n' eyJ.cmd.sig; echo noise >&2"}.Fetcher()
	defer stop()
	if tok, err := fetch(t.Context()); tok != "eyJ.cmd.sig" || err != nil {
		t.Errorf("token = %q, %v", tok, err)
	}
}

func TestTokenCommandErrorsNeverShowStdout(t *testing.T) {
	for _, tc := range []struct {
		name, command string
		want          []string
	}{
		{
			name:    "non-zero exit",
			command: "echo eyJ.STDOUT-SECRET; echo 'vault is locked' >&2; exit 3",
			want:    []string{"pipeline.token_command failed (exit status 3)", "it said: vault is locked"},
		},
		{
			name:    "empty output",
			command: "echo 'not signed in' >&2",
			want:    []string{"printed nothing on standard output", "not signed in"},
		},
		{
			name:    "several lines",
			command: "echo eyJ.STDOUT-SECRET; echo eyJ.STDOUT-SECRET",
			want:    []string{"output contains whitespace or control characters", "it should print only the token"},
		},
		{
			name:    "token echoed on stderr too",
			command: "echo eyJ.STDOUT-SECRET; echo 'got eyJ.STDOUT-SECRET' >&2; exit 1",
			want:    []string{"it said: got [redacted]"},
		},
		{
			name:    "escape sequences on stderr",
			command: `printf '\033]0;pwned\007\033[31mred\n' >&2; exit 1`,
			want:    []string{"it said: red"},
		},
		{
			name:    "no such command",
			command: "ordermon-no-such-command-xyz",
			want:    []string{"exit status 127", "not found"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fetchOnce(t.Context(), TokenSource{Command: tc.command})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "STDOUT-SECRET") {
				t.Errorf("error %q contains the command's standard output", err)
			}
			if strings.ContainsAny(err.Error(), "\x1b\x07\n") {
				t.Errorf("error %q is not sanitized", err)
			}
		})
	}
}

func TestTokenCommandTimesOut(t *testing.T) {
	start := time.Now()
	// The sleep is the shell's child and keeps the output pipes open after
	// the shell is killed; WaitDelay must still end the wait.
	_, err := runTokenCommand(t.Context(), "echo waiting >&2; sleep 5", 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not finish in time (ordermon waits 200ms at most)") {
		t.Errorf("err = %v", err)
	}
	if err != nil && !strings.Contains(err.Error(), "waiting") {
		t.Errorf("error %q does not include stderr", err)
	}
	// Generous bound, below the sleep: WaitDelay is one second.
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("took %v; the timeout did not stop the command", d)
	}
}

func TestTokenCommandCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := runTokenCommand(ctx, "echo eyJ.x", TokenCommandTimeout)
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("err = %v", err)
	}
}

func TestTokenCommandOutputIsCapped(t *testing.T) {
	_, err := runTokenCommand(t.Context(), "head -c 200000 /dev/zero | tr '\\0' 'a'", TokenCommandTimeout)
	if err == nil || !strings.Contains(err.Error(), "more than 64 KiB") {
		t.Errorf("err = %v", err)
	}
}

// TestTokenCommandStderrTokenRedacted: a failing command that prints a
// token on standard error only (nothing on stdout to match it against)
// does not get it into the error.
func TestTokenCommandStderrTokenRedacted(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJlLXNlY3JldA"
	for name, command := range map[string]string{
		"whole token":    "echo 'jq: error: cannot index string \"" + jwt + "\"' >&2; exit 5",
		"header payload": "echo 'expired: " + jwt[:strings.LastIndex(jwt, ".")] + "' >&2; exit 1",
		"cut short":      "echo 'partial " + jwt[:30] + "' >&2; exit 1",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := fetchOnce(t.Context(), TokenSource{Command: command})
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "eyJhbGciOiJIUzI1NiJ9") || strings.Contains(err.Error(), "c2lnbmF0dXJl") {
				t.Errorf("error %q carries the token", err)
			}
			if !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("error %q does not say something was redacted", err)
			}
		})
	}
}
