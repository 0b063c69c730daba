package awsprovider

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// Concurrent callers leave the limiter at least one interval apart.
func TestRequestLimiterSpacesCallers(t *testing.T) {
	const perSecond, callers = 200, 40
	l := newRequestLimiter(perSecond)
	interval := time.Second / perSecond

	var mu sync.Mutex
	var passed []time.Time
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if err := l.wait(context.Background()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			passed = append(passed, time.Now())
			mu.Unlock()
		})
	}
	wg.Wait()

	slices.SortFunc(passed, func(a, b time.Time) int { return a.Compare(b) })
	if total, want := passed[len(passed)-1].Sub(passed[0]), time.Duration(callers-1)*interval; total < want {
		t.Errorf("%d callers passed within %v, want at least %v", callers, total, want)
	}
}

// A cancelled caller stops waiting.
func TestRequestLimiterCancel(t *testing.T) {
	l := newRequestLimiter(0.5)
	if err := l.wait(context.Background()); err != nil {
		t.Fatalf("first wait: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.wait(ctx); err == nil {
		t.Errorf("wait with a cancelled context returned nil, want its error")
	}
}

func TestRequestLimiterOff(t *testing.T) {
	if l := newRequestLimiter(0); l != nil {
		t.Errorf("newRequestLimiter(0) = %v, want nil", l)
	}
}
