package sandbox

import (
	"strings"
)

// holder is a user, group or role seen as what holds policies.
type holder struct {
	name     string
	policies *policySet
	// boundary is nil for groups, which cannot have one.
	boundary **managedPolicy
}

// holderKind describes users, groups or roles for the actions on their
// inline policies, attached policies and permissions boundaries, which work
// alike on all three.
type holderKind struct {
	noun      string // user, group or role, as messages name the kind
	nameParam string
	nameRule  stringRule
	// inlineSizeQuota is the quota on the total size of inline policies.
	inlineSizeQuota string
	// attachQuota is the quota on attached policies, and attachQuotaName
	// how LimitExceeded names it.
	attachQuota, attachQuotaName string
	// find returns the named holder; forChange rejects what IAM does not
	// let callers change.
	find func(c *call, name string, forChange bool) (holder, error)
}

var (
	userHolders = holderKind{
		noun: "user", nameParam: "UserName", nameRule: existingUserNameRule,
		inlineSizeQuota: quotaUserPolicySize, attachQuota: quotaAttachedPerUser, attachQuotaName: "PoliciesPerUser",
		find: func(c *call, name string, _ bool) (holder, error) {
			u, err := c.user(name)
			if err != nil {
				return holder{}, err
			}
			return holder{name: u.name, policies: &u.policySet, boundary: &u.boundary}, nil
		},
	}
	groupHolders = holderKind{
		noun: "group", nameParam: "GroupName", nameRule: groupNameRule,
		inlineSizeQuota: quotaGroupPolicySize, attachQuota: quotaAttachedPerGroup, attachQuotaName: "PoliciesPerGroup",
		find: func(c *call, name string, _ bool) (holder, error) {
			g, err := c.group(name)
			if err != nil {
				return holder{}, err
			}
			return holder{name: g.name, policies: &g.policySet}, nil
		},
	}
	roleHolders = holderKind{
		noun: "role", nameParam: "RoleName", nameRule: roleNameRule,
		inlineSizeQuota: quotaRolePolicySize, attachQuota: quotaAttachedPerRole, attachQuotaName: "PoliciesPerRole",
		find: func(c *call, name string, forChange bool) (holder, error) {
			find := c.role
			if forChange {
				find = c.modifiableRole
			}
			r, err := find(name)
			if err != nil {
				return holder{}, err
			}
			return holder{name: r.name, policies: &r.policySet, boundary: &r.boundary}, nil
		},
	}
)

// putInlinePolicy serves PutUserPolicy, PutGroupPolicy and PutRolePolicy.
func putInlinePolicy(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		policyName := c.required("PolicyName", inlinePolicyNameRule)
		doc := c.required("PolicyDocument", policyDocumentRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, true)
		if err != nil {
			return nil, err
		}
		if err := validateDocument(doc, permissionsDocument); err != nil {
			return nil, err
		}

		// The quota covers all the holder's inline policies together.
		size := documentSize(doc)
		for _, p := range h.policies.inline {
			if p.name != policyName {
				size += documentSize(p.document)
			}
		}
		if q := c.s.quotas[kind.inlineSizeQuota]; int32(size) > q {
			return nil, errLimitExceeded("Maximum policy size of %d bytes exceeded for %s %s", q, kind.noun, h.name)
		}
		h.policies.putInline(policyName, doc)
		return nil, nil
	}
}

// inlinePolicyResult is the result of GetUserPolicy, GetGroupPolicy and
// GetRolePolicy; exactly one of the names is set.
type inlinePolicyResult struct {
	UserName       string `xml:",omitempty"`
	GroupName      string `xml:",omitempty"`
	RoleName       string `xml:",omitempty"`
	PolicyName     string
	PolicyDocument string
}

func getInlinePolicy(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		policyName := c.required("PolicyName", inlinePolicyNameRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, false)
		if err != nil {
			return nil, err
		}
		p := h.policies.inlinePolicy(policyName)
		if p == nil {
			return nil, errNoSuchEntity("The %s policy with name %s cannot be found.", kind.noun, policyName)
		}
		res := inlinePolicyResult{PolicyName: p.name, PolicyDocument: encodeDocument(p.document)}
		switch kind.noun {
		case "user":
			res.UserName = h.name
		case "group":
			res.GroupName = h.name
		case "role":
			res.RoleName = h.name
		}
		return res, nil
	}
}

