package config

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"ordermon/internal/tomlguard"
)

// hostileFiles are configuration files within the 1 MiB cap that once
// took hundreds of megabytes or gigabytes to refuse (issue 13), and the
// worst shapes a file of allowed depth can take.
func hostileFiles() map[string]string {
	nested := func(open, close string, size int) string {
		n := (size - 8) / (len(open) + len(close))
		return "a = " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
	}
	manyLines := func(line string) string {
		return strings.Repeat(line, (maxFileSize-1)/len(line))
	}
	return map[string]string{
		"8 KB of nested inline tables":  nested("{b = ", "}", 8<<10),
		"32 KB of nested inline tables": nested("{b = ", "}", 32<<10),
		"1 MiB of nested inline tables": nested("{b = ", "}", maxFileSize),
		"800 KB of nested arrays":       nested("[", "]", 800<<10),
		"a dotted key of 100k parts":    strings.Repeat("a.", 100_000) + "a = 1\n",
		"a table header of 100k parts":  "[" + strings.Repeat("a.", 100_000) + "a]\n",
		"dotted keys in inline tables":  "a = " + strings.Repeat("{b.c.d.e = ", 1000) + "1" + strings.Repeat("}", 1000) + "\n",
		// Allowed depth, as much of it as fits.
		"1 MiB of keys":                keys1MiB(),
		"1 MiB of small nested arrays": "a = [" + strings.Repeat("[[[[[[[1]]]]]]],", (maxFileSize-8)/16) + "]\n",
		"1 MiB in 1000 keys":           manyLines("k" + strings.Repeat("0", 1000) + " = [[[[[[[[[1]]]]]]]]]\n"),
		"1 MiB of array tables":        manyLines("[[a]]\n"),
		"1 MiB of small arrays":        manyLines("[[a.b]]\nc = [[[[[[[[1]]]]]]]]\n"),
		"1 MiB of one array":           "a = [" + strings.Repeat("1,", (maxFileSize-8)/2) + "]\n",
		"1 MiB of nested tables, wide": manyLines("[x.y]\nz = {a = {b = {c = 1}}, d = [1.5, [2.5]]}\n"),
	}
}

// TestConfigMemoryIsBounded decodes each hostile file and measures the
// heap it allocates: every file the size cap admits must be handled in
// under 100 MB.
func TestConfigMemoryIsBounded(t *testing.T) {
	for name, content := range hostileFiles() {
		t.Run(name, func(t *testing.T) {
			if len(content) > maxFileSize {
				t.Fatalf("test file is %d bytes, over the cap", len(content))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			f := DefaultFile()
			err := decodeFile("config.toml", []byte(content), &f)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d bytes: allocated %.1f MB; %v", len(content), float64(alloc)/1e6, firstLine(err))
			if alloc > 100<<20 {
				t.Errorf("allocated %.0f MB, want under 100 MB", float64(alloc)/1e6)
			}
			if err == nil {
				t.Error("accepted")
			}
		})
	}
}

// keys1MiB is a file of distinct keys, up to the size cap.
func keys1MiB() string {
	var b strings.Builder
	for i := 0; b.Len() < maxFileSize-32; i++ {
		fmt.Fprintf(&b, "k%07d = 1\n", i)
	}
	return b.String()
}

func firstLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s[:min(len(s), 160)]
}

func TestConfigNestingRefusedBeforeParsing(t *testing.T) {
	for _, tc := range []struct {
		content string
		line    int
	}{
		{"a = " + strings.Repeat("[", 13) + strings.Repeat("]", 13), 1},
		{"x = 1\n\ny = " + strings.Repeat("{a = ", 13) + "1" + strings.Repeat("}", 13), 3},
		{"# a comment [[[[[[[[[[[[[[[[[\n" + strings.Repeat("a.", 12) + "a = 1", 2},
		{"[" + strings.Repeat("a.", 12) + "a]", 1},
		{"[a.b.c.d.e.f]\ng.h.i.j.k.l.m = 1", 2},
	} {
		r := parseFile(t, tc.content)
		ce := configErr(t, r.err)
		if ce.Line != tc.line || !strings.Contains(ce.Msg, "nested more than 12 levels deep") {
			t.Errorf("%.60q: error %v; want line %d, nested too deep", tc.content, r.err, tc.line)
		}
	}
	// Brackets and dots inside strings and comments do not count, and a
	// real configuration's depth passes.
	ok := "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\ntimezone = \"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o[[[[[[[[[[[[[[\"\n" +
		"[kalshi]\nbase_url = '''https://x.example/{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{''' # {{{{{{{{{{{{{{{\n"
	if line, _ := tomlguard.Check([]byte(ok), maxNesting, maxEntries); line != 0 {
		t.Errorf("tomlguard.Check = %d for a shallow file", line)
	}
	for depth := 1; depth <= 10; depth++ {
		doc := "a = " + strings.Repeat("[", depth) + "1.5" + strings.Repeat("]", depth)
		if line, _ := tomlguard.Check([]byte(doc), maxNesting, maxEntries); line != 0 {
			t.Errorf("depth %d refused: %s", depth, doc)
		}
	}
}

// BenchmarkConfigHostile prints how long each hostile file takes to
// refuse.
func BenchmarkConfigHostile(b *testing.B) {
	for name, content := range hostileFiles() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				f := DefaultFile()
				_ = decodeFile("config.toml", []byte(content), &f)
			}
			b.ReportMetric(float64(len(content)), "bytes")
		})
	}
}
