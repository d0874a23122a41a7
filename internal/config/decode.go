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
)

// maxFileSize caps the configuration file; anything bigger is not a
// configuration file (a wrong path to a log, say).
const maxFileSize = 1 << 20

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
		return false, &ConfigError{Path: path, Msg: pathErrorMsg(err)}
	}
	return true, decodeFile(path, data, f)
}

// doc is a decoded configuration file: the decoder's metadata, which knows
// where every key is, and the value of every known key present.
type doc struct {
	path string
	md   toml.MetaData
	top  map[string]toml.Primitive
	at   map[string]toml.Primitive // by dotted name: "kalshi.env"
}

// decodeFile decodes TOML data into f, key by key from the table, and
// checks every value, so that each error names the file, line and key.
func decodeFile(path string, data []byte, f *File) error {
	d, err := newDoc(path, data)
	if err != nil {
		return err
	}
	if err := d.unknownKeys(); err != nil {
		return err
	}
	for _, k := range keys {
		p, ok := d.at[k.name]
		if !ok {
			continue
		}
		if err := d.md.PrimitiveDecode(p, setter{k, f}); err != nil {
			return d.valueError(k.name, err)
		}
	}
	return d.crossCheck(f)
}

// newDoc parses data, after making sure it is not nested deep enough to
// make the parser slow, and indexes the keys of the top level and of the
// known tables.
func newDoc(path string, data []byte) (*doc, error) {
	if line, msg := tooDeep(data); line > 0 {
		return nil, &ConfigError{Path: path, Line: line, Msg: msg}
	}
	d := &doc{path: path, at: map[string]toml.Primitive{}}
	md, err := toml.Decode(string(data), &d.top)
	if err != nil {
		return nil, syntaxError(path, data, err)
	}
	d.md = md
	for name, p := range d.top {
		d.at[name] = p
	}
	for _, t := range tables {
		if err := d.table(t); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// setter decodes one key's value through the table.
type setter struct {
	k key
	f *File
}

// UnmarshalTOML lets the decoder hand over the raw value; an error it
// returns comes back as a toml.ParseError with the key's position.
func (s setter) UnmarshalTOML(raw any) error { return s.k.decode(s.f, raw) }

// table indexes the keys of table name, after checking that it is one.
func (d *doc) table(name string) error {
	p, ok := d.top[name]
	if !ok {
		return nil
	}
	isTable := func(raw any) error {
		if _, ok := raw.(map[string]any); !ok {
			return wrongType("a table (["+name+"])", raw)
		}
		return nil
	}
	if err := d.md.PrimitiveDecode(p, unmarshalFunc(isTable)); err != nil {
		return d.valueError(name, err)
	}
	var sub map[string]toml.Primitive
	if err := d.md.PrimitiveDecode(p, &sub); err != nil {
		return d.valueError(name, err)
	}
	for k, v := range sub {
		d.at[name+"."+k] = v
	}
	return nil
}

// unmarshalFunc is a toml.Unmarshaler made of a function.
type unmarshalFunc func(any) error

// UnmarshalTOML calls the function.
func (f unmarshalFunc) UnmarshalTOML(raw any) error { return f(raw) }

// errProbe is what line's probe returns to make the decoder report where
// a key is.
var errProbe = errors.New("probe")

// line returns the line of the key with the dotted name, or 0.
func (d *doc) line(name string) int {
	p, ok := d.at[name]
	if !ok {
		return 0
	}
	return d.lineOf(p)
}

// lineOf returns the line of the key whose value is p: decoding it with a
// probe that always fails makes the decoder report the key's position,
// which it otherwise keeps to itself.
func (d *doc) lineOf(p toml.Primitive) int {
	var pe toml.ParseError
	if errors.As(d.md.PrimitiveDecode(p, unmarshalFunc(func(any) error { return errProbe })), &pe) {
		return pe.Position.Line
	}
	return 0
}

// valueError converts the decoder's report of a value that a key's decode
// refused.
func (d *doc) valueError(name string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &ConfigError{Path: d.path, Line: pe.Position.Line, Key: name, Msg: cleanMsg(pe.Message)}
	}
	return &ConfigError{Path: d.path, Key: name, Msg: "invalid value"}
}

// crossCheck checks what involves more than one key.
func (d *doc) crossCheck(f *File) error {
	p := f.Pipeline
	var set []string
	for _, s := range []struct {
		name string
		on   bool
	}{{"token", p.Token != ""}, {"token_file", p.TokenFile != ""}, {"token_command", p.TokenCommand != ""}} {
		if s.on {
			set = append(set, s.name)
		}
	}
	if len(set) > 1 {
		return &ConfigError{Path: d.path, Line: d.line("pipeline." + set[1]),
			Msg: "only one of pipeline.token, pipeline.token_file and pipeline.token_command may be set; found " +
				"pipeline." + strings.Join(set, " and pipeline.")}
	}
	if f.Kalshi.ReconcileInterval < f.Interval {
		return &ConfigError{Path: d.path, Line: d.line("kalshi.reconcile_interval"), Key: "kalshi.reconcile_interval",
			Msg: fmt.Sprintf("%s is shorter than interval (%s); it must be at least as long", f.Kalshi.ReconcileInterval, f.Interval)}
	}
	return nil
}

// syntaxError converts a TOML syntax error. The parser quotes bits of the
// offending line, so when that line sets a secret the message is replaced
// by one that quotes nothing.
func syntaxError(path string, data []byte, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return &ConfigError{Path: path, Msg: cleanMsg(err.Error())}
	}
	msg := cleanMsg(pe.Message)
	if isSecretKey(pe.LastKey) {
		msg = `not valid TOML here; a string must be in double quotes, like key = "..."`
	}
	// The parser counts a newline that ends a line as the start of the
	// next, so "[kalshi" followed by a newline would be blamed on the line
	// after it: the line and column are recomputed from the byte offset.
	line, col := pe.Position.Line, pe.Position.Col
	if s := pe.Position.Start; s >= 0 && s <= len(data) {
		line, col = bytes.Count(data[:s], []byte("\n"))+1, s-bytes.LastIndexByte(data[:s], '\n')
	}
	return &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf("column %d: %s", col, msg)}
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
		if d.known(k) || slices.ContainsFunc(found, func(p toml.Key) bool { return isPrefix(p, k) }) {
			continue
		}
		if len(found) == maxUnknown {
			more++
			continue
		}
		found = append(found, k)
	}
	if len(found) == 0 {
		return nil
	}
	var parts []string
	for _, k := range found {
		name, hint := cleanMsg(k.String()), suggest(k)
		if looksLikeSecret(k[len(k)-1]) {
			// A token pasted where a key goes must not be echoed.
			name, hint = "(a key that looks like a token, not shown)", ""
		}
		if len(found) == 1 && more == 0 {
			msg := "unknown key " + name
			if hint != "" {
				msg += " (did you mean " + hint + "?)"
			}
			return &ConfigError{Path: d.path, Line: d.keyLine(k), Msg: msg}
		}
		notes := []string{"line " + strconv.Itoa(d.keyLine(k))}
		if hint != "" {
			notes = append(notes, "did you mean "+hint+"?")
		}
		parts = append(parts, name+" ("+strings.Join(notes, "; ")+")")
	}
	if more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more", more))
	}
	return &ConfigError{Path: d.path, Msg: "unknown keys: " + strings.Join(parts, ", ")}
}

