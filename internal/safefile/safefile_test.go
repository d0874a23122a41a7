package safefile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// specialFiles makes one of each kind of file that must be refused and
// returns their paths by kind.
func specialFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip("no Unix sockets here:", err)
	}
	t.Cleanup(func() { l.Close() })
	link := filepath.Join(dir, "link-to-fifo")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"a named pipe (FIFO)": fifo,
		"a socket":            sock,
		"a directory":         dir,
		"a device":            os.DevNull,
		"a named pipe":        link,
	}
}

// TestRefusesSpecialFiles: nothing but a regular file is opened, for
// reading or writing, and a FIFO nobody writes or reads does not block.
func TestRefusesSpecialFiles(t *testing.T) {
	for want, path := range specialFiles(t) {
		for op, open := range map[string]func() error{
			"ReadFile":  func() error { _, err := ReadFile(path, 1<<20); return err },
			"OpenWrite": func() error { f, err := OpenWrite(path, os.O_APPEND, 0o600); closeIf(f); return err },
		} {
			err := open()
			var nr *NotRegularError
			var pe *fs.PathError
			if !errors.As(err, &nr) || !errors.As(err, &pe) || pe.Path != path || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%s): err = %v; want a *fs.PathError naming it and saying %q", op, path, err, want)
			}
		}
	}
}

func closeIf(f *os.File) {
	if f != nil {
		f.Close()
	}
}

func TestRegularFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	f, err := OpenWrite(path, os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("hello"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := OpenWrite(path, os.O_EXCL, 0o600); !errors.Is(err, fs.ErrExist) {
		t.Errorf("O_EXCL on an existing file: %v", err)
	}
	if b, err := ReadFile(path, 5); err != nil || string(b) != "hello" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	if _, err := ReadFile(path, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 5); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := OpenWrite(filepath.Join(path, "under-a-file"), os.O_APPEND, 0o600); err == nil {
		t.Error("a path under a regular file opened")
	}
}
