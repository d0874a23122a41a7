package kalshitest

import "time"

// bucket is Kalshi's read-token bucket: it holds up to capacity tokens,
// refills at rate tokens per second of the exchange clock, and a request
// is served only if its whole cost is available. Tokens are kept in
// billionths so that refills at any rate and any clock step are exact.
type bucket struct {
	rate     int64 // tokens per second; 0 disables limiting
	capacity int64 // in billionths of a token
	level    int64 // in billionths of a token
	last     time.Time
	started  bool
}

const nano = 1_000_000_000

func newBucket(rate, burst int) bucket {
	return bucket{rate: int64(rate), capacity: int64(burst) * nano, level: int64(burst) * nano}
}

// take refills the bucket up to now and spends cost tokens, reporting
// false (and spending nothing) when fewer remain. A clock that steps back
// refills nothing.
func (b *bucket) take(now time.Time, cost int) bool {
	if b.rate <= 0 {
		return true
	}
	if !b.started {
		b.started, b.last = true, now
	}
	if elapsed := now.Sub(b.last); elapsed > 0 {
		// Cap the elapsed time at one full refill so the product cannot
		// overflow after a long idle spell.
		full := time.Duration(b.capacity/b.rate) + time.Second
		b.level = min(b.capacity, b.level+b.rate*int64(min(elapsed, full)))
		b.last = now
	}
	need := int64(cost) * nano
	if b.level < need {
		return false
	}
	b.level -= need
	return true
}
