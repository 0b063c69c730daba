package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// placeholderDate is the creation date of AWS-managed policies that the
// sandbox makes up when it has no catalogue: the date of the first
// AWS-managed policies.
var placeholderDate = time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)

// placeholderDocument is the document of a made-up AWS-managed policy. It
// grants nothing, as the sandbox does not know what the real one grants.
const placeholderDocument = `{"Version":"2012-10-17","Statement":[{"Sid":"SandboxPlaceholder","Effect":"Deny","NotAction":"*","Resource":"*"}]}`

// findPolicy returns the managed policy with the ARN: one of the account's,
// or an AWS-managed policy from the catalogue, or, without a catalogue, a
// placeholder for any well-formed AWS-managed ARN. It returns nil when
// there is no such policy, which includes retired AWS-managed policies.
// With materialise, an AWS-managed policy found outside the account is
// added to it, as attaching it does.
func (s *Server) findPolicy(a *account, arn string, materialise bool) *managedPolicy {
	if p := a.policies[arn]; p != nil {
		return p
	}
	path, name, ok := splitAWSManagedARN(arn)
	if !ok {
		return nil
	}
	var p *managedPolicy
	switch {
	case s.catalogue == nil:
		p = &managedPolicy{
			name: name, path: path, arn: arn, id: stableID(prefixPolicy, arn), awsManaged: true,
			created: placeholderDate, updated: placeholderDate, defaultVersion: "v1", nextVersion: 2,
			versions: []*policyVersion{{id: "v1", document: placeholderDocument, created: placeholderDate}},
		}
	case s.catalogue.retired[arn] || s.catalogue.policies[arn] == nil:
		return nil
	default:
		p = policyFromCatalogue(s.catalogue.policies[arn])
	}
	if materialise {
		a.policies[arn] = p
	}
	return p
}

func policyFromCatalogue(cp *cataloguePolicy) *managedPolicy {
	p := catalogueListing(cp)
	p.versions = []*policyVersion{{id: cp.defaultVersion, document: cp.documentText(), created: cp.updated}}
	return p
}

// catalogueListing returns a catalogue policy without its versions, as
// ListPolicies shows it.
func catalogueListing(cp *cataloguePolicy) *managedPolicy {
	return &managedPolicy{
		name: cp.name, path: cp.path, arn: cp.arn, id: stableID(prefixPolicy, cp.arn), awsManaged: true,
		created: cp.created, updated: cp.updated, defaultVersion: cp.defaultVersion,
	}
}

// policy returns the managed policy with the ARN, AWS-managed ones
// included, or NoSuchEntity.
func (c *call) policy(arn string) (*managedPolicy, error) {
	if p := c.s.findPolicy(c.acct, arn, false); p != nil {
		return p, nil
	}
	return nil, errNoSuchEntity("Policy %s was not found.", arn)
}

// customerPolicy returns the customer-managed policy with the ARN. Only AWS
// changes AWS-managed policies.
func (c *call) customerPolicy(arn string) (*managedPolicy, error) {
	p, err := c.policy(arn)
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, errInvalidInput("Policy %s is an AWS managed policy; only AWS can change it.", arn)
	}
	return p, nil
}

// policyXML is IAM's Policy shape. ListPolicies leaves out the description
// and the tags.
type policyXML struct {
	PolicyName                    string
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string
	Path                          string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int32
	PermissionsBoundaryUsageCount int32
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    isoTime
	UpdateDate                    isoTime
	Tags                          *members[tagXML] `xml:",omitempty"`
}

func policyToXML(p *managedPolicy, usage policyUsage, full bool) policyXML {
	x := policyXML{
		PolicyName: p.name, PolicyID: p.id, Arn: p.arn, Path: p.path, DefaultVersionID: p.defaultVersion,
		AttachmentCount: usage.attachments, PermissionsBoundaryUsageCount: usage.boundaries, IsAttachable: true,
		CreateDate: isoTime(p.created), UpdateDate: isoTime(p.updated),
	}
	if full {
		x.Description = p.description
		x.Tags = optionalMembers(tagsXML(p.tags))
	}
	return x
}

