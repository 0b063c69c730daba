package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iamsync/iamsync/executor"
)

// progressHook prints one line per API call of an apply.
type progressHook struct {
	executor.NopHook
	w io.Writer
}

var _ executor.Hook = (*progressHook)(nil)

func newProgressHook(w io.Writer) *progressHook { return &progressHook{w: w} }

func (h *progressHook) PostStep(step executor.Step, elapsed time.Duration, err error) {
	var stopped *executor.StoppedRetryingError
	if errors.As(err, &stopped) {
		fmt.Fprintf(h.w, "%s: stopped while waiting to retry, not made\n", step)
		return
	}
	if err != nil {
		fmt.Fprintf(h.w, "%s: failed after %s\n", step, roundDuration(elapsed))
		return
	}
	fmt.Fprintf(h.w, "%s: done in %s\n", step, roundDuration(elapsed))
}

func (h *progressHook) PreRetry(step executor.Step, attempt int, err error, wait time.Duration) {
	fmt.Fprintf(h.w, "%s: retrying in %s after attempt %d: %v\n", step, roundDuration(wait), attempt, err)
}

func (h *progressHook) ConcurrencyChanged(limit int) {
	fmt.Fprintf(h.w, "IAM is throttling: now at most %s at a time\n", plural(limit, "call"))
}

// roundDuration shortens a duration for progress lines.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// writeApplyFailure reports what an interrupted or failed apply did and
// what it left undone, so that nothing is half-applied silently. Each step is
// named once, by its address and call, and a failed one is followed only
// by the cause.
func writeApplyFailure(w io.Writer, result *executor.Result) {
	fmt.Fprintf(w, "\nApply stopped: %s\n", stopReason(result))
	if len(result.Succeeded) == 0 && len(result.Failed) == 0 {
		// Stopped before any call took effect: the account is as it was.
		fmt.Fprintf(w, "\nNo call took effect, so nothing changed. %s not made:\n", plural(len(result.NotRun), "call"))
		for _, r := range result.NotRun {
			fmt.Fprintf(w, "  not made  %s%s\n", r.Step, stoppedRetrying(r))
		}
		fmt.Fprintln(w, "\nFix the cause above, then apply again.")
		return
	}

	fmt.Fprintf(w, "\n%s succeeded:\n", plural(len(result.Succeeded), "call"))
	for _, r := range result.Succeeded {
		fmt.Fprintf(w, "  done      %s\n", r.Step)
	}
	if len(result.Failed) > 0 {
		fmt.Fprintf(w, "\n%s failed:\n", plural(len(result.Failed), "call"))
		for _, r := range result.Failed {
			fmt.Fprintf(w, "  failed    %s: %s\n", r.Step, failureCause(r.Err))
		}
	}
	if len(result.NotRun) > 0 {
		fmt.Fprintf(w, "\n%s not made:\n", plural(len(result.NotRun), "call"))
		for _, r := range result.NotRun {
			fmt.Fprintf(w, "  not made  %s%s\n", r.Step, stoppedRetrying(r))
		}
	}
	fmt.Fprintln(w, "\nRun plan to see what is left, then apply again to finish.")
}

// stoppedRetrying returns, for a step that the apply stopped while it
// waited to retry, the error it was retrying, which changed nothing.
func stoppedRetrying(r executor.StepReport) string {
	if r.StoppedRetrying == nil {
		return ""
	}
	cause := (&executor.StepError{Err: r.StoppedRetrying}).Cause()
	return " (stopped while waiting to retry after: " + cause + ")"
}

// stopReason returns why an apply stopped: the errors that are not a
// failed call, such as an interruption, and how many calls failed. The
// failed calls themselves are listed after it.
func stopReason(result *executor.Result) string {
	var reasons []string
	errs := []error{result.Err}
	if joined, ok := result.Err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	}
	for _, err := range errs {
		var step *executor.StepError
		if !errors.As(err, &step) {
			reasons = append(reasons, err.Error())
		}
	}
	if len(result.Failed) > 0 {
		reasons = append(reasons, plural(len(result.Failed), "call")+" failed")
	}
	return strings.Join(reasons, "; ")
}

// failureCause returns the error of a failed step without the address and
// the call, which the step's line names already.
func failureCause(err error) string {
	var step *executor.StepError
	if errors.As(err, &step) {
		return step.Cause()
	}
	return err.Error()
}

// plural returns the count and the noun, such as "1 call" or "2 calls".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
