package cli

import (
	"fmt"
	"slices"
	"strings"

	"ordermon/internal/config"
)

// The --help text is written by hand, like gh's, because the flag
// package's generated list cannot explain IDs, modes or exit codes; the
// flags, the environment variables and the exit codes come from their
// tables.
const usageHead = `Watch orders move through the intent service and Kalshi, live, and see
why one is stuck.

USAGE
  ordermon [flags] [ID...]
  ordermon completion bash|zsh|fish

IDS
  intent:<id>   an order of the intent service, followed onto Kalshi
  kalshi:<id>   a Kalshi order ID
  client:<id>   an intent found by the client ID the intent service was
                given (what a ticket often carries)
  <id>          a bare ID: looked up as an intent when the intent service
                is configured (then as a Kalshi order if it is not found),
                otherwise as a Kalshi order

  Flags and IDs may come in any order. An ID is at most 128 characters,
  with no slash, whitespace or control characters, and is not . or ..

MODES
  When standard output is a terminal, ordermon shows a live screen.
  Otherwise it prints a plain line for every change, until the orders end.
  --once prints the current state and exits; --json prints the same as
  newline-delimited JSON (one object per line).

FLAGS
`

const usageConfig = `
CONFIGURATION
  The configuration file is --config FILE, else $ORDERMON_CONFIG, else
  config.toml in the ordermon directory of your user configuration
  directory (~/.config/ordermon/config.toml on Linux). config.example.toml
  documents every key. The environment overrides the file, and flags
  override both:

`

const usageExamples = `
EXAMPLES
  # Watch one intent on the live screen
  $ ordermon intent:123

  # Print a Kalshi order's state once, as JSON
  $ ordermon --once --json kalshi:ORD-1 | jq

  # Try ordermon on simulated orders
  $ ordermon --demo

  # Get notified when an order completes
  $ ordermon --exit-status --timeout 10m intent:123 && notify-send done

EXIT CODES
`

// exitCode is one documented exit code.
type exitCode struct {
	Code string // "0", or "130, 143"
	Text string // what it means, one sentence without a final period
}

// exitCodes are the documented exit codes, for --help and the manual.
// When several apply, 2 comes first (nothing ran), then a signal's, then
// 6, 3, 5, 1, 4 and 0; 141 is the shell's for SIGPIPE.
var exitCodes = []exitCode{
	{"0", "Fine; with --exit-status, every order ended successfully"},
	{"1", "With --exit-status: an order failed"},
	{"2", "Usage or configuration error; nothing was sent"},
	{"3", "A source could not be reached, or rejected the credentials, after retries, so the state is unknown"},
	{"4", "ordermon stopped (--timeout, or --once --exit-status) while an order was still in progress"},
	{"5", "An order is not known to either system (--once, or a watch with --exit-status)"},
	{"6", "The output could not be written (a full disk, a closed standard output); what was printed is incomplete"},
	{"130, 143", "--once was stopped by Ctrl+C (SIGINT: 130), or by SIGTERM or SIGHUP (143); what it had is printed, the unfinished orders marked interrupted"},
	{"141", "The reader of the output went away (ordermon ... | head -1); quiet"},
}

// usage returns the --help text, its flags, environment variables and
// exit codes from their tables.
func usage() string {
	var b strings.Builder
	b.WriteString(usageHead)
	for _, f := range flagTable {
		name := "      --" + f.Long
		if f.Short != "" {
			name = "  -" + f.Short + ", --" + f.Long
		}
		if f.Arg != "" {
			name += " " + f.Arg
		}
		writeWrapped(&b, name, f.Help, 27)
	}
	b.WriteString(usageConfig)
	for _, v := range config.EnvVars() {
		fmt.Fprintf(&b, "    %-27s %s\n", v.Name, v.Key)
		if note := clearsNote(v, true); note != "" {
			fmt.Fprintf(&b, "    %-27s %s\n", "", note)
		}
	}
	b.WriteString(usageExamples)
	for _, c := range exitCodes {
		writeWrapped(&b, "  "+c.Code, c.Text, 5)
	}
	return b.String()
}

// writeWrapped writes text after label, starting at column col (or two
// spaces after a longer label), wrapped before column 78 with following
// lines indented to col.
func writeWrapped(b *strings.Builder, label, text string, col int) {
	line := label + strings.Repeat(" ", max(col-len(label), 2))
	for i, word := range strings.Fields(text) {
		switch {
		case i == 0:
			line += word
		case len(line)+1+len(word) > 78:
			b.WriteString(line + "\n")
			line = strings.Repeat(" ", col) + word
		default:
			line += " " + word
		}
	}
	b.WriteString(line + "\n")
}

// clearsNote says which keys an environment variable also sets aside, so
// that --help and the manual tell the whole of what setting it does.
// Short, for --help's 80 columns, names a key of the variable's own table
// without the table, as the line above it has just named it.
func clearsNote(v config.EnvVar, short bool) string {
	if len(v.Clears) == 0 {
		return ""
	}
	names := slices.Clone(v.Clears)
	if table, _, _ := strings.Cut(v.Key, "."); short {
		for i, n := range names {
			names[i] = strings.TrimPrefix(n, table+".")
		}
	}
	return "and sets aside " + strings.Join(names, " and ")
}
