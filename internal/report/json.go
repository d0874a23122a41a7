package report

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"

	"ordermon/internal/engine"
	"ordermon/internal/fixed"
	"ordermon/kalshi"
	"ordermon/pipeline"
)

// Order is one watched order as the --json modes print it: one line of
// NDJSON per order. The line is a contract with scripts, so fields are only
// ever added, never renamed or removed.
//
// The object, with every key always present:
//
//	{"id":          "intent:<id>" or "kalshi:<order_id>" (the bare ID while unresolved),
//	 "observed_at": RFC 3339 time the snapshot was taken, in UTC,
//	 "stage":       the intent's status, or the Kalshi status for a Kalshi-only
//	                order; null before either source has answered,
//	 "outcome":     "success" | "failure" | "not_found" (no system asked knows
//	                the ID) | null while in progress,
//	 "intent":      null | {"id", "status", "is_complete", "termination_reason",
//	                "created_at", "balance_validated_at", "order_placed_at",
//	                "order_filled_at", "txn_filled_at", "kalshi_order_id",
//	                "kalshi_fill_count", "tx_hash", "chain_id"},
//	 "kalshi":      null | {"order_id", "client_order_id", "ticker", "status",
//	                "outcome_side", "book_side", "type", "yes_price_dollars",
//	                "no_price_dollars", "fill_count", "remaining_count",
//	                "initial_count", "taker_fees_dollars", "maker_fees_dollars",
//	                "taker_fill_cost_dollars", "maker_fill_cost_dollars",
//	                "queue_position", "created_time", "last_update_time",
//	                "expiration_time", "last_update_reason"},
//	 "market":      null | {"ticker", "status", "yes_bid_dollars", "yes_ask_dollars",
//	                "no_bid_dollars", "no_ask_dollars", "close_time"},
//	 "diagnosis":   [{"code", "severity", "message"}], [] when nothing is wrong,
//	 "errors":      {"kalshi": null | "short message", "pipeline": null | "short message",
//	                "queue": null | "short message", "market": null | "short message",
//	                "fills": null | "short message"}}
//
// Rules that hold for every field:
//   - Decimals (prices, fees, costs, counts, queue_position) are JSON
//     strings holding the exact value the server sent, such as "0.5600",
//     so no JSON reader rounds them through a float.
//   - Times are RFC 3339 strings in UTC, with fractional seconds when the
//     server gave them.
//   - An absent value is null, never omitted and never "": a string the
//     server left empty, a stage not reached yet, a fill count the intent
//     service did not report, a chain_id of 0, and queue_position when the
//     order is not resting.
//   - severity is "info", "warn" or "error"; the diagnosis is most severe
//     first.
//   - Server strings are kept verbatim (not stripped) so scripts see the
//     real values; JSON escaping makes them safe: control characters, C1
//     controls, DEL and bidirectional overrides are written as \uXXXX, so
//     no raw escape sequence reaches a terminal that shows the line. The
//     errors field is already short, sanitized text.
//   - errors.queue, errors.market and errors.fills are set when the last
//     read of that figure failed while the order itself was read: the
//     figure (queue_position, the market, the fills behind the averages)
//     is then the last good value: "stale since <RFC 3339 time>: <error>",
//     or "not read: <error>" when no read ever succeeded.
type Order struct {
	ID         string          `json:"id"`
	ObservedAt *time.Time      `json:"observed_at"`
	Stage      *string         `json:"stage"`
	Outcome    *string         `json:"outcome"`
	Intent     *IntentJSON     `json:"intent"`
	Kalshi     *KalshiJSON     `json:"kalshi"`
	Market     *MarketJSON     `json:"market"`
	Diagnosis  []FindingJSON   `json:"diagnosis"`
	Errors     SourceErrorJSON `json:"errors"`
}

// IntentJSON is the "intent" object of Order.
type IntentJSON struct {
	ID                 *string        `json:"id"`
	Status             *string        `json:"status"`
	IsComplete         bool           `json:"is_complete"`
	TerminationReason  *string        `json:"termination_reason"`
	CreatedAt          *time.Time     `json:"created_at"`
	BalanceValidatedAt *time.Time     `json:"balance_validated_at"`
	OrderPlacedAt      *time.Time     `json:"order_placed_at"`
	OrderFilledAt      *time.Time     `json:"order_filled_at"`
	TxnFilledAt        *time.Time     `json:"txn_filled_at"`
	KalshiOrderID      *string        `json:"kalshi_order_id"`
	KalshiFillCount    *fixed.Decimal `json:"kalshi_fill_count"`
	TxHash             *string        `json:"tx_hash"`
	ChainID            *int64         `json:"chain_id"`
}

