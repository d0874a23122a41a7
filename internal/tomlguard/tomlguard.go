// Package tomlguard refuses TOML whose shape would make a parser slow or
// memory-hungry, by a cheap scan before the TOML is parsed.
//
// BurntSushi/toml's time and memory grow with the square of the nesting
// depth (an 8 KB file of nested inline tables took 255 MB to refuse), and
// every key or table header costs it a map, so a file of a hundred
// thousand "[[a]]" costs tens of megabytes. A size cap alone does not
// bound either; these limits do.
package tomlguard

import "bytes"

// Check scans data, skipping strings and comments, and returns the line
// where nesting first passes maxDepth (deep is then true) or where the
// keys and table headers pass maxEntries; it returns 0 when neither does.
// The caller words the refusal, since it knows why its limits are what
// they are. It over-counts rather than under-counts: every '[' or '{' is a
// level, and so is every part of a dotted key and a float's point.
func Check(data []byte, maxDepth, maxEntries int) (line int, deep bool) {
	line, entries := 1, 0
	var levels []int // what each open bracket adds: 1, plus its key's dots
	sum, dots, keyDots, header := 0, 0, 0, 0
	lineStart := true
	for i := 0; i < len(data); i++ {
		c := data[i]
		wasStart := lineStart
		lineStart = c == '\n' || (lineStart && (c == ' ' || c == '\t' || c == '\r'))
		switch c {
		case '\n':
			line++
			dots, keyDots = 0, 0
		case '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			var n int
			i, n = skipString(data, i)
			line += n
		case '=':
			keyDots, dots = dots, 0
			entries++
		case ',':
			dots, keyDots = 0, 0
		case '[', '{':
			if c == '[' && wasStart && len(levels) == 0 {
				header = -1 // a table header: its parts count for the keys under it
				entries++
			}
			levels = append(levels, 1+keyDots)
			sum += 1 + keyDots
			dots, keyDots = 0, 0
		case ']', '}':
			if len(levels) > 0 {
				sum -= levels[len(levels)-1]
				levels = levels[:len(levels)-1]
			}
			if header < 0 && len(levels) > 0 {
				continue // inside "[[" a header's parts are still being counted
			}
			if header < 0 {
				header = dots + 1
			}
			dots = 0
		case '.':
			dots++
		}
		if sum+max(header, 0)+dots+1 > maxDepth {
			return line, true
		}
		if entries > maxEntries {
			return line, false
		}
	}
	return 0, false
}

// skipString returns the index of the last byte of the string that starts
// at data[i] (basic or literal, on one line or many) and how many newlines
// it holds. An unterminated string ends at the end of its line, or of the
// data for a multi-line one; the parser reports it.
func skipString(data []byte, i int) (end, newlines int) {
	q := data[i]
	delim := []byte{q, q, q}
	multi := bytes.HasPrefix(data[i:], delim)
	if multi {
		i += 2
	}
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '\n' && !multi:
			return j - 1, 0
		case c == '\n':
			newlines++
		case c == '\\' && q == '"' && j+1 < len(data) && data[j+1] != '\n':
			j++ // an escaped character such as \"
		case c == q && !multi:
			return j, 0
		case c == q && bytes.HasPrefix(data[j:], delim):
			for j+3 < len(data) && data[j+3] == q {
				j++ // up to two more quotes belong to the string
			}
			return j + 2, newlines
		}
	}
	return len(data) - 1, newlines
}
