package provider

import "context"

// throttleObserverKey is the context key of the function that ReportThrottle
// calls.
type throttleObserverKey struct{}

// WithThrottleObserver returns a copy of ctx that carries fn. A Writer calls
// ReportThrottle with the context of each request that IAM throttled, so
// that the caller can slow down even when the SDK's own retries hide the
// throttling error.
func WithThrottleObserver(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, throttleObserverKey{}, fn)
}

// ReportThrottle calls the observer carried by ctx, if any, to report that
// a request made with ctx was throttled. It is safe for concurrent use when
// the observer is.
func ReportThrottle(ctx context.Context) {
	if fn, ok := ctx.Value(throttleObserverKey{}).(func()); ok && fn != nil {
		fn()
	}
}
