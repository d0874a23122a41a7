package kalshi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/coder/websocket"
)

// StreamEventKind says what a StreamEvent carries.
type StreamEventKind int

// The kinds of StreamEvent.
const (
	// EventOrder carries a pushed order update in Order.
	EventOrder StreamEventKind = iota + 1
	// EventFill carries a pushed fill in Fill.
	EventFill
	// EventTicker carries a market's pushed prices in Ticker.
	EventTicker
	// EventConnected says a connection is open; its subscriptions are on
	// the way.
	EventConnected
	// EventLive says updates now flow for Markets (for every watched
	// market when Markets is nil). The private channels carry no sequence
	// numbers, so anything that changed before cannot be told from the
	// stream: read those orders over REST now.
	EventLive
	// EventDisconnected says the connection ended, with Err saying why;
	// the Stream reconnects at State.ReconnectAt.
	EventDisconnected
)

// String names the kind.
func (k StreamEventKind) String() string {
	switch k {
	case EventOrder:
		return "order"
	case EventFill:
		return "fill"
	case EventTicker:
		return "ticker"
	case EventConnected:
		return "connected"
	case EventLive:
		return "live"
	case EventDisconnected:
		return "disconnected"
	}
	return "unknown"
}

// StreamEvent is one thing the Stream delivers.
type StreamEvent struct {
	Kind StreamEventKind
	// Order is a user_order message, decoded into the Order REST reads
	// (LastUpdateReason included). It lacks the type, legacy action and
	// cancel_order_on_pause, which Kalshi does not push; see MergePush.
	Order Order
	// Fill is a fill message.
	Fill Fill
	// Ticker is a ticker message.
	Ticker Ticker
	// Markets are the markets EventLive covers; nil means every one.
	Markets []string
	// SID is the subscription a pushed message came on.
	SID int64
	// SentAt is Kalshi's sending_ts_ms for the message, the zero time when
	// it sent none.
	SentAt time.Time
	// At is the Stream clock's time when the event happened (the frame
	// was read, the connection changed).
	At time.Time
	// Err is why the connection ended (EventDisconnected).
	Err error
	// State is the Stream's state after a connection event.
	State StreamState
}

// StreamState is how the Stream is doing, for a status line such as
// "kalshi ⚡ live · 2s" or "polling every 2s · reconnecting in 8s".
type StreamState struct {
	// Connected is set while a connection is open; Live while, in
	// addition, every channel the markets call for is subscribed.
	Connected, Live bool
	// ConnectedAt is when the current (or last) connection opened.
	ConnectedAt time.Time
	// LastFrame is when anything last arrived, heartbeats included, by
	// the Stream's clock.
	LastFrame time.Time
	// LastSent is the newest sending_ts_ms of a pushed message, by
	// Kalshi's clock; zero if Kalshi sent none.
	LastSent time.Time
	// ReconnectAt is when the next attempt starts, while disconnected.
	ReconnectAt time.Time
	// Failures counts the connections in a row that failed before going
	// live.
	Failures int
	// LastError is the latest failure: the connection's, a refused
	// command's, or an unreadable message's. It is sanitized, one line.
	LastError string
	// Refused is set when the last handshake was answered with an HTTP
	// status instead of an upgrade; RefusedStatus is that status (401,
	// 403, 503...).
	Refused       bool
	RefusedStatus int
	// Channels are the channels subscribed now.
	Channels []string
	// Ignored counts messages of types the Stream does not read, and
	// Unreadable those it could not decode.
	Ignored, Unreadable int
}

// State returns the Stream's current state.
func (s *Stream) State() StreamState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	st.Channels = slices.Clone(st.Channels)
	return st
}

func (s *Stream) update(f func(*StreamState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.state)
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitState blocks until cond holds for the Stream's state, or ctx ends.
func (s *Stream) WaitState(ctx context.Context, cond func(StreamState) bool) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond(s.State()) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// heard records that something arrived at t.
func (s *Stream) heard(t time.Time) { s.update(func(st *StreamState) { st.LastFrame = t }) }

func (s *Stream) lastHeard() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.LastFrame
}

// conn is one open connection and its subscriptions.
type conn struct {
	ws       *websocket.Conn
	subs     *subs
	deliver  func(StreamEvent)
	wentLive bool
}

// session runs one connection until it fails or ctx ends. It reports
// whether the connection went live, which resets the reconnect backoff.
func (s *Stream) session(ctx context.Context, deliver func(StreamEvent)) (bool, error) {
	ws, err := s.dial(ctx)
	if err != nil {
		return false, err
	}
	ws.SetReadLimit(s.cfg.MaxFrameBytes)
	rctx, cancel := context.WithCancelCause(ctx)
	frames := make(chan []byte)
	readerDone := make(chan struct{})
	defer func() {
		cancel(nil)
		_ = ws.CloseNow()
		<-readerDone
	}()
	now := s.cfg.Now()
	s.update(func(st *StreamState) {
		st.Connected, st.ConnectedAt, st.LastFrame, st.ReconnectAt, st.Channels = true, now, now, time.Time{}, nil
	})
	deliver(StreamEvent{Kind: EventConnected, At: now, State: s.State()})
	go s.read(rctx, cancel, ws, frames, readerDone)
	c := &conn{ws: ws, subs: newSubs(), deliver: deliver}
	if err := s.sync(ctx, c); err != nil {
		return c.wentLive, err
	}
	watchdog := s.cfg.After(s.cfg.Silence)
	for {
		select {
		case b := <-frames:
			if err := s.onFrame(ctx, c, b); err != nil {
				return c.wentLive, err
			}
		case <-s.wake:
			c.subs.clearFailures()
			if err := s.sync(ctx, c); err != nil {
				return c.wentLive, err
			}
		case <-watchdog:
			quiet := s.cfg.Now().Sub(s.lastHeard())
			if quiet >= s.cfg.Silence {
				return c.wentLive, fmt.Errorf("kalshi: stream: nothing heard for %s, heartbeats included; reconnecting", quiet.Round(time.Second))
			}
			watchdog = s.cfg.After(s.cfg.Silence - quiet)
		case <-rctx.Done():
			return c.wentLive, context.Cause(rctx)
		}
	}
}

