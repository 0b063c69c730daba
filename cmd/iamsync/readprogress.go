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

// readState reads the account with opts. Most reads take a second or two,
// but per-entity reads under throttling can take minutes. A read that
// lasts longer than readNoticeInterval prints a line to c.notices at every
// interval, with the calls made so far. When it ends, a last line gives the
// totals, so that a pipeline's log shows why a plan is slow.
func (c *connection) readState(ctx context.Context, opts provider.ReadOptions) (*provider.State, error) {
	if c.notices == nil {
		return c.provider.ReadState(ctx, opts)
	}
	account := "the account"
	if opts.Caller != nil && opts.Caller.Account != "" {
		account = "account " + opts.Caller.Account
	}
	start, before := time.Now(), c.provider.Activity()
	since := func() awsprovider.Activity {
		now := c.provider.Activity()
		return awsprovider.Activity{
			Calls:            now.Calls - before.Calls,
			Retries:          now.Retries - before.Retries,
			ThrottledRetries: now.ThrottledRetries - before.ThrottledRetries,
		}
	}

	done := make(chan struct{})
	noticed := false
	var wg sync.WaitGroup
	wg.Go(func() {
		ticker := time.NewTicker(readNoticeInterval)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
				fmt.Fprintf(c.notices, "Still reading %s [%s elapsed]: %s\n",
					account, elapsedSince(start), describeActivity(since(), " so far"))
				noticed = true
			}
		}
	})
	state, err := c.provider.ReadState(ctx, opts)
	close(done)
	wg.Wait()
	if noticed && err == nil {
		fmt.Fprintf(c.notices, "Read %s in %s: %s\n", account, elapsedSince(start), describeActivity(since(), ""))
	}
	return state, err
}

// elapsedSince returns the time since start in whole seconds, such as
// "1m20s".
func elapsedSince(start time.Time) time.Duration {
	return time.Since(start).Round(time.Second)
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