// KalshiJSON is the "kalshi" object of Order: the Kalshi order with its
// queue position.
type KalshiJSON struct {
	OrderID              *string        `json:"order_id"`
	ClientOrderID        *string        `json:"client_order_id"`
	Ticker               *string        `json:"ticker"`
	Status               *string        `json:"status"`
	OutcomeSide          *string        `json:"outcome_side"`
	BookSide             *string        `json:"book_side"`
	Type                 *string        `json:"type"`
	YesPriceDollars      fixed.Decimal  `json:"yes_price_dollars"`
	NoPriceDollars       fixed.Decimal  `json:"no_price_dollars"`
	FillCount            fixed.Decimal  `json:"fill_count"`
	RemainingCount       fixed.Decimal  `json:"remaining_count"`
	InitialCount         fixed.Decimal  `json:"initial_count"`
	TakerFeesDollars     fixed.Decimal  `json:"taker_fees_dollars"`
	MakerFeesDollars     fixed.Decimal  `json:"maker_fees_dollars"`
	TakerFillCostDollars fixed.Decimal  `json:"taker_fill_cost_dollars"`
	MakerFillCostDollars fixed.Decimal  `json:"maker_fill_cost_dollars"`
	QueuePosition        *fixed.Decimal `json:"queue_position"`
	CreatedTime          *time.Time     `json:"created_time"`
	LastUpdateTime       *time.Time     `json:"last_update_time"`
	ExpirationTime       *time.Time     `json:"expiration_time"`
	// LastUpdateReason is Kalshi's last_update_reason as sent, such as
	// "ExpiryCancel" (engine.UpdateReason says it in words).
	LastUpdateReason *string `json:"last_update_reason"`
}

// MarketJSON is the "market" object of Order.
type MarketJSON struct {
	Ticker        *string       `json:"ticker"`
	Status        *string       `json:"status"`
	YesBidDollars fixed.Decimal `json:"yes_bid_dollars"`
	YesAskDollars fixed.Decimal `json:"yes_ask_dollars"`
	NoBidDollars  fixed.Decimal `json:"no_bid_dollars"`
	NoAskDollars  fixed.Decimal `json:"no_ask_dollars"`
	CloseTime     *time.Time    `json:"close_time"`
}

// FindingJSON is one entry of Order's "diagnosis".
type FindingJSON struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// SourceErrorJSON is Order's "errors": the last error of each source for
// this order, null when the last request succeeded or the source is not
// involved; and of each Kalshi figure read apart from the order, with its
// age, null while the figure is fresh.
type SourceErrorJSON struct {
	Kalshi   *string `json:"kalshi"`
	Pipeline *string `json:"pipeline"`
	Queue    *string `json:"queue"`
	Market   *string `json:"market"`
	Fills    *string `json:"fills"`
}

// FromSnapshot converts a snapshot to its JSON form.
func FromSnapshot(s engine.Snapshot) Order {
	o := Order{
		ID:         s.Name(),
		ObservedAt: jsonTime(s.ObservedAt),
		Stage:      str(rawStage(s)),
		Outcome:    str(string(s.Outcome())),
		Diagnosis:  []FindingJSON{},
		Errors: SourceErrorJSON{
			Kalshi:   str(sourceError(s.Sources.Kalshi)),
			Pipeline: str(sourceError(s.Sources.Intent)),
			Queue:    str(figureError(s.Figures.Queue)),
			Market:   str(figureError(s.Figures.Market)),
			Fills:    str(figureError(s.Figures.Fills)),
		},
	}
	o.Intent = intentJSON(s.Intent)
	o.Kalshi = kalshiJSON(s)
	o.Market = marketJSON(s.Market)
	for _, f := range s.Diagnosis {
		o.Diagnosis = append(o.Diagnosis, FindingJSON{Code: f.Code, Severity: f.Severity.String(), Message: f.Message})
	}
	return o
}

// figureError is errors.queue, .market or .fills: "" while the figure is
// fresh, else since when its value dates and why. It names the time of
// the last good read rather than an age, so a watch does not print the
// order again every round while the figure stays stale.
func figureError(f engine.Figure) string {
	switch {
	case !f.Stale():
		return ""
	case f.At.IsZero():
		return "not read: " + f.Err
	}
	return "stale since " + f.At.UTC().Format(time.RFC3339) + ": " + f.Err
}

