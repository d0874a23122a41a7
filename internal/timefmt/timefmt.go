// Package timefmt writes durations and times of day the one way every
// ordermon front end shows them, and reads the durations a user gives.
package timefmt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ordermon/internal/textsafe"
)

// Duration renders d in whole seconds with at most two units: "0s", "45s",
// "3m05s", "15m", "1h02m", "2d03h". It rounds down, so an age ticks over
// when a whole second has passed and two ages measured from the same
// timestamps always agree. A negative duration (timestamps out of order)
// keeps its sign.
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(-d)
	}
	s := int64(d / time.Second)
	const minute, hour, day = 60, 3600, 86400
	switch {
	case s < minute:
		return strconv.FormatInt(s, 10) + "s"
	case s < hour:
		return two(s/minute, "m", s%minute, "s")
	case s < day:
		return two(s/hour, "h", s%hour/minute, "m")
	}
	return two(s/day, "d", s%day/hour, "h")
}

// two writes "3m05s", or "3m" when the lower unit is zero.
func two(hi int64, hu string, lo int64, lu string) string {
	out := strconv.FormatInt(hi, 10) + hu
	if lo == 0 {
		return out
	}
	if lo < 10 {
		out += "0"
	}
	return out + strconv.FormatInt(lo, 10) + lu
}

// Clock renders t as a time of day in loc with the zone's name, such as
// "14:02:05 EST". When t is not on now's day in loc it adds the date
// ("30 Nov 14:02:05 EST", and the year when that differs too), so an old
// order is never read as today's. A zero t is "—". A nil loc means UTC.
func Clock(t time.Time, loc *time.Location, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if loc == nil {
		loc = time.UTC
	}
	t, n := t.In(loc), now.In(loc)
	switch {
	case t.Year() != n.Year():
		return t.Format("2 Jan 2006 15:04:05 MST")
	case t.YearDay() != n.YearDay():
		return t.Format("2 Jan 15:04:05 MST")
	}
	return t.Format("15:04:05 MST")
}

// ParseDuration reads a non-negative duration a user gives, to a flag or
// a configuration key alike: Go's syntax ("750ms", "2s", "1h30m") or a
// bare number of seconds ("5", "1.5").
func ParseDuration(s string) (time.Duration, error) {
	const how = "use a number and a unit, like 500ms, 2s or 1m"
	s = strings.TrimSpace(s)
	text := s
	if strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1 {
		text += "s" // a bare number of seconds
	}
	d, err := time.ParseDuration(text)
	switch {
	case s == "":
		return 0, errors.New("empty duration: " + how)
	case err != nil:
		return 0, fmt.Errorf("invalid duration %s: %s", textsafe.Quote(s, 64), how)
	case d < 0:
		return 0, fmt.Errorf("negative duration %s", textsafe.Quote(s, 64))
	}
	return d, nil
}
