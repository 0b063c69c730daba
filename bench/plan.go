package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/spec"
)

// measurePlans writes the account of n entities, serves it from a sandbox
// child and measures, for each layout of the configuration, a plan in an
// iamsync child, then the same plan phase by phase in this process. The
// per-entity baseline follows the first layout.
func measurePlans(ctx context.Context, opts Options, dir string, n int) ([]PlanResult, error) {
	shape, err := ShapeFor(n)
	if err != nil {
		return nil, err
	}

	// Write the account and start its sandbox.
	opts.Hook.Step(fmt.Sprintf("writing an account of %d entities (%s)", n, shape))
	accountDir := filepath.Join(dir, fmt.Sprintf("plan-%d", n))
	statePath, err := writeState(accountDir, shape)
	if err != nil {
		return nil, err
	}
	sb, err := startSandbox(ctx, opts.Executable, "--state", statePath)
	if err != nil {
		return nil, err
	}
	defer sb.stop()
	p, err := newProvider(ctx, sb.endpoint)
	if err != nil {
		return nil, err
	}

	var results []PlanResult
	for i, layout := range opts.Layouts {
		result := PlanResult{Entities: shape.Entities(), Shape: shape, Layout: layout, CallBudget: (shape.Entities()+999)/1000 + 5}
		configDir := filepath.Join(accountDir, layout.dirName())
		if err := layout.write(configDir, shape); err != nil {
			return nil, err
		}

		// Plan in a child process, counting the sandbox's CPU time around
		// it, then again in this process, phase by phase.
		opts.Hook.Step(fmt.Sprintf("plan of %d entities, %s", n, layout.describe()))
		if err := planInChild(ctx, opts.Executable, sb, configDir, &result); err != nil {
			return nil, err
		}
		if result.Phases, err = planPhases(ctx, p, configDir); err != nil {
			return nil, err
		}

		// Read the same account the per-entity way.
		if i == 0 && opts.BaselineParallelism > 0 {
			opts.Hook.Step(fmt.Sprintf("per-entity read of %d entities", n))
			if result.Baseline, err = measureBaseline(ctx, p, sb, opts.BaselineParallelism, shape); err != nil {
				return nil, err
			}
		}
		results = append(results, result)
	}
	return results, sb.stop()
}

// writeState writes the state file of shape under dir and returns its
// path.
func writeState(dir string, shape Shape) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write account: %w", err)
	}
	statePath := filepath.Join(dir, "state.json")
	if err := WriteState(statePath, shape); err != nil {
		return "", err
	}
	return statePath, nil
}

// planInChild runs "iamsync bench plan-once" against the sandbox and fills
// in the process's figures, its calls and the sandbox's CPU time.
func planInChild(ctx context.Context, exe string, sb *sandboxProcess, configDir string, result *PlanResult) error {
	before, err := sb.cpu()
	if err != nil {
		return err
	}
	out, usage, err := runChild(ctx, exe, "bench", "plan-once", "--endpoint-url", sb.endpoint, configDir)
	if err != nil {
		return err
	}
	after, err := sb.cpu()
	if err != nil {
		return err
	}

	var once PlanOnceResult
	if err := json.Unmarshal(out, &once); err != nil {
		return fmt.Errorf("read the output of bench plan-once: %w", err)
	}
	result.Calls = once.Calls
	for _, n := range once.Calls {
		result.TotalCalls += n
	}
	result.Changes = once.Changes
	result.Wall, result.User, result.System, result.MaxRSSKiB = usage.wall, usage.user, usage.system, usage.maxRSSKB
	result.SandboxCPU = after - before
	return nil
}

// planPhases loads, reads and plans in this process and returns the time
// of each phase. The synthetic accounts have no keys, login profiles or
// tagged policies, so the read needs none of the per-entity extras.
func planPhases(ctx context.Context, p *awsprovider.Provider, configDir string) ([]Phase, error) {
	var cfg *spec.Config
	var live *provider.State
	var plan *planner.Plan
	var phases []Phase
	measure := func(name string, run func() error) error {
		cpu, start := selfCPU(), time.Now()
		if err := run(); err != nil {
			return err
		}
		phases = append(phases, Phase{Name: name, Wall: time.Since(start), CPU: selfCPU() - cpu})
		return nil
	}
	err := measure("load", func() error {
		loaded, diags := spec.Load(configDir, spec.LoadOptions{AccountID: AccountID})
		if diags.HasErrors() {
			return fmt.Errorf("load configuration: %s", diags.Error())
		}
		cfg = loaded
		return nil
	})
	if err == nil {
		err = measure("read", func() (err error) {
			live, err = p.ReadState(ctx, provider.ReadOptions{})
			return err
		})
	}
	if err == nil {
		err = measure("plan", func() error {
			made, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
			if diags.HasErrors() {
				return fmt.Errorf("plan: %s", diags.Error())
			}
			plan = made
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	if plan.HasChanges() {
		return nil, fmt.Errorf("plan of the generated account found %d changes instead of none: the state file and the configuration differ", len(plan.Changes))
	}
	return phases, nil
}

// measureBaseline reads the account with ReadStatePerEntity and checks that
// it found every entity.
func measureBaseline(ctx context.Context, p *awsprovider.Provider, sb *sandboxProcess, parallelism int, shape Shape) (*BaselineResult, error) {
	sandboxBefore, err := sb.cpu()
	if err != nil {
		return nil, err
	}
	before, cpu, start := p.Calls(), selfCPU(), time.Now()
	live, err := p.ReadStatePerEntity(ctx, parallelism)
	if err != nil {
		return nil, err
	}
	result := &BaselineResult{Parallelism: parallelism, Wall: time.Since(start), CPU: selfCPU() - cpu}
	result.Calls, result.TotalCalls = callsSince(before, p.Calls())
	sandboxAfter, err := sb.cpu()
	if err != nil {
		return nil, err
	}
	result.SandboxCPU = sandboxAfter - sandboxBefore

	if got := len(live.Users) + len(live.Groups) + len(live.Roles) + len(live.Policies); got != shape.Entities() {
		return nil, fmt.Errorf("per-entity read found %d entities instead of %d", got, shape.Entities())
	}
	return result, nil
}
