package report

import "ordermon/internal/textsafe"

// clean makes one server string safe for a single line of plain text.
func clean(s string) string { return textsafe.Clean(s) }
