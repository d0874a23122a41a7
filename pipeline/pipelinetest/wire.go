package pipelinetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/fixed"
)

// isoMillis is how a JavaScript backend prints times (Date.toISOString).
const isoMillis = "2006-01-02T15:04:05.000Z"

// CurrentStatus maps an older-API status to what the newer API reports:
// the stages between validation and completion collapse into "executing";
// everything else, including unknown values, is unchanged.
func CurrentStatus(status string) string {
	switch status {
	case "placed", "filled", "txn_filled":
		return "executing"
	}
	return status
}

type legacyWire struct {
	ID                 string       `json:"id"`
	Status             string       `json:"status"`
	Action             legacyAction `json:"action"`
	CreatedAt          *string      `json:"createdAt"`
	BalanceValidatedAt *string      `json:"balanceValidatedAt"`
	OrderPlacedAt      *string      `json:"orderPlacedAt"`
	OrderFilledAt      *string      `json:"orderFilledAt"`
	TxnFilledAt        *string      `json:"txnFilledAt"`
	IsComplete         bool         `json:"isComplete"`
	TerminationReason  *string      `json:"terminationReason"`
	Metadata           legacyMeta   `json:"metadata"`
}

// legacyAction sends quantity and price as JSON numbers and quoteAmount as
// a string, as the older docs' example does, so clients meet both forms.
type legacyAction struct {
	Type        string      `json:"type"`
	MarketID    string      `json:"marketId,omitempty"`
	Side        string      `json:"side,omitempty"`
	OrderType   string      `json:"orderType,omitempty"`
	Quantity    json.Number `json:"quantity,omitempty"`
	Price       json.Number `json:"price,omitempty"`
	QuoteAmount string      `json:"quoteAmount,omitempty"`
}

type legacyMeta struct {
	KalshiOrderID     string      `json:"kalshiOrderId,omitempty"`
	KalshiOrderStatus string      `json:"kalshiOrderStatus,omitempty"`
	KalshiFillCount   json.Number `json:"kalshiFillCount,omitempty"`
	TxHash            string      `json:"txHash,omitempty"`
	ChainID           int64       `json:"chainId,omitempty"`
}

type currentWire struct {
	ID                string        `json:"id"`
	ClientID          *string       `json:"clientId"`
	Status            string        `json:"status"`
	Action            currentAction `json:"action"`
	ChainID           int64         `json:"chainId"`
	TransactionHash   *string       `json:"transactionHash"`
	CreatedAt         *string       `json:"createdAt"`
	IsComplete        bool          `json:"isComplete"`
	TerminationReason *string       `json:"terminationReason"`
}

type currentAction struct {
	OrderType string       `json:"orderType"`
	Order     currentOrder `json:"order"`
	ChainID   int64        `json:"chainId"`
}

type currentOrder struct {
	QuoteToken          quoteToken `json:"quoteToken"`
	BaseToken           baseToken  `json:"baseToken"`
	OrderType           string     `json:"orderType"`
	BaseQuantity        string     `json:"baseQuantity"`
	MaxQuoteQuantityIn  string     `json:"maxQuoteQuantityIn,omitempty"`
	MinQuoteQuantityOut string     `json:"minQuoteQuantityOut,omitempty"`
}

type quoteToken struct {
	Type    string `json:"type"`
	TokenID string `json:"tokenId"`
	ChainID int64  `json:"chainId"`
}

type baseToken struct {
	Type string        `json:"type"`
	Data baseTokenData `json:"data"`
}

type baseTokenData struct {
	MarketID string `json:"marketId"`
	Side     string `json:"side"`
}

func isoOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(isoMillis)
	return &s
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func number(d fixed.Decimal) json.Number { return json.Number(d.String()) }

