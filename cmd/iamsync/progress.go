package main

import (
	"fmt"
	"io"
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
	fmt.Fprintf(h.w, "IAM is throttling: now at most %d call(s) at a time\n", limit)
}

// roundDuration shortens a duration for progress lines.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// writeApplyFailure says what an interrupted or failed apply did and what
// it left undone, so that nothing is half-applied silently.
func writeApplyFailure(w io.Writer, result *executor.Result) {
	fmt.Fprintf(w, "\nApply stopped: %v\n", result.Err)

	fmt.Fprintf(w, "\n%d call(s) succeeded:\n", len(result.Succeeded))
	for _, r := range result.Succeeded {
		fmt.Fprintf(w, "  done     %s\n", r.Step)
	}
	fmt.Fprintf(w, "\n%d call(s) failed:\n", len(result.Failed))
	for _, r := range result.Failed {
		fmt.Fprintf(w, "  failed   %s: %v\n", r.Step, r.Err)
	}
	fmt.Fprintf(w, "\n%d call(s) not made:\n", len(result.NotRun))
	for _, r := range result.NotRun {
		fmt.Fprintf(w, "  not run  %s\n", r.Step)
	}
	fmt.Fprintln(w, "\nRun plan to see what is left, then apply again to finish.")
}
