package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"ordermon/internal/textsafe"
)

// MaxListedIntents bounds how many elements of a list reply are read. The
// service documents at most 100; the margin keeps a service that raises
// its cap from losing orders, while a hostile reply still costs a bounded
// amount of work.
const MaxListedIntents = 1000

// MaxWalletBytes bounds a wallet address; a Base address is 42 bytes.
const MaxWalletBytes = 128

// ErrInvalidClientID reports a client ID that cannot be sent as one path
// segment, by ValidateIntentID's rules. Errors wrapping it say why.
var ErrInvalidClientID = errors.New("invalid client ID")

// ErrNoIntentList reports a reply that parsed but held no list of orders.
var ErrNoIntentList = errors.New("the reply holds no list of orders")

// ListIntents lists the orders of the API key's account (GET
// {base}/v1/order), the service's 100 most recent, filtered to one wallet
// (?walletAddress=) when wallet is not empty. It has GetIntent's
// credentials, timeout, body cap, retries and errors. Elements that are
// not orders (withdraw intents) are left out; elements that fail to decode
// or have no usable ID are left out too, counted in a warning to the
// configured Logger. The orders keep the service's order, without
// duplicates.
func (c *IntentClient) ListIntents(ctx context.Context, wallet string) ([]Intent, error) {
	path := "/v1/order"
	if wallet != "" {
		if err := validateWallet(wallet); err != nil {
			return nil, err
		}
		path += "?walletAddress=" + url.QueryEscape(wallet)
	}
	var list IntentList
	err := c.get(ctx, path, func(body []byte, status int, a attempt) error {
		var err error
		if list, err = (&intentDecoder{scrub: a.scrub}).list(body); err != nil {
			return a.replyError(err, status)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if (list.Malformed > 0 || list.Truncated) && c.cfg.Logger != nil {
		c.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "intent list: elements left out",
			slog.String("path", path), slog.Int("orders", len(list.Intents)),
			slog.Int("malformed", list.Malformed), slog.String("first_problem", list.FirstProblem),
			slog.Bool("truncated", list.Truncated))
	}
	return list.Intents, nil
}

// GetIntentByClientID reads the intent the service was given clientID for
// (GET {base}/v1/order/by-client-id/{clientId}), with GetIntent's rules:
// the ID is validated like an intent ID (its error wraps
// ErrInvalidClientID) and path-escaped, a 404 is IsIntentNotFound, and a
// reply naming another client ID is refused.
func (c *IntentClient) GetIntentByClientID(ctx context.Context, clientID string) (Intent, error) {
	if err := validateSegment(ErrInvalidClientID, clientID); err != nil {
		return Intent{}, err
	}
	return c.getOne(ctx, "/v1/order/by-client-id/"+url.PathEscape(clientID), "clientId", clientID)
}

// validateWallet refuses a wallet address that could change the query it
// is sent in or mislead a log: it must be visible ASCII and short.
func validateWallet(w string) error {
	switch {
	case len(w) > MaxWalletBytes:
		return fmt.Errorf("pipeline: the wallet address is longer than %d bytes", MaxWalletBytes)
	case !headerSafe(w):
		return fmt.Errorf("pipeline: the wallet address %s contains spaces or characters other than visible ASCII",
			textsafe.Quote(w, 48))
	}
	return nil
}

// IntentList is a decoded list reply: the orders it held and what was left
// out.
type IntentList struct {
	// Intents are the orders, in the service's order, each ID once.
	Intents []Intent
	// Skipped counts elements that are not orders: withdraw and other
	// intents, and values that are not objects.
	Skipped int
	// Malformed counts elements that failed to decode, or have no status
	// or no usable ID; FirstProblem says why the first of them was left
	// out, sanitized.
	Malformed    int
	FirstProblem string
	// Truncated is set when the reply held more than MaxListedIntents
	// elements; the rest were not read.
	Truncated bool
}

// DecodeIntentList decodes a list reply: a bare array, or one inside an
// object as "orders", "intents" or "data" (also "data":{"orders":[...]}),
// with or without "success":true. Each element is decoded as DecodeIntent
// decodes a single reply; one that cannot be is left out and counted, not
// an error for the whole list. An error means the reply as a whole is
// unreadable or says {"success":false}.
func DecodeIntentList(body []byte) (IntentList, error) {
	return (&intentDecoder{scrub: func(s string) string { return s }}).list(body)
}

// listKeys are the fields a list may arrive in, tried in this order.
var listKeys = []string{"orders", "intents", "data"}

func (d *intentDecoder) list(body []byte) (IntentList, error) {
	arr, err := d.listArray(body)
	if err != nil {
		return IntentList{}, err
	}
	var out IntentList
	if arr == nil {
		return out, nil
	}
	// Stream the elements, so a reply of a million tiny values stops at
	// the cap instead of being held in full.
	dec := json.NewDecoder(bytes.NewReader(arr))
	if _, err := dec.Token(); err != nil { // '['
		return IntentList{}, ErrNoIntentList
	}
	seen := map[string]bool{}
	for n := 0; dec.More(); n++ {
		if n == MaxListedIntents {
			out.Truncated = true
			break
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return IntentList{}, notJSON(err)
		}
		in, problem, isOrder := d.listElement(raw)
		switch {
		case !isOrder:
			out.Skipped++
		case problem != "":
			out.Malformed++
			if out.FirstProblem == "" {
				out.FirstProblem = "element " + strconv.Itoa(n) + ": " + problem
			}
		case !seen[in.ID]:
			seen[in.ID] = true
			out.Intents = append(out.Intents, in)
		}
	}
	if !out.Truncated {
		if err := arrayEnd(dec); err != nil {
			return IntentList{}, err
		}
	}
	return out, nil
}

// arrayEnd checks that the array ends, and the body with it: More stops
// at the end of the input as it does at ']', so a reply cut short would
// otherwise pass for a shorter list.
func arrayEnd(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err == nil && tok != json.Delim(']') {
		err = errors.New("invalid character after an element")
	}
	if err == nil {
		if _, err = dec.Token(); err == io.EOF {
			return nil
		} else if err == nil {
			err = errors.New("invalid character after the list")
		}
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return notJSON(err)
}

// listArray finds the array in a list reply; nil (and no error) means the
// list field was null: no orders.
func (d *intentDecoder) listArray(body []byte) (json.RawMessage, error) {
	// An array is checked as it is streamed, an object by root; only
	// another body needs checking here, to say which it is.
	body = bytes.TrimSpace(body)
	switch {
	case len(body) > 0 && body[0] == '[':
		return body, nil
	case len(body) == 0 || body[0] != '{':
		var probe json.RawMessage
		if err := json.Unmarshal(body, &probe); err != nil {
			return nil, notJSON(err)
		}
		return nil, ErrNoIntentList
	}
	top, err := d.root(body)
	if err != nil {
		return nil, err
	}
	if top.failed() {
		return nil, serviceFailure(body, d.scrub)
	}
	arr, found, err := top.listField()
	if !found && err == nil {
		// {"data":{"orders":[...]}}: the list one level down.
		if data, ok, _ := top.object("data"); ok {
			arr, found, err = data.listField()
		}
	}
	if !found && err == nil {
		err = ErrNoIntentList
	}
	return arr, err
}

// listField returns the first of listKeys that holds an array or null
// (nil, found); a list key of another type is an error, except "data",
// which may be an object around the list.
func (o jsonObject) listField() (json.RawMessage, bool, error) {
	for _, k := range listKeys {
		if !o.has(k) {
			continue
		}
		switch r := o.raw(k); {
		case r == nil:
			return nil, true, nil
		case r[0] == '[':
			return r, true, nil
		case k != "data" || r[0] != '{':
			return nil, false, o.wrongType(k, "an array", r)
		}
	}
	return nil, false, nil
}

// notJSON is the error for a reply that does not parse.
func notJSON(err error) error {
	return fmt.Errorf("the reply is not valid JSON: %s", textsafe.Short(err.Error(), 120))
}

// listElement decodes one element of a list. isOrder is false for an
// element that is not an order at all; problem says why an order cannot
// be used.
func (d *intentDecoder) listElement(raw json.RawMessage) (in Intent, problem string, isOrder bool) {
	if r := bytes.TrimSpace(raw); len(r) == 0 || r[0] != '{' {
		return Intent{}, "", false
	}
	obj, err := d.intentObject(raw)
	var ie *IntentError
	switch {
	case errors.Is(err, ErrNoIntent):
		return Intent{}, "", false
	case errors.As(err, &ie):
		return Intent{}, "it says success is false", true
	case err != nil:
		return Intent{}, textsafe.Clean(err.Error()), true
	}
	// A withdraw intent may name its type beside its action, as the
	// withdraw request does, or inside it (read into ActionType).
	if t, err := obj.str("intentType"); err == nil && !isOrderAction(t) {
		return Intent{}, "", false
	}
	if in, err = d.intent(obj); err != nil {
		return Intent{}, textsafe.Clean(err.Error()), true
	}
	switch {
	case !isOrderAction(in.ActionType):
		return Intent{}, "", false
	case ValidateIntentID(in.ID) != nil:
		return Intent{}, "no usable intent ID", true
	case in.Status == "":
		return Intent{}, "no status", true
	}
	return in, "", true
}

// isOrderAction reports whether an action or intent type names an order
// ("MarketOrder", and any later "...Order"), or is absent, which both
// shapes' orders may be. Withdraw and other intents are not orders.
func isOrderAction(t string) bool {
	return t == "" || strings.HasSuffix(strings.ToLower(t), "order")
}
