package headless

import "ordermon/internal/engine"

// ending says why a run stopped, which decides whether orders still in
// progress count against the exit code.
type ending int

const (
	endFinished    ending = iota // every order reached an end
	endOnce                      // --once printed its one round
	endTimeout                   // Options.Timeout passed
	endInterrupted               // ctx canceled (Ctrl+C) or output closed
)

// ExitNotFound is the exit code when an order's ID is known to no system
// asked (each answered 404): with Once always, and watching with
// ExitStatus. It comes after ExitUnknown and before ExitFailed: the
// precedence is 3, then 5, then 1, then 4, then 0.
const ExitNotFound = 5

// exitCode applies the documented exit codes to the last snapshots. want
// is the number of watched orders; a missing snapshot is an unknown state.
func exitCode(snaps []engine.Snapshot, want int, end ending, exitStatus bool) int {
	unknown := len(snaps) < want
	failed, open, notFound := false, false, false
	for _, s := range snaps {
		if stateUnknown(s, end == endOnce) {
			unknown = true
		}
		switch s.Outcome() {
		case engine.OutcomeSuccess:
		case engine.OutcomeNotFound:
			notFound = true
		case engine.OutcomeFailure:
			failed = true
		default:
			if s.Terminal() {
				failed = true // marked complete in a status that is not completed
			} else {
				open = true
			}
		}
	}
	switch {
	case unknown:
		return ExitUnknown
	case notFound && (exitStatus || end == endOnce):
		return ExitNotFound
	case !exitStatus:
		if end == endTimeout && open {
			return ExitInProgress
		}
		return ExitOK
	case failed:
		return ExitFailed
	case open:
		return ExitInProgress
	}
	return ExitOK
}

// stateUnknown reports whether the source that decides s's outcome failed
// it: after one round, it has an error and gave no data; after a watch,
// the order is unfinished and the source never succeeded or is halted.
func stateUnknown(s engine.Snapshot, once bool) bool {
	st, have := neededSource(s)
	if s.NotFound() {
		return false // a 404 is an answer: see ExitNotFound
	}
	if once {
		return !have && (st.Err != "" || st.Halted)
	}
	return !s.Terminal() && (st.LastSuccess.IsZero() || st.Halted)
}

// neededSource returns the status of the source that decides s's outcome
// and whether that source's data is in s: the intent service for an
// intent, Kalshi for a Kalshi-only order. For an ID not yet resolved, it is
// the intent service when that is in use (it is asked first), else Kalshi.
func neededSource(s engine.Snapshot) (engine.SourceStatus, bool) {
	switch {
	case s.Intent != nil:
		return s.Sources.Intent, true
	case s.KalshiOnly():
		return s.Sources.Kalshi, s.Order != nil
	case s.Target.Kind == engine.KindIntent, s.Sources.Intent.Used:
		return s.Sources.Intent, false
	}
	return s.Sources.Kalshi, false
}
