package kalshitest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"ordermon/internal/fakeserver"
)

// WSPath is where the exchange serves its WebSocket, as Kalshi does.
const WSPath = "/trade-api/ws/v2"

// Heartbeat is how often the exchange pings each connection, by its clock,
// as Kalshi does.
const Heartbeat = 10 * time.Second

// wsQueue bounds the messages waiting to be written to one connection; a
// client that falls further behind is cut off, as Kalshi ends a
// subscription whose buffer overflows.
const wsQueue = 4096

// wsHub is the exchange's WebSocket side. Everything in it is guarded by
// x.mu, so a state change and the messages it pushes happen under one lock
// and in one order.
type wsHub struct {
	conns    map[*wsConn]bool
	nextSID  int64
	refuse   int  // the status upgrades are refused with; 0 accepts
	silent   bool // no heartbeats
	noSentTS bool // no sending_ts_ms
	muted    int  // state changes push nothing while > 0
	accepted int
	pongs    int
	commands int
	sig      fakeserver.Signal // wakes WaitWS after every change
}

// wsConn is one client connection.
type wsConn struct {
	c    *websocket.Conn
	out  chan []byte
	subs map[int64]*wsSub
	done chan struct{}
	once sync.Once
}

// wsSub is one subscription: a channel and its market filter.
type wsSub struct {
	channel string
	all     bool
	markets map[string]bool
	seq     int64
}

func (c *wsConn) close() {
	c.once.Do(func() {
		close(c.done)
		_ = c.c.CloseNow()
	})
}

// WSURL returns the exchange's WebSocket URL, e.g.
// ws://127.0.0.1:41234/trade-api/ws/v2.
func (x *Exchange) WSURL() string { return "ws" + strings.TrimPrefix(x.URL, "http") + WSPath }

// serveWS upgrades a request to /trade-api/ws/v2 after checking its
// signature as strictly as a REST request's, then serves the connection
// until it ends. The handshake is recorded as a request that cost nothing
// (Kalshi charges no read tokens for it), with status 101 when upgraded.
func (x *Exchange) serveWS(w http.ResponseWriter, r *http.Request) {
	now := x.now()
	rec := Request{At: now, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, KeyID: r.Header.Get(HeaderKey)}
	if err := x.authenticate(r, now); err != nil {
		rec.Status = writeReply(w, unauthorized(err.Error()), 0)
		x.rec.Record(rec)
		return
	}
	x.mu.Lock()
	refuse := x.ws.refuse
	x.mu.Unlock()
	if refuse != 0 {
		rec.Status = writeReply(w, statusReply(refuse), 0)
		x.rec.Record(rec)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		rec.Status = http.StatusBadRequest
		x.rec.Record(rec)
		return
	}
	rec.Status = http.StatusSwitchingProtocols
	x.rec.Record(rec)
	conn := &wsConn{c: c, out: make(chan []byte, wsQueue), subs: map[int64]*wsSub{}, done: make(chan struct{})}
	x.mu.Lock()
	if x.ws.conns == nil {
		x.ws.conns = map[*wsConn]bool{}
	}
	x.ws.conns[conn] = true
	x.ws.accepted++
	x.ws.sig.Broadcast()
	x.mu.Unlock()
	x.runWS(conn)
}

// runWS serves one connection: a writer, a heartbeat, and the command
// reader on this goroutine, until any of them fails or the exchange
// closes.
func (x *Exchange) runWS(conn *wsConn) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); x.writeWS(ctx, conn) }()
	go func() { defer wg.Done(); x.heartbeatWS(ctx, conn) }()
	go func() {
		select {
		case <-x.done:
		case <-conn.done:
		}
		cancel()
		conn.close()
	}()
	for {
		_, b, err := conn.c.Read(ctx)
		if err != nil {
			break
		}
		x.command(conn, b)
	}
	conn.close()
	wg.Wait()
	x.mu.Lock()
	delete(x.ws.conns, conn)
	x.ws.sig.Broadcast()
	x.mu.Unlock()
}

// writeWS writes queued messages in order.
func (x *Exchange) writeWS(ctx context.Context, conn *wsConn) {
	for {
		select {
		case b := <-conn.out:
			if conn.c.Write(ctx, websocket.MessageText, b) != nil {
				conn.close()
				return
			}
		case <-conn.done:
			return
		}
	}
}