// read hands every text message to frames until the connection fails,
// then cancels the session with the reason.
func (s *Stream) read(ctx context.Context, cancel context.CancelCauseFunc, ws *websocket.Conn, frames chan<- []byte, done chan<- struct{}) {
	defer close(done)
	for {
		typ, b, err := ws.Read(ctx)
		if err != nil {
			cancel(s.readError(err))
			return
		}
		s.heard(s.cfg.Now())
		if typ != websocket.MessageText {
			continue
		}
		select {
		case frames <- b:
		case <-ctx.Done():
			return
		}
	}
}

// readError says why reading stopped, in words safe to show.
func (s *Stream) readError(err error) error {
	var ce websocket.CloseError
	switch {
	case errors.Is(err, websocket.ErrMessageTooBig):
		return fmt.Errorf("kalshi: stream: a message was larger than %d bytes; reconnecting", s.cfg.MaxFrameBytes)
	case errors.As(err, &ce):
		return fmt.Errorf("kalshi: stream: closed by the server (%d %s)", int(ce.Code), bound(ce.Reason, 80))
	}
	return fmt.Errorf("kalshi: stream: connection lost: %s", bound(err.Error(), 200))
}

// onFrame handles one message. An unreadable one is counted and skipped;
// only a failed write ends the connection.
func (s *Stream) onFrame(ctx context.Context, c *conn, b []byte) error {
	f, err := decodeFrame(b)
	at := s.cfg.Now()
	if err != nil {
		s.update(func(st *StreamState) { st.Unreadable, st.LastError = st.Unreadable+1, bound(err.Error(), 300) })
		return nil //nolint:nilerr // one unreadable message is counted and skipped; the connection is fine
	}
	ev := StreamEvent{SID: f.sid, SentAt: f.sentAt, At: at}
	switch {
	case f.order != nil:
		ev.Kind, ev.Order = EventOrder, *f.order
	case f.fill != nil:
		ev.Kind, ev.Fill = EventFill, *f.fill
	case f.ticker != nil:
		ev.Kind, ev.Ticker = EventTicker, *f.ticker
	case f.reply != nil:
		return s.onReply(ctx, c, f)
	default:
		s.update(func(st *StreamState) { st.Ignored++ })
		return nil
	}
	if !f.sentAt.IsZero() {
		s.update(func(st *StreamState) {
			if f.sentAt.After(st.LastSent) {
				st.LastSent = f.sentAt
			}
		})
	}
	c.deliver(ev)
	return nil
}

// onReply applies a control message and brings the subscriptions up to
// date; markets an account-wide channel has just started to carry are
// announced as live, for their orders to be read over REST.
func (s *Stream) onReply(ctx context.Context, c *conn, f frame) error {
	h := c.subs.handle(f)
	if h.err != "" {
		s.update(func(st *StreamState) { st.LastError = bound(h.err, 300) })
	}
	if len(h.added) > 0 && c.subs.live {
		c.deliver(StreamEvent{Kind: EventLive, Markets: h.added, At: s.cfg.Now(), State: s.State()})
	}
	return s.sync(ctx, c)
}

// sync sends the commands that bring the subscriptions to what is wanted,
// and announces the connection live when they all are.
func (s *Stream) sync(ctx context.Context, c *conn) error {
	w := s.wanted()
	for _, cmd := range c.subs.plan(w) {
		b, err := json.Marshal(cmd)
		if err != nil {
			return fmt.Errorf("kalshi: stream: %w", err)
		}
		wctx, cancel := context.WithTimeout(ctx, s.cfg.HandshakeTimeout)
		err = c.ws.Write(wctx, websocket.MessageText, b)
		cancel()
		if err != nil {
			return fmt.Errorf("kalshi: stream: sending %s: %s", cmd.Cmd, bound(err.Error(), 200))
		}
	}
	live := c.subs.isLive(w)
	becameLive := live && !c.subs.live
	c.subs.live = live
	c.wentLive = c.wentLive || live
	channels := c.subs.channels()
	s.update(func(st *StreamState) {
		st.Live, st.Channels = live, channels
		if live {
			st.Failures = 0
		}
	})
	if becameLive {
		c.deliver(StreamEvent{Kind: EventLive, At: s.cfg.Now(), State: s.State()})
	}
	return nil
}
