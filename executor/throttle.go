package executor

import (
	"context"
	"sync"
	"time"
)

// raiseAfter is the number of successes in a row after which the
// concurrency limit rises by one.
//
// NOTE: 10 is a judgment call, not measured: IAM does not publish the rates
// of its per-action token buckets.
const raiseAfter = 10

// concurrency is the number of calls allowed in flight, adapted to
// throttling by additive increase and multiplicative decrease: a throttled
// call halves the limit, and a run of raiseAfter successes raises it by
// one, never above the maximum.
//
// Calls that were in flight when the limit was halved often come back
// throttled too. They report the epoch in which they started, and a report
// from an earlier epoch than the current one is ignored, so that one burst
// of throttling halves the limit once.
type concurrency struct {
	mu        sync.Mutex
	max       int
	limit     int
	successes int
	epoch     int
}

func newConcurrency(max int) *concurrency {
	return &concurrency{max: max, limit: max}
}

// current returns the limit and the epoch.
func (c *concurrency) current() (limit, epoch int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.limit, c.epoch
}

// throttled records a throttled call that started in epoch. It returns the
// new limit and whether the limit changed.
func (c *concurrency) throttled(epoch int) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return c.limit, false
	}
	c.epoch++
	c.successes = 0
	old := c.limit
	c.limit = max(1, c.limit/2)
	return c.limit, c.limit != old
}

// succeeded records a successful call. It returns the new limit and whether
// the limit changed.
func (c *concurrency) succeeded() (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.limit >= c.max {
		return c.limit, false
	}
	c.successes++
	if c.successes < raiseAfter {
		return c.limit, false
	}
	c.successes = 0
	c.limit++
	return c.limit, true
}

// rateLimiter spaces calls at least interval apart: a token bucket that
// holds one token. A nil rateLimiter lets every call through.
type rateLimiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
	now      func() time.Time
	sleep    func(ctx context.Context, d time.Duration) error
}

// newRateLimiter returns a limiter for at most perSecond calls a second, or
// nil when perSecond is not positive.
func newRateLimiter(perSecond float64, now func() time.Time, sleep func(context.Context, time.Duration) error) *rateLimiter {
	if perSecond <= 0 {
		return nil
	}
	return &rateLimiter{interval: time.Duration(float64(time.Second) / perSecond), now: now, sleep: sleep}
}

// wait blocks until the caller may make a call, or until ctx is done. Each
// caller reserves the next free slot before sleeping, so parallel callers
// queue up in order.
func (l *rateLimiter) wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()

	if d := slot.Sub(now); d > 0 {
		return l.sleep(ctx, d)
	}
	return ctx.Err()
}

// callSlots bounds the calls in flight by the concurrency limit. A step
// holds a slot while it calls IAM, not while it waits to retry, so that
// steps waiting for IAM's eventual consistency do not keep ready steps
// from starting. A step back from its wait takes a free slot before any
// new step does.
type callSlots struct {
	limits *concurrency

	mu      sync.Mutex
	cond    *sync.Cond
	inUse   int
	waiting int

	// freed receives a value when a slot is given back, for the walk loop
	// to start a new step.
	freed chan struct{}
}

func newCallSlots(limits *concurrency) *callSlots {
	s := &callSlots{limits: limits, freed: make(chan struct{}, 1)}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// tryAcquire takes a slot for a new step if one is free and no returning
// step waits for it.
func (s *callSlots) tryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if limit, _ := s.limits.current(); s.waiting > 0 || s.inUse >= limit {
		return false
	}
	s.inUse++
	return true
}

// acquire waits for a free slot, or until ctx is done.
func (s *callSlots) acquire(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cond.Broadcast()
	})
	defer stop()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.waiting++
	defer func() { s.waiting-- }()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if limit, _ := s.limits.current(); s.inUse < limit {
			s.inUse++
			return nil
		}
		s.cond.Wait()
	}
}

// release gives a slot back and signals the walk loop on freed.
func (s *callSlots) release() {
	s.put()
	select {
	case s.freed <- struct{}{}:
	default:
	}
}

// put gives a slot back; the walk loop calls it for the steps that end.
func (s *callSlots) put() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inUse--
	s.cond.Broadcast()
}
