package engine_test

import (
	"strings"
	"testing"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
)

func TestUpdateReason(t *testing.T) {
	for reason, want := range map[string]string{
		"":                       "",
		"ExpiryCancel":           "canceled: expired (ExpiryCancel)",
		"SettlementBoundsCancel": "canceled: settlement floor raised (SettlementBoundsCancel)",
		"SelfTradeCancel":        "canceled: would have traded with your own order (SelfTradeCancel)",
		"MarginCancel":           "canceled: not enough margin (MarginCancel)",
		"HaltCancel":             "canceled: trading halted (HaltCancel)",
		"CloseCancel":            "canceled: market closed (CloseCancel)",
		"PostOnlyCrossCancel":    "canceled: post-only order would have crossed the book (PostOnlyCrossCancel)",
		"ReduceOnlyCancel":       "canceled: reduce-only order would have grown the position (ReduceOnlyCancel)",
		"Decrease":               "decreased (Decrease)",
		"Amend":                  "amended (Amend)",
		"Trade":                  "traded (Trade)",
		// Unknown reasons come as they are, sanitized and bounded.
		"RiskLimitCancel":   "canceled: RiskLimitCancel",
		"Rebalanced":        "Rebalanced",
		"Evil\x1b[2JCancel": "canceled: EvilCancel",
		" Amend ":           "amended (Amend)",
	} {
		if got := engine.UpdateReason(reason); got != want {
			t.Errorf("UpdateReason(%q) = %q, want %q", reason, got, want)
		}
	}
	if long := engine.UpdateReason(strings.Repeat("y", 500)); len([]rune(long)) > 60 {
		t.Errorf("a long unknown reason is not bounded: %d runes", len([]rune(long)))
	}
}

func TestKalshiStatusReason(t *testing.T) {
	for _, c := range []struct {
		status, reason, fills, want string
	}{
		{"canceled", "ExpiryCancel", "0", "canceled: expired (ExpiryCancel)"},
		{"canceled", "SettlementBoundsCancel", "3", "canceled: settlement floor raised (SettlementBoundsCancel)"},
		{"canceled", "", "0", "canceled"},
		{"canceled", "Decrease", "0", "canceled: decreased (Decrease)"},
		{"executed", "Trade", "10", "executed: traded (Trade)"},
		{"resting", "Amend", "0", "resting"},
		{"resting", "Trade", "3", "partially filled"},
	} {
		s := engine.Snapshot{Order: &kalshi.Order{Status: kalshi.OrderStatus(c.status), LastUpdateReason: c.reason,
			FillCount: fixed.MustParse(c.fills), InitialCount: fixed.FromInt(10)}}
		if got := s.KalshiStatusReason(); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.status, c.reason, got, c.want)
		}
	}
	if got := (engine.Snapshot{}).KalshiStatusReason(); got != "" {
		t.Errorf("no order: %q", got)
	}
}
