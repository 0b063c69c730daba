package awsprovider_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/iamsync/iamsync/bench"
	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// BenchmarkReadState reads the synthetic accounts of iamsync bench, whose
// users, groups, roles and policies carry documents and policy versions,
// from an in-process sandbox, and reports the API calls of one read next
// to its time. The sandbox's work is in the time too. It fails when a read
// exceeds the budget of ceil(N/1000)+5 calls for N entities.
func BenchmarkReadState(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			p := syntheticAccount(b, n)
			budget := (n+999)/1000 + 5

			var before, after map[string]int
			for b.Loop() {
				before = p.Calls()
				if _, err := p.ReadState(b.Context(), provider.ReadOptions{}); err != nil {
					b.Fatalf("ReadState: %v", err)
				}
				after = p.Calls()
			}

			calls := totalCalls(callsSince(before, after))
			b.ReportMetric(float64(calls), "calls/op")
			if calls > budget {
				b.Errorf("ReadState of %d entities made %d calls, want at most %d", n, calls, budget)
			}
		})
	}
}

// syntheticAccount returns a provider for an in-process sandbox that holds
// the synthetic account of n entities.
func syntheticAccount(b *testing.B, n int) *awsprovider.Provider {
	b.Helper()
	shape, err := bench.ShapeFor(n)
	if err != nil {
		b.Fatal(err)
	}
	state := filepath.Join(b.TempDir(), "state.json")
	if err := bench.WriteState(state, shape); err != nil {
		b.Fatal(err)
	}
	srv, err := sandbox.New(sandbox.Options{StatePath: state})
	if err != nil {
		b.Fatalf("create sandbox: %v", err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatalf("start sandbox: %v", err)
	}
	b.Cleanup(func() { srv.Close() })
	accessKeyID, secretAccessKey := srv.Credentials()
	p, err := awsprovider.New(b.Context(), awsprovider.Options{
		EndpointURL: endpoint, AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey,
	})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	return p
}
