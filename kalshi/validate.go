package kalshi

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"ordermon/internal/textsafe"
)

// MaxIDLen is the longest order ID or ticker ValidateID accepts, in
// characters. Kalshi's order IDs are UUIDs and its tickers are a few dozen
// characters; the limit leaves room for other schemes while keeping a
// pasted paragraph from becoming a URL.
const MaxIDLen = 128

// ValidateID checks an order ID, ticker or similar value before it goes
// into a request URL. kind names it in the error ("order ID", "ticker").
//
// It must be non-empty, at most 128 characters of valid UTF-8, free of
// whitespace, control and invisible formatting characters, free of '/', and
// not "." or "..". Those rules keep a pasted value from silently becoming a
// different path (a '/' or ".." would address another endpoint) and turn a
// stray space from a support ticket into a clear error instead of a 404.
// The value is still path-escaped when used.
func ValidateID(kind, id string) error {
	bad := func(why string) error {
		return fmt.Errorf("kalshi: %w: %s %s %s", ErrInvalidID, kind, textsafe.Quote(id, 40), why)
	}
	switch {
	case id == "":
		return fmt.Errorf("kalshi: %w: empty %s", ErrInvalidID, kind)
	case len(id) > MaxIDLen && utf8.RuneCountInString(id[:min(len(id), 4*MaxIDLen+4)]) > MaxIDLen:
		return bad(fmt.Sprintf("is longer than %d characters", MaxIDLen))
	case !utf8.ValidString(id):
		return bad("is not valid UTF-8")
	case id == "." || id == "..":
		return bad("is a path element, not an identifier")
	}
	for _, r := range id {
		switch {
		case r == '/':
			return bad("contains '/'")
		case unicode.IsSpace(r):
			return bad("contains whitespace")
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return bad("contains a control or invisible character")
		}
	}
	return nil
}
