package engine_test

import (
	"strings"
	"testing"

	"ordermon/internal/engine"
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
