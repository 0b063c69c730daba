package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/iamsync/iamsync/provider"
)

// An attempt whose outcome is unknown may have made its change. The
// middleware reports each one through provider.ReportUncertain. The SDK
// repeats most such calls, which is safe for IAM's idempotent actions and
// for creates and deletes whose repetition fails in a way the caller can
// recognise. CreateAccessKey and CreatePolicyVersion are neither: each
// repetition makes one more key or version. Those calls are not repeated
// after an uncertain attempt, and the reads below let the caller find out
// what happened.

// uncertainOutcome reports whether a failed attempt may have been carried
// out: IAM responded with a server error, or the connection failed after the
// request was sent. A failure to connect is certain: nothing was sent.
func uncertainOutcome(err error) bool {
	if err == nil {
		return false
	}
	// The SDK wraps a failed send in a response error with status 0, so the
	// send error is looked for first.
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		var op *net.OpError
		return !errors.As(err, &op) || op.Op != "dial"
	}
	var resp *smithyhttp.ResponseError
	return errors.As(err, &resp) && resp.HTTPStatusCode() >= 500
}

// certainRetryer is a retryer that repeats no attempt whose outcome is
// unknown.
type certainRetryer struct {
	aws.Retryer
}

func (r certainRetryer) IsErrorRetryable(err error) bool {
	return !uncertainOutcome(err) && r.Retryer.IsErrorRetryable(err)
}

// noUncertainRetries is a per-call option for actions that are not
// idempotent.
func noUncertainRetries(o *iam.Options) {
	o.Retryer = certainRetryer{Retryer: o.Retryer}
}

// ListAccessKeys returns the user's access keys, sorted by id, without
// their last use.
func (p *Provider) ListAccessKeys(ctx context.Context, userName string) ([]provider.AccessKey, error) {
	ctx = withEntity(ctx, "user "+userName)
	var keys []provider.AccessKey
	pages := iam.NewListAccessKeysPaginator(p.iam, &iam.ListAccessKeysInput{UserName: aws.String(userName), MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		for _, k := range page.AccessKeyMetadata {
			keys = append(keys, provider.AccessKey{
				ID:         aws.ToString(k.AccessKeyId),
				Status:     string(k.Status),
				CreateDate: aws.ToTime(k.CreateDate),
			})
		}
	}
	slices.SortFunc(keys, func(a, b provider.AccessKey) int { return strings.Compare(a.ID, b.ID) })
	return keys, nil
}

// ReadDefaultPolicyVersion returns the default version of a managed policy
// with its document.
func (p *Provider) ReadDefaultPolicyVersion(ctx context.Context, policyARN string) (*provider.PolicyVersion, error) {
	ctx = withEntity(ctx, "policy "+policyARN)
	policy, err := p.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	out, err := p.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: policy.Policy.DefaultVersionId})
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	doc, err := decodeDocument(out.PolicyVersion.Document)
	if err != nil {
		return nil, fmt.Errorf("read default version of policy %s: %w", policyARN, err)
	}
	return &provider.PolicyVersion{
		ID:         aws.ToString(out.PolicyVersion.VersionId),
		Document:   doc,
		IsDefault:  out.PolicyVersion.IsDefaultVersion,
		CreateDate: aws.ToTime(out.PolicyVersion.CreateDate),
	}, nil
}