// known reports whether k is a key or table of the table, or lies inside
// a known key (a table where a value belongs, which decoding reports).
func (d *doc) known(k toml.Key) bool {
	name := k.String()
	if slices.Contains(tables, name) {
		return true
	}
	for _, fk := range keys {
		if fk.name == name || strings.HasPrefix(name, fk.name+".") {
			return true
		}
	}
	return false
}

// keyLine finds the line of any key of the file, walking down from the
// top table.
func (d *doc) keyLine(k toml.Key) int {
	p, ok := d.top[k[0]]
	for _, part := range k[1:] {
		var sub map[string]toml.Primitive
		if !ok || d.md.PrimitiveDecode(p, &sub) != nil {
			return 0
		}
		p, ok = sub[part]
	}
	if !ok {
		return 0
	}
	return d.lineOf(p)
}

// looksLikeSecret reports whether a key name is more likely a pasted
// credential than a misspelled key: a JWT ("eyJ...") or anything longer
// than any real key.
func looksLikeSecret(name string) bool {
	return strings.HasPrefix(name, "eyJ") || len(name) > 40
}

func isPrefix(p, k toml.Key) bool {
	return len(p) <= len(k) && slices.Equal(p, k[:len(p)])
}

// suggest returns the known key the user probably meant by k: the same
// name in another table, or a name one or two edits away.
func suggest(k toml.Key) string {
	leaf := k[len(k)-1]
	for _, fk := range keys {
		if fk.leaf() == leaf && fk.name != k.String() {
			return fk.name
		}
	}
	best, bestDist := "", 3
	for _, fk := range keys {
		if dist := editDistance(fk.name, k.String()); dist < bestDist {
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
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
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

// isSecretKey reports whether the TOML key holds a secret whose value must
// not be quoted back.
func isSecretKey(key string) bool {
	leaf := key[strings.LastIndexByte(key, '.')+1:]
	leaf = strings.Trim(leaf, `"'`)
	return leaf == "token" || leaf == "api_key"
}

// cleanMsg makes text from a parser or the file safe and short.
func cleanMsg(s string) string {
	return textsafe.Truncate(textsafe.Clean(s[:min(len(s), 1024)]), 200)
}

// pathErrorMsg describes a file system error without repeating the path,
// which the ConfigError already names.
func pathErrorMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return cleanMsg(err.Error())
}
