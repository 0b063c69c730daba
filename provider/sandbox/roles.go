package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

const (
	defaultMaxSessionDuration = 3600
	minMaxSessionDuration     = 3600
	maxMaxSessionDuration     = 43200
)

// roleXML is IAM's Role shape. Which fields are present depends on the
// action, as roleView selects.
type roleXML struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               isoTime
	AssumeRolePolicyDocument string
	Description              *string          `xml:",omitempty"`
	MaxSessionDuration       *int32           `xml:",omitempty"`
	PermissionsBoundary      *boundaryXML     `xml:",omitempty"`
	Tags                     *members[tagXML] `xml:",omitempty"`
	RoleLastUsed             *roleLastUsedXML `xml:",omitempty"`
}

type roleLastUsedXML struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	Region       string   `xml:",omitempty"`
}

// roleView selects the fields of a role, as IAM returns different subsets.
type roleView int

const (
	// roleFull is GetRole's view: every field.
	roleFull roleView = iota
	// roleListed is ListRoles' view: no boundary, tags or last use.
	roleListed
	// roleInProfile is a role inside an instance profile: the identity and
	// the trust policy only.
	roleInProfile
)

func (c *call) roleXML(r *role, view roleView) roleXML {
	x := roleXML{
		Path: r.path, RoleName: r.name, RoleID: r.id, Arn: c.acct.roleARN(r), CreateDate: isoTime(r.created),
		AssumeRolePolicyDocument: encodeDocument(r.trustPolicy),
	}
	if view == roleInProfile {
		return x
	}
	if r.description != "" {
		x.Description = &r.description
	}
	x.MaxSessionDuration = &r.maxSessionDuration
	if view == roleListed {
		return x
	}
	x.PermissionsBoundary = boundaryOf(r.boundary)
	x.Tags = optionalMembers(tagsXML(r.tags))
	x.RoleLastUsed = &roleLastUsedXML{LastUsedDate: optionalTime(r.lastUsed), Region: r.lastUsedRegion}
	return x
}

type roleResult struct {
	Role roleXML
}

func createRole(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	path := defaultPath(c.optional("Path", pathRule))
	trust := c.required("AssumeRolePolicyDocument", policyDocumentRule)
	description := c.optional("Description", roleDescriptionRule)
	maxSession, hasMaxSession := c.int32Param("MaxSessionDuration", minMaxSessionDuration, maxMaxSessionDuration)
	boundaryARN := c.optional("PermissionsBoundary", arnRule)
	tags := c.tagsParam("Tags", true)
	if err := c.check(); err != nil {
		return nil, err
	}
	if !hasMaxSession {
		maxSession = defaultMaxSessionDuration
	}

	// Check the path, the name, the quotas, the trust policy and the boundary.
	if strings.HasPrefix(path, "/aws-service-role/") || strings.HasPrefix(path, "/aws-reserved/") {
		return nil, errInvalidInput("The path %s is reserved for roles that AWS creates.", path)
	}
	if err := checkNameFree(c.acct.roles, nil, "Role", name); err != nil {
		return nil, err
	}
	if q := c.s.quotas[quotaRoles]; int32(len(c.acct.roles)) >= q {
		return nil, errQuotaExceeded("RolesPerAccount", q)
	}
	if err := c.checkTrustPolicy(trust); err != nil {
		return nil, err
	}
	if err := c.checkTagQuota(tags, roleTags.quotaName); err != nil {
		return nil, err
	}
	boundary, err := c.boundaryPolicy(boundaryARN)
	if err != nil {
		return nil, err
	}

	r := &role{
		name: name, path: path, id: c.acct.newID(prefixRole), created: c.now(), trustPolicy: trust,
		description: description, maxSessionDuration: maxSession, tags: tags, boundary: boundary,
	}
	c.acct.roles[key(name)] = r
	x := c.roleXML(r, roleFull)
	x.RoleLastUsed = nil
	return roleResult{Role: x}, nil
}

// checkTrustPolicy validates a trust policy, its size and the users and
// roles of the account that it names as principals.
func (c *call) checkTrustPolicy(doc string) error {
	if err := validateDocument(doc, trustDocument); err != nil {
		return err
	}
	if q := c.s.quotas[quotaAssumeRolePolicySize]; int32(documentSize(doc)) > q {
		return errQuotaExceeded("ACLSizePerRole", q)
	}
	if err := c.acct.checkPrincipals(doc); err != nil {
		return err
	}
	return nil
}

