package pipelinetest

import (
	"time"

	"ordermon/internal/fixed"
)

// BaseChainID is the chain the intent service settles on (Base).
const BaseChainID = 8453

// IntentState is an intent as the service holds it. It mirrors the older
// wire shape; the newer shape is derived from it when Options.Current is
// set. Zero times and empty strings are served as null.
type IntentState struct {
	ID string
	// ClientID is served only in the newer shape; GET
	// /v1/order/by-client-id/{clientId} finds the intent by it in either.
	ClientID string
	// WalletAddress is the wallet that placed the order. It is not served
	// (the docs show no such field); GET /v1/order?walletAddress= lists
	// only the intents whose address matches, ignoring case as hex does.
	WalletAddress string
	// Status uses the older API's vocabulary (pending, validated, placed,
	// filled, txn_filled, completed, failed) or any other value, which is
	// served verbatim. The newer shape maps placed, filled and txn_filled
	// to "executing".
	Status string

	CreatedAt          time.Time
	BalanceValidatedAt time.Time
	OrderPlacedAt      time.Time
	OrderFilledAt      time.Time
	TxnFilledAt        time.Time

	IsComplete        bool
	TerminationReason string

	KalshiOrderID     string
	KalshiOrderStatus string
	// KalshiFillCount is served as null while nil.
	KalshiFillCount *fixed.Decimal
	TxHash          string
	// ChainID zero means BaseChainID.
	ChainID int64

	// ActionType zero means "MarketOrder".
	ActionType string
	MarketID   string
	Side       string // "yes" or "no"
	OrderType  string // "buy" or "sell"; served upper-case in the newer shape
	Quantity   fixed.Decimal
	// Price is the limit price in cents (1–99), older shape only.
	Price fixed.Decimal
	// QuoteAmount is the USDC locked for a buy; the newer shape serves it
	// as maxQuoteQuantityIn.
	QuoteAmount fixed.Decimal
}

func (st IntentState) clone() IntentState {
	if st.KalshiFillCount != nil {
		v := *st.KalshiFillCount
		st.KalshiFillCount = &v
	}
	return st
}

func (st IntentState) chainID() int64 {
	if st.ChainID == 0 {
		return BaseChainID
	}
	return st.ChainID
}

// PutIntent adds or replaces an intent. An empty Status means "pending"
// and a zero CreatedAt means the service's Now.
func (s *Service) PutIntent(st IntentState) {
	if st.Status == "" {
		st.Status = "pending"
	}
	if st.CreatedAt.IsZero() {
		st.CreatedAt = s.now()
	}
	st = st.clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intents[st.ID] = &st
}

// Intent returns a copy of the intent id as the service holds it.
func (s *Service) Intent(id string) (IntentState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.intents[id]
	if !ok {
		return IntentState{}, false
	}
	return st.clone(), true
}

// Update changes the intent id in place under the service's lock; it
// reports false when there is no such intent. fn must not call back into
// the service.
func (s *Service) Update(id string, fn func(*IntentState)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.intents[id]
	if !ok {
		return false
	}
	cp := st.clone()
	fn(&cp)
	cp.ID = id
	cp = cp.clone() // fn may have stored a pointer the caller still holds
	s.intents[id] = &cp
	return true
}

// RemoveIntent forgets an intent, so reads of it get 404.
func (s *Service) RemoveIntent(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.intents, id)
}
