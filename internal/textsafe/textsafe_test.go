package textsafe

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	cases := map[string]string{
		"plain ticker KXBTC-25":          "plain ticker KXBTC-25",
		"red\x1b[31mtext\x1b[0m":         "redtext",
		"title\x1b]0;pwned\x07after":     "titleafter",
		"osc st\x1b]8;;http://x\x1b\\ok": "osc stok",
		"bell\x07 and del\x7f":           "bell and del",
		"c1 csi \u009b31mX":              "c1 csi X",
		"c1 osc \u009d0;t\u009cY":        "c1 osc Y",
		"tabs\tand\nnewlines\r":          "tabs and newlines ",
		"bidi \u202eevil\u202c":          "bidi evil",
		"bad utf8 \xff\xfe":              "bad utf8 \uFFFD\uFFFD",
		"dcs \x1bPq#0;2;0;0;0\x1b\\done": "dcs done",
		"unterminated \x1b]0;forever":    "unterminated ",
		"cursor \x1b[2J\x1b[H home":      "cursor  home",
		"charset \x1b(B ok":              "charset  ok",
		"emoji ✓ and 中文":                 "emoji ✓ and 中文",
		"csi broken \x1b[12\x07 resumes": "csi broken  resumes",
	}
	for in, want := range cases {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	html := "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\x1b[31m" + strings.Repeat("x", 5000) + "</body></html>"
	got := Excerpt([]byte(html), 40)
	if strings.ContainsAny(got, "\x1b\n") {
		t.Errorf("excerpt kept control characters: %q", got)
	}
	if !strings.HasPrefix(got, "502 Bad Gateway xxx") || !strings.HasSuffix(got, "…") {
		t.Errorf("Excerpt = %q", got)
	}
	if n := len([]rune(got)); n != 40 {
		t.Errorf("excerpt has %d runes, want 40", n)
	}
	if Truncate("short", 10) != "short" || Truncate("abcdef", 3) != "ab…" || Truncate("x", 0) != "" {
		t.Error("Truncate")
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"a\x1b[31mb", "\x1b]0;t\x07", "\u009b1m", "\xff", "ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || (r >= 0x80 && r <= 0x9f) || isBidiControl(r) {
				t.Fatalf("Clean(%q) kept %U", s, r)
			}
		}
		if Clean(out) != out {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
	})
}

// TestCleanDropsWidthAmbiguousRunes: the runes that make a terminal and
// a grapheme-aware measure disagree about a cluster's width are dropped,
// leaving each emoji, CJK and right-to-left character as it was.
func TestCleanDropsWidthAmbiguousRunes(t *testing.T) {
	cases := map[string]string{
		"👨\u200d👩\u200d👧\u200d👦":          "👨👩👧👦", // a ZWJ family
		"❤\ufe0f":                         "❤",    // emoji presentation selector
		"👍\U0001f3fd":                     "👍",    // skin tone
		"🏴\U000e0067\U000e0062\U000e007f": "🏴",    // tag sequence
		"a\u200bb\u00adc\u2060d":          "abcd", // zero-width space, soft hyphen, word joiner
		"東京 שלום مرحبا":                   "東京 שלום مرحبا",
		"🇺🇸 café":                         "🇺🇸 café",
	}
	for in, want := range cases {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQuote: the one way an untrusted value is quoted in a message is
// clean, short, quoted, and cheap on a huge input.
func TestQuote(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"gold", 64, `"gold"`},
		{" padded ", 64, `" padded "`},
		{"intent:\x1b]0;evil\x07abc def", 48, `"intent:abc def"`},
		{"a\u202eb\tc", 48, `"ab c"`},
		{strings.Repeat("B", 5000), 48, `"` + strings.Repeat("B", 47) + `…"`},
		// Cut before cleaning, on a rune boundary: no broken rune shows.
		{strings.Repeat("é", 5000), 10, `"` + strings.Repeat("é", 9) + `…"`},
		{"bad\xffbyte", 48, "\"bad\uFFFDbyte\""},
	}
	for _, c := range cases {
		if got := Quote(c.in, c.n); got != c.want {
			t.Errorf("Quote(%.40q, %d) = %s, want %s", c.in, c.n, got, c.want)
		}
	}
	// An input of escape sequences alone is cut long before Clean reads it.
	if got := Quote(strings.Repeat("\x1b[2J", 1<<20), 40); got != `""` {
		t.Errorf("Quote of 4 MB of escapes = %s", got)
	}
}

// TestShort: a message part is cleaned to one line and cut to n runes,
// without quotes.
func TestShort(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"unknown key colour", 200, "unknown key colour"},
		{"line one\nline\x1b[31m two", 200, "line one line two"},
		{strings.Repeat("x", 5000), 200, strings.Repeat("x", 199) + "…"},
	}
	for _, c := range cases {
		if got := Short(c.in, c.n); got != c.want {
			t.Errorf("Short(%.40q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