// createServiceLinkedRole creates the role that an AWS service would: named
// AWSServiceRoleFor plus the service, under /aws-service-role/<service>/,
// trusting the service.
func createServiceLinkedRole(c *call) (any, error) {
	service := c.required("AWSServiceName", lengthRule(1, 128))
	description := c.optional("Description", roleDescriptionRule)
	suffix := c.optional("CustomSuffix", lengthRule(1, 64))
	if err := c.check(); err != nil {
		return nil, err
	}
	label, ok := strings.CutSuffix(service, ".amazonaws.com")
	if !ok || label == "" || strings.Contains(label, ".") {
		return nil, errInvalidInput("Invalid service name %s: it must be of the form <service>.amazonaws.com.", service)
	}
	// NOTE: AWS names each service's role its own way, such as
	// AWSServiceRoleForElasticBeanstalk; the sandbox only capitalises the
	// service's first letter.
	name := "AWSServiceRoleFor" + strings.ToUpper(label[:1]) + label[1:]
	if suffix != "" {
		name += "_" + suffix
	}
	if _, taken := c.acct.roles[key(name)]; taken {
		return nil, errInvalidInput("Service role name %s has been taken in this account, please try a different suffix.", name)
	}
	r := &role{
		name: name, path: "/aws-service-role/" + service + "/", id: c.acct.newID(prefixRole), created: c.now(),
		trustPolicy:        fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"%s"},"Action":"sts:AssumeRole"}]}`, service),
		description:        description,
		maxSessionDuration: defaultMaxSessionDuration,
	}
	c.acct.roles[key(name)] = r
	x := c.roleXML(r, roleFull)
	x.RoleLastUsed = nil
	return roleResult{Role: x}, nil
}

func getRole(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	r, err := c.role(name)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: c.roleXML(r, roleFull)}, nil
}

type listRolesResult struct {
	Roles members[roleXML]
	pageInfo
}

func listRoles(c *call) (any, error) {
	prefix := c.optional("PathPrefix", pathPrefixRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	roles := slices.DeleteFunc(sortedRoles(c.acct), func(r *role) bool { return !strings.HasPrefix(r.path, prefix) })
	page, info, err := paginate(p, roles, func(_ int, r *role) string { return key(r.name) })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(r *role) roleXML { return c.roleXML(r, roleListed) })
	return listRolesResult{Roles: memberList(out), pageInfo: info}, nil
}

// updateRoleResult is UpdateRole's empty result, which IAM sends as an
// empty element and the SDK requires.
type updateRoleResult struct{}

// updateRole sets the description and the maximum session duration, each
// only when given.
func updateRole(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	description := c.optional("Description", roleDescriptionRule)
	maxSession, hasMaxSession := c.int32Param("MaxSessionDuration", minMaxSessionDuration, maxMaxSessionDuration)
	if err := c.check(); err != nil {
		return nil, err
	}
	r, err := c.modifiableRole(name)
	if err != nil {
		return nil, err
	}
	if c.has("Description") {
		r.description = description
	}
	if hasMaxSession {
		r.maxSessionDuration = maxSession
	}
	return updateRoleResult{}, nil
}

func updateRoleDescription(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	description := c.required("Description", roleDescriptionRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	r, err := c.modifiableRole(name)
	if err != nil {
		return nil, err
	}
	r.description = description
	return roleResult{Role: c.roleXML(r, roleFull)}, nil
}

func updateAssumeRolePolicy(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	doc := c.required("PolicyDocument", policyDocumentRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	r, err := c.modifiableRole(name)
	if err != nil {
		return nil, err
	}
	if err := c.checkTrustPolicy(doc); err != nil {
		return nil, err
	}
	r.trustPolicy = doc
	return nil, nil
}

// deleteRole deletes a role that is in no instance profile and holds no
// policies.
func deleteRole(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	r, err := c.modifiableRole(name)
	if err != nil {
		return nil, err
	}
	switch {
	case len(c.acct.instanceProfilesOf(r)) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	case len(r.attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	case len(r.inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	}
	delete(c.acct.roles, key(r.name))
	c.acct.danglePrincipal(c.acct.roleARN(r), r.id)
	return nil, nil
}
