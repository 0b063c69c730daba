package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/iamsync/iamsync/provider"
)

// lookUpPolicies reads the managed policies arns names that the state does
// not hold yet, with a GetPolicy and a GetPolicyVersion call each:
// GetAccountAuthorizationDetails lists an AWS-managed policy only while
// something uses it, so a policy about to be attached for the first time is
// not in it. Found policies join s.Policies with their default version,
// whose document the self-lockout check reads; the ARNs IAM does not know
// are recorded in s.MissingPolicies.
func (p *Provider) lookUpPolicies(ctx context.Context, s *provider.State, arns []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(perEntityReads)
	// The goroutines collect what they find, which joins s once they are
	// done, so that nothing reads s while they write.
	var mu sync.Mutex
	var found []*provider.ManagedPolicy
	var missing []string
	seen := map[string]bool{}
	for _, arn := range arns {
		if seen[arn] || s.Policy(arn) != nil {
			continue
		}
		seen[arn] = true
		g.Go(func() error {
			callCtx := withEntity(gctx, "policy "+arn)
			out, err := p.iam.GetPolicy(callCtx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
			switch {
			case provider.ErrorCode(err) == provider.CodeNoSuchEntity:
				mu.Lock()
				missing = append(missing, arn)
				mu.Unlock()
				return nil
			case err != nil:
				return wrapError(callCtx, err)
			}
			policy := out.Policy
			if policy == nil {
				return &CallError{Action: "GetPolicy", Entity: "policy " + arn, Err: errors.New("the response is missing the policy")}
			}
			version, err := p.defaultVersion(callCtx, arn, aws.ToString(policy.DefaultVersionId))
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			found = append(found, &provider.ManagedPolicy{
				Name:             aws.ToString(policy.PolicyName),
				Path:             aws.ToString(policy.Path),
				ID:               aws.ToString(policy.PolicyId),
				ARN:              aws.ToString(policy.Arn),
				Description:      aws.ToString(policy.Description),
				DefaultVersionID: aws.ToString(policy.DefaultVersionId),
				AttachmentCount:  aws.ToInt32(policy.AttachmentCount),
				BoundaryCount:    aws.ToInt32(policy.PermissionsBoundaryUsageCount),
				CreateDate:       aws.ToTime(policy.CreateDate),
				UpdateDate:       aws.ToTime(policy.UpdateDate),
				Versions:         []provider.PolicyVersion{version},
			})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	s.Policies = append(s.Policies, found...)
	s.MissingPolicies = append(s.MissingPolicies, missing...)
	sort.Strings(s.MissingPolicies)
	if slices.ContainsFunc(s.MissingPolicies, provider.IsAWSManagedPolicyARN) {
		arns, err := p.awsManagedPolicyARNs(ctx)
		if err != nil {
			return err
		}
		s.AWSManagedPolicyARNs = arns
	}
	return nil
}

// awsManagedPolicyARNs lists the ARNs of all AWS-managed policies, sorted.
// There are over a thousand, so the listing takes a few pages of
// ListPolicies.
func (p *Provider) awsManagedPolicyARNs(ctx context.Context) ([]string, error) {
	var arns []string
	pages := iam.NewListPoliciesPaginator(p.iam, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(maxItems)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, wrapError(ctx, err)
		}
		for _, policy := range page.Policies {
			arns = append(arns, aws.ToString(policy.Arn))
		}
	}
	sort.Strings(arns)
	return arns, nil
}

// defaultVersion reads a managed policy's default version with its document.
func (p *Provider) defaultVersion(ctx context.Context, arn, versionID string) (provider.PolicyVersion, error) {
	out, err := p.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(versionID)})
	if err != nil {
		return provider.PolicyVersion{}, wrapError(ctx, err)
	}
	doc, err := decodeDocument(out.PolicyVersion.Document)
	if err != nil {
		return provider.PolicyVersion{}, fmt.Errorf("policy %s version %s: %w", arn, versionID, err)
	}
	return provider.PolicyVersion{
		ID:         versionID,
		Document:   doc,
		IsDefault:  true,
		CreateDate: aws.ToTime(out.PolicyVersion.CreateDate),
	}, nil
}