type policyResult struct {
	Policy policyXML
}

func createPolicy(c *call) (any, error) {
	name := c.required("PolicyName", policyNameRule)
	path := defaultPath(c.optional("Path", pathRule))
	doc := c.required("PolicyDocument", policyDocumentRule)
	description := c.optional("Description", policyDescriptionRule)
	tags := c.tagsParam("Tags", false)
	if err := c.check(); err != nil {
		return nil, err
	}

	// Names are unique in the account, whatever the path.
	customer := 0
	for _, p := range c.acct.policies {
		if p.awsManaged {
			continue
		}
		customer++
		if key(p.name) == key(name) {
			return nil, errEntityAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", p.name)
		}
	}
	if q := c.s.quotas[quotaPolicies]; int32(customer) >= q {
		return nil, errQuotaExceeded("PoliciesPerAccount", q)
	}
	if err := c.checkManagedDocument(doc); err != nil {
		return nil, err
	}
	if err := c.checkTagQuota(tags, policyTags.quotaName); err != nil {
		return nil, err
	}

	now := c.now()
	p := &managedPolicy{
		name: name, path: path, id: c.acct.newID(prefixPolicy), arn: c.acct.customerPolicyARN(path, name),
		description: description, created: now, updated: now, defaultVersion: "v1", nextVersion: 2, tags: tags,
		versions: []*policyVersion{{id: "v1", document: doc, created: now}},
	}
	c.acct.policies[p.arn] = p
	return policyResult{Policy: policyToXML(p, policyUsage{}, true)}, nil
}

// checkManagedDocument validates a managed policy's document and its size.
func (c *call) checkManagedDocument(doc string) error {
	if err := validateDocument(doc, permissionsDocument); err != nil {
		return err
	}
	if q := c.s.quotas[quotaPolicySize]; int32(documentSize(doc)) > q {
		return errQuotaExceeded("PolicySize", q)
	}
	return nil
}

func getPolicy(c *call) (any, error) {
	arn := c.required("PolicyArn", arnRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	p, err := c.policy(arn)
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: policyToXML(p, c.acct.policyUsage()[p], true)}, nil
}

type listPoliciesResult struct {
	Policies members[policyXML]
	pageInfo
}

// listPolicies lists managed policies: AWS-managed ones, the account's
// own, or both, as the Scope parameter selects.
func listPolicies(c *call) (any, error) {
	scope := c.enum("Scope", "All", "AWS", "Local")
	onlyAttached, _ := c.boolParam("OnlyAttached")
	prefix := c.optional("PathPrefix", pathPrefixRule)
	usageFilter := c.enum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary")
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}

	usage := c.acct.policyUsage()
	keep := func(p *managedPolicy) bool {
		u := usage[p]
		switch {
		case scope == "AWS" && !p.awsManaged, scope == "Local" && p.awsManaged:
			return false
		case !strings.HasPrefix(p.path, prefix):
			return false
		case onlyAttached && u.attachments == 0:
			return false
		case usageFilter == "PermissionsPolicy" && u.attachments == 0, usageFilter == "PermissionsBoundary" && u.boundaries == 0:
			return false
		}
		return true
	}
	policies := slices.DeleteFunc(c.s.allPolicies(c.acct), func(p *managedPolicy) bool { return !keep(p) })

	page, info, err := paginate(p, policies, func(_ int, p *managedPolicy) string { return key(p.name) + "\x00" + p.arn })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(p *managedPolicy) policyXML { return policyToXML(p, usage[p], false) })
	return listPoliciesResult{Policies: memberList(out), pageInfo: info}, nil
}

// allPolicies returns the account's policies and the catalogue's, sorted
// by name and ARN.
func (s *Server) allPolicies(a *account) []*managedPolicy {
	policies := sortedPolicies(a)
	if s.catalogue == nil {
		return policies
	}
	for _, arn := range s.catalogue.arns {
		if a.policies[arn] == nil && !s.catalogue.retired[arn] {
			policies = append(policies, catalogueListing(s.catalogue.policies[arn]))
		}
	}
	slices.SortFunc(policies, comparePolicies)
	return policies
}

