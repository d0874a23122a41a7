package kalshi

import (
	"slices"
)

// The channels a Stream subscribes to.
const (
	// ChannelUserOrders pushes every change to the account's orders.
	ChannelUserOrders = "user_orders"
	// ChannelFill pushes every fill of the account's orders.
	ChannelFill = "fill"
	// ChannelTicker pushes a market's prices whenever they change.
	ChannelTicker = "ticker"
)

// streamChannels are the channels a Stream keeps, in the order it
// subscribes to them.
var streamChannels = [...]string{ChannelUserOrders, ChannelFill, ChannelTicker}

// maxSubFailures is how many commands in a row may fail on one channel
// before the Stream stops asking, until the markets change or it
// reconnects; so a server that refuses a filter is not asked again and
// again.
const maxSubFailures = 3

// want is what the caller asked for: the markets to watch, and whether the
// account-wide channels should carry every market.
type want struct {
	all     bool
	markets []string // sorted, without repeats
}

// filter says how channel should be subscribed: not at all, to every
// market, or to the given markets. The ticker channel is never taken for
// every market (that would be all of Kalshi's prices), only for the
// watched ones.
func (w want) filter(channel string) (on, all bool, markets []string) {
	if w.all && channel != ChannelTicker {
		return true, true, nil
	}
	return len(w.markets) > 0, false, w.markets
}

// sub is one channel's subscription on the current connection, as far as
// the server has confirmed it.
type sub struct {
	channel string
	sid     int64
	all     bool
	markets map[string]bool // the filter the server holds
	// pending is the ID of the command in flight for this channel, 0 when
	// none; op and opMarkets say what it asked.
	pending   int64
	op        string
	opMarkets []string
	failures  int
}

// The operations a sub's command can carry.
const (
	opSubscribe   = "subscribe"
	opAdd         = "add_markets"
	opDelete      = "delete_markets"
	opUnsubscribe = "unsubscribe"
)

// command is a message to the server.
type command struct {
	ID     int64         `json:"id"`
	Cmd    string        `json:"cmd"`
	Params commandParams `json:"params"`
}

type commandParams struct {
	Channels      []string `json:"channels,omitempty"`
	MarketTickers []string `json:"market_tickers,omitempty"`
	SIDs          []int64  `json:"sids,omitempty"`
	Action        string   `json:"action,omitempty"`
	// SendInitialSnapshot asks the ticker channel for the current prices
	// of the markets it starts to carry, so no REST read is needed.
	SendInitialSnapshot bool `json:"send_initial_snapshot,omitempty"`
}

// subs tracks the subscriptions of one connection and works out the next
// command that brings them to what is wanted. It does no I/O.
type subs struct {
	nextID int64
	list   [len(streamChannels)]*sub
	live   bool
}

func newSubs() *subs {
	s := &subs{}
	for i, ch := range streamChannels {
		s.list[i] = &sub{channel: ch}
	}
	return s
}

// plan returns the commands to send now: at most one per channel, for
// each channel with no command in flight that differs from w.
func (s *subs) plan(w want) []command {
	var out []command
	for _, sb := range s.list {
		if sb.pending != 0 || sb.failures >= maxSubFailures {
			continue
		}
		on, all, markets := w.filter(sb.channel)
		if cmd, ok := s.step(sb, on, all, markets); ok {
			out = append(out, cmd)
		}
	}
	return out
}

// step returns the one command that moves sb toward the wanted filter.
// Switching between every market and a list goes through unsubscribe,
// and a list is changed by adding before deleting, so a market that stays
// is never dropped on the way.
func (s *subs) step(sb *sub, on, all bool, markets []string) (command, bool) {
	var p commandParams
	var op string
	switch {
	case sb.sid == 0 && !on:
		return command{}, false
	case sb.sid == 0:
		op, p = opSubscribe, commandParams{Channels: []string{sb.channel}, MarketTickers: markets}
	case !on || sb.all != all:
		op, p = opUnsubscribe, commandParams{SIDs: []int64{sb.sid}}
	case all:
		return command{}, false
	default:
		if add := missing(markets, sb.markets); len(add) > 0 {
			op, p = opAdd, commandParams{SIDs: []int64{sb.sid}, MarketTickers: add, Action: opAdd}
		} else if del := extra(sb.markets, markets); len(del) > 0 {
			op, p = opDelete, commandParams{SIDs: []int64{sb.sid}, MarketTickers: del, Action: opDelete}
		} else {
			return command{}, false
		}
	}
	p.SendInitialSnapshot = sb.channel == ChannelTicker && (op == opSubscribe || op == opAdd)
	s.nextID++
	sb.pending, sb.op, sb.opMarkets = s.nextID, op, p.MarketTickers
	if op == opSubscribe {
		sb.all = all
	}
	cmd := command{ID: s.nextID, Cmd: op, Params: p}
	if op == opAdd || op == opDelete {
		cmd.Cmd = "update_subscription"
	}
	return cmd, true
}

