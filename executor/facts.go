package executor

import (
	"strings"

	"github.com/iamsync/iamsync/planner"
)

// IAM's ordering rules are written as facts. A step provides the facts that
// hold once it has run and needs the facts that must hold before it starts.
// link makes every step that needs a fact depend on every step that
// provides it. The compile files state the facts of each step.

// factKind is the kind of statement a fact makes about an object.
type factKind int

const (
	// factExists: the object exists under this name. The step that creates
	// it provides the fact, and so does a rename to the name. Steps that use
	// the object need it: a sub-resource's create, an attachment's create
	// (for the policy), AddRoleToInstanceProfile, AddUserToGroup and trust
	// policies that name a principal.
	factExists factKind = iota + 1
	// factRenamed: the user or group has its new name. Every step on a
	// sub-resource of the entity needs it, the deletes too, because they
	// call IAM with the new name.
	factRenamed
	// factUnused: a use of the object is gone. Steps that delete a
	// sub-resource, detach a policy, or remove a boundary, a membership or an
	// instance profile's role provide it. The steps that delete the object
	// need it.
	factUnused
	// factNameFree: no object of the type holds the name any more, compared
	// case-insensitively. Deletes and renames away from a name provide it;
	// creates and renames to the name need it.
	factNameFree
	// factPasswordPolicy: the account's password policy is the planned one,
	// which a generated password must satisfy.
	factPasswordPolicy
)

// fact is one statement about one object. The key is folded to lower case,
// because IAM compares names case-insensitively; two objects that differ
// only in case can never exist at once.
type fact struct {
	kind factKind
	typ  planner.Type
	key  string
}

// newFact returns a fact about the object named by the key parts, which are
// joined with "/", a character IAM names cannot hold.
func newFact(kind factKind, typ planner.Type, key ...string) fact {
	return fact{kind: kind, typ: typ, key: strings.ToLower(strings.Join(key, "/"))}
}

// link adds the edges that the facts of the nodes call for. A node that
// waits for an entity created or renamed in this apply, or for the removal
// of an entity's uses, is marked to retry IAM's eventual-consistency
// errors.
func link(nodes []*node) {
	providers := make(map[fact][]*node)
	for _, n := range nodes {
		for _, f := range n.provides {
			providers[f] = append(providers[f], n)
		}
	}
	for _, n := range nodes {
		for _, f := range n.needs {
			for _, p := range providers[f] {
				if p == n {
					continue
				}
				n.after(p)
				switch f.kind {
				case factExists:
					n.awaitsCreate = true
				case factUnused:
					n.awaitsRemoval = true
				}
			}
		}
	}
}
