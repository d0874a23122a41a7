package cli

// The command under hostile conditions (issue 13): special files, lost
// output, signals, a token command that hangs, bad IDs. Every case must
// end within 2 s with a clear message and its documented exit code, under
// 100 MB, leaving no process behind.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ordermon/kalshi/kalshitest"
)

// hostileRun is one finished run with what it cost.
type hostileRun struct {
	result
	took   time.Duration
	maxRSS int64 // bytes
}

// runHostile runs name with args (the binary itself, or bash for a
// redirection) in w's directory and checks it ended within 2 s and under
// 100 MB.
func runHostile(t *testing.T, w *world, name string, args ...string) hostileRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = w.dir, cleanEnv(w.dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := hostileRun{result: result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}, took: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10
	}
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatalf("running %s: %v", name, err)
	}
	if r.took > 2*time.Second {
		t.Errorf("took %v, want under 2 s\n%s", r.took, r.result)
	}
	if r.maxRSS > 100<<20 {
		t.Errorf("used %d MB, want under 100 MB", r.maxRSS>>20)
	}
	return r
}

// specialFiles makes a FIFO nobody writes, a socket and a directory in dir.
func specialFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs:", err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip("no Unix sockets:", err)
	}
	t.Cleanup(func() { l.Close() })
	sub := filepath.Join(dir, "subdir")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"a named pipe (FIFO)": fifo, "a socket": sock, "a directory": sub, "a device": "/dev/zero"}
}

// TestSpecialFilesAreRefused names a FIFO nobody writes or reads, a socket,
// a directory and /dev/zero as each file ordermon opens: it must not hang
// or read forever, but say which file is wrong and exit 2.
func TestSpecialFilesAreRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putFinishedOrder("ord-1", kalshitest.StatusExecuted)
	for kind, path := range specialFiles(t, w.dir) {
		for _, tc := range []struct {
			name string
			args func() []string
		}{
			{"--config", func() []string { return []string{"--config", path} }},
			{"--log", func() []string { return []string{"--config", w.kalshiConfig(), "--log", path} }},
			{"private key", func() []string {
				return []string{"--config", w.config("") + "x"} // replaced below
			}},
			{"token file", func() []string { return nil }},
		} {
			args := tc.args()
			switch tc.name {
			case "private key":
				args = []string{"--config", writeConfig(t, w, strings.Replace(configBody(w), `private_key_file = "kalshi-key.pem"`, "private_key_file = '"+path+"'", 1))}
			case "token file":
				body := strings.Replace(configBody(w), "token = ", "token_file = '"+path+"'\n# token = ", 1)
				args = []string{"--config", writeConfig(t, w, body)}
			}
			r := runHostile(t, w, binary, append(args, "--once", "kalshi:ord-1")...)
			if r.code != 2 || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, "not a regular file ("+kind+")") {
				t.Errorf("%s as %s: want exit 2 naming it as %s, got:\n%s", tc.name, path, kind, r.result)
			}
		}
	}
	w.noRequests()
}

