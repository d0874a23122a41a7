// Package safefile opens the files a user names (configuration, private
// key, token file, log, export) only when they are regular files, and
// never blocks while finding out: a FIFO, socket, device or directory is
// refused with an error naming what it is.
package safefile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"ordermon/internal/textsafe"
)

// NotRegularError is the error (inside an *fs.PathError) for a path that
// exists but is not a regular file.
type NotRegularError struct {
	// Kind says what the path is instead: "a directory", "a named pipe
	// (FIFO)", "a socket", "a device".
	Kind string
}

// Error says the file is not a regular file and what it is.
func (e *NotRegularError) Error() string { return "not a regular file (" + e.Kind + ")" }

// ErrTooLarge is the error (inside an *fs.PathError) for a file larger
// than ReadFile's limit.
var ErrTooLarge = errors.New("file too large")

// kind checks a file's mode.
func kind(m fs.FileMode) error {
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return &NotRegularError{"a directory"}
	case m&fs.ModeNamedPipe != 0:
		return &NotRegularError{"a named pipe (FIFO)"}
	case m&fs.ModeSocket != 0:
		return &NotRegularError{"a socket"}
	case m&fs.ModeDevice != 0:
		return &NotRegularError{"a device"}
	}
	return &NotRegularError{"not a file"}
}

// open checks path's kind, opens it with flag without blocking (a FIFO
// swapped in after the check opens at once with O_NONBLOCK, and a terminal
// does not become the controlling one), and checks the kind of what was
// opened, so nothing but a regular file is ever read or written.
func open(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if st, err := os.Stat(path); err == nil {
		if err := kind(st.Mode()); err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
	} else if flag&os.O_CREATE == 0 || !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|syscall.O_NONBLOCK|syscall.O_NOCTTY, perm)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil {
		err = kind(st.Mode())
	}
	if err != nil {
		_ = f.Close() // opened for nothing; the kind is the error
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return f, nil
}

// OpenRead opens a regular file for reading.
func OpenRead(path string) (*os.File, error) {
	return open(path, os.O_RDONLY, 0)
}

// OpenWrite opens or creates a regular file for writing; flag adds to
// O_WRONLY and O_CREATE (O_APPEND for a log, O_EXCL for a new export).
func OpenWrite(path string, flag int, perm fs.FileMode) (*os.File, error) {
	return open(path, os.O_WRONLY|os.O_CREATE|flag, perm)
}

// ReadFile reads a regular file of at most max bytes; a larger one gives
// ErrTooLarge without reading more than max+1 bytes.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := OpenRead(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(b)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrTooLarge}
	}
	return b, nil
}

// Why says what went wrong with a file, without the path that an
// *fs.PathError repeats: the caller's message names the file already, and
// says which setting named it. The text is cleaned for a terminal.
func Why(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return textsafe.Short(err.Error(), 200)
}
