package headless

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"

	"ordermon/internal/engine"
	"ordermon/pipeline"
)

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// TestLostOutputIsAnError: --once and watches whose output cannot be
// written end with ExitOutput and one line on stderr, whatever the
// orders' state; a reader that quit is a quiet exit.
func TestLostOutputIsAnError(t *testing.T) {
	done := intentSnap("1", pipeline.StatusCompleted, t0)
	open := intentSnap("2", pipeline.StatusPlaced, t0)
	full := fmt.Errorf("write /dev/stdout: %w", syscall.ENOSPC)
	pipe := fmt.Errorf("write |1: %w", syscall.EPIPE)
	for _, tc := range []struct {
		name   string
		mode   Mode
		err    error
		code   int
		stderr string
	}{
		{"once, disk full", Once, full, ExitOutput, "ordermon: cannot write output: write /dev/stdout: no space left on device\n"},
		{"once JSON, disk full", Once | JSON, full, ExitOutput, "ordermon: cannot write output: write /dev/stdout: no space left on device\n"},
		{"watch, disk full", Plain, full, ExitOutput, "ordermon: cannot write output: write /dev/stdout: no space left on device\n"},
		{"watch JSON, reader quit", JSON, pipe, ExitBrokenPipe, ""},
		{"once, reader quit", Once, pipe, ExitBrokenPipe, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			r := round(1, done, open)
			r.Events = []engine.Event{{Target: open.Target, At: t0, Kind: engine.EventStageReached, To: "placed", Message: "stage placed reached"}}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &script{t: t, rounds: []engine.Round{r}, cancel: cancel}
			code := run(ctx, s.source(), Options{
				Mode: tc.mode, Stdout: failingWriter{tc.err}, Stderr: &stderr, Tick: newTicker().tick, ExitStatus: true,
			})
			if s.polls != 1 {
				t.Errorf("polled %d times, want 1: lost output ends the run at once", s.polls)
			}
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			got := stderr.String()
			if tc.mode&(Once|JSON) == 0 {
				got = strings.Join(strings.SplitAfter(got, "\n")[1:], "") // after "watching 2 orders"
			}
			if got != tc.stderr {
				t.Errorf("stderr = %q, want %q", got, tc.stderr)
			}
		})
	}
}

func TestCheckedWriterShortWrite(t *testing.T) {
	c := &checkedWriter{w: shortWriter{}}
	if _, err := c.Write([]byte("abc")); !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("err = %v", err)
	}
	if c.exitCode(0, &strings.Builder{}) != ExitOutput {
		t.Error("a short write is not lost output")
	}
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) - 1, nil }
