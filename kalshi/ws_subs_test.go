package kalshi

import (
	"slices"
	"testing"
)

// answer builds the reply frame the server would send to cmd.
func answer(cmd command, typ string, sid int64, r reply) frame {
	return frame{typ: typ, id: cmd.ID, sid: sid, reply: &r}
}

func TestSubsPlanAndReplies(t *testing.T) {
	s := newSubs()
	w := want{markets: []string{"A", "B"}}
	cmds := s.plan(w)
	if len(cmds) != 3 || cmds[0].Cmd != "subscribe" || !slices.Equal(cmds[0].Params.MarketTickers, []string{"A", "B"}) ||
		!cmds[2].Params.SendInitialSnapshot || cmds[0].Params.SendInitialSnapshot {
		t.Fatalf("first plan %+v", cmds)
	}
	if len(s.plan(w)) != 0 {
		t.Error("planned again while commands were in flight")
	}
	for i, c := range cmds {
		s.handle(answer(c, msgSubscribed, 0, reply{channel: c.Params.Channels[0], sid: int64(i + 1)}))
	}
	if !s.isLive(w) || len(s.plan(w)) != 0 {
		t.Fatalf("not live after three subscribed: %+v", s.list)
	}

	// A market added and one removed: add first, delete after.
	w = want{markets: []string{"B", "C"}}
	cmds = s.plan(w)
	if len(cmds) != 3 || cmds[0].Params.Action != opAdd || !slices.Equal(cmds[0].Params.MarketTickers, []string{"C"}) || cmds[0].Params.SIDs[0] != 1 {
		t.Fatalf("update plan %+v", cmds)
	}
	h := s.handle(answer(cmds[0], msgOK, 1, reply{hasMarkets: true, markets: []string{"A", "B", "C"}}))
	if !slices.Equal(h.added, []string{"C"}) {
		t.Errorf("user_orders add reported %v", h.added)
	}
	if h := s.handle(answer(cmds[1], msgOK, 2, reply{})); h.added != nil {
		t.Errorf("a fill add is not a gap to reconcile: %v", h.added)
	}
	s.handle(answer(cmds[2], msgOK, 3, reply{}))
	cmds = s.plan(w)
	if len(cmds) != 3 || cmds[0].Params.Action != opDelete || !slices.Equal(cmds[0].Params.MarketTickers, []string{"A"}) {
		t.Fatalf("delete plan %+v", cmds)
	}
}

func TestSubsFailuresAreBounded(t *testing.T) {
	s := newSubs()
	w := want{all: true}
	for i := range maxSubFailures {
		cmds := s.plan(w)
		if len(cmds) != 2 || cmds[0].Params.MarketTickers != nil {
			t.Fatalf("attempt %d: %+v (all markets: user_orders and fill only, no filter)", i, cmds)
		}
		for _, c := range cmds {
			if msg := s.handle(answer(c, msgError, 0, reply{code: 9, text: "Authentication required"})).err; msg == "" {
				t.Fatal("no error text")
			}
		}
	}
	if cmds := s.plan(w); len(cmds) != 0 {
		t.Errorf("asked a %d-times refusing server again: %+v", maxSubFailures, cmds)
	}
	s.clearFailures()
	if len(s.plan(w)) != 2 {
		t.Error("new markets should let the channels be asked again")
	}
}

func TestSubsTerminalErrorAndModeSwitch(t *testing.T) {
	s := newSubs()
	w := want{markets: []string{"A"}}
	for i, c := range s.plan(w) {
		s.handle(answer(c, msgSubscribed, 0, reply{channel: c.Params.Channels[0], sid: int64(i + 1)}))
	}
	h := s.handle(frame{typ: msgError, sid: 1, reply: &reply{code: 25, text: "Subscription buffer overflow"}})
	if h.err != "user_orders subscription: error 25 subscription buffer overflow: Subscription buffer overflow" || s.isLive(w) {
		t.Errorf("terminal error: %q, live %v", h.err, s.isLive(w))
	}
	if cmds := s.plan(w); len(cmds) != 1 || cmds[0].Cmd != "subscribe" || cmds[0].Params.Channels[0] != ChannelUserOrders {
		t.Errorf("no resubscribe: %+v", cmds)
	}
	// Not terminal: the subscription stays.
	s.handle(frame{typ: msgError, sid: 2, reply: &reply{code: 27}})
	if s.list[1].sid != 2 {
		t.Error("a non-terminal error ended the subscription")
	}
	// From a list to every market goes through unsubscribe.
	cmds := s.plan(want{all: true, markets: []string{"A"}})
	if len(cmds) != 1 || cmds[0].Cmd != "unsubscribe" || cmds[0].Params.SIDs[0] != 2 {
		t.Fatalf("switch plan %+v", cmds)
	}
	s.handle(frame{typ: msgUnsubscribed, id: cmds[0].ID, sid: 2, reply: &reply{}})
	if s.list[1].sid != 0 || s.list[1].pending != 0 {
		t.Errorf("after unsubscribed: %+v", s.list[1])
	}
}