func legacyJSON(st IntentState) any {
	w := legacyWire{
		ID:     st.ID,
		Status: st.Status,
		Action: legacyAction{
			Type:      actionType(st),
			MarketID:  st.MarketID,
			Side:      st.Side,
			OrderType: st.OrderType,
		},
		CreatedAt:          isoOrNil(st.CreatedAt),
		BalanceValidatedAt: isoOrNil(st.BalanceValidatedAt),
		OrderPlacedAt:      isoOrNil(st.OrderPlacedAt),
		OrderFilledAt:      isoOrNil(st.OrderFilledAt),
		TxnFilledAt:        isoOrNil(st.TxnFilledAt),
		IsComplete:         st.IsComplete,
		TerminationReason:  strOrNil(st.TerminationReason),
		Metadata: legacyMeta{
			KalshiOrderID:     st.KalshiOrderID,
			KalshiOrderStatus: st.KalshiOrderStatus,
			TxHash:            st.TxHash,
		},
	}
	if !st.Quantity.IsZero() {
		w.Action.Quantity = number(st.Quantity)
	}
	if !st.Price.IsZero() {
		w.Action.Price = number(st.Price)
	}
	if !st.QuoteAmount.IsZero() {
		w.Action.QuoteAmount = st.QuoteAmount.String()
	}
	if st.KalshiFillCount != nil {
		w.Metadata.KalshiFillCount = number(*st.KalshiFillCount)
	}
	// The docs say txHash and chainId appear together at txn_filled.
	if st.TxHash != "" {
		w.Metadata.ChainID = st.chainID()
	}
	return w
}

func currentJSON(st IntentState) any {
	chain := st.chainID()
	o := currentOrder{
		QuoteToken:   quoteToken{Type: "chain", TokenID: "USDC", ChainID: chain},
		BaseToken:    baseToken{Type: "kalshi", Data: baseTokenData{MarketID: st.MarketID, Side: st.Side}},
		OrderType:    strings.ToUpper(st.OrderType),
		BaseQuantity: st.Quantity.String(),
	}
	if !st.QuoteAmount.IsZero() {
		if strings.EqualFold(st.OrderType, "sell") {
			o.MinQuoteQuantityOut = st.QuoteAmount.String()
		} else {
			o.MaxQuoteQuantityIn = st.QuoteAmount.String()
		}
	}
	return currentWire{
		ID:                st.ID,
		ClientID:          strOrNil(st.ClientID),
		Status:            CurrentStatus(st.Status),
		Action:            currentAction{OrderType: actionType(st), Order: o, ChainID: chain},
		ChainID:           chain,
		TransactionHash:   strOrNil(st.TxHash),
		CreatedAt:         isoOrNil(st.CreatedAt),
		IsComplete:        st.IsComplete,
		TerminationReason: strOrNil(st.TerminationReason),
	}
}

func actionType(st IntentState) string {
	if st.ActionType == "" {
		return "MarketOrder"
	}
	return st.ActionType
}

// encodeReply renders st in the chosen shape and envelope.
func encodeReply(st IntentState, current bool, env Envelope) []byte {
	v := intentJSON(st, current)
	switch env {
	case EnvelopeSuccess:
		v = struct {
			Success bool `json:"success"`
			Intent  any  `json:"intent"`
		}{true, v}
	case EnvelopeOrder:
		v = struct {
			Order any `json:"order"`
		}{v}
	case EnvelopeData:
		v = struct {
			Data any `json:"data"`
		}{v}
	}
	return mustMarshal(v)
}

// encodeList renders a list reply: a bare array, or the array in the
// envelope's list field.
func encodeList(sts []IntentState, current bool, env Envelope) []byte {
	list := make([]any, len(sts))
	for i, st := range sts {
		list[i] = intentJSON(st, current)
	}
	var v any = list
	switch env {
	case EnvelopeSuccess:
		v = struct {
			Success bool  `json:"success"`
			Intents []any `json:"intents"`
		}{true, list}
	case EnvelopeOrder:
		v = struct {
			Orders []any `json:"orders"`
		}{list}
	case EnvelopeData:
		v = struct {
			Data []any `json:"data"`
		}{list}
	}
	return mustMarshal(v)
}

func intentJSON(st IntentState, current bool) any {
	if current {
		return currentJSON(st)
	}
	return legacyJSON(st)
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every field is a plain string, number or bool; this cannot fail.
		panic("pipelinetest: encoding intent: " + err.Error())
	}
	return b
}

// errorBody is the body the service sends with an error status: the
// success envelope with a message, the one error form its docs imply.
func errorBody(msg string) []byte {
	b, _ := json.Marshal(struct {
		Success bool   `json:"success"`
		Error   string `json:"error"`
	}{false, msg})
	return b
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(errorBody(msg))
}

func itoa(n int) string { return strconv.Itoa(n) }
