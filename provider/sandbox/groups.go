package sandbox

import (
	"slices"
	"strings"
)

// groupXML is IAM's Group shape.
type groupXML struct {
	Path       string
	GroupName  string
	GroupID    string `xml:"GroupId"`
	Arn        string
	CreateDate isoTime
}

func (c *call) groupXML(g *group) groupXML {
	return groupXML{Path: g.path, GroupName: g.name, GroupID: g.id, Arn: c.acct.groupARN(g), CreateDate: isoTime(g.created)}
}

func (c *call) groupsXML(groups []*group) []groupXML {
	return mapSlice(groups, c.groupXML)
}

type groupResult struct {
	Group groupXML
}

func createGroup(c *call) (any, error) {
	name := c.required("GroupName", groupNameRule)
	path := defaultPath(c.optional("Path", pathRule))
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := checkNameFree(c.acct.groups, nil, "Group", name); err != nil {
		return nil, err
	}
	if q := c.s.quotas[quotaGroups]; int32(len(c.acct.groups)) >= q {
		return nil, errQuotaExceeded("GroupsPerAccount", q)
	}
	g := &group{name: name, path: path, id: c.acct.newID(prefixGroup), created: c.now()}
	c.acct.groups[key(name)] = g
	return groupResult{Group: c.groupXML(g)}, nil
}

type getGroupResult struct {
	Group groupXML
	Users members[userXML]
	pageInfo
}

// getGroup returns a group with its members, a page at a time.
func getGroup(c *call) (any, error) {
	name := c.required("GroupName", groupNameRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	g, err := c.group(name)
	if err != nil {
		return nil, err
	}
	users := slices.Clone(g.members)
	slices.SortFunc(users, func(a, b *user) int { return strings.Compare(key(a.name), key(b.name)) })
	page, info, err := paginate(p, users, func(_ int, u *user) string { return key(u.name) })
	if err != nil {
		return nil, err
	}
	return getGroupResult{Group: c.groupXML(g), Users: memberList(c.listedUsersXML(page)), pageInfo: info}, nil
}

func listGroups(c *call) (any, error) {
	prefix := c.optional("PathPrefix", pathPrefixRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	groups := slices.DeleteFunc(sortedGroups(c.acct), func(g *group) bool { return !strings.HasPrefix(g.path, prefix) })
	page, info, err := paginate(p, groups, func(_ int, g *group) string { return key(g.name) })
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: memberList(c.groupsXML(page)), pageInfo: info}, nil
}

// updateGroup renames a group or moves it to another path.
func updateGroup(c *call) (any, error) {
	name := c.required("GroupName", groupNameRule)
	newName := c.optional("NewGroupName", groupNameRule)
	newPath := c.optional("NewPath", pathRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	g, err := c.group(name)
	if err != nil {
		return nil, err
	}
	if newName != "" {
		if err := rename(c.acct.groups, g, "Group", newName); err != nil {
			return nil, err
		}
	}
	if newPath != "" {
		g.path = newPath
	}
	return nil, nil
}

// deleteGroup deletes a group without members or policies.
func deleteGroup(c *call) (any, error) {
	name := c.required("GroupName", groupNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	g, err := c.group(name)
	if err != nil {
		return nil, err
	}
	switch {
	case len(g.members) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove users from group first.")
	case len(g.inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(g.attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	delete(c.acct.groups, key(g.name))
	return nil, nil
}
