package engine

import (
	"strconv"
	"time"

	"ordermon/internal/timefmt"
	"ordermon/kalshi"
)

// GlyphLive marks Kalshi's push as live in a status line.
const GlyphLive = "⚡"

// PushState is how Kalshi's push is doing, as Health carries it.
type PushState struct {
	// On is set when push is configured; everything else is zero
	// otherwise.
	On bool
	// Stream is the WebSocket's own state: connected, live, the last
	// frame heard, the reconnect time, a refused upgrade and its status.
	Stream kalshi.StreamState
	// LastPush is when the last pushed message arrived (by the Stream's
	// clock); LastPushSent is Kalshi's sending_ts_ms for it, zero when
	// Kalshi sent none.
	LastPush, LastPushSent time.Time
	// Reconciled is when the watched orders were last all read over REST
	// while push was live; Differences counts the orders those reads
	// found push had wrong (each is logged).
	Reconciled  time.Time
	Differences int
	// Interval is the refresh interval rounds poll at.
	Interval time.Duration
}

// Live reports whether pushed updates flow now, so order polling is down
// to reconciliation.
func (p PushState) Live() bool { return p.On && p.Stream.Live }

// Age is how old the newest thing heard from Kalshi's WebSocket is at now:
// the last frame, heartbeats included, or, when the last frame was a
// pushed message Kalshi stamped with sending_ts_ms, the time Kalshi sent
// it (so a message that was slow to arrive shows its true age). It is
// never negative.
func (p PushState) Age(now time.Time) time.Duration {
	at := p.Stream.LastFrame
	if !p.LastPushSent.IsZero() && !p.LastPush.Before(at) {
		at = p.LastPushSent
	}
	if at.IsZero() {
		return 0
	}
	return max(0, now.Sub(at))
}

// Line says in a few words how fresh Kalshi's data is, for a footer or a
// note: "kalshi ⚡ live · 2s" (the age of the last frame), or, while push is
// not live, "kalshi polling every 2s" and why: "· push refused (401)",
// "· reconnecting in 8s", "· connecting". It is "" when push is not
// configured.
func (p PushState) Line(now time.Time) string {
	switch {
	case !p.On:
		return ""
	case p.Live():
		return "kalshi " + GlyphLive + " live · " + timefmt.Duration(p.Age(now))
	}
	return "kalshi polling every " + timefmt.Duration(p.Interval) + " · " + p.why(now)
}

// why says why push is not live.
func (p PushState) why(now time.Time) string {
	st := p.Stream
	switch {
	case st.Refused && st.RefusedStatus != 0:
		return "push refused (" + strconv.Itoa(st.RefusedStatus) + ")"
	case st.Refused:
		return "push refused"
	case !st.ReconnectAt.IsZero():
		// Rounded up, so "in 0s" never shows while still waiting.
		wait := max(0, st.ReconnectAt.Sub(now)+time.Second-1)
		return "reconnecting in " + timefmt.Duration(wait.Truncate(time.Second))
	case st.Connected:
		return "subscribing"
	}
	return "connecting"
}

// pushStateLocked reads the push state for Health. e.mu must be held.
func (e *Engine) pushStateLocked() PushState {
	if e.cfg.Stream == nil || e.cfg.Kalshi == nil {
		return PushState{}
	}
	st := e.cfg.Stream.State()
	// Live only once the engine has taken the Stream's EventLive, and
	// with it the reconciliation going live asks for.
	st.Live = st.Live && e.push.live
	return PushState{
		On: true, Stream: st, LastPush: e.push.lastAt, LastPushSent: e.push.lastSent,
		Reconciled: e.push.reconciled, Differences: e.push.differences, Interval: e.cfg.Interval,
	}
}
