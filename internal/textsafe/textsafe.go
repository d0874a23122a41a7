// Package textsafe makes untrusted text safe to print on a terminal.
//
// Every string a server sends (tickers, IDs, termination reasons, error
// messages) could carry escape sequences that move the cursor, rewrite the
// window title, or hide text. Clean removes them before the text reaches a
// screen, a plain-text line or a report.
package textsafe

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s with every control character and escape sequence removed:
// C0 controls and DEL (tabs, newlines and the Unicode line and paragraph
// separators become spaces), complete ESC, CSI,
// OSC, DCS, SOS, PM and APC sequences, C1 controls, and Unicode bidirectional
// overrides that could reorder what the reader sees. Invalid UTF-8 becomes
// U+FFFD. The result is a single line.
//
// It also drops the invisible characters that join or restyle emoji: the
// zero-width joiner, variation selectors, skin-tone modifiers, tag
// characters and every other format character. Terminals disagree about
// how wide such a cluster is ("👨‍👩‍👧" is two cells to a grapheme-aware
// measure and six in tmux), so a row that holds one could overflow its
// border; without them each emoji is drawn, and measured, on its own.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b { // ESC: skip the whole sequence
			i = skipEscape(s, i+1)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			// dropped
		case r >= 0x80 && r <= 0x9f:
			// C1 controls; CSI (0x9b), OSC (0x9d) and friends start sequences.
			if r == 0x9b {
				i = skipCSI(s, i+size)
				continue
			}
			if r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f {
				i = skipString(s, i+size)
				continue
			}
		case isBidiControl(r), widthAmbiguous(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Excerpt returns a short, single-line, cleaned excerpt of an untrusted
// body, such as an HTML error page (reduced to its text): whitespace runs
// collapse to one space,
// and the result is cut to at most n runes with "…" marking the cut.
func Excerpt(body []byte, n int) string {
	if len(body) > 4*n+64 {
		body = body[:4*n+64]
	}
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	if strings.HasPrefix(strings.TrimSpace(s), "<") {
		s = HTMLText(s)
	}
	s = strings.Join(strings.Fields(Clean(s)), " ")
	return Truncate(s, n)
}

// Quote makes untrusted text (an argument, a value from a file, an ID a
// server sent) safe to quote in a message, the one way every package does
// it: Short, then Go-quoted, so leading or trailing spaces and odd
// characters are visible.
func Quote(s string, n int) string { return strconv.Quote(Short(s, n)) }

// PartMax is how many runes of a path, a name or a server's words one
// message quotes: enough to recognise it, not enough to flood the line.
const PartMax = 200

// Short makes untrusted text safe and short enough for one line of a
// message: cut first to a few bytes a rune, so cleaning a huge input stays
// cheap; escape sequences and controls removed (Clean); cut to n runes
// with "…".
func Short(s string, n int) string {
	if max := 4*n + 64; len(s) > max {
		for max > 0 && !utf8.RuneStart(s[max]) {
			max--
		}
		s = s[:max]
	}
	return Truncate(Clean(s), n)
}

// Truncate cuts s to at most n runes, ending with "…" when it cut.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n-1 {
			return s[:i] + "…"
		}
		count++
	}
	return s
}

func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// skipEscape returns the index just past an escape sequence whose ESC byte
// came before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// Two-character sequences, with optional intermediate bytes (0x20–0x2f).
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) {
		i++
	}
	return i
}

// skipCSI skips parameter and intermediate bytes and the final byte. A byte
// that cannot belong to a CSI sequence ends it without being consumed, so
// the main loop still judges it.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		case c >= 0x20 && c <= 0x3f:
			i++
		default:
			return i
		}
	}
	return i
}

// skipString skips an OSC/DCS/SOS/PM/APC payload up to its terminator (BEL,
// ESC \, or the C1 ST), or to the end of the text if it never ends.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// widthAmbiguous reports the invisible runes that make terminals disagree
// about a cluster's width: format characters (the zero-width joiner and
// non-joiner, zero-width space, soft hyphen, tag characters, …),
// variation selectors and emoji skin-tone modifiers.
func widthAmbiguous(r rune) bool {
	switch {
	case r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef: // variation selectors
		return true
	case r >= 0x1f3fb && r <= 0x1f3ff: // skin-tone modifiers
		return true
	}
	return r >= 0xad && unicode.Is(unicode.Cf, r)
}
