package sandbox

import (
	"slices"
	"strings"
)

// instanceProfileXML is IAM's InstanceProfile shape. List actions leave
// out the tags.
type instanceProfileXML struct {
	Path                string
	InstanceProfileName string
	InstanceProfileID   string `xml:"InstanceProfileId"`
	Arn                 string
	CreateDate          isoTime
	Roles               members[roleXML]
	Tags                *members[tagXML] `xml:",omitempty"`
}

func (c *call) instanceProfileXML(ip *instanceProfile, withTags bool) instanceProfileXML {
	x := instanceProfileXML{
		Path: ip.path, InstanceProfileName: ip.name, InstanceProfileID: ip.id,
		Arn: c.acct.instanceProfileARN(ip), CreateDate: isoTime(ip.created),
		Roles: memberList(mapSlice(ip.roles, func(r *role) roleXML { return c.roleXML(r, roleInProfile) })),
	}
	if withTags {
		x.Tags = optionalMembers(tagsXML(ip.tags))
	}
	return x
}

type instanceProfileResult struct {
	InstanceProfile instanceProfileXML
}

func createInstanceProfile(c *call) (any, error) {
	name := c.required("InstanceProfileName", instanceProfileNameRule)
	path := defaultPath(c.optional("Path", pathRule))
	tags := c.tagsParam("Tags", false)
	if err := c.check(); err != nil {
		return nil, err
	}
	if ip := c.acct.instanceProfiles[key(name)]; ip != nil {
		return nil, errEntityAlreadyExists("Instance Profile %s already exists.", ip.name)
	}
	if q := c.s.quotas[quotaInstanceProfiles]; int32(len(c.acct.instanceProfiles)) >= q {
		return nil, errQuotaExceeded("InstanceProfilesPerAccount", q)
	}
	if err := c.checkTagQuota(tags, instanceProfileTags.quotaName); err != nil {
		return nil, err
	}
	ip := &instanceProfile{name: name, path: path, id: c.acct.newID(prefixInstanceProfile), created: c.now(), tags: tags}
	c.acct.instanceProfiles[key(name)] = ip
	return instanceProfileResult{InstanceProfile: c.instanceProfileXML(ip, true)}, nil
}

func getInstanceProfile(c *call) (any, error) {
	name := c.required("InstanceProfileName", instanceProfileNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	ip, err := c.instanceProfile(name)
	if err != nil {
		return nil, err
	}
	return instanceProfileResult{InstanceProfile: c.instanceProfileXML(ip, true)}, nil
}

type listInstanceProfilesResult struct {
	InstanceProfiles members[instanceProfileXML]
	pageInfo
}

func (c *call) instanceProfilePage(p pageRequest, profiles []*instanceProfile) (any, error) {
	page, info, err := paginate(p, profiles, func(_ int, ip *instanceProfile) string { return key(ip.name) })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(ip *instanceProfile) instanceProfileXML { return c.instanceProfileXML(ip, false) })
	return listInstanceProfilesResult{InstanceProfiles: memberList(out), pageInfo: info}, nil
}

func listInstanceProfiles(c *call) (any, error) {
	prefix := c.optional("PathPrefix", pathPrefixRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	profiles := slices.DeleteFunc(sortedInstanceProfiles(c.acct), func(ip *instanceProfile) bool { return !strings.HasPrefix(ip.path, prefix) })
	return c.instanceProfilePage(p, profiles)
}

func listInstanceProfilesForRole(c *call) (any, error) {
	name := c.required("RoleName", roleNameRule)
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	r, err := c.role(name)
	if err != nil {
		return nil, err
	}
	return c.instanceProfilePage(p, c.acct.instanceProfilesOf(r))
}

// deleteInstanceProfile deletes an instance profile that holds no role.
func deleteInstanceProfile(c *call) (any, error) {
	name := c.required("InstanceProfileName", instanceProfileNameRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	ip, err := c.instanceProfile(name)
	if err != nil {
		return nil, err
	}
	if len(ip.roles) > 0 {
		return nil, errDeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
	}
	delete(c.acct.instanceProfiles, key(ip.name))
	return nil, nil
}

// profileAndRole reads InstanceProfileName and RoleName, the parameters of
// AddRoleToInstanceProfile and RemoveRoleFromInstanceProfile, and returns
// what they name.
func (c *call) profileAndRole() (*instanceProfile, *role, error) {
	profileName := c.required("InstanceProfileName", instanceProfileNameRule)
	roleName := c.required("RoleName", roleNameRule)
	if err := c.check(); err != nil {
		return nil, nil, err
	}
	ip, err := c.instanceProfile(profileName)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.role(roleName)
	if err != nil {
		return nil, nil, err
	}
	return ip, r, nil
}

// addRoleToInstanceProfile puts a role in a profile, which IAM limits to
// one role.
func addRoleToInstanceProfile(c *call) (any, error) {
	ip, r, err := c.profileAndRole()
	if err != nil {
		return nil, err
	}
	if len(ip.roles) >= 1 {
		return nil, errQuotaExceeded("InstanceSessionsPerInstanceProfile", 1)
	}
	ip.roles = append(ip.roles, r)
	return nil, nil
}

func removeRoleFromInstanceProfile(c *call) (any, error) {
	ip, r, err := c.profileAndRole()
	if err != nil {
		return nil, err
	}
	if !removeFirst(&ip.roles, func(x *role) bool { return x == r }) {
		return nil, errNoSuchEntity("Role %s in Instance Profile %s cannot be found.", r.name, ip.name)
	}
	return nil, nil
}
