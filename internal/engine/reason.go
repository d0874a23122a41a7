package engine

import (
	"strings"

	"ordermon/internal/textsafe"
	"ordermon/kalshi"
)

// updateReason is what one of Kalshi's last_update_reason values means.
type updateReason struct {
	why    string // in words, without the reason's own name
	cancel bool   // the reason is a cancel
}

// updateReasons are Kalshi's last_update_reason values: the AsyncAPI
// document's list, and SettlementBoundsCancel, which Kalshi sends when a
// market's settlement bounds move past a resting order.
var updateReasons = map[string]updateReason{
	"ExpiryCancel":           {"expired", true},
	"SettlementBoundsCancel": {"settlement floor raised", true},
	"SelfTradeCancel":        {"would have traded with your own order", true},
	"MarginCancel":           {"not enough margin", true},
	"HaltCancel":             {"trading halted", true},
	"CloseCancel":            {"market closed", true},
	"PostOnlyCrossCancel":    {"post-only order would have crossed the book", true},
	"ReduceOnlyCancel":       {"reduce-only order would have grown the position", true},
	"Decrease":               {"decreased", false},
	"Amend":                  {"amended", false},
	"Trade":                  {"traded", false},
}

// maxReason bounds an unknown reason shown as it came.
const maxReason = 60

// reasonWords is the one place a last_update_reason becomes words: what
// it means followed by its name, "expired (ExpiryCancel)", or an unknown
// reason as it came, sanitized and bounded; and whether it is a cancel (an
// unknown one is when its name ends in Cancel). why is "" for no reason.
func reasonWords(reason string) (why string, cancel bool) {
	reason = textsafe.Truncate(strings.TrimSpace(textsafe.Clean(reason)), maxReason)
	if reason == "" {
		return "", false
	}
	if r, ok := updateReasons[reason]; ok {
		return r.why + " (" + reason + ")", r.cancel
	}
	return reason, strings.HasSuffix(reason, "Cancel")
}

// UpdateReason says in words why Kalshi last changed an order, from its
// last_update_reason: "canceled: expired (ExpiryCancel)", "canceled:
// settlement floor raised (SettlementBoundsCancel)", "amended (Amend)". A
// reason it does not know is shown as it came, sanitized ("canceled:
// FooCancel" when its name says it canceled). It is "" when Kalshi gave
// none.
func UpdateReason(reason string) string {
	why, cancel := reasonWords(reason)
	if cancel {
		return "canceled: " + why
	}
	return why
}

// KalshiStatusReason is Kalshi's status for the order, as KalshiStatusText
// says it, followed by why the order ended when it has: "canceled: expired
// (ExpiryCancel)", "executed: traded (Trade)". An order still resting shows
// its status alone. It is "" while Kalshi has not answered.
func (s Snapshot) KalshiStatusReason() string {
	if s.Order == nil {
		return ""
	}
	return kalshiStatusText(s.Order) + endWhy(s.Order, ": ")
}

// endWhy is sep and why an order that ended did ("expired
// (ExpiryCancel)"), or "" for an order still resting or without a reason.
func endWhy(o *kalshi.Order, sep string) string {
	if o.Status != kalshi.StatusCanceled && o.Status != kalshi.StatusExecuted {
		return ""
	}
	if why, _ := reasonWords(o.LastUpdateReason); why != "" {
		return sep + why
	}
	return ""
}