// heartbeatWS pings every Heartbeat by the exchange's clock (Options.After)
// unless heartbeats are off, and counts the pongs that come back.
func (x *Exchange) heartbeatWS(ctx context.Context, conn *wsConn) {
	tick := x.after(Heartbeat)
	for {
		select {
		case <-tick:
		case <-conn.done:
			return
		}
		// The next beat is set before this one is sent, so a test that has
		// seen the pong may move the clock at once.
		tick = x.after(Heartbeat)
		x.mu.Lock()
		silent := x.ws.silent
		x.mu.Unlock()
		if silent {
			continue
		}
		if conn.c.Ping(ctx) != nil {
			continue
		}
		x.mu.Lock()
		x.ws.pongs++
		x.ws.sig.Broadcast()
		x.mu.Unlock()
	}
}

// after waits on the exchange's clock.
func (x *Exchange) after(d time.Duration) <-chan time.Time {
	if x.opts.After != nil {
		return x.opts.After(d)
	}
	return time.After(d)
}

// sendLocked queues a message for conn; a client too far behind is cut
// off. x.mu must be held.
func (x *Exchange) sendLocked(conn *wsConn, b []byte) {
	select {
	case conn.out <- b:
	default:
		conn.close()
	}
}

// RefuseUpgrades makes every WebSocket handshake get status (401, 403,
// 503...) instead of an upgrade, after its signature checks out; 0 accepts
// again. Open connections are not touched.
func (x *Exchange) RefuseUpgrades(status int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ws.refuse = status
}

// SetHeartbeats turns the exchange's pings on (the default) or off, for a
// connection that goes silent without closing.
func (x *Exchange) SetHeartbeats(on bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ws.silent = !on
}

// SetSendingTimestamps turns sending_ts_ms on pushed messages on (the
// default) or off. Kalshi's AsyncAPI document does not list the field.
func (x *Exchange) SetSendingTimestamps(on bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ws.noSentTS = !on
}

// DropConnections cuts every WebSocket connection at once, without a close
// message, as a network failure would.
func (x *Exchange) DropConnections() {
	x.mu.Lock()
	conns := make([]*wsConn, 0, len(x.ws.conns))
	for c := range x.ws.conns {
		conns = append(conns, c)
	}
	x.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Quietly runs f with pushes off: the state changes it makes reach REST
// reads but no WebSocket, as when Kalshi's push is lost. Reconciliation is
// tested with it.
func (x *Exchange) Quietly(f func()) {
	x.mu.Lock()
	x.ws.muted++
	x.mu.Unlock()
	defer func() {
		x.mu.Lock()
		x.ws.muted--
		x.mu.Unlock()
	}()
	f()
}

// WSSubscription is one subscription a client holds.
type WSSubscription struct {
	SID     int64
	Channel string
	// All is set when the subscription carries every market; else
	// Markets lists its filter, sorted.
	All     bool
	Markets []string
}

// WSStats is the WebSocket side's state.
type WSStats struct {
	// Open counts the connections open now, Accepted every upgrade so far.
	Open, Accepted int
	// Pongs counts the answers to the exchange's pings.
	Pongs int
	// Commands counts the commands received.
	Commands int
	// Subscriptions lists every open subscription, by SID.
	Subscriptions []WSSubscription
}

// WSStats returns the WebSocket side's state.
func (x *Exchange) WSStats() WSStats {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.wsStatsLocked()
}

func (x *Exchange) wsStatsLocked() WSStats {
	st := WSStats{Open: len(x.ws.conns), Accepted: x.ws.accepted, Pongs: x.ws.pongs, Commands: x.ws.commands}
	for c := range x.ws.conns {
		for sid, s := range c.subs {
			ms := make([]string, 0, len(s.markets))
			for m := range s.markets {
				ms = append(ms, m)
			}
			slices.Sort(ms)
			st.Subscriptions = append(st.Subscriptions, WSSubscription{SID: sid, Channel: s.channel, All: s.all, Markets: ms})
		}
	}
	slices.SortFunc(st.Subscriptions, func(a, b WSSubscription) int { return int(a.SID - b.SID) })
	return st
}

// WaitWS blocks until cond holds for the WebSocket side's state, or ctx
// ends.
func (x *Exchange) WaitWS(ctx context.Context, cond func(WSStats) bool) error {
	return x.ws.sig.Wait(ctx, &x.mu, func() bool { return cond(x.wsStatsLocked()) })
}
