package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
)

// readNoticeInterval is how long a read of the account runs before the
// command reports that it is still reading, and how often it reports it
// again. Tests shorten it.
var readNoticeInterval = 10 * time.Second

// readWatch reports on the reads of the account that one step of a
// command makes, such as the two reads of a plan. Most reads take a second
// or two, but per-entity reads under throttling can take minutes. While a
// read lasts longer than readNoticeInterval, a line goes to c.notices at
// every interval, with the time and the calls since the first read. When
// the step is done, a last line gives the totals, so that a pipeline's log
// shows why a plan is slow.
type readWatch struct {
	c *connection
	// subject is the account read, such as "account 123456789012".
	subject string
	start   time.Time
	before  awsprovider.Activity
	noticed bool
}

// watchReads starts a watch on the reads of opts's account. A purpose that
// is not empty follows the account in the lines, such as "to check the apply".
func (c *connection) watchReads(opts provider.ReadOptions, purpose string) *readWatch {
	subject := "the account"
	if opts.Caller != nil && opts.Caller.Account != "" {
		subject = "account " + opts.Caller.Account
	}
	if purpose != "" {
		subject += " " + purpose
	}
	return &readWatch{c: c, subject: subject, start: time.Now(), before: c.provider.Activity()}
}

// readState reads the account once, as a step of its own.
func (c *connection) readState(ctx context.Context, opts provider.ReadOptions, purpose string) (*provider.State, error) {
	w := c.watchReads(opts, purpose)
	state, err := w.read(ctx, opts)
	if err == nil {
		w.done()
	}
	return state, err
}

// read reads the account with opts.
func (w *readWatch) read(ctx context.Context, opts provider.ReadOptions) (*provider.State, error) {
	if w.c.notices == nil {
		return w.c.provider.ReadState(ctx, opts)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		ticker := time.NewTicker(readNoticeInterval)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				fmt.Fprintf(w.c.notices, "Still reading %s [%s elapsed]: %s\n",
					w.subject, w.elapsed(), describeActivity(w.activity(), " so far"))
				w.noticed = true
			}
		}
	})
	state, err := w.c.provider.ReadState(ctx, opts)
	close(stop)
	wg.Wait()
	return state, err
}

// done prints the totals of the reads, when a notice reported them slow.
func (w *readWatch) done() {
	if w.noticed {
		fmt.Fprintf(w.c.notices, "Read %s in %s: %s\n", w.subject, w.elapsed(), describeActivity(w.activity(), ""))
	}
}

// elapsed returns the time since the first read in whole seconds, such as
// "1m20s".
func (w *readWatch) elapsed() time.Duration {
	return time.Since(w.start).Round(time.Second)
}

// activity returns the calls and retries since the first read.
func (w *readWatch) activity() awsprovider.Activity {
	now := w.c.provider.Activity()
	return awsprovider.Activity{
		Calls:            now.Calls - w.before.Calls,
		Retries:          now.Retries - w.before.Retries,
		ThrottledRetries: now.ThrottledRetries - w.before.ThrottledRetries,
	}
}

// describeActivity returns how many calls a read made, followed by when,
// and how many attempts retried them, such as "412 calls so far, 37 retries
// after throttling".
func describeActivity(a awsprovider.Activity, when string) string {
	parts := []string{plural(a.Calls, "call") + when}
	if a.ThrottledRetries > 0 {
		parts = append(parts, retries(a.ThrottledRetries)+" after throttling")
	}
	if other := a.Retries - a.ThrottledRetries; other > 0 {
		parts = append(parts, retries(other)+" after other errors")
	}
	return strings.Join(parts, ", ")
}

func retries(n int) string {
	if n == 1 {
		return "1 retry"
	}
	return fmt.Sprintf("%d retries", n)
}
