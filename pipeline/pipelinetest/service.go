// Package pipelinetest is a fake intent service for tests and the demo. It
// serves GET /v1/order/{id} in the older or the newer API shape, checks the
// Bearer token and/or API key, and advances intents through scripted
// pipelines that can drive a kalshitest exchange in step.
//
// STUB: the bodies below are placeholders to be replaced by the real fake.
package pipelinetest

import (
	"time"

	"ordermon/kalshi/kalshitest"
)

// Options configures a Service.
type Options struct {
	// Token, when non-empty, must arrive as "Authorization: Bearer <Token>".
	Token string
	// APIKey, when non-empty, must arrive as "x-api-key".
	APIKey string
	// Current serves the newer API shape (clientId, action.order,
	// transactionHash); false serves the older shape.
	Current bool
	// Now is the service's clock; nil means time.Now.
	Now func() time.Time
	// Exchange is the kalshitest exchange that scripts drive in step; may
	// be nil.
	Exchange *kalshitest.Exchange
}

// Service is a running fake intent service. Methods are safe for
// concurrent use.
type Service struct {
	// URL is the server root, e.g. http://127.0.0.1:41235.
	URL string
}

// New starts a service on a loopback port.
func New(opts Options) *Service { return &Service{} }

// Close stops the server.
func (s *Service) Close() {}
