// Package kalshitest is a strict fake Kalshi exchange for tests and the
// demo. It serves the read endpoints ordermon uses over real HTTP on
// loopback, in today's wire shape, and verifies every request's signature
// with the registered public key exactly as Kalshi does.
//
// STUB: the bodies below are placeholders to be replaced by the real fake.
package kalshitest

import (
	"crypto"
	"net/http"
	"time"

	"ordermon/fixed"
)

// Options configures an Exchange.
type Options struct {
	// Now is the exchange's clock, used to check request timestamps and to
	// stamp order times; nil means time.Now.
	Now func() time.Time
	// Window is how far a request timestamp may be from Now; zero means 30
	// seconds.
	Window time.Duration
	// ReadBudget is the read tokens refilled per second (Basic tier: 200);
	// zero disables rate limiting. A request that finds the bucket empty
	// gets 429 {"error":"too many requests"}, as Kalshi answers.
	ReadBudget int
	// Burst is the bucket capacity in tokens; zero means two seconds of
	// ReadBudget, as Kalshi's Basic read bucket holds.
	Burst int
}

// Exchange is a running fake exchange. All methods are safe for concurrent
// use.
type Exchange struct {
	// URL is the server root, e.g. http://127.0.0.1:41234.
	URL string
}

// New starts an exchange on a loopback port.
func New(opts Options) *Exchange { return &Exchange{} }

// Close stops the server.
func (x *Exchange) Close() {}

// BaseURL returns the API root clients should use: URL + "/trade-api/v2".
func (x *Exchange) BaseURL() string { return x.URL + "/trade-api/v2" }

// AddKey registers an API key: requests carrying keyID must be signed by
// the private half of pub (an *rsa.PublicKey or ed25519.PublicKey).
func (x *Exchange) AddKey(keyID string, pub crypto.PublicKey) {}

// OrderState is an order as the exchange holds it. Zero times are served as
// null.
type OrderState struct {
	OrderID, UserID, ClientOrderID, Ticker string
	OutcomeSide                            string // "yes" or "no"
	Status                                 string // resting, canceled, executed
	YesPrice                               fixed.Decimal
	InitialCount, FillCount                fixed.Decimal
	TakerFees, MakerFees                   fixed.Decimal
	TakerFillCost, MakerFillCost           fixed.Decimal
	CreatedTime, LastUpdateTime            time.Time
	ExpirationTime                         time.Time
	LastUpdateReason                       string
	// QueueAhead is served by the queue-position reads while resting.
	QueueAhead fixed.Decimal
}

// MarketState is a market as the exchange holds it.
type MarketState struct {
	Ticker, EventTicker, Title, YesSubTitle, NoSubTitle string
	Status                                              string
	YesBid, YesAsk                                      fixed.Decimal // no bid/ask are derived as 1 − yes ask/bid
	LastPrice                                           fixed.Decimal
	CloseTime                                           time.Time
}

// PutOrder adds or replaces an order.
func (x *Exchange) PutOrder(o OrderState) {}

// Order returns the current state of an order.
func (x *Exchange) Order(id string) (OrderState, bool) { return OrderState{}, false }

// RemoveOrder forgets an order, so reads of it get 404.
func (x *Exchange) RemoveOrder(id string) {}

// PutMarket adds or replaces a market.
func (x *Exchange) PutMarket(m MarketState) {}

// Fill matches count contracts of a resting order at price (dollars per
// contract on the order's side): it raises the fill count and fill cost,
// charges fee, records a Fill, and marks the order executed when nothing
// remains.
func (x *Exchange) Fill(orderID string, count, price, fee fixed.Decimal, taker bool) {}

// Cancel cancels a resting order, keeping its fills.
func (x *Exchange) Cancel(orderID string) {}

// SetQueue sets the number of contracts ahead of a resting order.
func (x *Exchange) SetQueue(orderID string, ahead fixed.Decimal) {}

// Fault makes the exchange misbehave for matching requests.
type Fault struct {
	// Path matches requests whose URL path contains it; empty matches all.
	Path string
	// Status, when non-zero, answers with this status and a Kalshi error
	// body for that status (429 gets {"error":"too many requests"}).
	Status int
	// Body, when non-nil, is sent verbatim (with Status, or 200) instead of
	// the normal reply: HTML, truncated or garbage JSON.
	Body []byte
	// BodySize, when non-zero, sends a valid-looking JSON body padded to this
	// many bytes.
	BodySize int
	// Delay holds the reply back this long (or until the client gives up).
	Delay time.Duration
	// RetryAfter, when non-zero, sets the Retry-After header in seconds.
	RetryAfter int
	// Times is how many matching requests the fault applies to; zero means
	// until ClearFaults.
	Times int
}

// InjectFault adds a fault; faults are checked in the order added.
func (x *Exchange) InjectFault(f Fault) {}

// ClearFaults removes every fault.
func (x *Exchange) ClearFaults() {}

// Request is one request the exchange received.
type Request struct {
	At     time.Time
	Method string
	Path   string // URL path without query
	Query  string
	KeyID  string
	Status int // the status answered
	Cost   int // read tokens the request cost (GetOrder 2, others 10)
}

// Requests returns every request received so far, oldest first.
func (x *Exchange) Requests() []Request { return nil }

// Handler returns the exchange's HTTP handler, for tests that need to wrap
// it.
func (x *Exchange) Handler() http.Handler { return http.NotFoundHandler() }
