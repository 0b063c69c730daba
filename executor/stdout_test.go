package executor

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iamsync/iamsync/planner"
)

// overlapWriter records whether two of its Write calls ever ran at once.
// Each Write waits a moment, so that calls that can overlap are likely to.
type overlapWriter struct {
	active  atomic.Int32
	overlap atomic.Bool

	mu   sync.Mutex
	text strings.Builder
}

func (w *overlapWriter) Write(p []byte) (int, error) {
	if w.active.Add(1) > 1 {
		w.overlap.Store(true)
	}
	defer w.active.Add(-1)
	time.Sleep(time.Millisecond)

	w.mu.Lock()
	defer w.mu.Unlock()
	return w.text.Write(p)
}

// progressHook writes one line per finished step, as the command line does.
type progressHook struct {
	NopHook
	w io.Writer
}

func (h progressHook) PostStep(step Step, _ time.Duration, _ error) {
	fmt.Fprintf(h.w, "%s: done\n", step)
}

// TestSecretsAndProgressShareStdout prints the secrets of parallel key
// creations on the writer that the hook writes progress to. A writer such
// as a buffer is not safe for concurrent use, so no secret may be written
// while a progress line is.
func TestSecretsAndProgressShareStdout(t *testing.T) {
	const users = 8
	var changes []*planner.Change
	for i := range users {
		changes = append(changes, newAccessKey(fmt.Sprintf("user%d", i), "-"))
	}
	out := &overlapWriter{}

	res := run(t, newPlan(changes...), newFakeClient(), Options{Parallelism: users, Stdout: out, Hook: progressHook{w: out}})
	if res.Err != nil {
		t.Fatalf("Run: %v", res.Err)
	}
	if out.overlap.Load() {
		t.Errorf("a secret and a progress line were written at the same time")
	}
	if n := strings.Count(out.text.String(), "aws_secret_access_key = "); n != users {
		t.Errorf("%d secrets were printed, want %d:\n%s", n, users, out.text.String())
	}
	if n := strings.Count(out.text.String(), ": done\n"); n != users {
		t.Errorf("%d progress lines were printed, want %d:\n%s", n, users, out.text.String())
	}
}
