package pipelinetest

import (
	"errors"
	"fmt"

	"ordermon/internal/fixed"
	"ordermon/kalshi/kalshitest"
)

// Step is one scripted transition of one order. It changes this service,
// the kalshitest exchange in Options.Exchange, or both, and reports why it
// could not (for example, a fill before the order was placed).
type Step func(s *Service, intentID string) error

type script struct {
	id    string
	steps []Step
	next  int
}

// Script queues steps for the intent intentID; each Advance applies the
// next one. When the intent does not exist yet, Script creates it pending,
// created at Now.
func (s *Service) Script(intentID string, steps ...Step) {
	if _, ok := s.Intent(intentID); !ok {
		s.PutIntent(IntentState{ID: intentID})
	}
	s.advMu.Lock()
	defer s.advMu.Unlock()
	s.scripts = append(s.scripts, &script{id: intentID, steps: steps})
}

// Advance applies the next step of every script, in the order the scripts
// were added, and returns how many steps ran; zero means every script has
// finished. A step's error is kept for Err and does not stop its script.
func (s *Service) Advance() int {
	s.advMu.Lock()
	defer s.advMu.Unlock()
	ran := 0
	for _, sc := range s.scripts {
		if sc.next >= len(sc.steps) {
			continue
		}
		step := sc.steps[sc.next]
		sc.next++
		ran++
		if err := step(s, sc.id); err != nil {
			s.errs = append(s.errs, fmt.Errorf("pipelinetest: intent %s step %d: %w", sc.id, sc.next, err))
		}
	}
	return ran
}

// Remaining returns how many steps are still queued across all scripts.
func (s *Service) Remaining() int {
	s.advMu.Lock()
	defer s.advMu.Unlock()
	n := 0
	for _, sc := range s.scripts {
		n += len(sc.steps) - sc.next
	}
	return n
}

// Err returns every step error so far, joined, or nil.
func (s *Service) Err() error {
	s.advMu.Lock()
	defer s.advMu.Unlock()
	return errors.Join(s.errs...)
}

// Exchange returns the exchange scripts drive, or nil.
func (s *Service) Exchange() *kalshitest.Exchange { return s.opts.Exchange }

var (
	errNoIntent   = errors.New("no such intent")
	errNoExchange = errors.New("no exchange configured")
	errNotPlaced  = errors.New("intent has no Kalshi order yet")
)

// update applies fn to the intent or reports that it is missing.
func (s *Service) update(id string, fn func(*IntentState)) error {
	if !s.Update(id, fn) {
		return errNoIntent
	}
	return nil
}

// kalshiOrder returns the exchange and the intent's Kalshi order ID.
func (s *Service) kalshiOrder(id string) (*kalshitest.Exchange, string, error) {
	st, ok := s.Intent(id)
	switch {
	case !ok:
		return nil, "", errNoIntent
	case st.KalshiOrderID == "":
		return nil, "", errNotPlaced
	case s.opts.Exchange == nil:
		return nil, "", errNoExchange
	}
	return s.opts.Exchange, st.KalshiOrderID, nil
}

// Validate moves the intent to validated: the balance check locked funds.
func Validate() Step {
	return func(s *Service, id string) error {
		now := s.now()
		return s.update(id, func(st *IntentState) {
			st.Status = "validated"
			st.BalanceValidatedAt = now
		})
	}
}

// Place submits the intent's order to Kalshi: it puts a resting order on
// the exchange (and the market, when the exchange lacks it) and records
// orderPlacedAt, kalshiOrderId and kalshiOrderStatus "resting" with a fill
// count of 0. yesPrice is in dollars. Without an exchange only the intent
// changes. The intent's action gets the ticker, side, count and price in
// cents when it has none yet. The order is first in its queue; see
// PlaceBehind.
func Place(kalshiOrderID, ticker, side string, yesPrice, count fixed.Decimal) Step {
	return PlaceBehind(kalshiOrderID, ticker, side, yesPrice, count, fixed.Decimal{})
}

// PlaceBehind is Place with ahead contracts already resting at the
// order's price: a real order joins the queue behind them, so its first
// queue position is already ahead, not a move back from zero.
func PlaceBehind(kalshiOrderID, ticker, side string, yesPrice, count, ahead fixed.Decimal) Step {
	return func(s *Service, id string) error {
		now := s.now()
		if x := s.opts.Exchange; x != nil {
			s.ensureMarket(ticker, yesPrice)
			x.PutOrder(kalshitest.OrderState{
				OrderID:        kalshiOrderID,
				Ticker:         ticker,
				OutcomeSide:    side,
				Status:         kalshitest.StatusResting,
				YesPrice:       yesPrice,
				InitialCount:   count,
				CreatedTime:    now,
				LastUpdateTime: now,
				QueueAhead:     ahead,
			})
		}
		zero := fixed.FromInt(0)
		return s.update(id, func(st *IntentState) {
			st.Status = "placed"
			st.OrderPlacedAt = now
			st.KalshiOrderID = kalshiOrderID
			st.KalshiOrderStatus = "resting"
			st.KalshiFillCount = &zero
			if st.MarketID == "" {
				st.MarketID = ticker
			}
			if st.Side == "" {
				st.Side = side
			}
			if st.OrderType == "" {
				st.OrderType = "buy"
			}
			if st.Quantity.IsZero() {
				st.Quantity = count
			}
			if st.Price.IsZero() {
				st.Price = sidePriceCents(side, yesPrice)
			}
		})
	}
}

