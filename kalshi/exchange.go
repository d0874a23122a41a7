package kalshi

import (
	"context"
	"time"
)

// OpGetExchangeStatus names GET /exchange/status.
const OpGetExchangeStatus = "GetExchangeStatus"

// ExchangeStatus says whether Kalshi is running and trading, from GET
// /exchange/status.
type ExchangeStatus struct {
	// ExchangeActive is false while the exchange takes no state changes at
	// all (maintenance).
	ExchangeActive bool
	// TradingActive is false outside trading hours and during pauses.
	TradingActive bool
	// ResumeAt is Kalshi's estimate of when maintenance ends; zero when it
	// gave none.
	ResumeAt time.Time
}

// GetExchangeStatus reads whether the exchange and trading are active (GET
// /exchange/status). Both flags are required.
func (c *Client) GetExchangeStatus(ctx context.Context) (ExchangeStatus, error) {
	var reply struct {
		ExchangeActive *bool      `json:"exchange_active"`
		TradingActive  *bool      `json:"trading_active"`
		ResumeAt       *time.Time `json:"exchange_estimated_resume_time"`
	}
	err := c.do(ctx, endpoint{op: OpGetExchangeStatus, path: "/exchange/status"}, func(b []byte) error {
		if err := unmarshal(b, &reply); err != nil {
			return err
		}
		switch {
		case reply.ExchangeActive == nil:
			return &DecodeError{Object: "exchange status", Field: "exchange_active", Problem: "missing"}
		case reply.TradingActive == nil:
			return &DecodeError{Object: "exchange status", Field: "trading_active", Problem: "missing"}
		}
		return nil
	})
	if err != nil {
		return ExchangeStatus{}, err
	}
	out := ExchangeStatus{ExchangeActive: *reply.ExchangeActive, TradingActive: *reply.TradingActive}
	if reply.ResumeAt != nil {
		out.ResumeAt = reply.ResumeAt.UTC()
	}
	return out, nil
}