// missing returns the markets of want that have is lacks.
func missing(want []string, has map[string]bool) []string {
	var out []string
	for _, m := range want {
		if !has[m] {
			out = append(out, m)
		}
	}
	return out
}

// extra returns the markets has holds that want does not, sorted.
func extra(has map[string]bool, want []string) []string {
	var out []string
	for m := range has {
		if _, found := slices.BinarySearch(want, m); !found {
			out = append(out, m)
		}
	}
	slices.Sort(out)
	return out
}

// byPending returns the sub whose command id is in flight.
func (s *subs) byPending(id int64) *sub {
	for _, sb := range s.list {
		if id != 0 && sb.pending == id {
			return sb
		}
	}
	return nil
}

// bySID returns the sub with server ID sid.
func (s *subs) bySID(sid int64) *sub {
	for _, sb := range s.list {
		if sid != 0 && sb.sid == sid {
			return sb
		}
	}
	return nil
}

// handled is what a control reply changed: the error to report, and the
// markets user_orders started to carry, whose orders may have changed
// unseen before. (A fill missed the same way shows in its order's fill
// count, so the fill channel does not count.)
type handled struct {
	err   string
	added []string
}

// handle applies a control reply.
func (s *subs) handle(f frame) handled {
	r := f.reply
	switch f.typ {
	case msgSubscribed:
		if sb := s.byPending(f.id); sb != nil && sb.op == opSubscribe && (r.channel == "" || r.channel == sb.channel) {
			sb.sid, sb.markets = r.sid, setOf(sb.opMarkets)
			sb.done()
		}
	case msgOK:
		if sb := s.byPending(f.id); sb != nil && (sb.op == opAdd || sb.op == opDelete) {
			var h handled
			if sb.op == opAdd && sb.channel == ChannelUserOrders {
				h.added = sb.opMarkets
			}
			sb.applyUpdate(r)
			sb.done()
			return h
		}
	case msgUnsubscribed:
		if sb := s.bySID(f.sid); sb != nil {
			sb.reset()
		}
	case msgError:
		return handled{err: s.fail(f)}
	}
	return handled{}
}

// fail applies an error reply: the command it answers failed, and a
// terminal error ends its subscription, so the next plan subscribes again.
func (s *subs) fail(f frame) string {
	sb := s.byPending(f.id)
	if sb != nil {
		sb.pending, sb.op, sb.opMarkets = 0, "", nil
		sb.failures++
	}
	if terminalCode(f.reply.code) {
		if t := s.bySID(f.sid); t != nil {
			t.reset()
			t.failures++
			sb = t
		}
	}
	what := "Kalshi"
	if sb != nil {
		what = sb.channel + " subscription"
	}
	return what + ": error " + codeText(f.reply.code) + ": " + f.reply.text
}

// applyUpdate sets the filter after an update: the full list when Kalshi
// sent it, else what the command asked.
func (sb *sub) applyUpdate(r *reply) {
	switch {
	case r.hasMarkets:
		sb.markets = setOf(r.markets)
	case sb.op == opAdd:
		for _, m := range sb.opMarkets {
			sb.markets[m] = true
		}
	default:
		for _, m := range sb.opMarkets {
			delete(sb.markets, m)
		}
	}
}

// done clears the command in flight after it succeeded.
func (sb *sub) done() {
	sb.pending, sb.op, sb.opMarkets, sb.failures = 0, "", nil, 0
}

// reset forgets the subscription: it ended on the server.
func (sb *sub) reset() {
	*sb = sub{channel: sb.channel, failures: sb.failures}
}

// isLive reports whether every channel w calls for is subscribed.
func (s *subs) isLive(w want) bool {
	for _, sb := range s.list {
		if on, _, _ := w.filter(sb.channel); on && (sb.sid == 0 || sb.op == opSubscribe) {
			return false
		}
	}
	return true
}

// channels returns the channels with a live subscription.
func (s *subs) channels() []string {
	var out []string
	for _, sb := range s.list {
		if sb.sid != 0 {
			out = append(out, sb.channel)
		}
	}
	return out
}

// clearFailures lets every channel be asked again, after the markets
// changed.
func (s *subs) clearFailures() {
	for _, sb := range s.list {
		sb.failures = 0
	}
}

func setOf(ms []string) map[string]bool {
	out := make(map[string]bool, len(ms))
	for _, m := range ms {
		out[m] = true
	}
	return out
}
