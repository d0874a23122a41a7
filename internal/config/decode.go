package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"ordermon/internal/safefile"
	"ordermon/internal/textsafe"
	"ordermon/internal/tomlguard"
)

// maxFileSize caps the configuration file; anything bigger is not a
// configuration file (a wrong path to a log, say).
const maxFileSize = 1 << 20

// maxNesting is how deep tables, arrays and dotted keys may nest, and
// maxEntries how many keys and table headers the file may have; see
// tomlguard for why. ordermon has two dozen keys, two levels deep.
const maxNesting, maxEntries = 12, 1000

// readFile reads the configuration file at path into f, which holds the
// defaults. A missing file is fine unless the user named it (namedBy is
// the flag or variable that did, or "" for the default location); found
// reports whether a file was read.
func readFile(path, namedBy string, f *File) (found bool, err error) {
	data, err := safefile.ReadFile(path, maxFileSize)
	switch {
	case errors.Is(err, fs.ErrNotExist) && namedBy == "":
		return false, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, &ConfigError{Path: path, Msg: "no such file (named by " + namedBy + ")"}
	case errors.Is(err, safefile.ErrTooLarge):
		return false, &ConfigError{Path: path, Msg: "larger than 1 MiB; is this really the configuration file?"}
	case err != nil:
		return false, &ConfigError{Path: path, Msg: safefile.Why(err)}
	}
	return true, decodeFile(path, data, f)
}

// doc is a parsed configuration file whose values are not decoded yet.
type doc struct {
	path string
	md   toml.MetaData
	top  map[string]toml.Primitive
}

// unmarshaler is a toml.Unmarshaler made of a function: the decoder hands
// it the raw value, and reports its error as a toml.ParseError carrying
// the key and its position.
type unmarshaler func(any) error

// UnmarshalTOML calls the function.
func (u unmarshaler) UnmarshalTOML(raw any) error { return u(raw) }

// decodeFile decodes TOML data into f, key by key from the table, and
// checks every value, so that each error names the file, line and key.
func decodeFile(path string, data []byte, f *File) error {
	d, err := parseDoc(path, data)
	if err != nil {
		return err
	}
	if err := d.unknownKeys(); err != nil {
		return err
	}
	for _, k := range keys {
		p, ok, err := d.value(strings.Split(k.name, "."))
		if err == nil && ok {
			err = d.errorAt(k.name, d.md.PrimitiveDecode(p, unmarshaler(func(raw any) error { return k.set(f, raw) })))
		}
		if err != nil {
			return err
		}
	}
	return d.crossCheck(f)
}

// parseDoc parses data, after making sure it is not nested deep enough to
// make the parser slow.
func parseDoc(path string, data []byte) (*doc, error) {
	if line, deep := tomlguard.Check(data, maxNesting, maxEntries); line > 0 {
		msg := fmt.Sprintf("more than %d keys and tables; is this really the configuration file?", maxEntries)
		if deep {
			msg = fmt.Sprintf("nested more than %d levels deep (tables, arrays or dotted keys); "+
				"ordermon's keys are two levels deep", maxNesting)
		}
		return nil, &ConfigError{Path: path, Line: line, Msg: msg}
	}
	d := &doc{path: path}
	md, err := toml.Decode(string(data), &d.top)
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := textsafe.Short(pe.Message, textsafe.PartMax)
		leaf := strings.Trim(pe.LastKey[strings.LastIndexByte(pe.LastKey, '.')+1:], `"'`)
		if slices.ContainsFunc(keys, func(k key) bool { return k.secret() && k.leaf() == leaf }) {
			// The parser quotes bits of the line, which sets a secret.
			msg = `not valid TOML here; a string must be in double quotes, like key = "..."`
		}
		// The parser counts the newline that ends a line as the start of
		// the next, so "[kalshi" would be blamed on the line after it: the
		// byte offset says where the error is.
		s := min(max(pe.Position.Start, 0), len(data))
		line, col := bytes.Count(data[:s], []byte("\n"))+1, s-bytes.LastIndexByte(data[:s], '\n')
		return nil, &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf("column %d: %s", col, msg)}
	}
	if err != nil {
		return nil, &ConfigError{Path: path, Msg: textsafe.Short(err.Error(), 200)}
	}
	d.md = md
	return d, nil
}

// value finds the undecoded value of key k, checking on the way down that
// each table is one.
func (d *doc) value(k toml.Key) (toml.Primitive, bool, error) {
	p, ok := d.top[k[0]]
	for i := 1; ok && i < len(k); i++ {
		table := k[:i].String()
		var sub map[string]toml.Primitive
		err := d.md.PrimitiveDecode(p, unmarshaler(func(raw any) error {
			if _, isTable := raw.(map[string]any); !isTable {
				return wrongType("a table (["+table+"])", raw)
			}
			return nil
		}))
		if err = d.errorAt(table, err); err != nil {
			return p, false, err
		}
		_ = d.md.PrimitiveDecode(p, &sub) // a table decodes into a map
		p, ok = sub[k[i]]
	}
	return p, ok, nil
}

