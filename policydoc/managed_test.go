package policydoc

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"testing"

	"github.com/iamsync/iamsync/internal/testenv"
)

// managedPoliciesFile is a snapshot of the AWS managed policies, each with
// the document of its default version as IAM's GetPolicyVersion returns it
// (decoded). It is read at test time and not kept in this repository; the
// tests that need it skip when it is missing. By default it is read from the
// shared test data folder beside the checkout (see internal/testenv).
var managedPoliciesFile = flag.String("managed-policies", "",
	"JSON file of AWS managed policies ({\"policies\": [{\"PolicyName\": ..., \"Document\": {...}}]}); default: the shared test data")

// managedPolicy is one AWS managed policy with its document text as stored
// in the snapshot.
type managedPolicy struct {
	PolicyName string
	Document   json.RawMessage
}

func loadManagedPolicies(tb testing.TB) []managedPolicy {
	tb.Helper()
	path := *managedPoliciesFile
	if path == "" {
		path = testenv.ManagedPolicyCatalogue(tb)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("no AWS managed policy snapshot at %s", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	var snapshot struct{ Policies []managedPolicy }
	if err := json.Unmarshal(data, &snapshot); err != nil {
		tb.Fatalf("decode %s: %v", path, err)
	}
	if len(snapshot.Policies) == 0 {
		tb.Fatalf("%s holds no policies", path)
	}
	return snapshot.Policies
}

// TestAWSManagedPolicies runs the package over every AWS managed policy:
// documents AWS itself wrote must parse, validate without errors and
// survive canonicalisation and pretty-printing.
func TestAWSManagedPolicies(t *testing.T) {
	for _, p := range loadManagedPolicies(t) {
		d, err := Parse(string(p.Document))
		if err != nil {
			t.Errorf("%s: Parse() error = %v", p.PolicyName, err)
			continue
		}
		for _, problem := range d.Validate(Identity) {
			if problem.Severity == Error {
				t.Errorf("%s: Validate() = %v: %s", p.PolicyName, problem, problem.Detail)
			}
		}
		if again := MustParse(d.Canonical()); again.Canonical() != d.Canonical() {
			t.Errorf("%s: canonical form is not idempotent", p.PolicyName)
		}
		if !Equal(d, MustParse(d.Pretty())) {
			t.Errorf("%s: the Pretty form changes the meaning", p.PolicyName)
		}
	}
}

// largestManagedPolicy returns the text of the longest AWS managed policy
// document, which is far above the 6,144-character quota of customer
// managed policies.
func largestManagedPolicy(b *testing.B) string {
	largest := ""
	for _, p := range loadManagedPolicies(b) {
		if len(p.Document) > len(largest) {
			largest = string(p.Document)
		}
	}
	return largest
}

func BenchmarkParse(b *testing.B) {
	text := largestManagedPolicy(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCanonical(b *testing.B) {
	text := largestManagedPolicy(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := Parse(text)
		if err != nil {
			b.Fatal(err)
		}
		_ = d.Canonical()
	}
}

func BenchmarkValidate(b *testing.B) {
	d := MustParse(largestManagedPolicy(b))
	b.ReportAllocs()
	for b.Loop() {
		_ = d.Validate(Identity)
	}
}
