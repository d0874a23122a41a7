package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"ordermon/fixed"
)

// age renders a duration compactly and without false precision: "0s",
// "42s", "2m13s", "1h02m", "3d04h". Negative durations (clock skew between
// a server and this machine) show as "0s".
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return strconv.FormatInt(s, 10) + "s"
	case s < 3600:
		return strconv.FormatInt(s/60, 10) + "m" + pad2(s%60) + "s"
	case s < 86400:
		return strconv.FormatInt(s/3600, 10) + "h" + pad2(s/60%60) + "m"
	}
	return strconv.FormatInt(s/86400, 10) + "d" + pad2(s/3600%24) + "h"
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// ago renders how long ago t was, or "never" for the zero time.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return age(now.Sub(t)) + " ago"
}

// clock renders t in loc with the zone's name, adding the date when t is
// not on now's day, so a support person reading an old order is not misled.
func clock(t time.Time, loc *time.Location, now time.Time) string {
	t = t.In(loc)
	n := now.In(loc)
	if t.Year() != n.Year() || t.YearDay() != n.YearDay() {
		return t.Format("Jan 02 15:04:05 MST")
	}
	return t.Format("15:04:05 MST")
}

// dollars renders an amount as "$0.56" or "$0.565": at least two places,
// and every significant digit Kalshi sent, so the value is exact.
func dollars(d fixed.Decimal) string {
	if d.Sign() < 0 {
		return "-" + dollars(d.Neg())
	}
	return "$" + trimZeros(d.String(), 2)
}

// count renders a contract count without trailing zeros: "3", "2.5".
func count(d fixed.Decimal) string { return trimZeros(d.String(), 0) }

// trimZeros drops trailing fractional zeros from a decimal string, keeping
// at least keep places. The value is unchanged.
func trimZeros(s string, keep int) string {
	dot := strings.IndexByte(s, '.')
	if dot < 0 {
		if keep > 0 {
			return s + "." + strings.Repeat("0", keep)
		}
		return s
	}
	end := len(s)
	for end > dot+1+keep && s[end-1] == '0' {
		end--
	}
	if end == dot+1 {
		end = dot
	}
	out := s[:end]
	if have := end - dot - 1; keep > 0 && have < keep {
		if have < 0 {
			out += "."
			have = 0
		}
		out += strings.Repeat("0", keep-have)
	}
	return out
}

// fit cuts s to width cells (marking the cut with "…") and pads it with
// spaces to exactly width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// fitLeft is fit aligned right.
func fitLeft(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return strings.Repeat(" ", width-w) + s
}

// clip cuts s to width cells without padding.
func clip(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}