// errProbe is the error that line's probe returns, so that it fails.
var errProbe = errors.New("probe")

// line returns the line of key k, or 0. MetaData keeps the positions of
// keys to itself but reports them with a decoding error, so a probe that
// always fails makes it tell.
func (d *doc) line(k toml.Key) int {
	p, ok, _ := d.value(k)
	var pe toml.ParseError
	if ok && errors.As(d.md.PrimitiveDecode(p, unmarshaler(func(any) error { return errProbe })), &pe) {
		return pe.Position.Line
	}
	return 0
}

// errorAt converts the decoder's report of a value that key name's check
// refused, or returns nil for nil.
func (d *doc) errorAt(name string, err error) error {
	var pe toml.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return &ConfigError{Path: d.path, Line: pe.Position.Line, Key: name, Msg: textsafe.Short(pe.Message, textsafe.PartMax)}
	}
	return &ConfigError{Path: d.path, Key: name, Msg: "invalid value"}
}

// crossCheck checks what involves more than one key.
func (d *doc) crossCheck(f *File) error {
	names := []string{"pipeline.token", "pipeline.token_file", "pipeline.token_command"}
	var set []string
	for i, v := range []string{f.Pipeline.Token.Reveal(), f.Pipeline.TokenFile, f.Pipeline.TokenCommand} {
		if v != "" {
			set = append(set, names[i])
		}
	}
	if len(set) > 1 {
		return &ConfigError{Path: d.path, Line: d.line(strings.Split(set[1], ".")),
			Msg: "only one of " + strings.Join(names[:2], ", ") + " and " + names[2] + " may be set; found " + strings.Join(set, " and ")}
	}
	// An interval the file sets raises an unset reconcile_interval.
	if r := f.Kalshi.ReconcileInterval; r < f.Interval && d.md.IsDefined("kalshi", "reconcile_interval") {
		return &ConfigError{Path: d.path, Line: d.line(toml.Key{"kalshi", "reconcile_interval"}), Key: "kalshi.reconcile_interval",
			Msg: fmt.Sprintf("%s is shorter than interval (%s); it must be at least as long", r, f.Interval)}
	}
	return nil
}

// maxUnknown caps how many unknown keys one error lists.
const maxUnknown = 10

// unknownKeys reports every key of the file that the table does not have,
// so that a misspelled key is not silently ignored. For an unknown table
// only the table is named, not each key inside it.
func (d *doc) unknownKeys() error {
	var found []toml.Key
	more := 0
	for _, k := range d.md.Keys() {
		inFound := slices.ContainsFunc(found, func(p toml.Key) bool { return len(p) <= len(k) && slices.Equal(p, k[:len(p)]) })
		switch {
		case known(k.String()) || inFound:
		case len(found) == maxUnknown:
			more++
		default:
			found = append(found, k)
		}
	}
	var parts []string
	for _, k := range found {
		line := d.line(k)
		name, notes := textsafe.Short(k.String(), 200), []string{"line " + strconv.Itoa(line)}
		if leaf := k[len(k)-1]; strings.HasPrefix(leaf, "eyJ") || len(leaf) > 40 {
			// A token pasted where a key goes (a JWT, or longer than any
			// key) must not be echoed.
			name = "(a key that looks like a token, not shown)"
		} else if s := suggest(k); s != "" {
			notes = append(notes, "did you mean "+s+"?")
		}
		if len(found) == 1 && more == 0 {
			if len(notes) > 1 {
				name += " (" + notes[1] + ")"
			}
			return &ConfigError{Path: d.path, Line: line, Msg: "unknown key " + name}
		}
		parts = append(parts, name+" ("+strings.Join(notes, "; ")+")")
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", more))
	}
	if len(parts) == 0 {
		return nil
	}
	return &ConfigError{Path: d.path, Msg: "unknown keys: " + strings.Join(parts, ", ")}
}

// known reports whether name is a key or table of the table, or lies
// inside a key (a table where a value belongs, which decoding reports).
func known(name string) bool {
	return slices.ContainsFunc(keys, func(k key) bool {
		table, _, _ := strings.Cut(k.name, ".")
		return name == table || name == k.name || strings.HasPrefix(name, k.name+".")
	})
}

// suggest returns the key the user probably meant by k: the same name in
// another table, or a name one or two edits away.
func suggest(k toml.Key) string {
	name, best, bestDist := k.String(), "", 3
	for _, fk := range keys {
		if fk.leaf() == k[len(k)-1] && fk.name != name {
			return fk.name
		}
		if dist := editDistance(fk.name, name); dist < bestDist {
			best, bestDist = fk.name, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