// intentJSON is the "intent" object; nil (null) when there is no intent.
func intentJSON(in *pipeline.Intent) *IntentJSON {
	if in == nil {
		return nil
	}
	o := &IntentJSON{
		ID:                 str(in.ID),
		Status:             str(string(in.Status)),
		IsComplete:         in.IsComplete,
		TerminationReason:  str(in.TerminationReason),
		CreatedAt:          jsonTime(in.CreatedAt),
		BalanceValidatedAt: jsonTime(in.BalanceValidatedAt),
		OrderPlacedAt:      jsonTime(in.OrderPlacedAt),
		OrderFilledAt:      jsonTime(in.OrderFilledAt),
		TxnFilledAt:        jsonTime(in.TxnFilledAt),
		KalshiOrderID:      str(in.KalshiOrderID),
		KalshiFillCount:    in.KalshiFillCount,
		TxHash:             str(in.TxHash),
	}
	if in.ChainID != 0 {
		id := in.ChainID
		o.ChainID = &id
	}
	return o
}

// kalshiJSON is the "kalshi" object: the Kalshi order with its queue
// position; nil (null) before Kalshi has answered.
func kalshiJSON(s engine.Snapshot) *KalshiJSON {
	k := s.Order
	if k == nil {
		return nil
	}
	return &KalshiJSON{
		OrderID:              str(k.OrderID),
		ClientOrderID:        str(k.ClientOrderID),
		Ticker:               str(k.Ticker),
		Status:               str(string(k.Status)),
		OutcomeSide:          str(k.OutcomeSide),
		BookSide:             str(k.BookSide),
		Type:                 str(k.Type),
		YesPriceDollars:      k.YesPrice,
		NoPriceDollars:       k.NoPrice,
		FillCount:            k.FillCount,
		RemainingCount:       k.RemainingCount,
		InitialCount:         k.InitialCount,
		TakerFeesDollars:     k.TakerFees,
		MakerFeesDollars:     k.MakerFees,
		TakerFillCostDollars: k.TakerFillCost,
		MakerFillCostDollars: k.MakerFillCost,
		QueuePosition:        s.QueueAhead,
		CreatedTime:          jsonTime(k.CreatedTime),
		LastUpdateTime:       jsonTime(k.LastUpdateTime),
		ExpirationTime:       jsonTime(k.ExpirationTime),
		LastUpdateReason:     str(k.LastUpdateReason),
	}
}

// marketJSON is the "market" object; nil (null) when it was not read.
func marketJSON(m *kalshi.Market) *MarketJSON {
	if m == nil {
		return nil
	}
	return &MarketJSON{
		Ticker:        str(m.Ticker),
		Status:        str(m.Status),
		YesBidDollars: m.YesBid,
		YesAskDollars: m.YesAsk,
		NoBidDollars:  m.NoBid,
		NoAskDollars:  m.NoAsk,
		CloseTime:     jsonTime(m.CloseTime),
	}
}

// MarshalLine encodes o as one line of NDJSON, ending in "\n". Besides
// what encoding/json escapes, it escapes DEL, C1 controls, U+2028/U+2029
// and bidirectional overrides, so the line is safe to show on a terminal
// while decoding back to the exact server strings.
func (o Order) MarshalLine() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// "&" and "<" in a ticker should read as themselves.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	return escapeInvisible(buf.Bytes()), nil
}

// escapeInvisible rewrites, as \uXXXX, the runes encoding/json leaves raw
// but a terminal may act on or that hide or reorder text. Those runes can
// only occur inside JSON strings, where the escape means the same rune.
func escapeInvisible(b []byte) []byte {
	if !hasInvisible(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if invisible(r) {
			const hex = "0123456789abcdef"
			out = append(out, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func hasInvisible(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			if b[i] == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if invisible(r) {
			return true
		}
		i += size
	}
	return false
}

func invisible(r rune) bool {
	switch {
	case r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// rawStage is Snapshot.StageText before sanitizing: JSON keeps the
// server's value verbatim and relies on escaping instead.
func rawStage(s engine.Snapshot) string {
	if s.Intent != nil {
		return string(s.Intent.Status)
	}
	if s.KalshiOnly() && s.Order != nil {
		return string(s.Order.Status)
	}
	return ""
}

// sourceError is the short error text of one source, "" when there is
// none to report.
func sourceError(st engine.SourceStatus) string {
	if !st.Used {
		return ""
	}
	if e := clean(st.Err); e != "" {
		return e
	}
	if st.NotFound {
		return "not found"
	}
	return ""
}

// str returns a pointer to s, or nil for "", so an absent string is null.
func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// jsonTime returns t in UTC, or nil when t is zero or outside what RFC
// 3339 can write (which would make encoding fail).
func jsonTime(t time.Time) *time.Time {
	if t.IsZero() || t.Year() < 0 || t.Year() > 9999 {
		return nil
	}
	u := t.UTC()
	return &u
}
