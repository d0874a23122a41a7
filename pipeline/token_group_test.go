//go:build linux

package pipeline

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// alive reports whether pid is a live process (a zombie is not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := bytes.Cut(b, []byte(") "))
	return len(rest) > 0 && rest[0] != 'Z'
}

// childPIDs reads the PIDs a test command wrote, one a line.
func childPIDs(t *testing.T, path string) []int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, n)
	}
	return pids
}

// waitGone waits until none of pids is alive: killed orphans are reaped
// by init, which takes a moment.
func waitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("child %d of the token command outlived it", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestTokenCommandLeavesNoChildren runs commands that start sleeping
// children (one of them a grandchild) and checks none survives a timeout,
// a cancel or a normal end.
func TestTokenCommandLeavesNoChildren(t *testing.T) {
	for _, tc := range []struct {
		name, tail string
		cancel     bool
		want       string
	}{
		{"timeout", "sleep 30", false, "did not finish in time"},
		{"cancel", "sleep 30", true, "canceled"},
		{"normal end", "echo eyJ.tok", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pids := filepath.Join(t.TempDir(), "pids")
			command := "sleep 31 & echo $! >> " + pids + "; sh -c 'sleep 32 & echo $! >> " + pids + "; wait' & " +
				"while [ $(wc -l < " + pids + ") -lt 2 ]; do :; done; " + tc.tail
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tc.cancel {
				go func() {
					// Cancel once both children are running.
					for {
						if b, _ := os.ReadFile(pids); bytes.Count(b, []byte("\n")) >= 2 {
							cancel()
							return
						}
						time.Sleep(5 * time.Millisecond)
					}
				}()
			}
			start := time.Now()
			tok, err := runTokenCommand(ctx, command, 500*time.Millisecond)
			took := time.Since(start)
			switch {
			case tc.want == "" && (err != nil || tok != "eyJ.tok"):
				t.Errorf("token %q, err %v", tok, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if took > 1500*time.Millisecond {
				t.Errorf("took %v; the children held it up", took)
			}
			waitGone(t, childPIDs(t, pids))
		})
	}
}

// TestTokenCommandRunsOncePerNeed: callers that ask while the command
// runs share its run, and a failure is handed out again at once instead
// of running the command a second time.
func TestTokenCommandRunsOncePerNeed(t *testing.T) {
	var runs atomic.Int32
	release := make(chan struct{})
	now := time.Unix(1000, 0)
	s := &sharedRun{now: func() time.Time { return now }, run: func(ctx context.Context) (string, error) {
		runs.Add(1)
		<-release
		return "", context.DeadlineExceeded
	}}
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := s.get(t.Context()); err == nil {
				t.Error("no error")
			}
		})
	}
	for s.waiting() < 1 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if _, err := s.get(t.Context()); err == nil {
		t.Error("the repeated failure is not an error")
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("ran %d times for one need, want 1", n)
	}
	now = now.Add(failureReuse)
	_, _ = s.get(t.Context())
	if n := runs.Load(); n != 2 {
		t.Errorf("ran %d times after failureReuse, want 2", n)
	}
}

// waiting reports whether a run is in flight.
func (s *sharedRun) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		return 1
	}
	return 0
}

// TestTokenCommandCancelIsImmediate: a caller's cancel ends its wait at
// once, even while the command hangs.
func TestTokenCommandCancelIsImmediate(t *testing.T) {
	fetch, stop := TokenSource{Command: "sleep 30"}.Fetcher()
	defer stop()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	start := time.Now()
	go func() { _, err := fetch(ctx); done <- err }()
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %v", d)
	}
}

// TestTokenFetcherStopKillsTheGroup: a caller that gives up on a hanging
// command returns at once, without waiting for the command to die, and
// the round that asked may be abandoned altogether (a screen that quits
// does not wait for its commands); os.Exit would then leave the command's
// children running. stop is what ordermon calls before it exits: when it
// returns, the command has been reaped (so its group was killed, the
// signal that ended it went to every member) and its child dies, and no
// later fetch runs the command again.
func TestTokenFetcherStopKillsTheGroup(t *testing.T) {
	for _, gaveUp := range []bool{true, false} {
		t.Run(map[bool]string{true: "caller gave up", false: "caller still waiting"}[gaveUp], func(t *testing.T) {
			dir := t.TempDir()
			pids, runs := filepath.Join(dir, "pids"), filepath.Join(dir, "runs")
			fetch, stop := TokenSource{Command: "echo run >> " + runs + "; sleep 31 & echo $$ $! > " + pids + ".new && mv " +
				pids + ".new " + pids + "; wait"}.Fetcher()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			done := make(chan error, 1)
			go func() { _, err := fetch(ctx); done <- err }()
			waitFile(t, pids)
			if gaveUp {
				cancel()
				if err := <-done; err == nil {
					t.Error("the canceled fetch has no error")
				}
			}
			stop()
			ps := childPIDs(t, pids)
			if err := syscall.Kill(ps[0], 0); err != syscall.ESRCH {
				t.Errorf("the command (pid %d) was not reaped when stop returned: kill 0 says %v", ps[0], err)
			}
			waitGone(t, ps[1:])
			if !gaveUp {
				if err := <-done; err == nil {
					t.Error("the fetch stop cut short has no error")
				}
			}
			if _, err := fetch(t.Context()); err == nil || !strings.Contains(err.Error(), "stopping") {
				t.Errorf("a fetch after stop: err = %v", err)
			}
			if b, _ := os.ReadFile(runs); string(b) != "run\n" {
				t.Errorf("the command ran %d times, want once", bytes.Count(b, []byte("\n")))
			}
		})
	}
}

// waitFile waits until path exists, failing after a few seconds.
func waitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
