package awsprovider_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// Without credentials in the environment or the shared files, the SDK falls
// back to the EC2 instance metadata service. TestMain switches that service
// off and empties the files, so these tests reach no network beyond the
// loopback sandbox.
func TestNoCredentialsError(t *testing.T) {
	sandboxOnly(t, "needs an environment without credentials")
	if os.Getenv("AWS_EC2_METADATA_DISABLED") != "true" {
		t.Fatal("AWS_EC2_METADATA_DISABLED is not true: the test would contact the instance metadata service")
	}
	endpoint, _, _ := startSandbox(t, sandbox.Options{}, nil)

	tests := map[string]awsprovider.Options{
		"direct call": {EndpointURL: endpoint},
		"assume-role chain": {EndpointURL: endpoint, AssumeRole: []awsprovider.RoleLink{
			{RoleARN: "arn:aws:iam::123456789012:role/deploy"},
		}},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			opts.HTTPClient = newHTTPClient(t)
			p, err := awsprovider.New(context.Background(), opts)
			if err != nil {
				t.Fatalf("New: %v", err)
			}

			_, err = p.CallerIdentity(t.Context())

			var missing *awsprovider.NoCredentialsError
			if !errors.As(err, &missing) {
				t.Fatalf("CallerIdentity returned %v (%T), want a *NoCredentialsError", err, err)
			}
			if got, want := err.Error(), "no AWS credentials found: "; !strings.HasPrefix(got, want) {
				t.Errorf("error reads %q, want it to start with %q", got, want)
			}
			// The metadata service's failure stays wrapped as the cause.
			var op *smithy.OperationError
			if !errors.As(err, &op) || op.Service() != "ec2imds" {
				t.Errorf("error %v does not wrap the ec2imds operation's failure", err)
			}
			if !strings.Contains(err.Error(), "AWS_EC2_METADATA_DISABLED") {
				t.Errorf("error %q does not give the metadata service's reason", err)
			}
		})
	}
}

// Credentials that are given never turn into a *NoCredentialsError, even
// when they are rejected.
func TestRejectedCredentialsAreNotMissing(t *testing.T) {
	sandboxOnly(t, "uses made-up credentials")
	endpoint, keyID, _ := startSandbox(t, sandbox.Options{}, nil)
	p, err := awsprovider.New(context.Background(), awsprovider.Options{
		EndpointURL: endpoint, AccessKeyID: keyID, SecretAccessKey: "wrong", HTTPClient: newHTTPClient(t),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	_, err = p.CallerIdentity(t.Context())

	if err == nil {
		t.Fatal("CallerIdentity succeeded with a wrong secret")
	}
	var missing *awsprovider.NoCredentialsError
	if errors.As(err, &missing) {
		t.Errorf("a rejected secret reads as missing credentials: %v", err)
	}
}
