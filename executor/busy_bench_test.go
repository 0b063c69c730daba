package executor_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/iamsync/iamsync/bench"
	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// sleepingClient returns from the calls that creating an account makes
// after a fixed latency and does nothing else, so that a run measures the
// executor's scheduling alone, without HTTP, the SDK or a sandbox. Other
// calls panic through the nil Client it embeds.
type sleepingClient struct {
	executor.Client
	latency time.Duration
}

func (c sleepingClient) call(ctx context.Context) error {
	select {
	case <-time.After(c.latency):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c sleepingClient) CreateUser(ctx context.Context, _ provider.CreateUserInput) error {
	return c.call(ctx)
}

func (c sleepingClient) CreateGroup(ctx context.Context, _, _ string) error { return c.call(ctx) }

func (c sleepingClient) CreateRole(ctx context.Context, _ provider.CreateRoleInput) error {
	return c.call(ctx)
}

func (c sleepingClient) CreatePolicy(ctx context.Context, in provider.CreatePolicyInput) (string, error) {
	return "arn:aws:iam::" + bench.AccountID + ":policy" + in.Path + in.Name, c.call(ctx)
}

func (c sleepingClient) AddUserToGroup(ctx context.Context, _, _ string) error { return c.call(ctx) }

func (c sleepingClient) AttachUserPolicy(ctx context.Context, _, _ string) error {
	return c.call(ctx)
}

func (c sleepingClient) AttachGroupPolicy(ctx context.Context, _, _ string) error {
	return c.call(ctx)
}

func (c sleepingClient) AttachRolePolicy(ctx context.Context, _, _ string) error {
	return c.call(ctx)
}

func (c sleepingClient) PutUserPolicy(ctx context.Context, _, _, _ string) error { return c.call(ctx) }

func (c sleepingClient) PutGroupPolicy(ctx context.Context, _, _, _ string) error {
	return c.call(ctx)
}

func (c sleepingClient) PutRolePolicy(ctx context.Context, _, _, _ string) error { return c.call(ctx) }

// BenchmarkRunBusy applies the account of iamsync bench's apply benchmark
// to a client whose every call takes 20 ms. It reports how busy the run
// kept its call slots: the shortest possible time, calls x latency /
// parallelism, over the time the run took. Against a sandbox the figure is
// lower by the cost of each request, so here it shows the executor's own
// scheduling.
func BenchmarkRunBusy(b *testing.B) {
	const latency = 20 * time.Millisecond
	graph := applyGraph(b)
	for _, parallelism := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("parallelism=%d", parallelism), func(b *testing.B) {
			client := sleepingClient{latency: latency}
			var busy float64
			for b.Loop() {
				start := time.Now()
				res := executor.Run(b.Context(), graph, client, executor.Options{Parallelism: parallelism})
				if res.Err != nil {
					b.Fatal(res.Err)
				}
				ideal := time.Duration(len(res.Succeeded)) * latency / time.Duration(parallelism)
				busy = float64(ideal) / float64(time.Since(start))
			}
			b.ReportMetric(busy*100, "busy%")
		})
	}
}

// applyGraph compiles the plan that creates bench.ApplyShape in an empty
// account.
func applyGraph(b *testing.B) *executor.Graph {
	dir := b.TempDir()
	if err := bench.WriteConfig(dir, bench.ApplyShape); err != nil {
		b.Fatal(err)
	}
	cfg, diags := spec.Load(dir, spec.LoadOptions{AccountID: bench.AccountID})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	live := &provider.State{AccountID: bench.AccountID, Partition: "aws", RoleDetailsRead: true}
	plan, diags := planner.Make(cfg, live, planner.Options{Now: time.Now()})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	graph, err := executor.Compile(plan)
	if err != nil {
		b.Fatal(err)
	}
	if n := len(graph.Steps()); n != bench.ApplyCalls {
		b.Fatalf("apply graph has %d steps, want %d", n, bench.ApplyCalls)
	}
	return graph
}