// policyVersionXML is IAM's PolicyVersion shape; the document is left out
// of CreatePolicyVersion and ListPolicyVersions.
type policyVersionXML struct {
	Document         string `xml:",omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       isoTime
}

func versionToXML(p *managedPolicy, v *policyVersion, withDocument bool) policyVersionXML {
	x := policyVersionXML{VersionID: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: isoTime(v.created)}
	if withDocument {
		x.Document = encodeDocument(v.document)
	}
	return x
}

type policyVersionResult struct {
	PolicyVersion policyVersionXML
}

func createPolicyVersion(c *call) (any, error) {
	arn := c.required("PolicyArn", arnRule)
	doc := c.required("PolicyDocument", policyDocumentRule)
	setDefault, _ := c.boolParam("SetAsDefault")
	if err := c.check(); err != nil {
		return nil, err
	}
	p, err := c.customerPolicy(arn)
	if err != nil {
		return nil, err
	}
	if q := c.s.quotas[quotaVersionsPerPolicy]; int32(len(p.versions)) >= q {
		return nil, errLimitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", q)
	}
	if err := c.checkManagedDocument(doc); err != nil {
		return nil, err
	}

	v := &policyVersion{id: "v" + strconv.Itoa(p.nextVersion), document: doc, created: c.now()}
	p.nextVersion++
	p.versions = append(p.versions, v)
	if setDefault {
		p.defaultVersion, p.updated = v.id, c.now()
	}
	return policyVersionResult{PolicyVersion: versionToXML(p, v, false)}, nil
}

// policyAndVersion reads PolicyArn and VersionId, the parameters of
// GetPolicyVersion, SetDefaultPolicyVersion and DeletePolicyVersion, and
// returns the policy and its version, or NoSuchEntity. With customerOnly,
// it rejects an AWS-managed policy as customerPolicy does.
func (c *call) policyAndVersion(customerOnly bool) (*managedPolicy, *policyVersion, error) {
	arn := c.required("PolicyArn", arnRule)
	versionID := c.required("VersionId", versionIDRule)
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	find := c.policy
	if customerOnly {
		find = c.customerPolicy
	}
	p, err := find(arn)
	if err != nil {
		return nil, nil, err
	}
	v := p.version(versionID)
	if v == nil {
		return nil, nil, errNoSuchEntity("Policy %s version %s does not exist.", arn, versionID)
	}
	return p, v, nil
}

func getPolicyVersion(c *call) (any, error) {
	p, v, err := c.policyAndVersion(false)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: versionToXML(p, v, true)}, nil
}

type listPolicyVersionsResult struct {
	Versions members[policyVersionXML]
	pageInfo
}

// listPolicyVersions lists a policy's versions, newest first.
func listPolicyVersions(c *call) (any, error) {
	arn := c.required("PolicyArn", arnRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	pol, err := c.policy(arn)
	if err != nil {
		return nil, err
	}
	versions := slices.Clone(pol.versions)
	slices.Reverse(versions)
	page, info, err := paginate(p, versions, positionKey)
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(v *policyVersion) policyVersionXML { return versionToXML(pol, v, false) })
	return listPolicyVersionsResult{Versions: memberList(out), pageInfo: info}, nil
}

func setDefaultPolicyVersion(c *call) (any, error) {
	p, v, err := c.policyAndVersion(true)
	if err != nil {
		return nil, err
	}
	if p.defaultVersion != v.id {
		p.defaultVersion, p.updated = v.id, c.now()
	}
	return nil, nil
}

func deletePolicyVersion(c *call) (any, error) {
	p, v, err := c.policyAndVersion(true)
	if err != nil {
		return nil, err
	}
	if v.id == p.defaultVersion {
		return nil, errDeleteConflict("Cannot delete the default version of a policy.")
	}
	p.versions = slices.DeleteFunc(p.versions, func(x *policyVersion) bool { return x == v })
	return nil, nil
}

// deletePolicy deletes a customer-managed policy that nothing uses and
// that has only its default version left.
func deletePolicy(c *call) (any, error) {
	arn := c.required("PolicyArn", arnRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	p, err := c.customerPolicy(arn)
	if err != nil {
		return nil, err
	}
	usage := c.acct.policyUsage()[p]
	switch {
	case usage.attachments > 0:
		return nil, errDeleteConflict("Cannot delete a policy attached to entities.")
	case usage.boundaries > 0:
		return nil, errDeleteConflict("Cannot delete a policy used as a permissions boundary for entities.")
	case len(p.versions) > 1:
		return nil, errDeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	delete(c.acct.policies, p.arn)
	return nil, nil
}

type policyEntityXML struct {
	GroupName string `xml:",omitempty"`
	GroupID   string `xml:"GroupId,omitempty"`
	RoleName  string `xml:",omitempty"`
	RoleID    string `xml:"RoleId,omitempty"`
	UserName  string `xml:",omitempty"`
	UserID    string `xml:"UserId,omitempty"`
}

type listEntitiesForPolicyResult struct {
	PolicyGroups members[policyEntityXML]
	PolicyUsers  members[policyEntityXML]
	PolicyRoles  members[policyEntityXML]
	pageInfo
}

// policyEntity is a user, group or role that uses a policy, for
// ListEntitiesForPolicy.
type policyEntity struct {
	sortKey string
	path    string
	xml     policyEntityXML
	kind    string // Group, Role or User, as EntityFilter names them
}

// listEntitiesForPolicy lists the groups, roles and users that attach a
// policy or use it as their permissions boundary.
func listEntitiesForPolicy(c *call) (any, error) {
	arn := c.required("PolicyArn", arnRule)
	filter := c.enum("EntityFilter", "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
	prefix := c.optional("PathPrefix", pathPrefixRule)
	usageFilter := c.enum("PolicyUsageFilter", "PermissionsPolicy", "PermissionsBoundary")
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	pol, err := c.policy(arn)
	if err != nil {
		return nil, err
	}

	// Collect the entities in one list, groups, then roles, then users.
	uses := func(ps *policySet, boundary *managedPolicy) bool {
		attached := ps.isAttached(pol) && usageFilter != "PermissionsBoundary"
		bounded := boundary == pol && usageFilter != "PermissionsPolicy"
		return attached || bounded
	}
	var entities []policyEntity
	for _, g := range sortedGroups(c.acct) {
		if uses(&g.policySet, nil) {
			entities = append(entities, policyEntity{"g" + key(g.name), g.path, policyEntityXML{GroupName: g.name, GroupID: g.id}, "Group"})
		}
	}
	for _, r := range sortedRoles(c.acct) {
		if uses(&r.policySet, r.boundary) {
			entities = append(entities, policyEntity{"r" + key(r.name), r.path, policyEntityXML{RoleName: r.name, RoleID: r.id}, "Role"})
		}
	}
	for _, u := range sortedUsers(c.acct) {
		if uses(&u.policySet, u.boundary) {
			entities = append(entities, policyEntity{"u" + key(u.name), u.path, policyEntityXML{UserName: u.name, UserID: u.id}, "User"})
		}
	}
	entities = slices.DeleteFunc(entities, func(e policyEntity) bool {
		return (filter != "" && filter != e.kind) || !strings.HasPrefix(e.path, prefix)
	})

	// Page through them and split the page by kind.
	page, info, err := paginate(p, entities, func(_ int, e policyEntity) string { return e.sortKey })
	if err != nil {
		return nil, err
	}
	res := listEntitiesForPolicyResult{pageInfo: info}
	for _, e := range page {
		switch e.kind {
		case "Group":
			res.PolicyGroups.Items = append(res.PolicyGroups.Items, e.xml)
		case "Role":
			res.PolicyRoles.Items = append(res.PolicyRoles.Items, e.xml)
		case "User":
			res.PolicyUsers.Items = append(res.PolicyUsers.Items, e.xml)
		default:
			panic(fmt.Sprintf("unknown entity kind %q", e.kind))
		}
	}
	return res, nil
}
