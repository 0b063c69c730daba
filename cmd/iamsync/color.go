package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// useColor reports whether output to w may be coloured: only on a terminal,
// never with --no-color or when NO_COLOR is set to anything non-empty
// (https://no-color.org).
func useColor(w io.Writer, global *globalOptions) bool {
	if global.noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
