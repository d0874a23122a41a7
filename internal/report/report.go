// Package report renders watched orders as text for people and programs:
// the NDJSON object of --json, the plain lines of non-terminal output, and
// the Markdown report the live screen exports. Every function is pure, so
// every front end says the same thing about an order.
//
// Server strings are untrusted. The plain and Markdown renderers pass each
// one through textsafe.Clean (and Markdown also escapes it); the JSON form
// keeps them verbatim and relies on JSON escaping, so scripts see the
// exact values. Money and counts never go through a float: JSON prints
// the server's exact decimal strings, and text writes counts without
// trailing zeros and money in dollars (fixed.Decimal's Count and
// Dollars), with times in the run's zone (package timefmt).
package report
