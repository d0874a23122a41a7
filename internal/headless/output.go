package headless

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"ordermon/internal/textsafe"
)

// ExitOutput is the exit code when the output could not be written (a
// full disk, a closed standard output): what was printed is incomplete,
// which matters more than how the orders stand. ExitBrokenPipe is the
// quiet exit when the reader went away (`| head -1`), the code a shell
// shows for a process killed by SIGPIPE, which is what happens when
// SIGPIPE is not ignored.
const (
	ExitOutput     = 6
	ExitBrokenPipe = 128 + 13
)

// checkedWriter remembers the first error writing to standard output, so
// that lost output ends the run with ExitOutput instead of passing for a
// success, and a watch whose reader went away stops instead of polling
// for nobody.
type checkedWriter struct {
	w   io.Writer
	err error
}

// Write writes p, or fails at once after an earlier failure.
func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
}

// write writes s, or nothing after an earlier failure; err says why.
func (c *checkedWriter) write(s string) { _, _ = io.WriteString(c, s) }

// exitCode returns the exit code for a run whose output failed, saying
// so on stderr in one line, except for a reader that quit, which is a
// quiet end; it returns code when every write succeeded.
func (c *checkedWriter) exitCode(code int, stderr io.Writer) int {
	switch {
	case c.err == nil:
		return code
	case errors.Is(c.err, syscall.EPIPE):
		return ExitBrokenPipe
	}
	fmt.Fprintf(stderr, "ordermon: cannot write output: %s\n", textsafe.Clean(c.err.Error()))
	return ExitOutput
}
