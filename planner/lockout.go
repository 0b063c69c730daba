package planner

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
)

// LockoutRisk is a planned change that may take IAM rights away from the
// identity iamsync runs as, so that a later plan or apply can no longer
// read or change the account.
type LockoutRisk struct {
	Change *Change
	// Reason is a sentence fragment such as "deletes the user iamsync runs as".
	Reason string
	// Range is the declaration of the entity the change is about, such as
	// the user a policy is detached from, used when the change has no
	// DeclRange.
	Range *hcl.Range
}

// caller is the IAM principal behind the caller's ARN: a user, or the role
// of an assumed-role session. The account root and federated users have
// no principal that a plan can change.
type caller struct {
	kind Type // TypeUser or TypeRole, or empty when nothing can lock it out
	name string
}

// callerOf parses arn:aws:iam::ACCOUNT:user/PATH/NAME and
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
func callerOf(arn string) caller {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return caller{}
	}
	resource := parts[5]
	switch {
	case parts[2] == "iam" && strings.HasPrefix(resource, "user/"):
		return caller{kind: TypeUser, name: resource[strings.LastIndex(resource, "/")+1:]}
	case parts[2] == "sts" && strings.HasPrefix(resource, "assumed-role/"):
		role := strings.SplitN(strings.TrimPrefix(resource, "assumed-role/"), "/", 2)[0]
		return caller{kind: TypeRole, name: role}
	}
	return caller{}
}

// lockoutCheck is the set of sources of the caller's rights in the live
// account, with the new policy documents of the plan.
type lockoutCheck struct {
	live   *provider.State
	caller caller
	// planned holds the new documents of the managed policies the plan
	// creates or changes, by ARN.
	planned map[string]string
	// groups are the caller user's groups, folded.
	groups map[string]bool
	// attached holds the managed policy ARNs attached to the caller or its
	// groups, or used as its permissions boundary.
	attached map[string]bool
}

// SelfLockoutRisks returns the changes of plan that may lock the caller of
// live out of the account. These are changes that delete its user or role,
// its access keys or its groups' memberships, and changes that remove or
// narrow the policies that give it IAM rights. Adding a Deny of IAM actions
// or a permissions boundary, and changing the trust policy of its role, are
// risks too. The account root cannot be locked out this way, so it has no
// risks. The check reads policy documents and does not run IAM's evaluation
// logic, so it errs on the side of warning.
func SelfLockoutRisks(plan *Plan, live *provider.State) []LockoutRisk {
	check := newLockoutCheck(live)
	if check == nil {
		return nil
	}
	check.planned = plannedDocuments(plan)
	var risks []LockoutRisk
	for _, c := range plan.Changes {
		if reason := check.reason(c); reason != "" {
			risks = append(risks, LockoutRisk{Change: c, Reason: reason})
		}
	}
	return risks
}

// lockoutSummary is the summary of a lockout warning, and
// lockoutRejection the sentence of its detail that an apply given
// --allow-self-lockout replaces.
const (
	lockoutSummary   = "Change may lock iamsync out"
	lockoutRejection = "Apply rejects the change unless --allow-self-lockout is given."
)

// LockoutWarnings turns risks into warnings for the plan's output.
func LockoutWarnings(risks []LockoutRisk, callerARN string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range risks {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  lockoutSummary,
			Detail: fmt.Sprintf("%s %s (%s). After it, iamsync may no longer be able to read or change this account. "+
				"Check the change, or run iamsync as another identity. %s",
				r.Change.Address, r.Reason, callerARN, lockoutRejection),
			Subject: r.subject(),
		})
	}
	return diags
}

// LockoutAllowed rewrites the lockout warnings of diags for an apply given
// --allow-self-lockout, which makes those changes after all the others
// instead of rejecting them.
func LockoutAllowed(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		out[i] = d
		if d.Summary == lockoutSummary {
			allowed := *d
			allowed.Detail = strings.Replace(d.Detail, lockoutRejection,
				"Apply makes the change after all the others, because --allow-self-lockout is given.", 1)
			out[i] = &allowed
		}
	}
	return out
}

