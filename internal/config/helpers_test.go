package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// result is what one Load produced.
type result struct {
	file   File
	src    Source
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

// keyFile returns a private key file with mode 0600. Nothing here reads
// it, so its contents need not be a key.
func keyFile(t *testing.T) string {
	t.Helper()
	return writeFile(t, "kalshi.pem", "-----BEGIN PRIVATE KEY-----\n", 0o600)
}

// runLoad loads the configuration with env as the whole environment and
// no file named on the command line.
func runLoad(t *testing.T, env map[string]string) result {
	t.Helper()
	var stderr bytes.Buffer
	f, src, err := Load("", func(k string) string { return env[k] }, &stderr)
	return result{f, src, err, stderr.String()}
}

// withKalshi returns variables that configure Kalshi.
func withKalshi(t *testing.T) map[string]string {
	return map[string]string{"KALSHI_API_KEY_ID": "key-id-1", "KALSHI_PRIVATE_KEY_FILE": keyFile(t)}
}