func deleteInlinePolicy(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		policyName := c.required("PolicyName", inlinePolicyNameRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, true)
		if err != nil {
			return nil, err
		}
		if !h.policies.deleteInline(policyName) {
			return nil, errNoSuchEntity("The %s policy with name %s cannot be found.", kind.noun, policyName)
		}
		return nil, nil
	}
}

type listInlinePoliciesResult struct {
	PolicyNames members[string]
	pageInfo
}

func listInlinePolicies(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		p := c.pageRequest()
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, false)
		if err != nil {
			return nil, err
		}
		page, info, err := paginate(p, h.policies.inline, func(_ int, p inlinePolicy) string { return p.name })
		if err != nil {
			return nil, err
		}
		names := make([]string, len(page))
		for i, p := range page {
			names[i] = p.name
		}
		return listInlinePoliciesResult{PolicyNames: memberList(names), pageInfo: info}, nil
	}
}

// attachPolicy serves AttachUserPolicy, AttachGroupPolicy and
// AttachRolePolicy. Attaching a policy that is attached already does
// nothing.
func attachPolicy(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		arn := c.required("PolicyArn", arnRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, true)
		if err != nil {
			return nil, err
		}
		p := c.s.findPolicy(c.acct, arn, false)
		if p == nil {
			return nil, errNoSuchEntity("Policy %s does not exist or is not attachable.", arn)
		}
		if h.policies.isAttached(p) {
			return nil, nil
		}
		if q := c.s.quotas[kind.attachQuota]; int32(len(h.policies.attached)) >= q {
			return nil, errQuotaExceeded(kind.attachQuotaName, q)
		}
		h.policies.attached = append(h.policies.attached, c.s.findPolicy(c.acct, arn, true))
		return nil, nil
	}
}

func detachPolicy(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		arn := c.required("PolicyArn", arnRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, true)
		if err != nil {
			return nil, err
		}
		p := c.acct.policies[arn]
		if p == nil || !h.policies.detach(p) {
			return nil, errNoSuchEntity("Policy %s was not found.", arn)
		}
		return nil, nil
	}
}

type listAttachedPoliciesResult struct {
	AttachedPolicies members[attachedPolicyXML]
	pageInfo
}

func listAttachedPolicies(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		prefix := c.optional("PathPrefix", pathPrefixRule)
		p := c.pageRequest()
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, false)
		if err != nil {
			return nil, err
		}
		var policies []*managedPolicy
		for _, p := range h.policies.attached {
			if strings.HasPrefix(p.path, prefix) {
				policies = append(policies, p)
			}
		}
		page, info, err := paginate(p, policies, positionKey)
		if err != nil {
			return nil, err
		}
		return listAttachedPoliciesResult{AttachedPolicies: memberList(attachedPoliciesXML(page)), pageInfo: info}, nil
	}
}

// putBoundary serves PutUserPermissionsBoundary and
// PutRolePermissionsBoundary.
func putBoundary(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		arn := c.required("PermissionsBoundary", arnRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, true)
		if err != nil {
			return nil, err
		}
		p, err := c.boundaryPolicy(arn)
		if err != nil {
			return nil, err
		}
		*h.boundary = p
		return nil, nil
	}
}

// deleteBoundary serves DeleteUserPermissionsBoundary and
// DeleteRolePermissionsBoundary. Deleting a boundary that is not set does
// nothing.
func deleteBoundary(kind holderKind) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		name := c.required(kind.nameParam, kind.nameRule)
		if err := c.check(); err != nil {
			return nil, err
		}
		h, err := kind.find(c, name, true)
		if err != nil {
			return nil, err
		}
		*h.boundary = nil
		return nil, nil
	}
}

// boundaryPolicy returns the managed policy that arn names for use as a
// permissions boundary, or nil for an empty arn.
func (c *call) boundaryPolicy(arn string) (*managedPolicy, error) {
	if arn == "" {
		return nil, nil
	}
	p := c.s.findPolicy(c.acct, arn, true)
	if p == nil {
		return nil, errNoSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return p, nil
}
