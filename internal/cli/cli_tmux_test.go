package cli

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// tmuxPane is the built binary running in a detached tmux session of a
// fixed size, on a tmux server of its own, as a user would run it.
type tmuxPane struct {
	t      *testing.T
	socket string
	w, h   int
}

// startTmux starts args in a w×h tmux session, or skips the test when tmux
// is missing outside CI (in CI, .ci/run installs it, so a missing tmux is a
// failure).
func startTmux(t *testing.T, w, h int, args ...string) *tmuxPane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("tmux not found in CI: %v", err)
		}
		t.Skip("tmux not installed")
	}
	p := &tmuxPane{t: t, socket: fmt.Sprintf("ordermon-test-%d-%dx%d", os.Getpid(), w, h), w: w, h: h}
	cmd := "exec env TERM=xterm-256color TZ=UTC " + binary + " " + strings.Join(args, " ")
	p.tmux("-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), cmd)
	p.tmux("set-option", "-g", "status", "off")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	return p
}

func (p *tmuxPane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is what the pane shows now, one string a line.
func (p *tmuxPane) screen() []string {
	return strings.Split(strings.TrimRight(p.tmux("capture-pane", "-p", "-t", "0"), "\n"), "\n")
}

// waitFor polls the pane until ok holds for its screen, and fails the test
// with the last screen after 15 s. tmux has no way to be told of a change,
// so polling is the condition wait here.
func (p *tmuxPane) waitFor(what string, ok func(string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := strings.Join(p.screen(), "\n")
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%d×%d: waited 15s for %s; the screen:\n%s", p.w, p.h, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitGone waits for the program to end, which ends its session and the
// tmux server with it, failing the test after 15 s.
func (p *tmuxPane) waitGone() {
	p.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; {
		if exec.Command("tmux", "-L", p.socket, "has-session").Run() != nil {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%d×%d: still running 15s after q:\n%s", p.w, p.h, strings.Join(p.screen(), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// selectedRow is the list's selected row on screen s: the line whose row
// starts with the selection mark.
func selectedRow(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "┃▸") || strings.Contains(l, "│▸") {
			return l
		}
	}
	return ""
}

// TestScreenInTmux runs --demo in tmux at the sizes users have and checks
// what they see: the problems marked in the list, the stuck order's
// verdict and first diagnosis on the first screen once it is selected, and
// no line wider than the terminal (a wide ticker or glyph that a width
// calculation got wrong pushes a border off the edge).
func TestScreenInTmux(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			t.Parallel()
			p := startTmux(t, w, h, "--demo")
			p.waitFor("the list with a marked problem", func(s string) bool {
				return strings.Contains(s, "Orders") && strings.Contains(s, "✗")
			})
			// n moves the selection to the next order that needs
			// attention; the stuck one is among the first three.
			s := strings.Join(p.screen(), "\n")
			for range 4 {
				if strings.Contains(s, "stuck at validated") {
					break
				}
				before := selectedRow(s)
				p.tmux("send-keys", "-t", "0", "n")
				s = p.waitFor("the selection to move", func(s string) bool { return selectedRow(s) != before })
			}
			for _, want := range []string{"stuck at validated", "stuck_validated"} {
				if !strings.Contains(s, want) {
					t.Errorf("%d×%d: the stuck order's screen lacks %q:\n%s", w, h, want, s)
				}
			}
			lines := p.screen()
			if len(lines) > h {
				t.Errorf("%d×%d: %d lines on the screen", w, h, len(lines))
			}
			for i, l := range lines {
				if lw := ansi.StringWidth(l); lw > w {
					t.Errorf("%d×%d: line %d is %d cells wide: %q", w, h, i+1, lw, l)
				}
			}
			p.tmux("send-keys", "-t", "0", "q")
			p.waitGone()
		})
	}
}
