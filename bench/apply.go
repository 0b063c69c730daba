package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// measureApply applies ApplyShape to an empty account at each parallelism
// of opts, each time in a new sandbox child that adds opts.Latency to every
// call, and compares the apply's wall time with the shortest possible.
func measureApply(ctx context.Context, opts Options, dir string) (*ApplyResult, error) {
	configDir := filepath.Join(dir, "apply", LayoutBlocks.dirName())
	if err := LayoutBlocks.write(configDir, ApplyShape); err != nil {
		return nil, err
	}
	cfg, diags := spec.Load(configDir, spec.LoadOptions{AccountID: AccountID})
	if diags.HasErrors() {
		return nil, fmt.Errorf("load configuration: %s", diags.Error())
	}

	result := &ApplyResult{Shape: ApplyShape, Latency: opts.Latency}
	for _, parallelism := range opts.ApplyParallelism {
		opts.Hook.Step(fmt.Sprintf("apply of %d calls with %s latency at parallelism %d", ApplyCalls, opts.Latency, parallelism))
		run, graph, err := applyOnce(ctx, opts, cfg, parallelism)
		if err != nil {
			return nil, fmt.Errorf("parallelism %d: %w", parallelism, err)
		}
		result.Steps = len(graph.Steps())
		result.Depth = graphDepth(graph)
		run.Ideal = max(time.Duration(run.Calls)*opts.Latency/time.Duration(parallelism), time.Duration(result.Depth)*opts.Latency)
		run.Busy = float64(run.Ideal) / float64(run.Wall)
		result.Runs = append(result.Runs, run)
	}
	return result, nil
}

// applyOnce plans cfg against a new, empty sandbox with latency and applies
// the plan, timing the executor alone.
func applyOnce(ctx context.Context, opts Options, cfg *spec.Config, parallelism int) (ApplyRun, *executor.Graph, error) {
	sb, err := startSandbox(ctx, opts.Executable, "--latency", opts.Latency.String())
	if err != nil {
		return ApplyRun{}, nil, err
	}
	defer sb.stop()
	p, err := newProvider(ctx, sb.endpoint)
	if err != nil {
		return ApplyRun{}, nil, err
	}

	// Plan and compile as apply does.
	live, err := p.ReadState(ctx, provider.ReadOptions{})
	if err != nil {
		return ApplyRun{}, nil, err
	}
	plan, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
	if diags.HasErrors() {
		return ApplyRun{}, nil, fmt.Errorf("plan: %s", diags.Error())
	}
	graph, err := executor.Compile(plan)
	if err != nil {
		return ApplyRun{}, nil, err
	}

	// Apply, counting the calls that the executor makes.
	before, start := p.Calls(), time.Now()
	res := executor.Run(ctx, graph, p, executor.Options{Parallelism: parallelism})
	wall := time.Since(start)
	if res.Err != nil {
		return ApplyRun{}, nil, res.Err
	}
	_, calls := callsSince(before, p.Calls())
	return ApplyRun{Parallelism: parallelism, Calls: calls, Wall: wall}, graph, sb.stop()
}

// graphDepth returns the number of steps on the longest chain of
// dependencies of the graph. Steps come after their dependencies.
func graphDepth(g *executor.Graph) int {
	depth := make(map[string]int)
	longest := 0
	for _, s := range g.Steps() {
		d := 1
		for _, dep := range s.Deps {
			d = max(d, depth[dep]+1)
		}
		depth[s.ID] = d
		longest = max(longest, d)
	}
	return longest
}
