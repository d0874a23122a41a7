package engine

import "time"

// t0 is the fixed clock every domain test starts from.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// at returns t0 plus d, for readable stage timestamps.
func at(d time.Duration) time.Time { return t0.Add(d) }

const sec = time.Second
