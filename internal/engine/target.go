package engine

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"ordermon/internal/textsafe"
	"ordermon/kalshi"
)

// MaxIDLen is the longest order ID ParseTarget accepts, in characters:
// the Kalshi client's own limit, so an ID accepted here is never refused
// there.
const MaxIDLen = kalshi.MaxIDLen

// ErrInvalidTarget is wrapped by every error ParseTarget returns, so a
// caller can tell a bad ID from other failures with errors.Is.
var ErrInvalidTarget = errors.New("invalid order ID")

// ParseTarget parses one order as the user named it: "intent:<id>",
// "kalshi:<id>", "client:<clientId>" (the client ID the intent service was
// given, which is often what a ticket carries), or a bare "<id>"
// (KindAuto). The prefix is matched without regard to case; a client ID
// follows the same rules as any other ID.
//
// The ID ends up in a URL path and on the screen, so it is refused when it
// is empty, longer than MaxIDLen characters, not valid UTF-8, is "." or
// contains a path separator ('/' or '\'), "..", whitespace (Unicode spaces
// included), control characters, or invisible formatting characters
// (zero-width spaces, bidirectional overrides): whatever would make the
// request's path another one than the order's. A bare ID may not contain ':' (real
// IDs have none, so "foo:bar" is almost certainly a mistyped prefix) nor
// start with '-' (it would be a mistyped flag). The error quotes the input
// sanitized and truncated, and names the rule that was broken.
func ParseTarget(arg string) (Target, error) {
	kind, id := KindAuto, arg
	if prefix, rest, ok := strings.Cut(arg, ":"); ok {
		switch {
		case strings.EqualFold(prefix, "intent"):
			kind, id = KindIntent, rest
		case strings.EqualFold(prefix, "kalshi"):
			kind, id = KindKalshi, rest
		case strings.EqualFold(prefix, "client"):
			kind, id = KindClient, rest
		default:
			return Target{}, targetError(arg, fmt.Sprintf("unknown prefix %s: use intent:<id>, kalshi:<id>, client:<clientId>, or a bare ID",
				textsafe.Quote(prefix, 48)))
		}
	} else if strings.HasPrefix(arg, "-") {
		return Target{}, targetError(arg, "a bare ID cannot start with '-' (a mistyped flag?); write intent:<id> or kalshi:<id> for an ID that really does")
	}
	if rule := badIDRule(id); rule != "" {
		return Target{}, targetError(arg, rule)
	}
	return Target{Kind: kind, ID: id}, nil
}

// badIDRule returns the rule id breaks, or "" when it is acceptable.
func badIDRule(id string) string {
	if id == "" {
		return "the ID is empty"
	}
	// Count runes only up to the limit so a 10 MB argument costs no more
	// than a short one.
	if len(id) > MaxIDLen && utf8.RuneCountInString(id[:min(len(id), 4*MaxIDLen+4)]) > MaxIDLen {
		return fmt.Sprintf("the ID is longer than %d characters", MaxIDLen)
	}
	if !utf8.ValidString(id) {
		return "the ID is not valid UTF-8"
	}
	if strings.Contains(id, "..") {
		return `the ID contains ".."`
	}
	if id == "." {
		return `the ID is ".", which would name another URL path`
	}
	pos := 0
	for _, r := range id {
		pos++
		switch {
		case r == '/' || r == '\\':
			return fmt.Sprintf("the ID contains a path separator %q at character %d", r, pos)
		case unicode.IsControl(r):
			return fmt.Sprintf("the ID contains a control character (U+%04X) at character %d", r, pos)
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			return fmt.Sprintf("the ID contains whitespace (U+%04X) at character %d", r, pos)
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
			return fmt.Sprintf("the ID contains an invisible formatting character (U+%04X) at character %d", r, pos)
		}
	}
	return ""
}

// targetError builds the error for arg breaking rule.
func targetError(arg, rule string) error {
	return fmt.Errorf("%w %s: %s", ErrInvalidTarget, textsafe.Quote(arg, 48), rule)
}
