package planner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
)

// checkMissingPolicies reports attachments and boundaries that name a
// managed policy that does not exist in IAM: an AWS-managed ARN with a
// typo, or one that AWS retired. The live state lists such ARNs only when
// the reader was asked to look them up (ReadOptions.PoliciesOf). Without
// this check, apply would fail on them after other calls were made.
func (p *planner) checkMissingPolicies() {
	if len(p.live.MissingPolicies) == 0 {
		return
	}
	var found []*Change
	for _, c := range p.changes {
		if c.Action == Delete {
			continue
		}
		if arn := namedPolicy(c); arn != "" && slices.Contains(p.live.MissingPolicies, arn) {
			found = append(found, c)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Address < found[j].Address })
	for _, c := range found {
		arn := namedPolicy(c)
		advice := "Check the spelling, which is case-sensitive, and the path. Some AWS-managed policies, such as " +
			"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole, have a path in their ARN."
		if meant := closestManagedPolicy(arn, p.live.AWSManagedPolicyARNs); meant != "" {
			advice = fmt.Sprintf("Did you mean %s?", meant)
		}
		p.diags = append(p.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Managed policy not found",
			Detail: fmt.Sprintf("%s names %s, which does not exist in IAM (GetPolicy returned NoSuchEntity). %s",
				c.Address, arn, advice),
			Subject: c.DeclRange,
		})
	}
}

// closestManagedPolicy returns the AWS-managed policy ARN among arns that
// the missing arn most likely meant: one that differs only in case, then
// one with the same name under another path, then the nearest by edit
// distance. It returns "" when none is close.
func closestManagedPolicy(arn string, arns []string) string {
	name := strings.ToLower(arn[strings.LastIndex(arn, "/")+1:])
	var sameName []string
	for _, candidate := range arns {
		if strings.EqualFold(candidate, arn) {
			return candidate
		}
		if strings.ToLower(candidate[strings.LastIndex(candidate, "/")+1:]) == name {
			sameName = append(sameName, candidate)
		}
	}
	if len(sameName) > 0 {
		return sameName[0]
	}
	return suggest(arn, arns)
}

// namedPolicy returns the managed policy ARN an attachment or a boundary
// change names, or the empty string.
func namedPolicy(c *Change) string {
	switch c.Type {
	case TypeAttachment:
		return c.Name
	case TypeBoundary:
		if a := c.Attr("policy_arn"); a != nil {
			if arn, ok := a.After.(string); ok {
				return arn
			}
		}
	}
	return ""
}

// UnknownPolicies returns the AWS-managed policy ARNs that a plan attaches
// or sets as a boundary and that the live state does not contain, because
// nothing in the account uses them yet. A reader can then look them up
// (ReadOptions.PoliciesOf) before the plan is trusted. Customer-managed
// ARNs are left out, because the plan creates the declared ones and Make
// reports the others.
func UnknownPolicies(plan *Plan, live *provider.State) []string {
	var arns []string
	for _, c := range plan.Changes {
		if c.Action == Delete {
			continue
		}
		arn := namedPolicy(c)
		if arn == "" || !provider.IsAWSManagedPolicyARN(arn) || live.Policy(arn) != nil ||
			slices.Contains(live.MissingPolicies, arn) || slices.Contains(arns, arn) {
			continue
		}
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	return arns
}