// subject returns the source range a warning of r points at.
func (r LockoutRisk) subject() *hcl.Range {
	if r.Change.DeclRange != nil {
		return r.Change.DeclRange
	}
	return r.Range
}

func newLockoutCheck(live *provider.State) *lockoutCheck {
	c := callerOf(live.Caller.ARN)
	if c.kind == "" {
		return nil
	}
	check := &lockoutCheck{live: live, caller: c, groups: map[string]bool{}, attached: map[string]bool{}}
	switch c.kind {
	case TypeUser:
		u := live.User(c.name)
		if u == nil {
			return check
		}
		check.attach(u.AttachedPolicies, u.PermissionsBoundary)
		for _, name := range u.Groups {
			check.groups[fold(name)] = true
			if g := live.Group(name); g != nil {
				check.attach(g.AttachedPolicies, "")
			}
		}
	case TypeRole:
		if r := live.Role(c.name); r != nil {
			check.attach(r.AttachedPolicies, r.PermissionsBoundary)
		}
	}
	return check
}

func (k *lockoutCheck) attach(arns []string, boundary string) {
	for _, arn := range arns {
		k.attached[arn] = true
	}
	if boundary != "" {
		k.attached[boundary] = true
	}
}

// isCaller reports whether ref names the caller's user or role.
func (k *lockoutCheck) isCaller(typ Type, name string) bool {
	return typ == k.caller.kind && strings.EqualFold(name, k.caller.name)
}

// holdsRights reports whether a change's owner gives the caller its rights:
// the caller itself, or one of the caller user's groups.
func (k *lockoutCheck) holdsRights(ref *Ref) bool {
	if ref == nil {
		return false
	}
	return k.isCaller(ref.Type, ref.Name) || (ref.Type == TypeGroup && k.groups[fold(ref.Name)])
}

// reason returns why c may lock the caller out, or the empty string.
func (k *lockoutCheck) reason(c *Change) string {
	removes := c.Action == Delete || c.Action == Replace
	switch c.Type {
	case TypeUser, TypeRole:
		if k.isCaller(c.Type, c.Name) && removes {
			return fmt.Sprintf("deletes the %s iamsync runs as", c.Type)
		}
		if c.Type == TypeRole && k.isCaller(c.Type, c.Name) && c.Attr("assume_role_policy") != nil {
			return "changes the trust policy of the role iamsync runs as, which may stop it from assuming the role again"
		}
	case TypeAccessKey:
		if c.Parent != nil && k.isCaller(c.Parent.Type, c.Parent.Name) {
			if removes {
				return "deletes an access key of the user iamsync runs as"
			}
			if a := c.Attr("status"); a != nil && a.After == "Inactive" {
				return "deactivates an access key of the user iamsync runs as"
			}
		}
	case TypeBoundary:
		if c.Parent != nil && k.isCaller(c.Parent.Type, c.Parent.Name) && c.Action != Delete {
			return "sets a permissions boundary on the identity iamsync runs as, which limits its rights"
		}
	case TypeMembership:
		if removes && k.caller.kind == TypeUser && strings.EqualFold(c.Name, k.caller.name) &&
			c.Parent != nil && k.groupGrantsIAM(c.Parent.Name) {
			return fmt.Sprintf("removes the user iamsync runs as from group %s, which gives it IAM rights", c.Parent.Name)
		}
	case TypeInlinePolicy:
		if !k.holdsRights(c.Parent) {
			return ""
		}
		if c.Action == Create {
			if deniesIAM(documentAfter(c)) {
				return fmt.Sprintf("adds inline policy %s, which denies IAM actions to the identity iamsync runs as", c.Name)
			}
			return ""
		}
		return documentRisk(c, k.inlineDocument(c.Parent, c.Name), "inline policy "+c.Name)
	case TypeAttachment:
		if !k.holdsRights(c.Parent) {
			return ""
		}
		if removes && k.managedGrantsIAM(c.Name) {
			return fmt.Sprintf("detaches policy %s, which gives the identity iamsync runs as its IAM rights", c.Name)
		}
		if c.Action == Create && deniesIAM(k.managedDocument(c.Name)) {
			return fmt.Sprintf("attaches policy %s, which denies IAM actions to the identity iamsync runs as", c.Name)
		}
	case TypePolicy:
		arn, _ := attrString(c, "arn")
		if arn != "" && k.attached[arn] {
			before := ""
			if p := k.live.Policy(arn); p != nil {
				if v := p.DefaultVersion(); v != nil {
					before = v.Document
				}
			}
			return documentRisk(c, before, "managed policy "+c.Name)
		}
	}
	return ""
}

