package planner

import "fmt"

// dependentSentence describes what a replacement does to one dependent, such
// as "instance_profile.app holds the role: it is removed from the profile
// before the delete and added back after the create".
func dependentSentence(d Dependent) string {
	switch d.Kind {
	case DependentAttachment:
		if d.Effect == EffectRestored {
			return d.Address + " attaches the policy: it is detached before the delete and attached again after the create"
		}
		return d.Address + " attaches the policy: it is detached before the delete and not attached again"
	case DependentBoundary:
		if d.Effect == EffectRestored {
			return d.Address + " uses the policy as its permissions boundary: the boundary is removed before the delete and set again after the create"
		}
		return d.Address + " uses the policy as its permissions boundary: the boundary is removed before the delete and not set again"
	case DependentInstanceProfile:
		if d.Effect == EffectRestored {
			return d.Address + " holds the role: it is removed from the profile before the delete and added back after the create"
		}
		return d.Address + " holds the role: it is removed from the profile before the delete and not added back"
	case DependentTrustPolicy:
		switch d.Effect {
		case EffectRestored:
			return d.Address + " names the role in its trust policy: IAM puts the old role's unique id there at the " +
				"delete, and the plan writes the trust policy again, with the new role's ARN, after the create"
		case EffectRemoved:
			return d.Address + " names the role in its trust policy, and the plan deletes it"
		}
		return d.Address + " names the role in its trust policy: after the delete, IAM puts the old role's unique id " +
			"there in place of the ARN, and creating the role again does not restore it. Write that trust policy " +
			"again after apply, naming the role by its current ARN"
	}
	panic(fmt.Sprintf("planner: unknown dependent kind %q", d.Kind))
}

// dependentsHeading returns the line that introduces the dependents of a
// replacement, or that states there are none. It returns "" for an
// instance profile, which nothing in IAM names.
func dependentsHeading(c *Change) string {
	if len(c.Dependents) == 0 && c.Type == TypeInstanceProfile {
		return ""
	}
	if len(c.Dependents) == 0 && c.Type == TypeRole {
		return fmt.Sprintf("No instance profile and no trust policy of a role in the account names %s.", c.Address)
	}
	if len(c.Dependents) == 0 {
		return fmt.Sprintf("No user, group or role in the account attaches %s or uses it as a permissions boundary.", c.Address)
	}
	return fmt.Sprintf("What names %s in the account:", c.Address)
}

// outsideNote warns about references to a replaced entity that the IAM API
// does not show, or returns "".
func outsideNote(c *Change) string {
	switch c.Type {
	case TypeRole:
		return "After the delete, IAM puts the role's unique id in place of its ARN in every policy that names " +
			"the role as a principal, including resource policies outside IAM, such as those of S3 buckets and KMS " +
			"keys, which iamsync cannot see. Creating the role again does not restore them."
	case TypeInstanceProfile:
		return "iamsync cannot see what outside IAM uses the instance profile, such as EC2 instances and launch templates."
	}
	return ""
}

// showsDependents reports whether a change has a blast radius to render:
// a replaced role, policy or instance profile.
func showsDependents(c *Change) bool {
	return c.Action == Replace && (c.Type == TypeRole || c.Type == TypePolicy || c.Type == TypeInstanceProfile)
}
