package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// maxTagsPerRequest is the most tags one request may carry.
const maxTagsPerRequest = 50

// tagsParam reads a Tags list, such as Tags.member.1.Key. With foldKeys,
// keys are compared case-insensitively, as IAM does on users and roles.
func (c *call) tagsParam(param string, foldKeys bool) []tag {
	members := c.structList(param)
	if len(members) > maxTagsPerRequest {
		c.problems = append(c.problems, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
			len(members), memberName(param), maxTagsPerRequest))
	}
	tags := make([]tag, 0, len(members))
	seen := map[string]bool{}
	for i, m := range members {
		t := tag{Key: m["Key"], Value: m["Value"]}
		if _, ok := m["Key"]; !ok {
			c.problems = append(c.problems, fmt.Sprintf("Value null at '%s.%d.member.key' failed to satisfy constraint: Member must not be null", memberName(param), i+1))
		}
		c.checkString(t.Key, fmt.Sprintf("%s.%d.member.key", memberName(param), i+1), tagKeyRule)
		c.checkString(t.Value, fmt.Sprintf("%s.%d.member.value", memberName(param), i+1), tagValueRule)
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			c.fail(errInvalidInput("Tag keys that start with 'aws:' are reserved for AWS use: %s.", t.Key))
		}
		k := tagKeyOf(t.Key, foldKeys)
		if seen[k] {
			c.fail(errInvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive."))
		}
		seen[k] = true
		tags = append(tags, t)
	}
	return tags
}

func tagKeyOf(k string, foldKeys bool) string {
	if foldKeys {
		return strings.ToLower(k)
	}
	return k
}

// mergeTags adds tags to existing ones, replacing the value of a tag whose
// key is already there.
func mergeTags(existing, add []tag, foldKeys bool) []tag {
	out := slices.Clone(existing)
	for _, t := range add {
		i := slices.IndexFunc(out, func(e tag) bool { return tagKeyOf(e.Key, foldKeys) == tagKeyOf(t.Key, foldKeys) })
		if i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	return out
}

// removeTags drops the tags with the given keys.
func removeTags(existing []tag, keys []string, foldKeys bool) []tag {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[tagKeyOf(k, foldKeys)] = true
	}
	return slices.DeleteFunc(slices.Clone(existing), func(t tag) bool { return drop[tagKeyOf(t.Key, foldKeys)] })
}

// checkTagQuota returns LimitExceeded when a resource would hold more tags
// than the quota allows.
func (c *call) checkTagQuota(tags []tag, quotaName string) error {
	if q := c.s.quotas[quotaTagsPerResource]; int32(len(tags)) > q {
		return errQuotaExceeded(quotaName, q)
	}
	return nil
}

// taggable describes a kind of resource that Tag*, Untag* and List*Tags
// actions work on.
type taggable struct {
	idParam   string // parameter that names the resource
	idRule    stringRule
	foldKeys  bool
	quotaName string // as LimitExceeded names the quota, such as TagsPerUser
	// tags returns the resource's tags for reading and changing.
	tags func(c *call, id string) (*[]tag, error)
}

var (
	userTags = taggable{idParam: "UserName", idRule: existingUserNameRule, foldKeys: true, quotaName: "TagsPerUser",
		tags: func(c *call, name string) (*[]tag, error) {
			u, err := c.user(name)
			if err != nil {
				return nil, err
			}
			return &u.tags, nil
		}}
	roleTags = taggable{idParam: "RoleName", idRule: roleNameRule, foldKeys: true, quotaName: "TagsPerRole",
		tags: func(c *call, name string) (*[]tag, error) {
			r, err := c.role(name)
			if err != nil {
				return nil, err
			}
			return &r.tags, nil
		}}
	policyTags = taggable{idParam: "PolicyArn", idRule: arnRule, quotaName: "TagsPerPolicy",
		tags: func(c *call, arn string) (*[]tag, error) {
			p, err := c.customerPolicy(arn)
			if err != nil {
				return nil, err
			}
			return &p.tags, nil
		}}
	mfaDeviceTags = taggable{idParam: "SerialNumber", idRule: serialNumberRule, quotaName: "TagsPerMFADevice",
		tags: func(c *call, serial string) (*[]tag, error) {
			v := c.acct.virtualMFADevices[serial]
			if v == nil {
				return nil, errNoSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
			}
			return &v.tags, nil
		}}
	instanceProfileTags = taggable{idParam: "InstanceProfileName", idRule: instanceProfileNameRule, quotaName: "TagsPerInstanceProfile",
		tags: func(c *call, name string) (*[]tag, error) {
			ip, err := c.instanceProfile(name)
			if err != nil {
				return nil, err
			}
			return &ip.tags, nil
		}}
)

// tagResource serves TagUser, TagRole, TagPolicy, TagInstanceProfile and
// TagMFADevice.
func tagResource(kind taggable) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		id := c.required(kind.idParam, kind.idRule)
		if !c.has("Tags.member.1.Key") {
			c.problems = append(c.problems, "Value null at 'tags' failed to satisfy constraint: Member must not be null")
		}
		add := c.tagsParam("Tags", kind.foldKeys)
		if err := c.check(); err != nil {
			return nil, err
		}
		tags, err := kind.tags(c, id)
		if err != nil {
			return nil, err
		}
		merged := mergeTags(*tags, add, kind.foldKeys)
		if err := c.checkTagQuota(merged, kind.quotaName); err != nil {
			return nil, err
		}
		*tags = merged
		return nil, nil
	}
}

// untagResource serves UntagUser, UntagRole, UntagPolicy,
// UntagInstanceProfile and UntagMFADevice. Keys that the resource lacks are
// ignored.
func untagResource(kind taggable) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		id := c.required(kind.idParam, kind.idRule)
		keys := c.list("TagKeys")
		if len(keys) == 0 {
			c.problems = append(c.problems, "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
		}
		for i, k := range keys {
			c.checkString(k, fmt.Sprintf("tagKeys.%d.member", i+1), tagKeyRule)
		}
		if err := c.check(); err != nil {
			return nil, err
		}
		tags, err := kind.tags(c, id)
		if err != nil {
			return nil, err
		}
		*tags = removeTags(*tags, keys, kind.foldKeys)
		return nil, nil
	}
}

type listTagsResult struct {
	Tags members[tagXML]
	pageInfo
}

// listResourceTags serves ListUserTags, ListRoleTags, ListPolicyTags,
// ListInstanceProfileTags and ListMFADeviceTags.
func listResourceTags(kind taggable) func(c *call) (any, error) {
	return func(c *call) (any, error) {
		id := c.required(kind.idParam, kind.idRule)
		p := c.pageRequest()
		if err := c.check(); err != nil {
			return nil, err
		}
		tags, err := kind.tags(c, id)
		if err != nil {
			return nil, err
		}
		page, info, err := paginate(p, *tags, positionKey)
		if err != nil {
			return nil, err
		}
		return listTagsResult{Tags: memberList(tagsXML(page)), pageInfo: info}, nil
	}
}
