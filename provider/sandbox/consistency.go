package sandbox

import (
	"net/url"
	"strings"
	"time"
)

// IAM is eventually consistent: a new entity is not at once visible to
// every endpoint, so a call that uses it right after its creation may fail
// as if it did not exist. Faults.ConsistencyDelay models this. The injector
// records when each user, group, role, customer-managed policy and
// instance profile was created, and for the delay refuses the calls of
// visibilityChecks that name it.

// entityKind is a kind of entity whose creation the injector records.
type entityKind int

const (
	kindUser entityKind = iota + 1
	kindGroup
	kindRole
	kindPolicy
	kindInstanceProfile
)

// recentEntities holds the creation time of recently created entities by
// kind and folded name. Customer-managed policies are keyed by name, which
// is unique in the account as ARNs are.
type recentEntities map[entityKind]map[string]time.Time

// creations maps a creating action to the kind of entity it makes and the
// parameter that names it. UpdateUser and UpdateGroup make a new name
// when they rename.
var creations = map[string]struct {
	kind  entityKind
	param string
}{
	"CreateUser":            {kindUser, "UserName"},
	"UpdateUser":            {kindUser, "NewUserName"},
	"CreateGroup":           {kindGroup, "GroupName"},
	"UpdateGroup":           {kindGroup, "NewGroupName"},
	"CreateRole":            {kindRole, "RoleName"},
	"CreatePolicy":          {kindPolicy, "PolicyName"},
	"CreateInstanceProfile": {kindInstanceProfile, "InstanceProfileName"},
}

// entityRef is a parameter of an action that names an entity: by name, or
// for kindPolicy by ARN.
type entityRef struct {
	kind  entityKind
	param string
}

// visibilityChecks lists, for each action that uses entities, the
// parameters that name them. trustPolicyParams names the actions whose
// trust policy is checked for new principals: they get the error that the
// action gives for a principal that does not exist.
var (
	visibilityChecks = map[string][]entityRef{
		"AddUserToGroup":             {{kindGroup, "GroupName"}, {kindUser, "UserName"}},
		"AddRoleToInstanceProfile":   {{kindInstanceProfile, "InstanceProfileName"}, {kindRole, "RoleName"}},
		"AttachUserPolicy":           {{kindUser, "UserName"}, {kindPolicy, "PolicyArn"}},
		"AttachGroupPolicy":          {{kindGroup, "GroupName"}, {kindPolicy, "PolicyArn"}},
		"AttachRolePolicy":           {{kindRole, "RoleName"}, {kindPolicy, "PolicyArn"}},
		"PutUserPolicy":              {{kindUser, "UserName"}},
		"PutGroupPolicy":             {{kindGroup, "GroupName"}},
		"PutRolePolicy":              {{kindRole, "RoleName"}},
		"PutUserPermissionsBoundary": {{kindUser, "UserName"}, {kindPolicy, "PermissionsBoundary"}},
		"PutRolePermissionsBoundary": {{kindRole, "RoleName"}, {kindPolicy, "PermissionsBoundary"}},
		"CreateUser":                 {{kindPolicy, "PermissionsBoundary"}},
		"CreateRole":                 {{kindPolicy, "PermissionsBoundary"}},
		"CreateAccessKey":            {{kindUser, "UserName"}},
		"CreateLoginProfile":         {{kindUser, "UserName"}},
	}
	trustPolicyParams = map[string]string{
		"CreateRole":             "AssumeRolePolicyDocument",
		"UpdateAssumeRolePolicy": "PolicyDocument",
	}
)

// recordCreated records the entity that a successful request created.
func (inj *injector) recordCreated(action string, params url.Values) {
	c, ok := creations[action]
	if !ok {
		return
	}
	name := first(params[c.param])
	if name == "" {
		return
	}
	now := inj.now()
	inj.mu.Lock()
	defer inj.mu.Unlock()
	inj.created.prune(now, inj.faults.ConsistencyDelay)
	if inj.created[c.kind] == nil {
		inj.created[c.kind] = map[string]time.Time{}
	}
	inj.created[c.kind][key(name)] = now
}

// checkVisible returns the error that IAM gives while an entity that the
// request uses is not yet visible, or nil.
func (inj *injector) checkVisible(action string, params url.Values) *apiError {
	if inj.faults.ConsistencyDelay <= 0 {
		return nil
	}
	now := inj.now()
	var found *apiError
	for _, ref := range visibilityChecks[action] {
		value := first(params[ref.param])
		if value != "" && inj.isNew(ref.kind, nameOf(ref.kind, value), now) {
			found = notFound(ref.kind, value)
			break
		}
	}
	if param, ok := trustPolicyParams[action]; ok && found == nil {
		for _, arn := range awsPrincipals(first(params[param])) {
			if kind, name, ok := inj.accountPrincipal(arn); ok && inj.isNew(kind, name, now) {
				found = errInvalidPrincipal(arn)
				break
			}
		}
	}
	if found != nil {
		inj.mu.Lock()
		inj.counts.NotYetVisible++
		inj.mu.Unlock()
	}
	return found
}

// isNew reports whether the entity was created less than the delay before
// now.
func (inj *injector) isNew(kind entityKind, name string, now time.Time) bool {
	if name == "" {
		return false
	}
	inj.mu.Lock()
	defer inj.mu.Unlock()
	created, ok := inj.created[kind][key(name)]
	return ok && now.Sub(created) < inj.faults.ConsistencyDelay
}

// prune removes the records of entities created delay or longer before
// now.
func (r recentEntities) prune(now time.Time, delay time.Duration) {
	for _, names := range r {
		for name, created := range names {
			if now.Sub(created) >= delay {
				delete(names, name)
			}
		}
	}
}

// nameOf returns the name of the entity that a parameter value names. A
// policy is named by its ARN, and only customer-managed ARNs can name a new
// policy: arn:aws:iam::<account>:policy/<path><name>.
func nameOf(kind entityKind, value string) string {
	if kind != kindPolicy {
		return value
	}
	parts := strings.SplitN(value, ":", 6)
	if len(parts) != 6 || parts[4] == "aws" || !strings.HasPrefix(parts[5], "policy/") {
		return ""
	}
	return parts[5][strings.LastIndex(parts[5], "/")+1:]
}

// notFound is IAM's NoSuchEntity for an entity that a request names.
func notFound(kind entityKind, value string) *apiError {
	switch kind {
	case kindUser:
		return errNoSuchEntity("The user with name %s cannot be found.", value)
	case kindGroup:
		return errNoSuchEntity("The group with name %s cannot be found.", value)
	case kindRole:
		return errNoSuchEntity("The role with name %s cannot be found.", value)
	case kindInstanceProfile:
		return errNoSuchEntity("Instance Profile %s cannot be found.", value)
	default:
		return errNoSuchEntity("Policy %s does not exist or is not attachable.", value)
	}
}

// accountPrincipal parses the ARN of a user or role of the sandbox's
// account and returns its kind and name.
func (inj *injector) accountPrincipal(arn string) (entityKind, string, bool) {
	ref, ok := parsePrincipalARN(arn, inj.accountID())
	return ref.kind, ref.name, ok
}

// first returns the first value of a parameter, or "".
func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}
