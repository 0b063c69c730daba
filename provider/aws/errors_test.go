package awsprovider_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/iamsync/iamsync/provider"
	awsprovider "github.com/iamsync/iamsync/provider/aws"
)

func TestWriterErrorCodes(t *testing.T) {
	tg := newTarget(t)
	ctx := t.Context()

	// One user with an attached policy and two access keys serves the
	// cases that need something to exist.
	user := tg.name("holder")
	var policyARN string
	tg.write(t, "CreatePolicy", func(ctx context.Context) (err error) {
		policyARN, err = tg.p.CreatePolicy(ctx, provider.CreatePolicyInput{Name: tg.name("held"), Document: readerV1})
		return err
	})
	tg.undo(t, "policy", func(ctx context.Context) error { return tg.p.DeletePolicy(ctx, policyARN) })
	tg.write(t, "CreateUser", func(ctx context.Context) error { return tg.p.CreateUser(ctx, provider.CreateUserInput{Name: user}) })
	tg.undo(t, "user", func(ctx context.Context) error { return tg.p.DeleteUser(ctx, user) })
	tg.write(t, "AttachUserPolicy", func(ctx context.Context) error { return tg.p.AttachUserPolicy(ctx, user, policyARN) })
	tg.undo(t, "attachment", func(ctx context.Context) error { return tg.p.DetachUserPolicy(ctx, user, policyARN) })
	for range 2 {
		var key *provider.AccessKeySecret
		tg.write(t, "CreateAccessKey", func(ctx context.Context) (err error) {
			key, err = tg.p.CreateAccessKey(ctx, user)
			return err
		})
		tg.undo(t, "access key", func(ctx context.Context) error { return tg.p.DeleteAccessKey(ctx, user, key.AccessKeyID) })
	}

	tests := map[string]struct {
		call       func(ctx context.Context) error
		wantCode   string
		wantPrefix string // of the error text: action, entity and code
	}{
		"existing user": {
			call:       func(ctx context.Context) error { return tg.p.CreateUser(ctx, provider.CreateUserInput{Name: user}) },
			wantCode:   provider.CodeEntityAlreadyExists,
			wantPrefix: "CreateUser user " + user + ": EntityAlreadyExists: ",
		},
		"missing user": {
			call:       func(ctx context.Context) error { return tg.p.DeleteUser(ctx, tg.name("nobody")) },
			wantCode:   provider.CodeNoSuchEntity,
			wantPrefix: "DeleteUser user " + tg.name("nobody") + ": NoSuchEntity: ",
		},
		"user with attached policy": {
			call:       func(ctx context.Context) error { return tg.p.DeleteUser(ctx, user) },
			wantCode:   provider.CodeDeleteConflict,
			wantPrefix: "DeleteUser user " + user + ": DeleteConflict: ",
		},
		"attached policy": {
			call:       func(ctx context.Context) error { return tg.p.DeletePolicy(ctx, policyARN) },
			wantCode:   provider.CodeDeleteConflict,
			wantPrefix: "DeletePolicy policy " + policyARN + ": DeleteConflict: ",
		},
		"malformed inline policy": {
			call:       func(ctx context.Context) error { return tg.p.PutUserPolicy(ctx, user, "broken", `{"Statement": [`) },
			wantCode:   provider.CodeMalformedPolicyDocument,
			wantPrefix: "PutUserPolicy user " + user + " inline policy broken: MalformedPolicyDocument: ",
		},
		"session duration below minimum": {
			call: func(ctx context.Context) error {
				return tg.p.CreateRole(ctx, provider.CreateRoleInput{Name: tg.name("short"), AssumeRolePolicy: trustDocument, MaxSessionDuration: 60})
			},
			wantCode:   provider.CodeValidationError,
			wantPrefix: "CreateRole role " + tg.name("short") + ": ValidationError: ",
		},
		"third access key": {
			call: func(ctx context.Context) error {
				_, err := tg.p.CreateAccessKey(ctx, user)
				return err
			},
			wantCode:   provider.CodeLimitExceeded,
			wantPrefix: "CreateAccessKey user " + user + ": LimitExceeded: ",
		},
		"default policy version": {
			call:       func(ctx context.Context) error { return tg.p.DeletePolicyVersion(ctx, policyARN, "v1") },
			wantCode:   provider.CodeDeleteConflict,
			wantPrefix: "DeletePolicyVersion policy " + policyARN + " version v1: DeleteConflict: ",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := tt.call(ctx)
			if err == nil {
				t.Fatalf("call succeeded, want %s", tt.wantCode)
			}
			if got := provider.ErrorCode(err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q (error: %v)", got, tt.wantCode, err)
			}
			if !strings.HasPrefix(err.Error(), tt.wantPrefix) {
				t.Errorf("error text = %q, want prefix %q", err.Error(), tt.wantPrefix)
			}
			var callErr *awsprovider.CallError
			if !errors.As(err, &callErr) {
				t.Errorf("error %T is not a *CallError", err)
			} else if want := tt.wantCode + ": "; !strings.HasPrefix(callErr.Cause(), want) {
				t.Errorf("Cause() = %q, want prefix %q", callErr.Cause(), want)
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Errorf("error %T does not wrap a smithy.APIError", err)
			}
		})
	}
}

