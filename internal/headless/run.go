package headless

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"ordermon/internal/engine"
	"ordermon/internal/report"
	"ordermon/internal/textsafe"
)

// once polls until every order is answered (with data, or with an error
// of its own), waiting an interval between rounds for the rate budget to
// refill, then prints every order and returns the exit code. When ctx
// ends first (Ctrl+C, SIGTERM), it prints what it has at once, each order
// still unanswered marked "interrupted", and returns ExitInterrupted.
func once(ctx context.Context, src source, o Options, out *checkedWriter) int {
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
// ended, the timeout passes, ctx is canceled or stdout is closed. Between
// rounds, a change the engine commits on its own (a pushed update) is
// printed at once: the watch waits on the engine's Changed as well as on
// the interval.
func watch(ctx context.Context, src source, o Options, out *checkedWriter) int {
	n := src.count()
	ctx, cancel, timedOut := withTimeout(ctx, o)
	defer cancel()
	w := &watcher{o: o, src: src, out: out, printed: map[string][]byte{}, seen: map[string]engine.Snapshot{}}
	end := endInterrupted
	r := src.poll(ctx)
	if o.Mode&JSON == 0 {
		w.announce(n, r)
	}
	var tick <-chan time.Time
	for {
		if stop, why := w.show(r); stop {
			end = why
			break
		}
		if ctx.Err() != nil {
			break
		}
		var ok bool
		if r, tick, ok = w.next(ctx, tick); !ok {
			break
		}
	}
	if end != endFinished && timedOut.Load() {
		end = endTimeout
		fmt.Fprintf(o.Stderr, "timed out after %s\n", o.Timeout)
	}
	if o.Mode&JSON == 0 {
		w.out.write(report.Summary(w.snaps, o.Location) + "\n")
	}
	return exitCode(w.snaps, n, end, o.ExitStatus)
}

// withTimeout bounds ctx by the watch's timeout, which cancels a poll in
// flight too, so a hung source cannot hold the watch past it; timedOut
// says the timeout was what ended it.
func withTimeout(ctx context.Context, o Options) (context.Context, context.CancelFunc, *atomic.Bool) {
	ctx, cancel := context.WithCancel(ctx)
	timedOut := new(atomic.Bool)
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
	return ctx, cancel, timedOut
}

// watcher is one watch's output state.
type watcher struct {
	o       Options
	src     source
	out     *checkedWriter
	printed map[string][]byte          // JSON mode: last line per order, without observed_at
	seen    map[string]engine.Snapshot // plain mode: last snapshot per order, for diagnosis changes
	snaps   []engine.Snapshot
	seq     uint64 // the newest commit shown
	note    string // the last schedule note printed
	push    string // the last push mode noted
}

// announce says on stderr what the watch covers.
func (w *watcher) announce(n int, r engine.Round) {
	if r.Health.All {
		fmt.Fprintf(w.o.Stderr, "watching every resting order on the Kalshi account (%s now) every %s (Ctrl+C to stop)\n",
			report.Plural(len(r.Snapshots), "order", "orders"), w.o.Interval)
		return
	}
	fmt.Fprintf(w.o.Stderr, "watching %s every %s (Ctrl+C to stop)\n", report.Plural(n, "order", "orders"), w.o.Interval)
}

// next waits for the interval (then polls) or for a commit of the
// engine's own (then takes its state), and reports false when the watch
// must stop. tick is the interval's timer, armed after each round (nil
// until then) and kept across commits, so a busy push never delays a
// round.
func (w *watcher) next(ctx context.Context, tick <-chan time.Time) (engine.Round, <-chan time.Time, bool) {
	if tick == nil {
		tick = w.o.Tick(w.o.Interval)
	}
	var changed <-chan struct{}
	if w.src.changed != nil {
		changed = w.src.changed(w.seq)
	}
	select {
	case <-tick:
		return w.src.poll(ctx), nil, true
	case <-changed:
		return w.src.latest(), tick, true
	case <-ctx.Done():
		return engine.Round{}, tick, false
	}
}

// show prints what r changed and reports whether the watch is over, and
// why.
func (w *watcher) show(r engine.Round) (bool, ending) {
	if r.Snapshots != nil {
		w.snaps = r.Snapshots
	}
	w.seq = max(w.seq, r.Seq)
	note(w.o.Stderr, w.note, r.Note)
	w.note = r.Note
	w.notePush(r.Health.Push)
	if w.o.Mode&JSON != 0 {
		for _, s := range r.Snapshots {
			printChanged(w.out, w.o.Stderr, w.printed, s)
		}
	} else {
		for _, e := range r.Events {
			w.out.write(report.Line(e, w.o.Location) + "\n")
		}
		printDiagnoses(w.out, w.seen, r.Snapshots, w.o)
	}
	switch {
	case !r.Health.All && allEnded(w.snaps):
		return true, endFinished
	case allHalted(w.snaps):
		fmt.Fprintln(w.o.Stderr, "ordermon: stopped: the credentials were rejected, so nothing more can be learned; fix them and run again")
		return true, endInterrupted
	case w.out.err != nil:
		return true, endInterrupted // run says so, once
	}
	return false, endInterrupted
}

// notePush says on stderr when Kalshi's push falls back to polling and
// why, and when it is live again after that.
func (w *watcher) notePush(p engine.PushState) {
	mode := ""
	switch {
	case !p.On:
	case p.Live():
		mode = "live"
	case p.Stream.Refused:
		mode = "refused"
	case !p.Stream.ReconnectAt.IsZero():
		mode = "down"
	}
	if mode != "" && mode != w.push && (mode != "live" || w.push != "") {
		fmt.Fprintf(w.o.Stderr, "note: %s\n", textsafe.Clean(p.Line(w.o.Now())))
	}
	if mode != "" {
		w.push = mode
	}
}

// printDiagnoses prints a line for every warning or error that appeared,
// changed severity or cleared since each order's previous snapshot.
func printDiagnoses(out *checkedWriter, seen map[string]engine.Snapshot, snaps []engine.Snapshot, o Options) {
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
func printChanged(out *checkedWriter, stderr io.Writer, printed map[string][]byte, s engine.Snapshot) {
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
func writeJSON(out *checkedWriter, stderr io.Writer, o report.Order) bool {
	line, err := o.MarshalLine()
	if err != nil {
		fmt.Fprintf(stderr, "ordermon: %s: cannot encode: %s\n", textsafe.Clean(o.ID), textsafe.Clean(err.Error()))
		return false
	}
	_, err = out.Write(line)
	return err == nil
}

// note prints the engine's schedule note to stderr when it changes.
func note(stderr io.Writer, prev, cur string) {
	if cur != "" && cur != prev {
		fmt.Fprintf(stderr, "note: %s\n", textsafe.Clean(cur))
	}
}
