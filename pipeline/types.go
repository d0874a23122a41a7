package pipeline

import (
	"time"

	"ordermon/internal/fixed"
)

// Status is an intent's status as the intent service reports it. Values
// the service adds later (such as the newer API's "executing") are kept
// verbatim and shown as they are.
type Status string

// The statuses of the older API, which define the pipeline's stages, and
// "executing" from the newer API.
const (
	StatusPending   Status = "pending"
	StatusValidated Status = "validated"
	StatusPlaced    Status = "placed"
	StatusFilled    Status = "filled"
	StatusTxnFilled Status = "txn_filled"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
	StatusExecuting Status = "executing"
)

// Shape says which version of the intent API an intent was decoded from.
type Shape int

// Intent payload shapes: Legacy has action{type, marketId, ...} and
// metadata{kalshiOrderId, ...}; Current has clientId, action.order{...} and
// a top-level transactionHash.
const (
	ShapeUnknown Shape = iota
	ShapeLegacy
	ShapeCurrent
)

// Intent is one order of the intent service, decoded from either API
// version. Every field is optional; zero times mean "not reached".
// Strings are verbatim and must be passed through textsafe.Clean before
// they are printed.
type Intent struct {
	ID                string
	ClientID          string
	Status            Status
	IsComplete        bool
	TerminationReason string

	CreatedAt          time.Time
	BalanceValidatedAt time.Time
	OrderPlacedAt      time.Time
	OrderFilledAt      time.Time
	TxnFilledAt        time.Time

	KalshiOrderID     string
	KalshiOrderStatus string
	// KalshiFillCount is nil when the service did not report one.
	KalshiFillCount *fixed.Decimal
	// TxHash is metadata.txHash (older API) or transactionHash (newer).
	TxHash  string
	ChainID int64

	// Action describes what was ordered.
	ActionType  string // "MarketOrder", "Withdraw", ...
	MarketID    string // the Kalshi market ticker
	Side        string // "yes" / "no"
	OrderType   string // "buy" / "sell" (older) or "BUY" / "SELL" (newer)
	Quantity    fixed.Decimal
	PriceCents  fixed.Decimal // older API: limit price in cents, 1–99
	QuoteAmount fixed.Decimal // USDC locked

	Shape Shape
}