// documentRisk returns why a change to a policy document that the caller's
// rights come from may lock the caller out, or the empty string.
func documentRisk(c *Change, before, what string) string {
	if !grantsIAM(before) && !(c.Action == Update && deniesIAM(documentAfter(c))) {
		return ""
	}
	switch c.Action {
	case Delete, Replace:
		return fmt.Sprintf("removes %s, which gives the identity iamsync runs as its IAM rights", what)
	case Update:
		after := documentAfter(c)
		if after == "" {
			return ""
		}
		if grantsIAM(before) && !grantsIAM(after) {
			return fmt.Sprintf("changes %s so that it no longer gives the identity iamsync runs as IAM rights", what)
		}
		if deniesIAM(after) && !deniesIAM(before) {
			return fmt.Sprintf("adds a Deny of IAM actions to %s, which applies to the identity iamsync runs as", what)
		}
	}
	return ""
}

// documentAfter returns the new document text of a change, or "".
func documentAfter(c *Change) string {
	for _, name := range []string{"document", "assume_role_policy"} {
		if a := c.Attr(name); a != nil && a.After != nil {
			if s, ok := a.After.(fmt.Stringer); ok {
				return s.String()
			}
		}
	}
	return ""
}

// attrString returns a string attribute's after value, or its before value
// when there is no after value.
func attrString(c *Change, name string) (string, bool) {
	a := c.Attr(name)
	if a == nil {
		return "", false
	}
	if s, ok := a.After.(string); ok {
		return s, true
	}
	s, ok := a.Before.(string)
	return s, ok
}

// inlineDocument returns the live text of an inline policy, or "".
func (k *lockoutCheck) inlineDocument(owner *Ref, name string) string {
	var policies []provider.InlinePolicy
	switch owner.Type {
	case TypeUser:
		if u := k.live.User(owner.Name); u != nil {
			policies = u.InlinePolicies
		}
	case TypeGroup:
		if g := k.live.Group(owner.Name); g != nil {
			policies = g.InlinePolicies
		}
	case TypeRole:
		if r := k.live.Role(owner.Name); r != nil {
			policies = r.InlinePolicies
		}
	}
	for _, p := range policies {
		if p.Name == name {
			return p.Document
		}
	}
	return ""
}

// groupGrantsIAM reports whether any policy of a live group allows IAM
// actions.
func (k *lockoutCheck) groupGrantsIAM(name string) bool {
	g := k.live.Group(name)
	if g == nil {
		return false
	}
	for _, p := range g.InlinePolicies {
		if grantsIAM(p.Document) {
			return true
		}
	}
	for _, arn := range g.AttachedPolicies {
		if k.managedGrantsIAM(arn) {
			return true
		}
	}
	return false
}

// managedGrantsIAM reports whether the managed policy arn allows IAM
// actions: by its live document, or by its name for the AWS-managed
// policies known to grant them (AdministratorAccess, IAMFullAccess,
// IAMReadOnlyAccess), whatever document the state contains. A sandbox
// without a policy catalogue gives those policies a placeholder document.
func (k *lockoutCheck) managedGrantsIAM(arn string) bool {
	if provider.IsAWSManagedPolicyARN(arn) {
		name := arn[strings.LastIndex(arn, "/")+1:]
		if name == "AdministratorAccess" || name == "IAMFullAccess" || name == "IAMReadOnlyAccess" {
			return true
		}
	}
	return grantsIAM(k.liveDocument(arn))
}

