//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris)

package sandbox

import (
	"errors"
	"os"
)

// errLockHeld is the error of lockFile when another open file holds the
// lock. lockFile never returns it on this system.
var errLockHeld = errors.New("lock held")

// lockFile does nothing on this system.
//
// NOTE: without flock(2), such as on Windows, two sandboxes on one state
// file are not detected, and each overwrites the other's changes.
func lockFile(f *os.File) error { return nil }
