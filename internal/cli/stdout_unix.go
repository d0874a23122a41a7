//go:build unix

package cli

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// stdoutClosed reports whether w is this process's standard output and
// was closed when ordermon started (`>&-`). The Go runtime then opens
// /dev/null read-write in its place, so writes would vanish without an
// error; a shell's `>/dev/null` opens it write-only. A caller that hands
// over /dev/null opened read-write (Python's subprocess.DEVNULL does) is
// taken for a closed output too.
func stdoutClosed(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f.Fd() != 1 {
		return false
	}
	fl, err := unix.FcntlInt(1, unix.F_GETFL, 0)
	if err != nil || fl&unix.O_ACCMODE != unix.O_RDWR {
		return false
	}
	var out, null unix.Stat_t
	if unix.Fstat(1, &out) != nil || unix.Stat(os.DevNull, &null) != nil {
		return false
	}
	return out.Mode&unix.S_IFMT == unix.S_IFCHR && out.Rdev == null.Rdev
}
