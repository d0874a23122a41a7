// Package headless runs ordermon without a screen: --once prints each
// order's state and exits, --json streams NDJSON whenever an order
// changes, and plain mode prints one line per change, for logs, pipes,
// CI and agents. Every mode reads the same engine.Engine the live screen
// uses and renders through package report.
package headless

import (
	"context"
	"fmt"
	"io"
	"ordermon/internal/engine"
	"time"
)

// Mode selects what Run prints. Modes combine with |: JSON|Once prints one
// JSON line per order and exits.
//
// Once polls as many rounds as the rate budget needs for every order to be
// answered, with data or an error of its own; it never prints an order as
// a silent null.
type Mode uint8

// The modes. Plain, the zero value, watches and prints one line per
// change. Once polls until every order is answered, prints them and exits. JSON prints NDJSON
// (report.Order) instead of text.
const (
	Plain Mode = 0
	Once  Mode = 1 << 0
	JSON  Mode = 1 << 1
)

// Exit codes, the documented list. When several apply, the first one in
// this order wins: 3 (the state is unknown, so nothing else can be
// claimed), then 5 (an ID nobody knows, see ExitNotFound), then 1 (a
// known failure matters more than an order still running), then 4, then 0.
//
//   - 0  Fine. With Options.ExitStatus: every order ended successfully (an
//     intent completed, or a Kalshi-only order executed). Without it: the
//     watch ended (every order finished, --once printed, or Ctrl+C) and
//     neither 3 nor a timeout applies; like `gh run watch`, a failed order
//     alone does not make the exit code non-zero.
//   - 1  Only with ExitStatus: an order ended without succeeding (an intent
//     failed, or was marked complete in a status that is not completed; a
//     Kalshi-only order was canceled, even after partial fills).
//   - 2  Not returned by Run; reserved for usage errors, which main reports.
//   - 3  The state is unknown: a source an order depends on could not be
//     reached or rejected the credentials, even after
//     the engine's retries. The source an order depends on is the intent
//     service for an intent and Kalshi for a Kalshi-only order (for an intent,
//     a Kalshi failure leaves the intent's own state known). With Once: an
//     order whose source has an error and no data. Watching: at the end, an
//     unfinished order whose source never succeeded or is halted (401).
//   - 4  Stopped while an order was still in progress: Timeout passed
//     (whether or not ExitStatus is set, so a script can tell "gave up"
//     from "done"), or, with ExitStatus, --once or Ctrl+C found an order
//     not finished.
//   - 130 Only with Once: ctx ended (Ctrl+C, SIGTERM) before every order
//     was answered. What was known is printed, each unanswered order with
//     the error Interrupted. The command maps it to 130 for SIGINT and 143
//     for SIGTERM; it outranks every other code.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitUnknown     = 3
	ExitInProgress  = 4
	ExitInterrupted = 130
)

// Interrupted is the error --once prints for an order it had not read
// when it was interrupted.
const Interrupted = "interrupted"

// Options configures Run.
type Options struct {
	Mode Mode
	// Interval is the time between polls while watching; zero means
	// engine.DefaultInterval.
	Interval time.Duration
	// Timeout ends a watch that has not finished by then; zero means no
	// limit. It is ignored with Once.
	Timeout time.Duration
	// ExitStatus makes the exit code say how the orders ended (see the exit
	// codes), like `gh run watch --exit-status`.
	ExitStatus bool
	// Location is the zone for printed times; nil means time.Local.
	Location *time.Location
	// Stdout receives the output proper; Stderr progress notes. Nil
	// discards.
	Stdout, Stderr io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tick returns a channel that delivers once after d, for the refresh
	// interval and the timeout; nil means time.After. Tests inject it to
	// run without sleeping.
	Tick func(d time.Duration) <-chan time.Time
}

// Run drives eng in the chosen mode until it is done, the timeout passes,
// or ctx is canceled (Ctrl+C, which ends like a timeout, with a summary),
// and returns the process exit code (see the exit codes).
func Run(ctx context.Context, eng *engine.Engine, opts Options) (exitCode int) {
	if eng == nil {
		o := opts.withDefaults()
		fmt.Fprintln(o.Stderr, "ordermon: nothing to watch")
		return ExitUnknown
	}
	return run(ctx, source{
		poll:    eng.Poll,
		count:   func() int { return len(eng.Targets()) },
		changed: eng.Changed,
		latest:  eng.Latest,
	}, opts)
}

// source is what Run needs of an engine, so tests can script rounds.
// changed and latest may be nil: the watch then only polls.
type source struct {
	poll    func(context.Context) engine.Round
	count   func() int
	changed func(seq uint64) <-chan struct{}
	latest  func() engine.Round
}

func run(ctx context.Context, src source, opts Options) int {
	o := opts.withDefaults()
	out := &checkedWriter{w: o.Stdout}
	if o.Mode&Once != 0 {
		return out.exitCode(once(ctx, src, o, out), o.Stderr)
	}
	return out.exitCode(watch(ctx, src, o, out), o.Stderr)
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = engine.DefaultInterval
	}
	if o.Timeout < 0 {
		o.Timeout = 0
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick == nil {
		o.Tick = time.After
	}
	return o
}
