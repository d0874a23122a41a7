// Command lengths checks the house's size rules on every Go file outside
// tests and testdata: no function over 60 lines, from its func line to its
// closing brace, and no file over 600 lines (400 in internal/engine, which
// should read like a recipe). It prints each breach and exits 1, so .ci/run
// can stop on one:
//
//	go run ./scripts/lengths [DIR]
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const (
	maxFuncLines       = 60
	maxFileLines       = 600
	maxEngineFileLines = 400
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	breaches, err := check(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lengths:", err)
		os.Exit(2)
	}
	for _, b := range breaches {
		fmt.Println(b)
	}
	if len(breaches) > 0 {
		os.Exit(1)
	}
}

// check walks root and returns one line for each function and file over its
// limit, as path:line: what.
func check(root string) ([]string, error) {
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, checkFile(fset, f, filepath.ToSlash(rel))...)
		return nil
	})
	return out, err
}

// checkFile reports the file's own length and each too-long function in it:
// every declared function and method, and every function literal outside
// them (a literal inside one counts towards its length already).
func checkFile(fset *token.FileSet, f *ast.File, rel string) []string {
	var out []string
	limit := maxFileLines
	if strings.HasPrefix(rel, "internal/engine/") {
		limit = maxEngineFileLines
	}
	if n := fset.File(f.Pos()).LineCount(); n > limit {
		out = append(out, fmt.Sprintf("%s: %d lines, over %d", rel, n, limit))
	}
	span := func(n ast.Node) (first, lines int) {
		a, b := fset.Position(n.Pos()).Line, fset.Position(n.End()).Line
		return a, b - a + 1
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch fn := n.(type) {
		case *ast.FuncDecl:
			if first, lines := span(fn); lines > maxFuncLines {
				out = append(out, fmt.Sprintf("%s:%d: func %s is %d lines, over %d", rel, first, fn.Name.Name, lines, maxFuncLines))
			}
			return false
		case *ast.FuncLit:
			if first, lines := span(fn); lines > maxFuncLines {
				out = append(out, fmt.Sprintf("%s:%d: a function literal is %d lines, over %d", rel, first, lines, maxFuncLines))
			}
			return false
		}
		return true
	})
	return out
}
