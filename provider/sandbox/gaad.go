package sandbox

import (
	"fmt"
	"slices"
)

// Shapes of GetAccountAuthorizationDetails.

type policyDetailXML struct {
	PolicyName     string
	PolicyDocument string
}

type userDetailXML struct {
	Path                    string
	UserName                string
	UserID                  string `xml:"UserId"`
	Arn                     string
	CreateDate              isoTime
	UserPolicyList          members[policyDetailXML]
	GroupList               members[string]
	AttachedManagedPolicies members[attachedPolicyXML]
	PermissionsBoundary     *boundaryXML `xml:",omitempty"`
	Tags                    members[tagXML]
}

type groupDetailXML struct {
	Path                    string
	GroupName               string
	GroupID                 string `xml:"GroupId"`
	Arn                     string
	CreateDate              isoTime
	GroupPolicyList         members[policyDetailXML]
	AttachedManagedPolicies members[attachedPolicyXML]
}

// roleDetailXML has no Description and no MaxSessionDuration:
// GetAccountAuthorizationDetails does not return them.
type roleDetailXML struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               isoTime
	AssumeRolePolicyDocument string
	InstanceProfileList      members[instanceProfileXML]
	RolePolicyList           members[policyDetailXML]
	AttachedManagedPolicies  members[attachedPolicyXML]
	PermissionsBoundary      *boundaryXML `xml:",omitempty"`
	Tags                     members[tagXML]
	RoleLastUsed             roleLastUsedXML
}

// managedPolicyDetailXML is IAM's ManagedPolicyDetail shape. It is the
// Policy shape plus every version, and it has no tags, so Tags stays nil.
type managedPolicyDetailXML struct {
	policyXML
	PolicyVersionList members[policyVersionXML]
}

type authorizationDetailsResult struct {
	UserDetailList  members[userDetailXML]
	GroupDetailList members[groupDetailXML]
	RoleDetailList  members[roleDetailXML]
	Policies        members[managedPolicyDetailXML]
	pageInfo
}

// detailItem is one entry of any of the four lists, so that a page can
// span them: MaxItems counts the items of all lists together.
type detailItem struct {
	sortKey string
	user    *user
	group   *group
	role    *role
	policy  *managedPolicy
}

// getAccountAuthorizationDetails returns users, groups, roles and managed
// policies with their relations. AWS-managed policies appear only while
// something in the account attaches them or uses them as a boundary.
func getAccountAuthorizationDetails(c *call) (any, error) {
	filters := c.list("Filter")
	for i, f := range filters {
		switch f {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
		default:
			c.addProblem(f, fmt.Sprintf("filter.%d.member", i+1),
				"Member must satisfy enum value set: [LocalManagedPolicy, Group, Role, User, AWSManagedPolicy]")
		}
	}
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	want := func(kind string) bool { return len(filters) == 0 || slices.Contains(filters, kind) }

	// Collect the items in one list, in the order of the result's lists.
	a := c.acct
	usage := a.policyUsage()
	var items []detailItem
	if want("User") {
		for _, u := range sortedUsers(a) {
			items = append(items, detailItem{sortKey: "0" + key(u.name), user: u})
		}
	}
	if want("Group") {
		for _, g := range sortedGroups(a) {
			items = append(items, detailItem{sortKey: "1" + key(g.name), group: g})
		}
	}
	if want("Role") {
		for _, r := range sortedRoles(a) {
			items = append(items, detailItem{sortKey: "2" + key(r.name), role: r})
		}
	}
	for _, pol := range sortedPolicies(a) {
		u := usage[pol]
		include := want("LocalManagedPolicy") && !pol.awsManaged ||
			want("AWSManagedPolicy") && pol.awsManaged && (u.attachments > 0 || u.boundaries > 0)
		if include {
			items = append(items, detailItem{sortKey: "3" + key(pol.name) + "\x00" + pol.arn, policy: pol})
		}
	}

	// Render one page.
	page, info, err := paginate(p, items, func(_ int, it detailItem) string { return it.sortKey })
	if err != nil {
		return nil, err
	}
	res := authorizationDetailsResult{pageInfo: info}
	for _, it := range page {
		switch {
		case it.user != nil:
			res.UserDetailList.Items = append(res.UserDetailList.Items, c.userDetail(it.user))
		case it.group != nil:
			res.GroupDetailList.Items = append(res.GroupDetailList.Items, c.groupDetail(it.group))
		case it.role != nil:
			res.RoleDetailList.Items = append(res.RoleDetailList.Items, c.roleDetail(it.role))
		default:
			res.Policies.Items = append(res.Policies.Items, policyDetail(it.policy, usage[it.policy]))
		}
	}
	return res, nil
}

func policyDetails(policies []inlinePolicy) members[policyDetailXML] {
	return memberList(mapSlice(policies, func(p inlinePolicy) policyDetailXML {
		return policyDetailXML{PolicyName: p.name, PolicyDocument: encodeDocument(p.document)}
	}))
}

func (c *call) userDetail(u *user) userDetailXML {
	groups := groupNames(u.groups)
	slices.Sort(groups)
	return userDetailXML{
		Path: u.path, UserName: u.name, UserID: u.id, Arn: c.acct.userARN(u), CreateDate: isoTime(u.created),
		UserPolicyList: policyDetails(u.inline), GroupList: memberList(groups),
		AttachedManagedPolicies: memberList(attachedPoliciesXML(u.attached)),
		PermissionsBoundary:     boundaryOf(u.boundary), Tags: memberList(tagsXML(u.tags)),
	}
}

func (c *call) groupDetail(g *group) groupDetailXML {
	return groupDetailXML{
		Path: g.path, GroupName: g.name, GroupID: g.id, Arn: c.acct.groupARN(g), CreateDate: isoTime(g.created),
		GroupPolicyList: policyDetails(g.inline), AttachedManagedPolicies: memberList(attachedPoliciesXML(g.attached)),
	}
}

func (c *call) roleDetail(r *role) roleDetailXML {
	x := roleDetailXML{
		Path: r.path, RoleName: r.name, RoleID: r.id, Arn: c.acct.roleARN(r), CreateDate: isoTime(r.created),
		AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
		RolePolicyList:           policyDetails(r.inline), AttachedManagedPolicies: memberList(attachedPoliciesXML(r.attached)),
		PermissionsBoundary: boundaryOf(r.boundary), Tags: memberList(tagsXML(r.tags)),
		RoleLastUsed: roleLastUsedXML{LastUsedDate: optionalTime(r.lastUsed), Region: r.lastUsedRegion},
	}
	profiles := mapSlice(c.acct.instanceProfilesOf(r), func(ip *instanceProfile) instanceProfileXML { return c.instanceProfileXML(ip, true) })
	x.InstanceProfileList = memberList(profiles)
	return x
}

func policyDetail(p *managedPolicy, usage policyUsage) managedPolicyDetailXML {
	// The listed policy plus the description, which the list leaves out.
	x := managedPolicyDetailXML{policyXML: policyToXML(p, usage, false)}
	x.Description = p.description
	versions := mapSlice(p.versions, func(v *policyVersion) policyVersionXML { return versionToXML(p, v, true) })
	x.PolicyVersionList = memberList(versions)
	return x
}