// configBody is the text w.config writes.
func configBody(w *world) string {
	w.t.Helper()
	b, err := os.ReadFile(w.config(""))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// writeConfig writes body as another configuration file in w's directory.
func writeConfig(t *testing.T, w *world, body string) string {
	t.Helper()
	f, err := os.CreateTemp(w.dir, "config-*.toml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(body); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func TestUnusableFilesAreRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	cfg := w.kalshiConfig()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"config from standard input", []string{"--config", "-"}, "reading the configuration from standard input is not supported"},
		{"log under a regular file", []string{"--config", cfg, "--log", filepath.Join(cfg, "log")}, "not a directory"},
		{"log in a missing directory", []string{"--config", cfg, "--log", filepath.Join(w.dir, "no", "log")}, "no such file or directory"},
		{"log on /dev/stdin", []string{"--config", cfg, "--log", "/dev/stdin"}, "not a regular file"},
		{"config under a regular file", []string{"--config", filepath.Join(cfg, "x.toml")}, "not a directory"},
	} {
		r := runHostile(t, w, binary, append(tc.args, "--once", "kalshi:ord-1")...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: want exit 2 saying %q, got:\n%s", tc.name, tc.want, r.result)
		}
	}
	if os.Getuid() != 0 {
		locked := filepath.Join(w.dir, "locked")
		if err := os.Mkdir(locked, 0o000); err != nil {
			t.Fatal(err)
		}
		r := runHostile(t, w, binary, "--config", filepath.Join(locked, "config.toml"), "--once", "kalshi:ord-1")
		if r.code != 2 || !strings.Contains(r.stderr, "permission denied") {
			t.Errorf("config in a directory without permission: got\n%s", r.result)
		}
	}
	w.noRequests()
}

// TestLostOutputExitsSix: --once and watches whose standard output is a
// full disk or closed exit 6 with one line on stderr, at once.
func TestLostOutputExitsSix(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-1")
	cfg := w.kalshiConfig()
	for _, tc := range []struct{ name, redirect, mode string }{
		{"--once --json to a full disk", ">/dev/full", "--once --json"},
		{"--once to a full disk", ">/dev/full", "--once"},
		{"a JSON watch to a full disk", ">/dev/full", "--json"},
		{"--once --json with stdout closed", ">&-", "--once --json"},
		{"a plain watch with stdout closed", ">&-", ""},
		{"--version to a full disk", ">/dev/full", "--version"},
		{"--help with stdout closed", ">&-", "--help"},
	} {
		args := append([]string{"-c", `exec "$0" "$@" ` + tc.redirect, binary, "--config", cfg}, strings.Fields(tc.mode)...)
		r := runHostile(t, w, "bash", append(args, "kalshi:ord-1")...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 6 || len(lines) != 1 || !strings.Contains(lines[0], "output") {
			t.Errorf("%s: want exit 6 and one line on stderr, got:\n%s", tc.name, r.result)
		}
	}
}

// TestReaderQuittingIsQuiet: a watch piped to `head -1` ends by SIGPIPE
// when it next writes, saying nothing.
func TestReaderQuittingIsQuiet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	w.putMarket("Bitcoin")
	w.putRestingOrder("ord-1")
	r := runHostile(t, w, "bash", "-c", `"$0" "$@" | head -c 1 >/dev/null; echo "status ${PIPESTATUS[0]}" >&2`,
		binary, "--config", w.kalshiConfig(), "--timeout", "1s", "kalshi:ord-1")
	if !strings.Contains(r.stderr, "status 141") || strings.Contains(r.stderr, "cannot write") {
		t.Errorf("want a quiet end by SIGPIPE, got:\n%s", r.result)
	}
}

// TestSignalsDuringOnce: Ctrl+C, SIGTERM or SIGHUP while --once waits on
// a server that does not answer ends it at once, with 128 + the signal.
func TestSignalsDuringOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, worldOptions{})
			hung := hungServer(t)
			cfg := writeConfig(t, w, fmt.Sprintf("[kalshi]\nbase_url = %q\napi_key_id = %q\nprivate_key_file = %q\n",
				"http://"+hung.Addr().String()+"/trade-api/v2", w.keyID, w.keyFile))
			p := w.start(nil, "--config", cfg, "--once", "--json", "kalshi:ord-1")
			// The request is in flight once the server has its connection.
			conn, err := hung.Accept()
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if err := p.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			r := p.wait()
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v after the signal", took)
			}
			if r.code != tc.code {
				t.Errorf("want exit %d, got:\n%s", tc.code, r)
			}
		})
	}
}

// hungServer listens on loopback and never answers: a request to it hangs
// until the client gives up.
func hungServer(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// waitFor waits until cond holds, failing after runTimeout.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(runTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTokenCommandChildrenDieWithCtrlC: a token command that hangs with a
// child of its own is killed, child and all, by Ctrl+C at once.
func TestTokenCommandChildrenDieWithCtrlC(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	pids := filepath.Join(w.dir, "pids")
	body := strings.Replace(configBody(w), "token = ", "token_command = 'sleep 31 & echo $! > "+pids+"; sleep 30'\n# token = ", 1)
	p := w.start(nil, "--config", writeConfig(t, w, body), "--once", "intent:1")
	var pid int
	waitFor(t, func() bool {
		b, _ := os.ReadFile(pids)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		return pid > 0
	})
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r := p.wait()
	if took := time.Since(start); took > 2*time.Second || r.code != 130 {
		t.Errorf("took %v; want exit 130 at once, got:\n%s", took, r)
	}
	waitFor(t, func() bool { return syscall.Kill(pid, 0) != nil || zombie(pid) })
}

// zombie reports whether pid has exited and waits to be reaped.
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	_, rest, _ := bytes.Cut(b, []byte(") "))
	return err == nil && len(rest) > 0 && rest[0] == 'Z'
}

// TestIDsAsREADMESays: "." and ".." are refused with exit 2 before
// anything is sent; 100 é (100 characters) is an ID like any other, and
// 129 characters is not.
func TestIDsAsREADMESays(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	cfg := w.config("")
	for _, id := range []string{"kalshi:.", "intent:.", "kalshi:..", ".", "kalshi:" + strings.Repeat("é", 129), "intent:a/../b"} {
		r := runHostile(t, w, binary, "--config", cfg, "--once", id)
		if r.code != 2 || !strings.Contains(r.stderr, "invalid order ID") {
			t.Errorf("%s: want exit 2, got:\n%s", id, r.result)
		}
	}
	w.noRequests()

	long := strings.Repeat("é", 100)
	r := runHostile(t, w, binary, "--config", cfg, "--once", "kalshi:"+long)
	if r.code == 2 {
		t.Errorf("100 é refused:\n%s", r.result)
	}
	sent := false
	for _, req := range w.x.Requests() {
		sent = sent || strings.Contains(req.Path, long)
	}
	if !sent {
		t.Errorf("no request for the 100-é order reached Kalshi")
	}
}
