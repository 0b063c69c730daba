package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrStateInUse is the error of New when another Server, in this process
// or in another one, holds the state file.
var ErrStateInUse = errors.New("another sandbox is using it")

// stateLock is the exclusive hold of a Server on its state file: an
// advisory lock on the lock file next to it, the state file's path with
// ".lock" appended. The state file itself cannot carry the lock, because
// every save replaces it with a new file.
type stateLock struct {
	file *os.File
}

// lockPath returns the path of the lock file of the state file at path.
func lockPath(statePath string) string { return statePath + ".lock" }

// holdState checks that the state file's directory exists and is
// writable, then takes the state file's lock. Releasing the lock leaves
// the lock file in place, because removing it could let a third server
// lock a new file while a second one still holds the old one.
func holdState(statePath string) (*stateLock, error) {
	if err := checkWritableDir(filepath.Dir(statePath)); err != nil {
		return nil, fmt.Errorf("state file %s: %w", statePath, err)
	}
	f, err := os.OpenFile(lockPath(statePath), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state file %s: open lock file: %w", statePath, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLockHeld) {
			return nil, fmt.Errorf("state file %s: %w", statePath, ErrStateInUse)
		}
		return nil, fmt.Errorf("state file %s: lock %s: %w", statePath, f.Name(), err)
	}
	return &stateLock{file: f}, nil
}

// release drops the lock. Releasing a nil lock does nothing.
func (l *stateLock) release() error {
	if l == nil {
		return nil
	}
	// Closing the file drops the lock, which belongs to the open file.
	if err := l.file.Close(); err != nil {
		return fmt.Errorf("release state lock %s: %w", l.file.Name(), err)
	}
	return nil
}

// checkWritableDir returns an error when dir does not exist, is not a
// directory, or does not let this process create a file in it. It creates
// and removes a temporary file, because permission bits alone do not tell:
// root ignores them, and a read-only mount overrides them.
func checkWritableDir(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return fmt.Errorf("directory %s: %w", dir, err)
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".iamsync-sandbox-probe-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	name := probe.Name()
	probe.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("directory %s: remove %s: %w", dir, name, err)
	}
	return nil
}
