// Package report renders watched orders as text for people and programs:
// the NDJSON object of --json, the plain lines of non-terminal output, and
// the Markdown report the live screen exports. Every function is pure, so
// every front end says the same thing about an order.
//
// STUB: bodies to be replaced.
package report

import (
	"time"

	"ordermon/pipeline"
)

// Markdown renders one order's full report: header, pipeline timeline,
// Kalshi figures, diagnosis and events (newest first), with every time in
// loc. Server strings are sanitized.
func Markdown(s pipeline.Snapshot, events []pipeline.Event, loc *time.Location, now time.Time) string {
	return "" // STUB
}
