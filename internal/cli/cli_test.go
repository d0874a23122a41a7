package cli

// The CLI tests build the ordermon binary once and run it as a user would:
// with os/exec, a clean environment, stdout a pipe (so the headless modes
// run), against the two fakes started in this process. This file holds the
// harness; the cli_*_test.go files hold the cases.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ordermon/kalshi/kalshitest"
	"ordermon/pipeline/pipelinetest"
)

// binary is the ordermon binary TestMain built.
var binary string

// raceEnv, set to 1, builds the binary under test with the race detector.
// It is off by default: a race-built ordermon runs about four times slower
// under these tests, and the packages it is made of have their own -race
// tests.
const raceEnv = "ORDERMON_CLI_RACE"

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ordermon-cli-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "cli tests:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "ordermon")
	args := []string{"build", "-o", binary}
	if os.Getenv(raceEnv) == "1" {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "ordermon")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "cli tests: building ordermon:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runTimeout bounds every run of the binary; nothing here should come
// close.
const runTimeout = 30 * time.Second

// signingKey is one RSA key shared by every test: generating one per test
// would cost more than the tests themselves.
var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// keyPEM is signingKey in PKCS#8 PEM, as Kalshi hands it out.
func keyPEM(t *testing.T) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(signingKey())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// world is one test's fakes and the files that reach them.
type world struct {
	t   *testing.T
	dir string // the test's HOME, TMPDIR and working directory

	x   *kalshitest.Exchange
	svc *pipelinetest.Service

	keyID   string
	keyFile string
	token   string
	apiKey  string
	// configPath is the file config last wrote, or "".
	configPath string
}

// worldOptions configures newWorld.
type worldOptions struct {
	// unregistered leaves the key out of the exchange, so Kalshi answers
	// 401.
	unregistered bool
	// token and apiKey are what the intent service demands; both empty
	// means the defaults below.
	token, apiKey string
	// current serves the newer intent API shape.
	current bool
}

// newWorld starts both fakes and writes the private key (mode 0600).
func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), keyID: "cli-test-key-7c1d", token: o.token, apiKey: o.apiKey}
	if w.token == "" && w.apiKey == "" {
		w.token = testJWT("cli-test", time.Now().Add(time.Hour))
		w.apiKey = "cli-test-api-key-4f2a9b"
	}
	w.x = kalshitest.New(kalshitest.Options{})
	t.Cleanup(w.x.Close)
	if !o.unregistered {
		w.x.AddKey(w.keyID, &signingKey().PublicKey)
	}
	w.svc = pipelinetest.New(pipelinetest.Options{Token: w.token, APIKey: w.apiKey, Exchange: w.x, Current: o.current})
	t.Cleanup(w.svc.Close)
	w.keyFile = filepath.Join(w.dir, "kalshi-key.pem")
	if err := os.WriteFile(w.keyFile, keyPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// config writes a configuration file reaching both fakes, with extra TOML
// appended, and returns its path.
func (w *world) config(extra string) string {
	w.t.Helper()
	body := fmt.Sprintf(`interval = "500ms"

[kalshi]
base_url = %q
api_key_id = %q
private_key_file = "kalshi-key.pem"

[pipeline]
base_url = %q
token = %q
api_key = %q
`, w.x.BaseURL(), w.keyID, w.svc.URL, w.token, w.apiKey) + extra
	path := filepath.Join(w.dir, "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.configPath = path
	return path
}

// kalshiConfig writes a configuration file reaching Kalshi only.
func (w *world) kalshiConfig() string {
	w.t.Helper()
	body := fmt.Sprintf("interval = \"500ms\"\n\n[kalshi]\nbase_url = %q\napi_key_id = %q\nprivate_key_file = %q\n",
		w.x.BaseURL(), w.keyID, w.keyFile)
	path := filepath.Join(w.dir, "kalshi.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

// noRequests fails the test if either fake received anything.
func (w *world) noRequests() {
	w.t.Helper()
	if n := len(w.x.Requests()); n != 0 {
		w.t.Errorf("Kalshi received %d requests; want none", n)
	}
	if n := len(w.svc.Requests()); n != 0 {
		w.t.Errorf("the intent service received %d requests; want none", n)
	}
}

// cleanEnv is a minimal environment in dir: a private HOME, config
// directory and TMPDIR (where crash reports go), UTC, and nothing of the
// ORDERMON_* or KALSHI_* variables the test process may have.
func cleanEnv(dir string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg"),
		"TMPDIR=" + dir,
		"TZ=UTC",
	}
	return append(env, extra...)
}

// result is one finished run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s\n--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs the binary in w's directory with w's clean environment plus
// env, and waits for it.
func (w *world) run(env []string, args ...string) result {
	w.t.Helper()
	return runIn(w.t, w.dir, env, args...)
}

// runIn runs the binary in dir with a clean environment plus env.
func runIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	p := startIn(t, dir, env, args...)
	return p.wait()
}

// proc is a running binary whose stdout is read line by line as it comes.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	ctx    context.Context
	cancel context.CancelFunc
	lines  chan string // stdout, one line at a time; closed at EOF
	stdout strings.Builder
	stderr bytes.Buffer
	done   chan struct{} // closed when stdout is drained
}

// start starts the binary in w's directory.
func (w *world) start(env []string, args ...string) *proc {
	w.t.Helper()
	return startIn(w.t, w.dir, env, args...)
}

func startIn(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv(dir, env...)
	cmd.WaitDelay = 5 * time.Second
	p := &proc{t: t, cmd: cmd, ctx: ctx, cancel: cancel, lines: make(chan string, 1024), done: make(chan struct{})}
	cmd.Stderr = &p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go p.read(out)
	t.Cleanup(func() {
		cancel()
		<-p.done
		_ = cmd.Wait()
	})
	return p
}

func (p *proc) read(out io.Reader) {
	defer close(p.done)
	defer close(p.lines)
	r := bufio.NewReader(out)
	for {
		line, err := r.ReadString('\n')
		p.stdout.WriteString(line)
		if line != "" {
			p.lines <- strings.TrimSuffix(line, "\n")
		}
		if err != nil {
			return
		}
	}
}

// next returns the next line of stdout, failing the test if the binary
// ends or the run times out first.
func (p *proc) next() string {
	p.t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			<-p.done
			_ = p.cmd.Wait()
			p.t.Fatalf("the binary ended before printing another line\n--- stdout:\n%s\n--- stderr:\n%s", p.stdout.String(), p.stderr.String())
		}
		return line
	case <-time.After(runTimeout):
		p.t.Fatalf("no line of output within %s\n--- stderr:\n%s", runTimeout, p.stderr.String())
	}
	return ""
}

// wait waits for the binary to exit and returns what it did. Lines not
// taken with next are still in the result's stdout.
func (p *proc) wait() result {
	p.t.Helper()
	go func() {
		for range p.lines {
		}
	}()
	<-p.done
	err := p.cmd.Wait()
	timedOut := p.ctx.Err() != nil
	p.cancel()
	r := result{code: p.cmd.ProcessState.ExitCode(), stdout: p.stdout.String(), stderr: p.stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case timedOut, r.code == -1:
		p.t.Fatalf("the binary did not finish within %s (%v)\n%s", runTimeout, err, r)
	case err != nil && !errors.As(err, &exitErr):
		p.t.Fatalf("running the binary: %v\n%s", err, r)
	}
	if strings.Contains(r.stderr, "DATA RACE") {
		p.t.Errorf("the race detector fired in the binary\n%s", r.stderr)
	}
	return r
}
