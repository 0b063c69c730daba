package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/iamsync/iamsync/provider"
)

func TestDecodeDocument(t *testing.T) {
	tests := map[string]struct {
		encoded string
		want    string
		wantErr bool
	}{
		"encoded braces and quotes": {encoded: "%7B%22Version%22%3A%222012-10-17%22%7D", want: `{"Version":"2012-10-17"}`},
		"plus stays a plus":         {encoded: "a+b", want: "a+b"},
		"encoded plus":              {encoded: "a%2Bb", want: "a+b"},
		"encoded space":             {encoded: "a%20b", want: "a b"},
		"decoded exactly once":      {encoded: "100%2541", want: "100%41"},
		"line breaks":               {encoded: "%7B%0A%20%20%7D", want: "{\n  }"},
		"latin-1 supplement":        {encoded: "caf%C3%A9", want: "café"},
		"empty":                     {encoded: "", want: ""},
		"invalid escape":            {encoded: "100%zz", wantErr: true},
		"truncated escape":          {encoded: "100%4", wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := decodeDocument(aws.String(tt.encoded))
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeDocument(%q) error = %v, want error %v", tt.encoded, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("decodeDocument(%q) = %q, want %q", tt.encoded, got, tt.want)
			}
		})
	}
}

func TestCallErrorText(t *testing.T) {
	apiErr := &smithy.GenericAPIError{Code: "EntityAlreadyExists", Message: "User with name alice already exists."}
	tests := map[string]struct {
		err  error
		ctx  context.Context
		want string
	}{
		"api error": {
			err:  &smithy.OperationError{ServiceID: "IAM", OperationName: "CreateUser", Err: apiErr},
			ctx:  withEntity(context.Background(), "user alice"),
			want: "CreateUser user alice: EntityAlreadyExists: User with name alice already exists.",
		},
		"retries exhausted": {
			err: &smithy.OperationError{ServiceID: "IAM", OperationName: "ListRoles",
				Err: &retry.MaxAttemptsError{Attempt: 8, Err: &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}}},
			ctx:  context.Background(),
			want: "ListRoles: Throttling: Rate exceeded (after 8 attempts)",
		},
		"transport error": {
			err:  &smithy.OperationError{ServiceID: "STS", OperationName: "GetCallerIdentity", Err: errors.New("dial tcp 127.0.0.1:1: connection refused")},
			ctx:  context.Background(),
			want: "GetCallerIdentity: dial tcp 127.0.0.1:1: connection refused",
		},
		"error from outside an operation": {
			err:  errors.New("no credentials"),
			ctx:  withEntity(context.Background(), "role web"),
			want: "call role web: no credentials",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := wrapError(tt.ctx, tt.err)
			if got := err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the wrapped error does not unwrap to the SDK's error")
			}
		})
	}

	t.Run("error code", func(t *testing.T) {
		err := fmt.Errorf("apply: %w", wrapError(context.Background(), &smithy.OperationError{OperationName: "CreateUser", Err: apiErr}))
		if got := provider.ErrorCode(err); got != provider.CodeEntityAlreadyExists {
			t.Errorf("ErrorCode = %q, want %q", got, provider.CodeEntityAlreadyExists)
		}
	})
	t.Run("nil", func(t *testing.T) {
		if err := wrapError(context.Background(), nil); err != nil {
			t.Errorf("wrapError(nil) = %v, want nil", err)
		}
	})
}

func TestNewSettings(t *testing.T) {
	tests := map[string]struct {
		opts             Options
		env              map[string]string
		wantRegion       string
		wantMaxAttempts  int
		wantMaxThrottled int
	}{
		"defaults":           {wantRegion: DefaultRegion, wantMaxAttempts: DefaultMaxAttempts, wantMaxThrottled: DefaultMaxThrottledAttempts},
		"region option":      {opts: Options{Region: "eu-west-1"}, wantRegion: "eu-west-1", wantMaxAttempts: DefaultMaxAttempts, wantMaxThrottled: DefaultMaxThrottledAttempts},
		"region variable":    {env: map[string]string{"AWS_REGION": "cn-north-1"}, wantRegion: "cn-north-1", wantMaxAttempts: DefaultMaxAttempts, wantMaxThrottled: DefaultMaxThrottledAttempts},
		"option over env":    {opts: Options{Region: "us-west-2"}, env: map[string]string{"AWS_REGION": "cn-north-1"}, wantRegion: "us-west-2", wantMaxAttempts: DefaultMaxAttempts, wantMaxThrottled: DefaultMaxThrottledAttempts},
		"bounded attempts":   {opts: Options{MaxAttempts: 3}, wantRegion: DefaultRegion, wantMaxAttempts: 3, wantMaxThrottled: DefaultMaxThrottledAttempts},
		"bounded throttling": {opts: Options{MaxAttempts: 3, MaxThrottledAttempts: 5}, wantRegion: DefaultRegion, wantMaxAttempts: 3, wantMaxThrottled: 5},
		"throttling below":   {opts: Options{MaxAttempts: 10, MaxThrottledAttempts: 4}, wantRegion: DefaultRegion, wantMaxAttempts: 10, wantMaxThrottled: 10},
		"retries turned off": {opts: Options{MaxAttempts: 1}, wantRegion: DefaultRegion, wantMaxAttempts: 1, wantMaxThrottled: 1},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			tt.opts.AccessKeyID, tt.opts.SecretAccessKey = "AKIDEXAMPLE", "example"
			p, err := New(t.Context(), tt.opts)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := p.iam.Options().Region; got != tt.wantRegion {
				t.Errorf("IAM client region = %q, want %q", got, tt.wantRegion)
			}
			if got := p.sts.Options().Region; got != tt.wantRegion {
				t.Errorf("STS client region = %q, want %q", got, tt.wantRegion)
			}
			retryer, ok := p.iam.Options().Retryer.(throttleRetryer)
			if !ok {
				t.Fatalf("retryer is a %T, want a throttleRetryer", p.iam.Options().Retryer)
			}
			if retryer.maxAttempts != tt.wantMaxAttempts {
				t.Errorf("attempts for other errors = %d, want %d", retryer.maxAttempts, tt.wantMaxAttempts)
			}
			if got := retryer.MaxAttempts(); got != tt.wantMaxThrottled {
				t.Errorf("retryer MaxAttempts = %d, want %d", got, tt.wantMaxThrottled)
			}
		})
	}
}

func TestPartitionOf(t *testing.T) {
	tests := map[string]struct{ arn, want string }{
		"commercial": {"arn:aws:iam::123456789012:user/alice", "aws"},
		"china":      {"arn:aws-cn:sts::123456789012:assumed-role/r/s", "aws-cn"},
		"govcloud":   {"arn:aws-us-gov:iam::123456789012:root", "aws-us-gov"},
		"not an ARN": {"alice", ""},
		"empty":      {"", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := partitionOf(tt.arn); got != tt.want {
				t.Errorf("partitionOf(%q) = %q, want %q", tt.arn, got, tt.want)
			}
		})
	}
}
