package cli

import (
	"fmt"
	"strings"

	"ordermon/internal/config"
)

// manPage writes ordermon(1) in roff from the flag, key and exit-code
// tables, so the manual cannot fall behind the program.
func manPage(version string) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH ORDERMON 1 \"\" %s \"User Commands\"\n", roffQuote("ordermon "+version))
	b.WriteString(manHead)
	for _, f := range flagTable {
		b.WriteString(".TP\n")
		names := []string{`\fB\-\-` + roffEscape(f.Long) + `\fR`}
		if f.Short != "" {
			names = append([]string{`\fB\-` + f.Short + `\fR`}, names...)
		}
		line := strings.Join(names, ", ")
		if f.Arg != "" {
			line += ` \fI` + roffEscape(f.Arg) + `\fR`
		}
		b.WriteString(line + "\n" + roffText(f.Help) + ".\n")
	}
	b.WriteString(`.SH ENVIRONMENT
The environment overrides the configuration file, and flags override both.
.TP
.B ORDERMON_CONFIG
The configuration file, when \fB\-\-config\fR is not given.
`)
	for _, v := range config.EnvVars() {
		what := "Overrides \\fB" + roffEscape(v.Key) + "\\fR"
		if note := clearsNote(v, false); note != "" {
			what += ", " + roffText(note)
		}
		fmt.Fprintf(&b, ".TP\n.B %s\n%s.\n", v.Name, what)
	}
	b.WriteString(`.SH FILES
.TP
.I ~/.config/ordermon/config.toml
The configuration file (under $XDG_CONFIG_HOME when it is set);
config.example.toml in the source documents every key.
.SH EXIT STATUS
`)
	for _, c := range exitCodes {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s.\n", roffEscape(c.Code), roffText(c.Text))
	}
	b.WriteString(`.SH EXAMPLES
.nf
ordermon intent:123
ordermon \-\-once \-\-json kalshi:ORD\-1 | jq
ordermon \-\-exit\-status \-\-timeout 10m intent:123 && notify\-send done
ordermon \-\-demo
.fi
`)
	return b.String()
}

// manHead is the manual from NAME to the OPTIONS heading.
const manHead = `.SH NAME
ordermon \- watch orders move through the intent service and Kalshi, live, and see why one is stuck
.SH SYNOPSIS
.B ordermon
[\fIflags\fR] [\fIID\fR ...]
.br
.B ordermon completion
.BR bash | zsh | fish
.SH DESCRIPTION
ordermon joins an order's state at the intent service and at Kalshi into one
timeline, with its fills, fees, queue position and a diagnosis of what is wrong.
When standard output is a terminal it shows a live screen; otherwise it prints
a plain line for every change until the orders end.
.B \-\-once
prints the current state and exits;
.B \-\-json
prints newline-delimited JSON.
.PP
An
.I ID
is
.BI intent: id
(an order of the intent service),
.BI kalshi: id
(a Kalshi order),
.BI client: id
(an intent found by the client ID the intent service was given), or a bare
.IR id ,
looked up as an intent when the intent service is configured, else as a Kalshi
order. An ID is at most 128 characters, with no slash, whitespace or control
characters, and is not . or ..; a bad one is refused before anything is sent.
.SH OPTIONS
`

// roffEscape makes text safe inside a roff line: backslashes doubled and
// hyphens made minus signs, as option names need.
func roffEscape(s string) string {
	return strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
}

// roffText makes running text safe: backslashes escaped, flags' dashes
// kept as minus signs, and a line that would start with a control
// character guarded.
func roffText(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "--", `\-\-`).Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffQuote quotes a macro argument.
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffEscape(s), `"`, `\(dq`) + `"`
}
