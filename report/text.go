package report

import (
	"strings"

	"ordermon/textsafe"
)

// lineBreaks turns the Unicode line and paragraph separators, which
// textsafe.Clean keeps, into spaces: a renderer promises one line per
// value, and some terminals and editors break lines there.
var lineBreaks = strings.NewReplacer("\u2028", " ", "\u2029", " ")

// clean makes one server string safe for a single line of plain text.
func clean(s string) string {
	return lineBreaks.Replace(textsafe.Clean(s))
}