// managedDocument returns the document a managed policy will have: the
// plan's new one, or the live default version's, or "".
func (k *lockoutCheck) managedDocument(arn string) string {
	if doc, ok := k.planned[arn]; ok {
		return doc
	}
	return k.liveDocument(arn)
}

// liveDocument returns the live default version of a managed policy, or "".
func (k *lockoutCheck) liveDocument(arn string) string {
	if p := k.live.Policy(arn); p != nil {
		if v := p.DefaultVersion(); v != nil {
			return v.Document
		}
	}
	return ""
}

// plannedDocuments returns the new documents of the managed policies that
// plan creates, updates or replaces, by ARN.
func plannedDocuments(plan *Plan) map[string]string {
	docs := map[string]string{}
	for _, c := range plan.Changes {
		if c.Type != TypePolicy || c.Action == Delete {
			continue
		}
		if arn, _ := attrString(c, "arn"); arn != "" {
			if doc := documentAfter(c); doc != "" {
				docs[arn] = doc
			}
		}
	}
	return docs
}

// statement is the part of a policy statement the lockout check reads.
type statement struct {
	Effect    string
	Action    json.RawMessage
	NotAction json.RawMessage
}

// statementsOf decodes the statements of a document into T, and returns nil
// for a document that does not decode.
func statementsOf[T any](doc string) []T {
	var d struct{ Statement json.RawMessage }
	if doc == "" || json.Unmarshal([]byte(doc), &d) != nil {
		return nil
	}
	var list []T
	if json.Unmarshal(d.Statement, &list) == nil {
		return list
	}
	var one T
	if json.Unmarshal(d.Statement, &one) == nil {
		return []T{one}
	}
	return nil
}

// stringsOf decodes a string or a list of strings.
func stringsOf(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	return nil
}

// coversIAM reports whether an action pattern, with IAM's * and ?
// wildcards, matches some IAM action.
func coversIAM(action string) bool {
	return strings.HasPrefix(strings.ToLower(action), "iam:") || matchesAction(action, "iam:putuserpolicy")
}

// coversAllIAM reports whether an action pattern matches every IAM action,
// as "*", "iam:*" or "ia*" do: it is tried on IAM action names of different
// shapes, which only such a pattern matches all of.
func coversAllIAM(action string) bool {
	for _, name := range []string{"iam:putuserpolicy", "iam:getuser", "iam:x"} {
		if !matchesAction(action, name) {
			return false
		}
	}
	return true
}

// matchesAction matches an action pattern with IAM's * and ? wildcards
// against a lowercase action name.
func matchesAction(pattern, name string) bool {
	expr := regexp.QuoteMeta(strings.ToLower(pattern))
	expr = strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(expr)
	matched, err := regexp.MatchString("^"+expr+"$", name)
	return err == nil && matched
}

// grantsIAM reports whether a document allows some IAM action: an Allow
// with an action such as iam:* or *, or an Allow with NotAction that does
// not exclude IAM.
func grantsIAM(doc string) bool {
	for _, st := range statementsOf[statement](doc) {
		if !strings.EqualFold(st.Effect, "Allow") {
			continue
		}
		for _, a := range stringsOf(st.Action) {
			if coversIAM(a) {
				return true
			}
		}
		if len(st.NotAction) > 0 {
			excluded := false
			for _, a := range stringsOf(st.NotAction) {
				if coversAllIAM(a) {
					excluded = true
				}
			}
			if !excluded {
				return true
			}
		}
	}
	return false
}

// deniesIAM reports whether a document denies some IAM action: a Deny of
// an action such as iam:* or *, or a Deny with NotAction that does not
// leave IAM out (NotAction "*" denies nothing at all).
func deniesIAM(doc string) bool {
	for _, st := range statementsOf[statement](doc) {
		if !strings.EqualFold(st.Effect, "Deny") {
			continue
		}
		for _, a := range stringsOf(st.Action) {
			if coversIAM(a) {
				return true
			}
		}
		if len(st.NotAction) > 0 && !slices.ContainsFunc(stringsOf(st.NotAction), coversAllIAM) {
			return true
		}
	}
	return false
}
