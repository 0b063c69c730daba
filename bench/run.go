package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// Defaults of Options.
var (
	DefaultSizes            = []int{100, 1000, 10000}
	DefaultLayouts          = []Layout{LayoutBlocks, LayoutData}
	DefaultApplyParallelism = []int{1, 4, 16}
)

// Default values of Options.
const (
	// DefaultBaselineParallelism is Terraform's default -parallelism, the
	// number of resources its refresh reads at once.
	DefaultBaselineParallelism = 10
	DefaultLatency             = 20 * time.Millisecond
)

// Options configure Run.
type Options struct {
	// Executable is the iamsync binary that serves the sandboxes and plans.
	Executable string
	// Command is the command line recorded in the report.
	Command string

	// Sizes are the account sizes to plan, in entities, each at least 20.
	Sizes []int
	// Layouts are the configurations that each size is planned with;
	// empty means DefaultLayouts.
	Layouts []Layout
	// BaselineParallelism is how many entities the per-entity read reads at
	// once; a negative value leaves the baseline out.
	BaselineParallelism int
	// ApplyParallelism lists the parallelisms to apply ApplyShape at; empty
	// leaves the apply benchmark out.
	ApplyParallelism []int
	// Latency is added to every call of the apply benchmark.
	Latency time.Duration

	// Dir is the directory the synthetic accounts are written to. Empty
	// means a temporary directory that Run removes.
	Dir string
	// Hook receives progress; nil means NopHook.
	Hook Hook
}

// Hook receives the progress of Run, so that a command can show it.
type Hook interface {
	// Step is called before each measurement with a short description,
	// such as "plan of 1000 entities".
	Step(description string)
}

// NopHook is a Hook that does nothing.
type NopHook struct{}

func (NopHook) Step(string) {}

// Run generates the synthetic accounts and measures them: a plan of each
// size, the per-entity baseline next to it, and the apply benchmark.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Executable == "" {
		return nil, errors.New("run benchmark: no iamsync executable given")
	}
	if opts.Hook == nil {
		opts.Hook = NopHook{}
	}
	if opts.Latency == 0 {
		opts.Latency = DefaultLatency
	}
	if opts.BaselineParallelism == 0 {
		opts.BaselineParallelism = DefaultBaselineParallelism
	}
	if len(opts.Layouts) == 0 {
		opts.Layouts = DefaultLayouts
	}
	for _, layout := range opts.Layouts {
		if err := layout.check(); err != nil {
			return nil, err
		}
	}
	for _, n := range opts.Sizes {
		if _, err := ShapeFor(n); err != nil {
			return nil, err
		}
	}
	for _, n := range opts.ApplyParallelism {
		if n < 1 {
			return nil, fmt.Errorf("apply parallelism %d: it must be at least 1", n)
		}
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("latency %s: it must not be negative", opts.Latency)
	}
	dir, cleanup, err := workDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	report := &Report{Version: ReportVersion, Date: time.Now().UTC(), Command: opts.Command, Machine: describeMachine()}
	for _, n := range opts.Sizes {
		results, err := measurePlans(ctx, opts, dir, n)
		if err != nil {
			return nil, fmt.Errorf("plan of %d entities: %w", n, err)
		}
		report.Plans = append(report.Plans, results...)
	}
	if len(opts.ApplyParallelism) > 0 {
		if report.Apply, err = measureApply(ctx, opts, dir); err != nil {
			return nil, fmt.Errorf("apply: %w", err)
		}
	}
	return report, nil
}

// workDir returns dir, or a new temporary directory with a cleanup that
// removes it.
func workDir(dir string) (string, func(), error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("create work directory: %w", err)
		}
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "iamsync-bench-")
	if err != nil {
		return "", nil, fmt.Errorf("create work directory: %w", err)
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// newProvider returns a provider for a sandbox child at endpoint, with the
// sandbox's key pair.
func newProvider(ctx context.Context, endpoint string) (*awsprovider.Provider, error) {
	defaults := sandbox.DefaultOptions()
	return awsprovider.New(ctx, awsprovider.Options{
		EndpointURL:     endpoint,
		AccessKeyID:     defaults.AccessKeyID,
		SecretAccessKey: defaults.SecretAccessKey,
		Region:          "us-east-1",
	})
}

// callsSince returns the calls made between two snapshots of Calls and
// their total.
func callsSince(before, after map[string]int) (map[string]int, int) {
	delta := make(map[string]int)
	total := 0
	for action, n := range after {
		if d := n - before[action]; d > 0 {
			delta[action] = d
			total += d
		}
	}
	return delta, total
}
