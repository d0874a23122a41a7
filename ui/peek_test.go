package ui

import (
	"os"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestPeek(t *testing.T) {
	if os.Getenv("PEEK") == "" {
		t.Skip()
	}
	for _, sz := range [][2]int{{120, 40}, {80, 24}} {
		m, _ := newTestModel(sz[0], sz[1]); m.Update(press("down"))
		out := m.View().Content
		os.WriteFile("/tmp/peek.txt", []byte(ansi.Strip(out)), 0o644)
		t.Log("\n" + ansi.Strip(out))
	}
}