// sidePriceCents converts a yes price in dollars to the order's own side
// in cents, as the older API's action.price is.
func sidePriceCents(side string, yesPrice fixed.Decimal) fixed.Decimal {
	p := yesPrice
	if side == "no" {
		p = fixed.FromInt(1).Sub(yesPrice)
	}
	cents, _ := p.Quo(fixed.MustParse("0.01"), 0)
	return cents
}

// KalshiFill matches count contracts of the intent's Kalshi order at price
// (dollars on the order's side) with fee, as a maker. Only the exchange
// changes: the intent service learns of it at SyncFill. Filling an order
// that is not resting is a script error, since the exchange would ignore
// it silently.
func KalshiFill(count, price, fee fixed.Decimal) Step {
	return func(s *Service, id string) error {
		x, oid, err := s.kalshiOrder(id)
		if err != nil {
			return err
		}
		if err := requireResting(x, oid); err != nil {
			return err
		}
		x.Fill(oid, count, price, fee, false)
		return nil
	}
}

func requireResting(x *kalshitest.Exchange, oid string) error {
	o, ok := x.Order(oid)
	if !ok {
		return fmt.Errorf("kalshi order %s not on the exchange", oid)
	}
	if o.Status != kalshitest.StatusResting {
		return fmt.Errorf("kalshi order %s is %s, not resting", oid, o.Status)
	}
	return nil
}

// SyncFill copies the Kalshi order's fill count and status into the
// intent's metadata, as the service's poller does.
func SyncFill() Step {
	return func(s *Service, id string) error {
		x, oid, err := s.kalshiOrder(id)
		if err != nil {
			return err
		}
		o, ok := x.Order(oid)
		if !ok {
			return fmt.Errorf("kalshi order %s not on the exchange", oid)
		}
		return s.update(id, func(st *IntentState) {
			fc := o.FillCount
			st.KalshiFillCount = &fc
			st.KalshiOrderStatus = o.Status
		})
	}
}

// MarkFilled moves the intent to filled.
func MarkFilled() Step {
	return func(s *Service, id string) error {
		now := s.now()
		return s.update(id, func(st *IntentState) {
			st.Status = "filled"
			st.OrderFilledAt = now
		})
	}
}

// TxnFilled moves the intent to txn_filled: the outcome tokens were minted
// or burned on Base in txHash (TxHashFor the intent when empty).
func TxnFilled(txHash string) Step {
	return func(s *Service, id string) error {
		now := s.now()
		hash := txHash
		if hash == "" {
			hash = TxHashFor(id)
		}
		return s.update(id, func(st *IntentState) {
			st.Status = "txn_filled"
			st.TxnFilledAt = now
			st.TxHash = hash
			if st.ChainID == 0 {
				st.ChainID = BaseChainID
			}
		})
	}
}

// Complete finishes the intent successfully.
func Complete() Step {
	return func(s *Service, id string) error {
		return s.update(id, func(st *IntentState) {
			st.Status = "completed"
			st.IsComplete = true
			st.TerminationReason = ""
		})
	}
}

// Fail ends the intent with reason.
func Fail(reason string) Step {
	return func(s *Service, id string) error {
		return s.update(id, func(st *IntentState) {
			st.Status = "failed"
			st.IsComplete = true
			st.TerminationReason = reason
		})
	}
}

// KalshiCancel cancels the intent's Kalshi order on the exchange only,
// with reason as its last_update_reason (one of Kalshi's, such as
// "CloseCancel"); the intent is not told, which is exactly the
// inconsistency a monitor must catch.
func KalshiCancel(reason string) Step {
	return func(s *Service, id string) error {
		x, oid, err := s.kalshiOrder(id)
		if err != nil {
			return err
		}
		if err := requireResting(x, oid); err != nil {
			return err
		}
		x.CancelWithReason(oid, reason)
		return nil
	}
}

// SetQueue sets how many contracts are ahead of the intent's resting Kalshi
// order.
func SetQueue(ahead fixed.Decimal) Step {
	return func(s *Service, id string) error {
		x, oid, err := s.kalshiOrder(id)
		if err != nil {
			return err
		}
		x.SetQueue(oid, ahead)
		return nil
	}
}

// Do wraps an arbitrary change as a step, for scripts that need something
// the constructors do not offer.
func Do(fn func(s *Service, intentID string) error) Step { return Step(fn) }
