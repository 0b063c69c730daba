// Command iamsync manages the IAM of an AWS account from HCL files: plan
// shows what differs between the files and the account, apply makes the
// account match.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first interrupt cancels ctx, which lets a command finish what it
	// is doing and report. Then the default handling comes back, so that a
	// second interrupt ends the process at once.
	context.AfterFunc(ctx, stop)
	code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
