package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// CallError is a failed IAM or STS call. It wraps the SDK's error, so
// provider.ErrorCode, errors.As with smithy.APIError and errors.Is with
// context.Canceled all see through it.
type CallError struct {
	// Action is the API action, such as "CreateUser".
	Action string
	// Entity names what the call was about, such as "user alice". It is
	// empty for account-wide calls.
	Entity string
	// Err is the error as the SDK returned it.
	Err error
}

// Error returns the action, the entity and the cause, such as
// "CreateUser user alice: EntityAlreadyExists: User alice already exists".
func (e *CallError) Error() string {
	prefix := e.Action
	if e.Entity != "" {
		prefix += " " + e.Entity
	}
	return prefix + ": " + causeOf(e.Err)
}

// Cause describes the failure without the action and the entity, such as
// "EntityAlreadyExists: User alice already exists", for callers that name
// them already.
func (e *CallError) Cause() string { return causeOf(e.Err) }

func (e *CallError) Unwrap() error { return e.Err }

// causeOf describes err without the operation name that the SDK puts in
// front, because CallError already shows the action.
func causeOf(err error) string {
	// An API error reads best as IAM's code and message.
	var api smithy.APIError
	if errors.As(err, &api) {
		cause := api.ErrorCode() + ": " + api.ErrorMessage()
		var exhausted *retry.MaxAttemptsError
		if errors.As(err, &exhausted) {
			cause += fmt.Sprintf(" (after %d attempts)", exhausted.Attempt)
		}
		return cause
	}

	// A connection that failed reads as the HTTP client reported it, without
	// the SDK's "https response error StatusCode: 0" in front.
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return "connection failed: " + send.Err.Error()
	}

	// A response that the SDK cannot decode comes from a server that does
	// not speak the AWS Query API, usually at a wrong endpoint URL.
	var deserialization *smithy.DeserializationError
	if errors.As(err, &deserialization) {
		status := ""
		var resp *smithyhttp.ResponseError
		if errors.As(err, &resp) {
			status = fmt.Sprintf("HTTP status %d, ", resp.HTTPStatusCode())
		}
		cause := deserialization.Err.Error()
		if errors.Is(deserialization.Err, io.EOF) {
			cause = "the elements of the expected response are missing"
		}
		return fmt.Sprintf("the response is not an AWS API response (%sbody not decoded: %s); check that the endpoint URL is that of IAM and STS",
			status, cause)
	}

	// Anything else reads as the SDK wrote it.
	var op *smithy.OperationError
	if errors.As(err, &op) {
		return op.Err.Error()
	}
	return err.Error()
}

// wrapError wraps an SDK error in a CallError that names the action and the
// entity recorded in ctx. It returns nil for a nil err.
func wrapError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	// Missing credentials are the cause, whatever call needed them and
	// whichever role of the assume-role chain they were to be used for.
	var missing *NoCredentialsError
	if errors.As(err, &missing) {
		return missing
	}
	// A role of the assume-role chain that could not be assumed is the
	// cause, whatever call needed its credentials.
	var chain *AssumeRoleError
	if errors.As(err, &chain) {
		return chain
	}
	action := "call"
	var op *smithy.OperationError
	if errors.As(err, &op) {
		action = op.Operation()
	}
	return &CallError{Action: action, Entity: entityOf(ctx), Err: err}
}
