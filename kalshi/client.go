// Package kalshi is a small, read-only client for Kalshi's Trade API v2: the
// signed portfolio reads an order watcher needs (an order, its queue
// position, its market, its fills, and the batch forms of those).
//
// STUB: the bodies below are placeholders to be replaced by the real client.
package kalshi

import (
	"context"
	"crypto"
	"errors"
	"net/http"
	"time"
)

// Base URLs of Kalshi's two environments.
const (
	ProdBaseURL = "https://external-api.kalshi.com/trade-api/v2"
	DemoBaseURL = "https://external-api.demo.kalshi.co/trade-api/v2"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root including the /trade-api/v2 path prefix.
	BaseURL string
	// KeyID is the API key ID sent as KALSHI-ACCESS-KEY.
	KeyID string
	// Key signs requests: an *rsa.PrivateKey or ed25519.PrivateKey.
	Key crypto.Signer
	// HTTPClient sends requests; nil means a client with sane transport
	// timeouts.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means 10 seconds.
	Timeout time.Duration
	// MaxBodyBytes caps each response body; zero means 1 MiB.
	MaxBodyBytes int64
	// Now is the clock used for request timestamps; nil means time.Now.
	Now func() time.Time
}

// Client reads orders from Kalshi. It is safe for concurrent use.
type Client struct {
	cfg Config
}

var errStub = errors.New("kalshi: not implemented")

// New returns a client for cfg.
func New(cfg Config) (*Client, error) { return &Client{cfg: cfg}, nil }

// GetOrder reads one order (GET /portfolio/orders/{id}; 2 read tokens).
func (c *Client) GetOrder(ctx context.Context, orderID string) (Order, error) {
	return Order{}, errStub
}

// GetQueuePosition reads the number of contracts ahead of a resting order
// (GET /portfolio/orders/{id}/queue_position; 10 read tokens).
func (c *Client) GetQueuePosition(ctx context.Context, orderID string) (QueuePosition, error) {
	return QueuePosition{}, errStub
}

// GetMarket reads one market (GET /markets/{ticker}).
func (c *Client) GetMarket(ctx context.Context, ticker string) (Market, error) {
	return Market{}, errStub
}

// GetFills reads the fills of one order (GET /portfolio/fills?order_id=).
func (c *Client) GetFills(ctx context.Context, orderID string) ([]Fill, error) {
	return nil, errStub
}

// GetOrders reads one page of orders matching q (GET /portfolio/orders).
func (c *Client) GetOrders(ctx context.Context, q OrdersQuery) (OrdersPage, error) {
	return OrdersPage{}, errStub
}

// GetQueuePositions reads the queue positions of all resting orders in the
// given markets (GET /portfolio/orders/queue_positions).
func (c *Client) GetQueuePositions(ctx context.Context, marketTickers []string) ([]QueuePosition, error) {
	return nil, errStub
}
