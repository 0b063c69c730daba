package planner

import (
	"fmt"
	"strings"
)

// Description returns the change as one sentence without its final period,
// such as "user.bob will be deleted because it is not in the configuration".
func (c *Change) Description() string {
	text := c.Address + " " + c.Action.phrase()
	if reason := c.ReasonText(); reason != "" {
		text += " because " + reason
	}
	return text
}

// phrase returns the verb phrase that follows an address in a description.
func (a Action) phrase() string {
	switch a {
	case Create:
		return "will be created"
	case Update:
		return "will be updated in place"
	case Replace:
		return "must be replaced"
	case Delete:
		return "will be deleted"
	case NoOp:
		return "has no changes"
	}
	panic(fmt.Sprintf("planner: unknown action %q", a))
}

// ReasonText returns the clause that explains the change, such as "it
// expired at 2026-01-01T00:00:00Z", or the empty string when the attributes
// explain it alone.
func (c *Change) ReasonText() string {
	subject := "it"
	if c.Cause != "" {
		subject = c.Cause
	}
	switch c.Reason {
	case ReasonNone:
		return ""
	case ReasonNotDeclared:
		return subject + " is not in the configuration"
	case ReasonExpired:
		return subject + " expired at " + c.Detail
	case ReasonCannotUpdate:
		return "IAM cannot change " + joinWords(c.forcingAttrs()) + " in place"
	case ReasonParentReplaced:
		return subject + " must be replaced"
	case ReasonRenamed:
		return fmt.Sprintf("it is renamed from %q", c.OldName)
	case ReasonReferenceDeleted:
		return subject + " will be deleted"
	case ReasonSecretFileEmpty:
		return "its secret file " + c.Detail + " is empty, so its secret is lost"
	}
	panic(fmt.Sprintf("planner: unknown reason %q", c.Reason))
}

// forcingAttrs returns the names of the attributes that force replacement.
func (c *Change) forcingAttrs() []string {
	var names []string
	for _, a := range c.Attrs {
		if a.ForcesReplacement {
			names = append(names, a.Name)
		}
	}
	if len(names) == 0 {
		names = []string{"it"}
	}
	return names
}

// joinWords joins words as English does: "a", "a and b", "a, b and c".
func joinWords(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
