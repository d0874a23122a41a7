package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

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
	fh, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if namedBy == "" {
				return false, nil
			}
			return false, &ConfigError{Path: path, Msg: "no such file (named by " + namedBy + ")"}
		}
		return false, &ConfigError{Path: path, Msg: pathErrorMsg(err)}
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && !st.Mode().IsRegular() {
		return false, &ConfigError{Path: path, Msg: "not a regular file"}
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return false, &ConfigError{Path: path, Msg: pathErrorMsg(err)}
	}
	if len(data) > maxFileSize {
		return false, &ConfigError{Path: path, Msg: "larger than 1 MiB; is this really the configuration file?"}
	}
	return true, decodeFile(path, data, f)
}

// decodeFile decodes TOML data into f and checks every value, so that each
// error can name the file, line and key.
func decodeFile(path string, data []byte, f *File) error {
	// Parse once without a destination first, so that syntax errors are
	// told apart from errors about values.
	if _, err := toml.Decode(string(data), new(map[string]any)); err != nil {
		return syntaxError(path, data, err)
	}
	md, err := toml.Decode(string(data), f)
	if err != nil {
		return valueError(path, err)
	}
	if err := unknownKeys(path, data, md.Undecoded()); err != nil {
		return err
	}
	return checkFile(path, data, f)
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
	line, col := lineCol(data, pe.Position)
	return &ConfigError{Path: path, Line: line, Msg: fmt.Sprintf("column %d: %s", col, msg)}
}

// lineCol recomputes an error's line and column from its byte offset: the
// parser counts a newline that ends a line as the start of the next, so
// "[kalshi" followed by a newline would be blamed on the line after it.
func lineCol(data []byte, p toml.Position) (line, col int) {
	if p.Start < 0 || p.Start > len(data) {
		return p.Line, p.Col
	}
	before := data[:p.Start]
	return bytes.Count(before, []byte("\n")) + 1, p.Start - bytes.LastIndexByte(before, '\n')
}

// decodeErrRE matches the errors the TOML decoder returns as plain text
// when a value has the wrong type.
var decodeErrRE = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key ("(?:[^"\\]|\\.)*")\): (.*)$`)

// foundTypeRE extracts the Go type the decoder found from its message.
var foundTypeRE = regexp.MustCompile(`(?:TOML value has type|but found) (\S+?);?(?: |$)`)

// valueError converts an error about one value: a wrong type, or a value
// its type refused (a bad duration).
func valueError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := cleanMsg(pe.Message)
		if isSecretKey(pe.LastKey) {
			msg = "invalid value"
		}
		return &ConfigError{Path: path, Line: pe.Position.Line, Key: cleanMsg(pe.LastKey), Msg: msg}
	}
	m := decodeErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return &ConfigError{Path: path, Msg: cleanMsg(err.Error())}
	}
	line, _ := strconv.Atoi(m[1])
	key, uerr := strconv.Unquote(m[2])
	if uerr != nil {
		key = m[2]
	}
	msg := cleanMsg(m[3])
	if t := foundTypeRE.FindStringSubmatch(m[3]); t != nil {
		if want := wantOf(key); want != "" {
			msg = "want " + want + ", found " + tomlTypeName(t[1])
		}
	}
	return &ConfigError{Path: path, Line: line, Key: cleanMsg(key), Msg: msg}
}

// tomlTypeName names the Go type the TOML decoder produced for a value in
// TOML's own words.
func tomlTypeName(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case goType == "int64":
		return "an integer"
	case goType == "float64":
		return "a number"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "map["):
		return "a table"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "time.") || strings.HasPrefix(goType, "toml."):
		return "a date or time"
	}
	return cleanMsg(goType)
}

// unknownKeys reports every key of the file that File does not have, so
// that a misspelled key is not silently ignored. For an unknown table only
// the table is named, not each key inside it.
func unknownKeys(path string, data []byte, undecoded []toml.Key) error {
	type unknown struct {
		name, hint string
		line       int
	}
	var found []unknown
	var reported []toml.Key
	for _, k := range undecoded {
		if slices.ContainsFunc(reported, func(p toml.Key) bool { return isPrefix(p, k) }) {
			continue
		}
		reported = append(reported, k)
		u := unknown{cleanMsg(k.String()), suggest(k), lineOf(data, k)}
		if looksLikeSecret(k[len(k)-1]) {
			// A token pasted where a key goes must not be echoed.
			u.name, u.hint = "(a key that looks like a token, not shown)", ""
		}
		found = append(found, u)
	}
	switch len(found) {
	case 0:
		return nil
	case 1:
		u := found[0]
		msg := "unknown key " + u.name
		if u.hint != "" {
			msg += " (did you mean " + u.hint + "?)"
		}
		return &ConfigError{Path: path, Line: u.line, Msg: msg}
	}
	var parts []string
	for _, u := range found {
		var notes []string
		if u.line > 0 {
			notes = append(notes, "line "+strconv.Itoa(u.line))
		}
		if u.hint != "" {
			notes = append(notes, "did you mean "+u.hint+"?")
		}
		if len(notes) > 0 {
			parts = append(parts, u.name+" ("+strings.Join(notes, "; ")+")")
		} else {
			parts = append(parts, u.name)
		}
	}
	return &ConfigError{Path: path, Msg: "unknown keys: " + strings.Join(parts, ", ")}
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
	for _, fk := range fileKeys() {
		if fk.leaf() == leaf && fk.Name != k.String() {
			return fk.Name
		}
	}
	best, bestDist := "", 3
	for _, fk := range fileKeys() {
		if d := editDistance(fk.Name, k.String()); d < bestDist {
			best, bestDist = fk.Name, d
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

// lineOf finds the line that defines key in a TOML document, for errors
// about values that decoded fine but are not acceptable. It understands
// table headers and plain or dotted keys, which is all a configuration
// file uses; it returns 0 when it cannot tell.
func lineOf(data []byte, key toml.Key) int {
	want := key.String()
	table := ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			name, _, _ := strings.Cut(strings.TrimLeft(line, "["), "]")
			table = normalizeKey(name)
			if table == want {
				return i + 1
			}
			continue
		}
		lhs, _, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		full := normalizeKey(lhs)
		if table != "" {
			full = table + "." + full
		}
		if full == want {
			return i + 1
		}
	}
	return 0
}

// normalizeKey removes the spaces and quotes TOML allows around the parts
// of a dotted key.
func normalizeKey(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// fileKey is one key of File, found by reflection so that the list cannot
// fall out of step with the struct.
type fileKey struct {
	Name string       // "kalshi.env"
	Type reflect.Type // the field's type
}

func (k fileKey) leaf() string { return k.Name[strings.LastIndexByte(k.Name, '.')+1:] }

// fileKeys lists every leaf key of File, in declaration order.
func fileKeys() []fileKey {
	var keys []fileKey
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := prefix + f.Tag.Get("toml")
			if f.Type.Kind() == reflect.Struct {
				walk(name+".", f.Type)
				continue
			}
			keys = append(keys, fileKey{Name: name, Type: f.Type})
		}
	}
	walk("", reflect.TypeFor[File]())
	return keys
}

// wantOf describes the value key takes, for type errors.
func wantOf(key string) string {
	for _, fk := range fileKeys() {
		if fk.Name == key {
			switch fk.Type {
			case reflect.TypeFor[Duration]():
				return `a duration in quotes, like "2s"`
			case reflect.TypeFor[bool]():
				return "true or false"
			}
			return "a string in quotes"
		}
		if strings.HasPrefix(fk.Name, key+".") {
			return "a table ([" + key + "])"
		}
	}
	return ""
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