// TestSecretsStayOutOfErrors checks that a rejected password appears in
// neither the error nor the debug log.
func TestSecretsStayOutOfErrors(t *testing.T) {
	var logs logBuffer
	tg := newTarget(t, func(o *awsprovider.Options) { o.Logger = logs.logger() })
	const password = "Secret-Password-1"

	err := tg.p.CreateLoginProfile(t.Context(), tg.name("nobody"), password, false)
	if provider.ErrorCode(err) != provider.CodeNoSuchEntity {
		t.Fatalf("CreateLoginProfile for a missing user: %v, want NoSuchEntity", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("error text contains the password: %v", err)
	}
	if strings.Contains(logs.String(), password) {
		t.Errorf("log contains the password:\n%s", logs.String())
	}
}

func TestOptionsStringHidesSecrets(t *testing.T) {
	opts := awsprovider.Options{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret-value", SessionToken: "token-value"}
	for _, text := range []string{opts.String(), fmtValue(opts)} {
		if strings.Contains(text, "secret-value") || strings.Contains(text, "token-value") {
			t.Errorf("printed options contain a secret: %s", text)
		}
		if !strings.Contains(text, "AKIDEXAMPLE") {
			t.Errorf("printed options %s lack the access key id", text)
		}
	}
}

// fmtValue prints v with every verb that could show its fields.
func fmtValue(v any) string { return fmt.Sprintf("%v %+v %#v %s", v, v, v, v) }

// TestWrongEndpointNamed checks that a server that responds with something
// other than an AWS response gives an error that points at the endpoint
// URL, rather than the XML decoder's message alone.
func TestWrongEndpointNamed(t *testing.T) {
	tests := map[string]struct {
		status     int
		body       string
		wantStatus string
	}{
		"HTML error page": {
			status:     http.StatusNotImplemented,
			body:       "<!DOCTYPE html><html><head><meta charset=utf-8></head><body>Unsupported method</body></html>",
			wantStatus: "HTTP status 501",
		},
		"JSON success": {
			status:     http.StatusOK,
			body:       `{"ok": true}`,
			wantStatus: "does not start with the <GetCallerIdentityResponse> element",
		},
		"empty success": {
			status:     http.StatusOK,
			wantStatus: "does not start with the <GetCallerIdentityResponse> element",
		},
		"XML of another service": {
			status:     http.StatusOK,
			body:       `<?xml version="1.0"?><ListBucketsResult><Buckets/></ListBucketsResult>`,
			wantStatus: "does not start with the <GetCallerIdentityResponse> element",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			t.Cleanup(ts.Close)
			p, err := awsprovider.New(context.Background(), awsprovider.Options{
				EndpointURL: ts.URL, AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", Region: "us-east-1",
				MaxAttempts: 1,
			})
			if err != nil {
				t.Fatal(err)
			}

			_, err = p.CallerIdentity(context.Background())

			if err == nil {
				t.Fatal("CallerIdentity succeeded, want an error")
			}
			for _, want := range []string{"not an AWS API response", tt.wantStatus, "endpoint URL"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %q, want it to contain %q", err, want)
				}
			}

			// An IAM call fails the same way, rather than return nothing.
			_, err = p.ListAccessKeys(context.Background(), "alice")
			if err == nil || !strings.Contains(err.Error(), "not an AWS API response") {
				t.Errorf("ListAccessKeys error = %v, want one saying the response is not an AWS API response", err)
			}
		})
	}
}
