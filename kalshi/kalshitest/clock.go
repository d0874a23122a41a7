package kalshitest

import (
	"time"

	"ordermon/internal/fakeserver"
)

// Clock is the hand-set clock both fakes, the clients and the engine share
// in tests and the demo, so that request signatures, stage ages and
// backoffs agree without anyone sleeping (see fakeserver.Clock).
type Clock = fakeserver.Clock

// NewClock returns a clock that reads t until it is moved.
func NewClock(t time.Time) *Clock { return fakeserver.NewClock(t) }
