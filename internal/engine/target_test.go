package engine

import (
	"errors"
	"net/url"
	"path"
	"strings"
	"testing"
	"unicode/utf8"

	"ordermon/kalshi"
)

func TestParseTargetAccepts(t *testing.T) {
	tests := []struct {
		arg  string
		want Target
	}{
		{"intent:123", Target{KindIntent, "123"}},
		{"kalshi:ORD-1", Target{KindKalshi, "ORD-1"}},
		{"INTENT:abc", Target{KindIntent, "abc"}},
		{"client:order-2024-0042", Target{KindClient, "order-2024-0042"}},
		{"Client:a:b", Target{KindClient, "a:b"}},
		{"Kalshi:ee9b6a43-4c4a-4d6b-a2b6-1c2f0c1d7e55", Target{KindKalshi, "ee9b6a43-4c4a-4d6b-a2b6-1c2f0c1d7e55"}},
		{"ee9b6a43-4c4a-4d6b-a2b6-1c2f0c1d7e55", Target{KindAuto, "ee9b6a43-4c4a-4d6b-a2b6-1c2f0c1d7e55"}},
		{"42", Target{KindAuto, "42"}},
		// After an explicit prefix the user has said what the ID is, so a
		// colon or a leading dash inside it is taken as written.
		{"intent:a:b", Target{KindIntent, "a:b"}},
		{"kalshi:-abc", Target{KindKalshi, "-abc"}},
		{"intent:a.b", Target{KindIntent, "a.b"}},
		{"intent:" + strings.Repeat("x", MaxIDLen), Target{KindIntent, strings.Repeat("x", MaxIDLen)}},
		// 128 characters of two bytes each: the limit is in characters.
		{strings.Repeat("é", MaxIDLen), Target{KindAuto, strings.Repeat("é", MaxIDLen)}},
		{"ordre-été", Target{KindAuto, "ordre-été"}},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.arg)
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tt.arg, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseTarget(%q) = %+v, want %+v", tt.arg, got, tt.want)
		}
		// The canonical form parses back to the same target.
		again, err := ParseTarget(got.String())
		if err != nil || again != got {
			t.Errorf("ParseTarget(%q.String()) = %+v, %v; want %+v", tt.arg, again, err, got)
		}
	}
}

func TestParseTargetRefuses(t *testing.T) {
	huge := strings.Repeat("A", 10*1024)
	tests := []struct {
		name string
		arg  string
		rule string // a phrase the error must contain
	}{
		{"empty", "", "empty"},
		{"empty after intent", "intent:", "empty"},
		{"empty after kalshi", "kalshi:", "empty"},
		{"empty after client", "client:", "empty"},
		{"client ID with a slash", "client:a/b", "path separator '/'"},
		{"client ID with an escape", "client:a\x1b[2J", "control character (U+001B)"},
		{"client ID with a space", "client:a b", "whitespace"},
		{"too long", strings.Repeat("x", MaxIDLen+1), "longer than 128"},
		{"too long in characters", strings.Repeat("é", MaxIDLen+1), "longer than 128"},
		{"10 KB", huge, "longer than 128"},
		{"10 KB with prefix", "intent:" + huge, "longer than 128"},
		{"slash", "intent:../../admin", ".."},
		{"slash alone", "kalshi:a/b", "path separator '/'"},
		{"backslash", `a\b`, `path separator '\\'`},
		{"dot dot", "a..b", `".."`},
		{"space", "kalshi:a b", "whitespace (U+0020) at character 2"},
		{"tab", "a\tb", "control character (U+0009)"},
		{"newline", "abc\n", "control character (U+000A) at character 4"},
		{"NUL", "a\x00b", "control character (U+0000)"},
		{"DEL", "a\x7fb", "control character (U+007F)"},
		{"escape sequence", "intent:\x1b[2J\x1b]0;pwned\x07", "control character (U+001B) at character 1"},
		{"C1 CSI", "a\u009b31mb", "control character (U+009B)"},
		{"no-break space", "a\u00a0b", "whitespace (U+00A0)"},
		{"ideographic space", "a\u3000b", "whitespace (U+3000)"},
		{"en quad", "\u2000abc", "whitespace (U+2000) at character 1"},
		{"line separator", "a\u2028b", "U+2028"},
		{"zero-width space", "a\u200bb", "invisible formatting character (U+200B)"},
		{"bidi override", "abc\u202edcba", "invisible formatting character (U+202E)"},
		{"BOM", "\ufeffabc", "invisible formatting character (U+FEFF)"},
		{"invalid UTF-8", "ab\xffcd", "not valid UTF-8"},
		{"unknown prefix", "foo:bar", `unknown prefix "foo": use intent:<id>, kalshi:<id>, client:<clientId>, or a bare ID`},
		{"URL", "https://kalshi.com/x", `unknown prefix "https"`},
		{"empty prefix", ":abc", `unknown prefix ""`},
		{"bare colon", "a:b:c", `unknown prefix "a"`},
		{"flag-like", "--once", "cannot start with '-'"},
		{"dash", "-", "cannot start with '-'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.arg)
			if err == nil {
				t.Fatalf("ParseTarget accepted %q as %+v", tt.arg, got)
			}
			if !errors.Is(err, ErrInvalidTarget) {
				t.Errorf("error %v does not wrap ErrInvalidTarget", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.rule) {
				t.Errorf("error %q does not name the rule %q", msg, tt.rule)
			}
			assertPrintable(t, msg)
			if n := utf8.RuneCountInString(msg); n > 300 {
				t.Errorf("error is %d characters long; the input must be truncated: %q", n, msg)
			}
		})
	}
}

