package awsprovider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// BenchmarkReadState reads sandbox accounts of several sizes and reports the
// API calls of one read next to its time. It fails when a read exceeds the
// budget of ceil(N/1000)+5 calls for N entities.
func BenchmarkReadState(b *testing.B) {
	for _, users := range []int{100, 2500, 6000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			p := seededProvider(b, users)
			budget := (users+999)/1000 + 5

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
				b.Errorf("ReadState of %d users made %d calls, want at most %d", users, calls, budget)
			}
		})
	}
}

// seededProvider returns a provider for a sandbox holding the given number
// of users, with the users quota raised to fit.
func seededProvider(b *testing.B, users int) *awsprovider.Provider {
	b.Helper()
	srv, err := sandbox.New(sandbox.Options{Quotas: map[string]int32{"UsersQuota": int32(users)}})
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

	// Create the users a few at a time.
	errs := make(chan error, users)
	next := make(chan int)
	for range 8 {
		go func() {
			for i := range next {
				errs <- p.CreateUser(context.Background(), provider.CreateUserInput{Name: fmt.Sprintf("user-%05d", i)})
			}
		}()
	}
	for i := range users {
		next <- i
	}
	close(next)
	for range users {
		if err := <-errs; err != nil {
			b.Fatalf("CreateUser: %v", err)
		}
	}
	return p
}
