package ui

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"ordermon/internal/timefmt"
)

// age renders how long something has lasted: timefmt's duration, with a
// negative one (clock skew between a server and this machine) shown as
// "0s".
func age(d time.Duration) string { return timefmt.Duration(max(d, 0)) }

// ago renders how long ago t was, or "never" for the zero time.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return age(now.Sub(t)) + " ago"
}

// cells is ansi.StringWidth with a fast path. Nearly every string on this
// screen is ASCII, box drawing and a few symbols, all one cell wide;
// those are counted directly, skipping SGR sequences. Anything else (wide
// or combining characters, escapes other than SGR) goes to
// ansi.StringWidth, which segments graphemes properly. FuzzCells holds the
// two to the same answers.
func cells(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			if i+1 >= len(s) || s[i+1] != '[' {
				return ansi.StringWidth(s)
			}
			// Only a well-formed SGR ("ESC [ digits ; : m") is skipped
			// here; anything else is left to the real parser.
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				return ansi.StringWidth(s)
			}
			i = j + 1
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c < 0x80:
			return ansi.StringWidth(s)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !narrow(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		}
	}
	return n
}

// narrow reports runes known to take one cell and never to combine: Latin-1
// symbols, general punctuation, arrows, box drawing, block elements,
// geometric shapes and the few dingbats the glyphs use.
func narrow(r rune) bool {
	switch {
	case r == 0xad || r == 0x25fd || r == 0x25fe: // soft hyphen (0), ◽ ◾ (2)
		return false
	case r >= 0xa0 && r <= 0xff:
		return true
	case r >= 0x2010 && r <= 0x2027: // dashes, quotes, bullets, ellipsis
		return true
	case r >= 0x2190 && r <= 0x21ff: // arrows
		return true
	case r >= 0x2500 && r <= 0x25ff: // box drawing, blocks, shapes
		return true
	case r == 0x2713 || r == 0x2717 || r == 0x26a0: // ✓ ✗ ⚠
		return true
	}
	return false
}

// fit cuts s to w cells (marking the cut with "…") and pads it with
// spaces to exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := cells(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = cells(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// fitLeft is fit aligned right.
func fitLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := cells(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-n) + s
}

// clip cuts s to w cells without padding.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if cells(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