// TestParseTargetQuotesInput checks the error shows the user what they
// typed, safely: sanitized, cut short, quoted.
func TestParseTargetQuotesInput(t *testing.T) {
	_, err := ParseTarget("intent:\x1b]0;evil\x07abc def")
	if err == nil {
		t.Fatal("accepted")
	}
	if want := `invalid order ID "intent:abc def": `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q does not start with %q", err, want)
	}

	_, err = ParseTarget(strings.Repeat("B", 5000))
	if want := `"` + strings.Repeat("B", 47) + `…"`; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not quote the truncated input %q", err, want)
	}
}

// assertPrintable fails if s could do anything to a terminal but print.
func assertPrintable(t *testing.T, s string) {
	t.Helper()
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || r == 0x2028 || r == 0x200b || r == 0xfeff {
			t.Fatalf("message contains U+%04X: %q", r, s)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"intent:1", "kalshi:x", "abc", "", "a/b", "\x1b[2J", "foo:bar", "é\u200b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		got, err := ParseTarget(arg)
		if err != nil {
			assertPrintable(t, err.Error())
			return
		}
		if rule := badIDRule(got.ID); rule != "" {
			t.Fatalf("accepted %q with ID breaking %q", arg, rule)
		}
		if p := "/v1/order/" + url.PathEscape(got.ID); path.Clean(p) != p {
			t.Fatalf("accepted %q, which changes the path to %s", arg, path.Clean(p))
		}
		if err := kalshi.ValidateID("order ID", got.ID); err != nil {
			t.Fatalf("accepted %q, which the Kalshi client refuses: %v", arg, err)
		}
		if again, err := ParseTarget(got.String()); err != nil || again != got {
			t.Fatalf("%q: canonical form %q parses to %+v, %v", arg, got.String(), again, err)
		}
	})
}

func BenchmarkParseTargetHuge(b *testing.B) {
	arg := "intent:" + strings.Repeat("x", 10<<20)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseTarget(arg)
	}
}

// TestParseTargetMatchesREADME checks the rules README states, by
// characters, and that nothing accepted could change the request's path
// or be refused by the Kalshi client (issue 13).
func TestParseTargetMatchesREADME(t *testing.T) {
	for _, id := range []string{strings.Repeat("é", 100), strings.Repeat("é", MaxIDLen), strings.Repeat("日", MaxIDLen), "a.b", ".a", "a.", "%2e%2e", "a%2Fb"} {
		got, err := ParseTarget("kalshi:" + id)
		if err != nil {
			t.Errorf("%q refused: %v", id, err)
			continue
		}
		if err := kalshi.ValidateID("order ID", got.ID); err != nil {
			t.Errorf("%q accepted here but refused by the Kalshi client: %v", id, err)
		}
		if p := "/v1/order/" + url.PathEscape(got.ID); path.Clean(p) != p {
			t.Errorf("%q changes the path: %s cleans to %s", id, p, path.Clean(p))
		}
	}
	for id, rule := range map[string]string{
		".":                             `is "."`,
		"..":                            `".."`,
		strings.Repeat("é", MaxIDLen+1): "longer than 128 characters",
		strings.Repeat("x", MaxIDLen+1): "longer than 128 characters",
		"a/b":                           "path separator",
		"a b":                           "whitespace",
		"a\x00":                         "control character",
		"":                              "empty",
	} {
		for _, prefix := range []string{"kalshi:", "intent:", ""} {
			if prefix == "" && (id == "" || strings.ContainsAny(id, ":")) {
				continue
			}
			_, err := ParseTarget(prefix + id)
			if err == nil || !errors.Is(err, ErrInvalidTarget) || !strings.Contains(err.Error(), rule) {
				t.Errorf("%q: err = %v, want it refused saying %q", prefix+id, err, rule)
			}
		}
	}
}
