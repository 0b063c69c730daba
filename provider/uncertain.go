package provider

import "context"

// uncertainObserverKey is the context key of the function that
// ReportUncertain calls.
type uncertainObserverKey struct{}

// WithUncertainObserver returns a copy of ctx that carries fn. A Writer
// calls ReportUncertain with the context of each attempt whose outcome it
// cannot know: the connection failed after the request was sent, or IAM
// responded with a server error. Such an attempt may have made its change.
// When the SDK then repeats the call, a create may fail with
// EntityAlreadyExists and a delete with NoSuchEntity because of the
// caller's own earlier attempt.
func WithUncertainObserver(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, uncertainObserverKey{}, fn)
}

// ReportUncertain calls the observer carried by ctx, if any, to report an
// attempt whose outcome is unknown. It is safe for concurrent use when the
// observer is.
func ReportUncertain(ctx context.Context) {
	if fn, ok := ctx.Value(uncertainObserverKey{}).(func()); ok && fn != nil {
		fn()
	}
}
