package ui

import (
	"errors"
	"fmt"
	"strings"

	"ordermon/pipeline"
)

// parseTarget reads an order ID as the user typed it: "intent:<id>",
// "kalshi:<id>" or a bare ID. It stands in for pipeline.ParseTarget until
// that lands, with the same contract: a clear error for anything that is
// not an ID.
func parseTarget(s string) (pipeline.Target, error) {
	s = strings.TrimSpace(s)
	t := pipeline.Target{Kind: pipeline.KindAuto, ID: s}
	if p, rest, ok := strings.Cut(s, ":"); ok {
		switch strings.ToLower(p) {
		case "intent":
			t = pipeline.Target{Kind: pipeline.KindIntent, ID: rest}
		case "kalshi":
			t = pipeline.Target{Kind: pipeline.KindKalshi, ID: rest}
		default:
			return pipeline.Target{}, fmt.Errorf("unknown prefix %q: use intent:<id> or kalshi:<id>", p)
		}
	}
	if t.ID == "" {
		return pipeline.Target{}, errors.New("empty order ID")
	}
	if len(t.ID) > 128 {
		return pipeline.Target{}, errors.New("order ID longer than 128 characters")
	}
	for _, r := range t.ID {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return pipeline.Target{}, fmt.Errorf("order ID has a character that cannot be in an ID: %q", r)
		}
	}
	return t, nil
}
