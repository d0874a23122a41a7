package cli

import (
	"fmt"
	"strings"
)

// completionCommand is the subcommand that prints a shell completion
// script for one of completionShells.
const completionCommand = "completion"

// completionShells are the shells `ordermon completion` writes scripts for.
var completionShells = []string{"bash", "zsh", "fish"}

// completionScript writes the completion script of shell ("bash", "zsh"
// or "fish") from the flag table, so every flag is completed and a new
// one is without further work.
func completionScript(shell string) string {
	var b strings.Builder
	switch shell {
	case "bash":
		bashCompletion(&b)
	case "zsh":
		zshCompletion(&b)
	case "fish":
		fishCompletion(&b)
	}
	return b.String()
}

// shortHelp is a flag's help up to its first semicolon, for completion
// menus.
func shortHelp(f Flag) string {
	h, _, _ := strings.Cut(f.Help, ";")
	return h
}

func bashCompletion(b *strings.Builder) {
	var words, files, values []string
	for _, f := range flagTable {
		names := []string{"--" + f.Long}
		if f.Short != "" {
			names = append(names, "-"+f.Short)
		}
		words = append(words, names...)
		switch {
		case f.File:
			files = append(files, names...)
		case f.Values != nil:
			values = append(values, fmt.Sprintf("        %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;",
				strings.Join(names, "|"), strings.Join(f.Values, " ")))
		case f.Arg != "":
			values = append(values, fmt.Sprintf("        %s) return ;;", strings.Join(names, "|")))
		}
	}
	fmt.Fprintf(b, `# bash completion for ordermon. Load it with: source <(ordermon completion bash)
_ordermon() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if [[ $COMP_CWORD -eq 2 && ${COMP_WORDS[1]} == %[1]s ]]; then
        COMPREPLY=($(compgen -W %[2]q -- "$cur")); return
    fi
    case $prev in
        %[3]s) COMPREPLY=($(compgen -f -- "$cur")); return ;;
%[4]s
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W %[5]q -- "$cur"))
    elif [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W %[1]s -- "$cur"))
    fi
}
complete -F _ordermon ordermon
`, completionCommand, strings.Join(completionShells, " "), strings.Join(files, "|"),
		strings.Join(values, "\n"), strings.Join(words, " "))
}

func zshCompletion(b *strings.Builder) {
	esc := strings.NewReplacer(`'`, `'\''`, `[`, `\[`, `]`, `\]`, `:`, `\:`)
	fmt.Fprintf(b, "#compdef ordermon\n# zsh completion for ordermon. Load it with: source <(ordermon completion zsh)\n")
	fmt.Fprintf(b, "_ordermon() {\n  if (( CURRENT == 3 )) && [[ $words[2] == %s ]]; then\n    compadd %s; return\n  fi\n  _arguments -s \\\n",
		completionCommand, strings.Join(completionShells, " "))
	for _, f := range flagTable {
		spec := "--" + f.Long
		if f.Short != "" {
			spec = fmt.Sprintf("(-%s --%s)'{-%s,--%s}'", f.Short, f.Long, f.Short, f.Long)
		}
		action := ""
		switch {
		case f.File:
			action = ":" + esc.Replace(f.Arg) + ":_files"
		case f.Values != nil:
			action = ":" + esc.Replace(f.Arg) + ":(" + strings.Join(f.Values, " ") + ")"
		case f.Arg != "":
			action = ":" + esc.Replace(f.Arg) + ": "
		}
		fmt.Fprintf(b, "    '%s[%s]%s' \\\n", spec, esc.Replace(shortHelp(f)), action)
	}
	fmt.Fprintf(b, "    '*:order ID or %s: '\n}\n", completionCommand)
	b.WriteString("if [[ $funcstack[1] == _ordermon ]]; then _ordermon \"$@\"; else compdef _ordermon ordermon; fi\n")
}

func fishCompletion(b *strings.Builder) {
	esc := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	b.WriteString("# fish completion for ordermon. Load it with: ordermon completion fish | source\n")
	b.WriteString("complete -c ordermon -f\n")
	fmt.Fprintf(b, "complete -c ordermon -n '__fish_use_subcommand' -a %s -d 'Print a shell completion script'\n", completionCommand)
	fmt.Fprintf(b, "complete -c ordermon -n '__fish_seen_subcommand_from %s' -a '%s'\n",
		completionCommand, strings.Join(completionShells, " "))
	for _, f := range flagTable {
		line := "complete -c ordermon"
		if f.Short != "" {
			line += " -s " + f.Short
		}
		line += " -l " + f.Long
		switch {
		case f.File:
			line += " -r -F"
		case f.Values != nil:
			line += " -x -a '" + strings.Join(f.Values, " ") + "'"
		case f.Arg != "":
			line += " -x"
		}
		b.WriteString(line + " -d '" + esc.Replace(shortHelp(f)) + "'\n")
	}
}
