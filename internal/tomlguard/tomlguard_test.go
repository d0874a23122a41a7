package tomlguard

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line      int
		deep      bool
	}{
		{"shallow", "a = 1\n[t]\nb = [1, {c = 2}]\n", 0, false},
		{"arrays", "x = 1\ny = [[[[1]]]]\n", 2, true},
		{"dotted key", "a.b.c.d.e = 1\n", 1, true},
		{"header parts count for the keys under it", "[a.b]\nc.d.e = 1\n", 2, true},
		{"brackets in strings and comments do not count", "a = '[[[[[[' # {{{{{{\nb = \"[[[\\\"[[[\"\n", 0, false},
		{"a multi-line string's lines are counted", "a = '''\n[[[[[[\n'''\nb = [[[[[1]]]]]\n", 4, true},
		{"too many entries", strings.Repeat("[[a]]\n", 10), 6, false},
	} {
		line, deep := Check([]byte(tc.doc), 4, 5)
		if line != tc.line || deep != tc.deep {
			t.Errorf("%s: Check = %d, %v; want %d, %v", tc.name, line, deep, tc.line, tc.deep)
		}
	}
}
