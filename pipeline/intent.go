package pipeline

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// IntentConfig configures an IntentClient.
type IntentConfig struct {
	// BaseURL is the service root, e.g. https://swap-api.flux.fun.
	BaseURL string
	// Token returns the JWT sent as "Authorization: Bearer"; nil sends none.
	// It is called before each request so a token command can be re-run
	// when the token expires.
	Token func(ctx context.Context) (string, error)
	// APIKey is sent as x-api-key when non-empty.
	APIKey string
	// HTTPClient sends requests; nil means a client with sane timeouts.
	HTTPClient *http.Client
	// Timeout bounds each request; zero means 10 seconds.
	Timeout time.Duration
	// MaxBodyBytes caps each response body; zero means 1 MiB.
	MaxBodyBytes int64
	// Now is the clock used to judge token expiry; nil means time.Now.
	Now func() time.Time
}

// IntentClient reads intents from the intent service. It is safe for
// concurrent use.
type IntentClient struct{ cfg IntentConfig }

// NewIntentClient returns a client for cfg.
func NewIntentClient(cfg IntentConfig) (*IntentClient, error) { return &IntentClient{cfg: cfg}, nil } // STUB

// GetIntent reads one intent (GET {base}/v1/order/{id}).
func (c *IntentClient) GetIntent(ctx context.Context, id string) (Intent, error) {
	return Intent{}, errors.New("not implemented") // STUB
}

// IntentError is a non-2xx reply from the intent service. Its strings are
// sanitized and bounded.
type IntentError struct {
	Status  int
	Message string
	Excerpt string
	Path    string
}

// Error describes the failure in one line.
func (e *IntentError) Error() string {
	s := "pipeline: GET " + e.Path + ": " + http.StatusText(e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	} else if e.Excerpt != "" {
		s += ": " + e.Excerpt
	}
	return s
}
