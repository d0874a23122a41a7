package headless

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync/atomic"

	"ordermon/internal/engine"
	"ordermon/internal/report"
	"ordermon/internal/textsafe"
)

// once polls until every order is answered (with data, or with an error
// of its own), waiting an interval between rounds for the rate budget to
// refill, then prints every order and returns the exit code. When ctx
// ends first (Ctrl+C, SIGTERM), it prints what it has at once, each order
// still unanswered marked "interrupted", and returns ExitInterrupted.
func once(ctx context.Context, src source, o Options) int {
	r := src.poll(ctx)
	for ctx.Err() == nil && !allAnswered(r.Snapshots) {
		select {
		case <-o.Tick(o.Interval):
			r = src.poll(ctx)
		case <-ctx.Done():
		}
	}
	interrupted := ctx.Err() != nil && !allAnswered(r.Snapshots)
	if interrupted {
		r.Snapshots = markInterrupted(r.Snapshots)
	}
	out := &errWriter{w: o.Stdout}
	note(o.Stderr, "", r.Note)
	now := o.Now()
	for i, s := range r.Snapshots {
		if o.Mode&JSON != 0 {
			writeJSON(out, o.Stderr, report.FromSnapshot(s))
			continue
		}
		if i > 0 {
			out.write("\n")
		}
		out.write(report.Status(s, o.Location, now) + "\n")
	}
	if interrupted {
		fmt.Fprintln(o.Stderr, "ordermon: interrupted before every order was read")
		return ExitInterrupted
	}
	return exitCode(r.Snapshots, src.count(), endOnce, o.ExitStatus)
}

// allAnswered reports whether every order has been answered by each
// source it involves.
func allAnswered(snaps []engine.Snapshot) bool {
	for _, s := range snaps {
		if !s.Answered() {
			return false
		}
	}
	return true
}

// markInterrupted gives every unanswered order the error "interrupted" on
// the source it still waits for, so no order is printed as a silent null.
func markInterrupted(snaps []engine.Snapshot) []engine.Snapshot {
	out := make([]engine.Snapshot, len(snaps))
	for i, s := range snaps {
		if !s.Answered() {
			st := s.Waiting()
			st.Used, st.Err = true, Interrupted
		}
		out[i] = s
	}
	return out
}

// watch polls every interval and prints changes until every order has
// ended, the timeout passes, ctx is canceled or stdout is closed.
func watch(ctx context.Context, src source, o Options) int {
	n := src.count()
	jsonMode := o.Mode&JSON != 0
	if !jsonMode {
		fmt.Fprintf(o.Stderr, "watching %s every %s (Ctrl+C to stop)\n", plural(n, "order", "orders"), o.Interval)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The timeout cancels a poll in flight too, so a hung source cannot
	// hold the watch past it.
	var timedOut atomic.Bool
	if o.Timeout > 0 {
		deadline := o.Tick(o.Timeout)
		go func() {
			select {
			case <-deadline:
				timedOut.Store(true)
				cancel()
			case <-ctx.Done():
			}
		}()
	}

	out := &errWriter{w: o.Stdout}
	printed := map[string][]byte{}       // JSON mode: last line per order, without observed_at
	seen := map[string]engine.Snapshot{} // plain mode: last snapshot per order, for diagnosis changes
	var snaps []engine.Snapshot
	lastNote := ""
	end := endInterrupted
loop:
	for {
		r := src.poll(ctx)
		if r.Snapshots != nil {
			snaps = r.Snapshots
		}
		note(o.Stderr, lastNote, r.Note)
		lastNote = r.Note
		if jsonMode {
			for _, s := range r.Snapshots {
				printChanged(out, o.Stderr, printed, s)
			}
		} else {
			for _, e := range r.Events {
				out.write(report.Line(e, o.Location) + "\n")
			}
			printDiagnoses(out, seen, r.Snapshots, o)
		}
		switch {
		case allEnded(snaps):
			end = endFinished
			break loop
		case allHalted(snaps):
			fmt.Fprintln(o.Stderr, "ordermon: stopped: the credentials were rejected, so nothing more can be learned; fix them and run again")
			break loop
		case out.err != nil:
			break loop // run says so, once
		case ctx.Err() != nil:
			break loop
		}
		select {
		case <-o.Tick(o.Interval):
		case <-ctx.Done():
			break loop
		}
	}
	if end != endFinished && timedOut.Load() {
		end = endTimeout
		fmt.Fprintf(o.Stderr, "timed out after %s\n", o.Timeout)
	}
	if !jsonMode {
		out.write(report.Summary(snaps, o.Location) + "\n")
	}
	return exitCode(snaps, n, end, o.ExitStatus)
}

// printDiagnoses prints a line for every warning or error that appeared,
// changed severity or cleared since each order's previous snapshot.
func printDiagnoses(out *errWriter, seen map[string]engine.Snapshot, snaps []engine.Snapshot, o Options) {
	for _, s := range snaps {
		key := s.Target.String()
		for _, l := range report.DiagnosisLines(seen[key], s, o.Location) {
			out.write(l + "\n")
		}
		seen[key] = s
	}
}

// allEnded reports whether no order can change any more. No snapshots at
// all also ends the watch: there is nothing to wait for.
func allEnded(snaps []engine.Snapshot) bool {
	for _, s := range snaps {
		if !s.Terminal() {
			return false
		}
	}
	return true
}

// allHalted reports whether every unfinished order depends on a source
// that rejected the credentials. The engine asks a halted source again only
// when told to (the live screen's r), which nothing does here, so the
// watch would otherwise wait forever for a change that cannot come.
func allHalted(snaps []engine.Snapshot) bool {
	halted := false
	for _, s := range snaps {
		if s.Terminal() {
			continue
		}
		if st, _ := neededSource(s); !st.Halted {
			return false
		}
		halted = true
	}
	return halted
}

// printChanged prints s as a JSON line when it differs, apart from when
// it was observed, from the line last printed for the same order.
func printChanged(out *errWriter, stderr io.Writer, printed map[string][]byte, s engine.Snapshot) {
	o := report.FromSnapshot(s)
	bare := o
	bare.ObservedAt = nil
	key, err := bare.MarshalLine()
	if err != nil {
		fmt.Fprintf(stderr, "ordermon: %s: cannot encode: %s\n", textsafe.Clean(o.ID), textsafe.Clean(err.Error()))
		return
	}
	if prev, ok := printed[o.ID]; ok && bytes.Equal(prev, key) {
		return
	}
	if writeJSON(out, stderr, o) {
		printed[o.ID] = key
	}
}

// writeJSON prints o as one NDJSON line and reports whether it did.
func writeJSON(out *errWriter, stderr io.Writer, o report.Order) bool {
	line, err := o.MarshalLine()
	if err != nil {
		fmt.Fprintf(stderr, "ordermon: %s: cannot encode: %s\n", textsafe.Clean(o.ID), textsafe.Clean(err.Error()))
		return false
	}
	out.write(string(line))
	return out.err == nil
}

// note prints the engine's schedule note to stderr when it changes.
func note(stderr io.Writer, prev, cur string) {
	if cur != "" && cur != prev {
		fmt.Fprintf(stderr, "note: %s\n", textsafe.Clean(cur))
	}
}

// errWriter remembers the first write error, so a closed pipe ends the
// watch instead of polling for nobody.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) write(s string) {
	if e.err != nil {
		return
	}
	_, e.err = io.WriteString(e.w, s)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
