package executor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/iamsync/iamsync/provider"
)

// Error classes. Every error a step returns matches, with errors.Is,
// exactly one of ErrThrottled, ErrNotPropagated, ErrBusy, ErrServerFailure
// and ErrTerminal; the first four also match ErrRetryable. The IAM error
// stays in the chain, so provider.ErrorCode still reads its code.
var (
	// ErrRetryable matches errors that may go away when the same call is
	// made again later.
	ErrRetryable = errors.New("retryable")

	// ErrThrottled: IAM refused the call because of its request rate.
	// Run retries these calls and lowers its concurrency.
	ErrThrottled = fmt.Errorf("throttled: %w", ErrRetryable)
	// ErrNotPropagated: IAM did not yet show a change that an earlier step
	// of the same apply made. It returned NoSuchEntity or
	// MalformedPolicyDocument "Invalid principal" for an entity created or
	// renamed, or DeleteConflict for an entity whose uses were removed.
	// Run retries these calls for Options.ConsistencyTimeout.
	ErrNotPropagated = fmt.Errorf("not yet propagated: %w", ErrRetryable)
	// ErrBusy: IAM was still applying another change to the entity
	// (ConcurrentModification or EntityTemporarilyUnmodifiable). Run retries
	// these calls.
	ErrBusy = fmt.Errorf("entity busy: %w", ErrRetryable)
	// ErrServerFailure: IAM failed with a server error. The AWS SDK has
	// retried the call already, so Run does not retry it again.
	ErrServerFailure = fmt.Errorf("server failure: %w", ErrRetryable)

	// ErrTerminal matches every other error: repeating the call would fail
	// the same way.
	ErrTerminal = errors.New("terminal")
)

// classifiedError is an error with its class. Its message is the error's
// own.
type classifiedError struct {
	class error
	err   error
}

func (e *classifiedError) Error() string   { return e.err.Error() }
func (e *classifiedError) Unwrap() []error { return []error{e.class, e.err} }

// classify returns err with its class. NoSuchEntity, "Invalid principal"
// and DeleteConflict mean eventual consistency only for a step that waits
// for a create or a removal made in this apply. For any other step they are
// terminal.
func classify(n *node, err error) error {
	var done *classifiedError
	if errors.As(err, &done) {
		return err
	}

	class := ErrTerminal
	switch code := provider.ErrorCode(err); {
	case code == provider.CodeThrottling:
		class = ErrThrottled
	case code == provider.CodeConcurrentModification, code == provider.CodeEntityTemporarilyUnmodifiable:
		class = ErrBusy
	case n.awaitsCreate && code == provider.CodeNoSuchEntity,
		n.awaitsCreate && code == provider.CodeMalformedPolicyDocument && invalidPrincipal(err),
		n.awaitsRemoval && code == provider.CodeDeleteConflict:
		class = ErrNotPropagated
	case code == provider.CodeServiceFailure, httpStatus(err) >= 500:
		class = ErrServerFailure
	}
	return &classifiedError{class: class, err: err}
}

// retriedByRun reports whether Run repeats a call that failed with err.
func retriedByRun(err error) bool {
	return errors.Is(err, ErrThrottled) || errors.Is(err, ErrNotPropagated) || errors.Is(err, ErrBusy)
}

// invalidPrincipal reports whether a MalformedPolicyDocument error is IAM's
// "Invalid principal in policy", which it returns for a principal created a
// moment ago.
func invalidPrincipal(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "invalid principal")
}

// httpStatus returns the HTTP status code of the response that err came
// with, or 0. The AWS SDK's response errors carry one.
func httpStatus(err error) int {
	var resp interface{ HTTPStatusCode() int }
	if errors.As(err, &resp) {
		return resp.HTTPStatusCode()
	}
	return 0
}

// StoppedRetryingError is the error that Hook.PostStep receives for a step
// that the apply stopped while it waited to retry. Err, the error of its
// last attempt, is one that Run retries, so the step changed nothing.
type StoppedRetryingError struct{ Err error }

func (e *StoppedRetryingError) Error() string {
	return "stopped while waiting to retry after: " + e.Err.Error()
}

func (e *StoppedRetryingError) Unwrap() error { return e.Err }

// StepError is the failure of one step.
type StepError struct {
	// Address and Action name the change and the call.
	Address string
	Action  string
	// Attempts is how many times the call was made.
	Attempts int
	Err      error
}

// Error returns the address, the action and the cause, such as
// "user.alice: CreateUser: EntityAlreadyExists: User alice already exists".
func (e *StepError) Error() string {
	return e.Address + ": " + e.Action + ": " + e.Cause()
}

// Cause describes the failure without the address and the action. An error
// in the chain that has a Cause method, as the AWS provider's *CallError
// has, gives its own description without the action and the entity, which
// the address and the action already name. That description replaces the
// error's text only, so the context that the executor wrapped around it,
// such as "outcome still unknown after 3 calls: ", stays.
func (e *StepError) Cause() string {
	text := e.Err.Error()
	var described interface {
		error
		Cause() string
	}
	if errors.As(e.Err, &described) {
		return strings.Replace(text, described.Error(), described.Cause(), 1)
	}
	return text
}

func (e *StepError) Unwrap() error { return e.Err }
