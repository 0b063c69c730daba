package awsprovider

import (
	"context"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/sync/errgroup"

	"github.com/iamsync/iamsync/provider"
)

// lookUpPolicies reads the managed policies arns names that the state does
// not hold yet, one GetPolicy call each: GetAccountAuthorizationDetails
// lists an AWS-managed policy only while something uses it, so a policy
// about to be attached for the first time is not in it. Found policies join
// s.Policies without their versions; the ARNs IAM does not know are
// recorded in s.MissingPolicies.
func (p *Provider) lookUpPolicies(ctx context.Context, s *provider.State, arns []string) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(perEntityReads)
	var mu sync.Mutex
	seen := map[string]bool{}
	for _, arn := range arns {
		if seen[arn] || s.Policy(arn) != nil {
			continue
		}
		seen[arn] = true
		g.Go(func() error {
			callCtx := withEntity(gctx, "policy "+arn)
			out, err := p.iam.GetPolicy(callCtx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case provider.ErrorCode(err) == provider.CodeNoSuchEntity:
				s.MissingPolicies = append(s.MissingPolicies, arn)
				return nil
			case err != nil:
				return wrapError(callCtx, err)
			}
			policy := out.Policy
			s.Policies = append(s.Policies, &provider.ManagedPolicy{
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
			})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	sort.Strings(s.MissingPolicies)
	return nil
}
