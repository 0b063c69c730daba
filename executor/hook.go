package executor

import (
	"sync"
	"time"
)

// Hook receives the progress of Run. Run never prints; a view implements
// Hook and decides the wording. Run calls a Hook's methods one at a time,
// from several goroutines, so an implementation needs no lock of its own.
//
// Embed NopHook to implement only some of the methods.
type Hook interface {
	// PreStep is called before a step's first call.
	PreStep(step Step)
	// PostStep is called when a step has succeeded or failed, with the time
	// it took including its retries; err is the step's *StepError. A step
	// that never started gets no PostStep. When PostStep reports a failure,
	// Run has already stopped starting steps.
	PostStep(step Step, elapsed time.Duration, err error)
	// PreRetry is called when a call failed with a retryable error and
	// will be made again after wait. attempt counts the calls made so far.
	PreRetry(step Step, attempt int, err error, wait time.Duration)
	// ConcurrencyChanged is called when throttling lowers the number of
	// calls allowed in flight, or a run of successes raises it again.
	ConcurrencyChanged(limit int)
}

// NopHook is a Hook that does nothing.
type NopHook struct{}

var _ Hook = NopHook{}

func (NopHook) PreStep(Step)                             {}
func (NopHook) PostStep(Step, time.Duration, error)      {}
func (NopHook) PreRetry(Step, int, error, time.Duration) {}
func (NopHook) ConcurrencyChanged(int)                   {}

// serialHook calls a Hook's methods one at a time.
type serialHook struct {
	mu   sync.Mutex
	hook Hook
}

var _ Hook = (*serialHook)(nil)

func (h *serialHook) PreStep(step Step) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hook.PreStep(step)
}

func (h *serialHook) PostStep(step Step, elapsed time.Duration, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hook.PostStep(step, elapsed, err)
}

func (h *serialHook) PreRetry(step Step, attempt int, err error, wait time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hook.PreRetry(step, attempt, err, wait)
}

func (h *serialHook) ConcurrencyChanged(limit int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hook.ConcurrencyChanged(limit)
}
