package engine

import (
	"strings"

	"ordermon/internal/textsafe"
)

// updateReasons are the words for Kalshi's last_update_reason values: the
// AsyncAPI document's list, and SettlementBoundsCancel, which Kalshi sends
// when a market's settlement bounds move past a resting order.
var updateReasons = map[string]string{
	"ExpiryCancel":           "canceled: expired",
	"SettlementBoundsCancel": "canceled: settlement floor raised",
	"SelfTradeCancel":        "canceled: would have traded with your own order",
	"MarginCancel":           "canceled: not enough margin",
	"HaltCancel":             "canceled: trading halted",
	"CloseCancel":            "canceled: market closed",
	"PostOnlyCrossCancel":    "canceled: post-only order would have crossed the book",
	"ReduceOnlyCancel":       "canceled: reduce-only order would have grown the position",
	"Decrease":               "decreased",
	"Amend":                  "amended",
	"Trade":                  "traded",
}

// maxReason bounds an unknown reason shown as it came.
const maxReason = 60

// UpdateReason says in words why Kalshi last changed an order, from its
// last_update_reason, naming the reason itself: "canceled: expired
// (ExpiryCancel)", "amended (Amend)". A reason it does not know is shown
// as it came, sanitized and bounded, as "canceled: FooCancel" when its name
// says it canceled, else as is. It is "" when Kalshi gave none. Every front
// end and the diagnosis say a reason through this one function.
func UpdateReason(reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return ""
	}
	if words, ok := updateReasons[reason]; ok {
		return words + " (" + reason + ")"
	}
	shown := textsafe.Truncate(textsafe.Clean(reason), maxReason)
	if strings.HasSuffix(reason, "Cancel") {
		return "canceled: " + shown
	}
	return shown
}
