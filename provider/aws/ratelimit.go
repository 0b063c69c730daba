package awsprovider

import (
	"context"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// requestLimiter spaces requests at least interval apart, like a token
// bucket that holds one token, so that no window of one second contains
// more requests than the rate. It is safe for concurrent use.
type requestLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// newRequestLimiter returns a limiter for perSecond requests a second, or
// nil when perSecond is not positive.
func newRequestLimiter(perSecond float64) *requestLimiter {
	if perSecond <= 0 {
		return nil
	}
	return &requestLimiter{interval: time.Duration(float64(time.Second) / perSecond)}
}

// wait blocks until the caller may send a request, or until ctx is done.
// Each caller reserves the next free slot before it sleeps, so concurrent
// callers go in the order they arrived.
func (l *requestLimiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()

	d := slot.Sub(now)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// addRateLimit makes every attempt of a call wait for the limiter, inside
// the retry loop and before the request is signed. It adds nothing when
// the provider has no limiter.
func (p *Provider) addRateLimit(stack *middleware.Stack) error {
	if p.limiter == nil {
		return nil
	}
	limit := middleware.FinalizeMiddlewareFunc("IAMSyncLimitRate", func(
		ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler,
	) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if err := p.limiter.wait(ctx); err != nil {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, err
		}
		return next.HandleFinalize(ctx, in)
	})
	return stack.Finalize.Insert(limit, "Retry", middleware.After)
}
