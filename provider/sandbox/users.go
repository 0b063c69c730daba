package sandbox

import (
	"slices"
	"strings"
)

// userXML is IAM's User shape. ListUsers leaves out the boundary and tags.
type userXML struct {
	Path                string `xml:",omitempty"`
	UserName            string `xml:",omitempty"`
	UserID              string `xml:"UserId"`
	Arn                 string
	CreateDate          isoTime
	PasswordLastUsed    *isoTime         `xml:",omitempty"`
	PermissionsBoundary *boundaryXML     `xml:",omitempty"`
	Tags                *members[tagXML] `xml:",omitempty"`
}

// userXML renders a user; full adds the boundary and the tags.
func (c *call) userXML(u *user, full bool) userXML {
	x := userXML{
		Path: u.path, UserName: u.name, UserID: u.id, Arn: c.acct.userARN(u),
		CreateDate: isoTime(u.created), PasswordLastUsed: optionalTime(u.passwordLastUsed),
	}
	if full {
		x.PermissionsBoundary = boundaryOf(u.boundary)
		x.Tags = optionalMembers(tagsXML(u.tags))
	}
	return x
}

// listedUsersXML renders users as lists show them, without the boundary
// and the tags.
func (c *call) listedUsersXML(users []*user) []userXML {
	return mapSlice(users, func(u *user) userXML { return c.userXML(u, false) })
}

type userResult struct {
	User userXML
}

func createUser(c *call) (any, error) {
	name := c.required("UserName", userNameRule)
	path := defaultPath(c.optional("Path", pathRule))
	boundaryARN := c.optional("PermissionsBoundary", arnRule)
	tags := c.tagsParam("Tags", true)
	if err := c.check(); err != nil {
		return nil, err
	}

	// Check the name, the quotas and the boundary.
	if err := checkNameFree(c.acct.users, nil, "User", name); err != nil {
		return nil, err
	}
	if q := c.s.quotas[quotaUsers]; int32(len(c.acct.users)) >= q {
		return nil, errQuotaExceeded("UsersPerAccount", q)
	}
	if err := c.checkTagQuota(tags, userTags.quotaName); err != nil {
		return nil, err
	}
	boundary, err := c.boundaryPolicy(boundaryARN)
	if err != nil {
		return nil, err
	}

	u := &user{name: name, path: path, id: c.acct.newID(prefixUser), created: c.now(), tags: tags, boundary: boundary}
	c.acct.users[key(name)] = u
	return userResult{User: c.userXML(u, true)}, nil
}

// getUser returns the named user, or the caller when no name is given.
func getUser(c *call) (any, error) {
	name := c.optional("UserName", existingUserNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	if name == "" {
		return c.callerAsUser()
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	return userResult{User: c.userXML(u, true)}, nil
}

// callerAsUser returns the caller for GetUser without a name: the IAM user
// that the request acts as, or the root user. For the root user, IAM
// returns the account id as UserId and the root ARN, with no name or path.
// Role sessions and federated users must name the user.
func (c *call) callerAsUser() (any, error) {
	switch c.callerKind() {
	case rootCaller:
		return userResult{User: userXML{
			UserID: c.acct.id, Arn: c.acct.arn("root"), CreateDate: isoTime(c.acct.created),
			PasswordLastUsed: optionalTime(c.acct.root.passwordLastUsed),
		}}, nil
	case userCaller:
		return userResult{User: c.userXML(c.callerUser(), true)}, nil
	default:
		return nil, errNonUserCredentials()
	}
}

type listUsersResult struct {
	Users members[userXML]
	pageInfo
}

func listUsers(c *call) (any, error) {
	prefix := c.optional("PathPrefix", pathPrefixRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	users := slices.DeleteFunc(sortedUsers(c.acct), func(u *user) bool { return !strings.HasPrefix(u.path, prefix) })
	page, info, err := paginate(p, users, func(_ int, u *user) string { return key(u.name) })
	if err != nil {
		return nil, err
	}
	return listUsersResult{Users: memberList(c.listedUsersXML(page)), pageInfo: info}, nil
}

// updateUser renames a user or moves it to another path.
func updateUser(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	newName := c.optional("NewUserName", userNameRule)
	newPath := c.optional("NewPath", pathRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	oldARN := c.acct.userARN(u)
	if newName != "" {
		if err := rename(c.acct.users, u, "User", newName); err != nil {
			return nil, err
		}
	}
	if newPath != "" {
		u.path = newPath
	}
	// IAM updates the policies that name the user as a principal to its
	// new name and path, but not those that name it as a resource.
	if newARN := c.acct.userARN(u); newARN != oldARN {
		c.acct.replacePrincipalEverywhere(oldARN, newARN)
	}
	return nil, nil
}

// deleteUser deletes a user that holds nothing: IAM refuses while the user
// has credentials, policies or group memberships.
func deleteUser(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	switch {
	case u.loginProfile != nil:
		return nil, errDeleteConflict("Cannot delete entity, must delete login profile first.")
	case len(u.accessKeys) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete access keys first.")
	case len(u.signingCertificates) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete signing certificates first.")
	case len(u.sshPublicKeys) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete SSH public keys first.")
	case len(u.serviceCredentials) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete service specific credentials first.")
	case len(u.mfaDevices) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete MFA device first.")
	case len(u.inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(u.attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	case len(u.groups) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove referenced objects first.")
	}
	delete(c.acct.users, key(u.name))
	c.acct.danglePrincipal(c.acct.userARN(u), u.id)
	return nil, nil
}

// groupAndUser reads GroupName and UserName, the parameters of
// AddUserToGroup and RemoveUserFromGroup, and returns what they name.
func (c *call) groupAndUser() (*group, *user, error) {
	groupName := c.required("GroupName", groupNameRule)
	userName := c.required("UserName", existingUserNameRule)
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	g, err := c.group(groupName)
	if err != nil {
		return nil, nil, err
	}
	u, err := c.user(userName)
	if err != nil {
		return nil, nil, err
	}
	return g, u, nil
}

func addUserToGroup(c *call) (any, error) {
	g, u, err := c.groupAndUser()
	if err != nil {
		return nil, err
	}
	if slices.Contains(u.groups, g) {
		return nil, nil
	}
	if q := c.s.quotas[quotaGroupsPerUser]; int32(len(u.groups)) >= q {
		return nil, errQuotaExceeded("GroupsPerUser", q)
	}
	u.groups = append(u.groups, g)
	g.members = append(g.members, u)
	return nil, nil
}

func removeUserFromGroup(c *call) (any, error) {
	g, u, err := c.groupAndUser()
	if err != nil {
		return nil, err
	}
	if !removeFirst(&u.groups, func(x *group) bool { return x == g }) {
		return nil, errNoSuchEntity("The user with name %s cannot be found in group %s.", u.name, g.name)
	}
	g.members = slices.DeleteFunc(g.members, func(m *user) bool { return m == u })
	return nil, nil
}

type listGroupsResult struct {
	Groups members[groupXML]
	pageInfo
}

func listGroupsForUser(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	groups := slices.Clone(u.groups)
	slices.SortFunc(groups, func(a, b *group) int { return strings.Compare(key(a.name), key(b.name)) })
	page, info, err := paginate(p, groups, func(_ int, g *group) string { return key(g.name) })
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: memberList(c.groupsXML(page)), pageInfo: info}, nil
}
