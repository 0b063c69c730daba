//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package sandbox

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// errLockHeld is the error of lockFile when another open file holds the
// lock.
var errLockHeld = errors.New("lock held")

// lockFile takes an exclusive flock(2) lock on f without waiting. A flock
// lock belongs to the open file, so a second open of the same lock file
// conflicts with the first even within one process.
func lockFile(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLockHeld
		}
		return err
	}
}
