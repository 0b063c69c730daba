package planner

import (
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// statusActive is the status of a declared access key that sets none.
const statusActive = "Active"

// Attributes of a deleted user's change that list the credentials apply
// deletes with the user, which the configuration cannot declare.
const (
	attrMFADevices                 = "mfa_devices"
	attrSSHPublicKeys              = "ssh_public_keys"
	attrSigningCertificates        = "signing_certificates"
	attrServiceSpecificCredentials = "service_specific_credentials"
)

// planCredentials plans the access keys and login profiles of users that
// manage them, and removes those of deleted users that the state lists.
//
// Credentials are compared only when the reader read them (User.Credentials
// is set): callers ask for the credentials of every user that declares
// access_keys or login_profile. Credentials of a deleted user that were not
// read are found and removed by the executor.
func (p *planner) planCredentials() {
	for _, u := range p.users {
		switch {
		case u.fate == fateDelete:
			p.deleteCredentials(u)
		case u.managed():
			p.planAccessKeys(u)
			p.planLoginProfile(u)
		}
	}
}

// deleteCredentials deletes the access keys and login profile of a deleted
// user, for the user's reason.
func (p *planner) deleteCredentials(u *userPair) {
	if u.live.Credentials == nil {
		return
	}
	// IAM refuses to delete a user that has credentials iamsync does not
	// manage, so apply deletes them first. The user's change lists them.
	if c := p.changes[u.addr]; c != nil {
		creds := u.live.Credentials
		for _, other := range []struct {
			name string
			ids  []string
		}{
			{attrMFADevices, creds.MFADevices},
			{attrSSHPublicKeys, creds.SSHPublicKeys},
			{attrSigningCertificates, creds.SigningCertificates},
			{attrServiceSpecificCredentials, creds.ServiceSpecificCredentials},
		} {
			if len(other.ids) > 0 {
				c.Attrs = append(c.Attrs, Attr{Name: other.name, Before: slices.Sorted(slices.Values(other.ids))})
			}
		}
	}
	for _, k := range u.live.Credentials.AccessKeys {
		c := p.credentialChange(u, TypeAccessKey, keyAddress(u, k.ID), k.ID, Delete)
		c.Reason, c.Detail, c.Cause = u.reason, u.detail, u.addr
		c.Attrs = []Attr{{Name: "status", Before: k.Status}}
		p.add(c)
	}
	if lp := u.live.Credentials.LoginProfile; lp != nil {
		c := p.credentialChange(u, TypeLoginProfile, u.addr+"."+string(TypeLoginProfile), "", Delete)
		c.Reason, c.Detail, c.Cause = u.reason, u.detail, u.addr
		c.Attrs = []Attr{{Name: "enabled", Before: true}, {Name: "password_reset_required", Before: lp.PasswordResetRequired}}
		p.add(c)
	}
}

// planAccessKeys keeps the declared keys that have an id, creates id-less
// keys that no unclaimed live key of the same status satisfies, and deletes
// the live keys left over.
func (p *planner) planAccessKeys(u *userPair) {
	declared := u.decl.AccessKeys
	if declared == nil {
		return
	}
	var live []provider.AccessKey
	if u.live != nil {
		if u.live.Credentials == nil {
			return
		}
		live = append(live, u.live.Credentials.AccessKeys...)
	}
	sort.Slice(live, func(i, j int) bool {
		if !live[i].CreateDate.Equal(live[j].CreateDate) {
			return live[i].CreateDate.Before(live[j].CreateDate)
		}
		return live[i].ID < live[j].ID
	})
	claimed := make([]bool, len(live))

	// Keys declared by id claim their live key first, so that an id-less
	// key never takes a key that another declaration names.
	for _, k := range declared.Keys {
		if k.ID == "" {
			continue
		}
		i := indexOfKey(live, k.ID)
		if i < 0 {
			p.diags = append(p.diags, keyNotFoundDiag(u.name(), k))
			continue
		}
		claimed[i] = true
		if want := keyStatus(k); live[i].Status != want {
			c := p.credentialChange(u, TypeAccessKey, keyAddress(u, live[i].ID), live[i].ID, Update)
			c.Attrs = []Attr{{Name: "status", Before: live[i].Status, After: want}}
			c.DeclRange = rangePtr(k.DeclRange)
			p.add(c)
		}
	}

	// An id-less key whose secret file names a live key of its status
	// claims that key next, so that each file keeps holding a key that
	// exists.
	claimedByFile := make(map[*spec.AccessKey]bool)
	// lostSecret holds, by live key, the empty secret file of the
	// declaration that would have kept it.
	lostSecret := make(map[int]string)
	for _, k := range declared.Keys {
		if k.ID != "" || k.SecretFileKeyID == "" {
			continue
		}
		if i := indexOfKey(live, k.SecretFileKeyID); i >= 0 && !claimed[i] && live[i].Status == keyStatus(k) {
			claimed[i] = true
			claimedByFile[k] = true
		}
	}

	// The other id-less keys take an unclaimed live key of the same status,
	// or are created. A key of another status is not reused: an inactive
	// key may have been switched off because it leaked. A key whose secret
	// file is empty is always created: the apply that made the file was
	// stopped before it wrote the secret, so a key it made is of no use and
	// is left unclaimed, which deletes it.
	for index, k := range declared.Keys {
		if k.ID != "" || claimedByFile[k] {
			continue
		}
		if i := indexOfUnclaimed(live, claimed, keyStatus(k)); i >= 0 {
			if !k.SecretFileEmpty {
				claimed[i] = true
				continue
			}
			if _, ok := lostSecret[i]; !ok {
				lostSecret[i] = k.SecretFile
			}
		}
		c := p.credentialChange(u, TypeAccessKey, fmt.Sprintf("%s.%s[%d]", u.addr, TypeAccessKey, index), "", Create)
		c.Attrs = []Attr{{Name: "status", After: keyStatus(k)}}
		if k.SecretFileProblem != nil {
			p.diagFor(c.Address, otherStatusProblem(k, live))
		}
		if k.SecretFile != "" {
			c.Attrs = append(c.Attrs, Attr{Name: "secret_file", After: k.SecretFile})
		} else {
			p.warnUnsavedSecret(c.Address, "the access key's secret", "secret_file", k.DeclRange)
		}
		c.DeclRange = rangePtr(k.DeclRange)
		p.add(c)
	}

	for i, k := range live {
		if claimed[i] {
			continue
		}
		c := p.credentialChange(u, TypeAccessKey, keyAddress(u, k.ID), k.ID, Delete)
		c.Reason = ReasonNotDeclared
		if file, ok := lostSecret[i]; ok {
			c.Reason, c.Detail = ReasonSecretFileEmpty, file
		}
		c.Attrs = []Attr{{Name: "status", Before: k.Status}}
		p.add(c)
	}
}

// otherStatusProblem returns the problem with the secret file of an id-less
// key that the plan creates. When the file holds the secret of a live key
// of the other status, a status changed outside iamsync is the cause, and
// the error names that cause and what to do, instead of only that the file exists.
func otherStatusProblem(k *spec.AccessKey, live []provider.AccessKey) *hcl.Diagnostic {
	i := indexOfKey(live, k.SecretFileKeyID)
	if k.SecretFileKeyID == "" || i < 0 || live[i].Status == keyStatus(k) {
		return k.SecretFileProblem
	}
	d := *k.SecretFileProblem
	id, status := live[i].ID, live[i].Status
	d.Summary = "Key status changed outside iamsync"
	d.Detail = fmt.Sprintf("%s holds the secret of key %s, which is %s in the account, while this block declares "+
		"an %s key. A key of the other status is never reused, because it may have been switched off for a reason, "+
		"so the plan would create a new key, write its secret into %s and delete %s, but apply never overwrites a "+
		"secret file. To make the key %s again, declare it with id = %q; to keep it %s, set status = %q; to "+
		"replace it, move %s away.",
		k.SecretFile, id, status, keyStatus(k), k.SecretFile, id, keyStatus(k), id, status, status, k.SecretFile)
	return &d
}

// planLoginProfile creates, updates or deletes a user's console password
// as the login_profile block sets.
func (p *planner) planLoginProfile(u *userPair) {
	declared := u.decl.LoginProfile
	if declared == nil {
		return
	}
	var live *provider.LoginProfile
	if u.live != nil {
		if u.live.Credentials == nil {
			return
		}
		live = u.live.Credentials.LoginProfile
	}

	addr := u.addr + "." + string(TypeLoginProfile)
	var c *Change
	switch {
	case declared.Enabled && live == nil:
		c = p.credentialChange(u, TypeLoginProfile, addr, "", Create)
		c.Attrs = []Attr{{Name: "enabled", After: true}, {Name: "password_reset_required", After: declared.PasswordResetRequired}}
		if declared.PasswordFileProblem != nil {
			p.diagFor(addr, declared.PasswordFileProblem)
		}
		if declared.PasswordFile != "" {
			c.Attrs = append(c.Attrs, Attr{Name: "password_file", After: declared.PasswordFile})
		} else {
			p.warnUnsavedSecret(addr, "the generated password", "password_file", declared.DeclRange)
		}
	case !declared.Enabled && live != nil:
		c = p.credentialChange(u, TypeLoginProfile, addr, "", Delete)
		c.Attrs = []Attr{{Name: "enabled", Before: true, After: false}, {Name: "password_reset_required", Before: live.PasswordResetRequired}}
	case declared.Enabled && live.PasswordResetRequired != declared.PasswordResetRequired:
		c = p.credentialChange(u, TypeLoginProfile, addr, "", Update)
		c.Attrs = []Attr{{Name: "password_reset_required", Before: live.PasswordResetRequired, After: declared.PasswordResetRequired}}
	default:
		return
	}
	c.DeclRange = rangePtr(declared.DeclRange)
	p.add(c)
}

func (p *planner) credentialChange(u *userPair, kind Type, addr, name string, action Action) *Change {
	return &Change{Address: addr, Type: kind, Action: action, Name: name, Parent: &Ref{Type: TypeUser, Name: u.name()}}
}

func keyAddress(u *userPair, id string) string {
	return fmt.Sprintf("%s.%s[%q]", u.addr, TypeAccessKey, id)
}

// keyStatus returns the status a declared key requests, Active by default.
func keyStatus(k *spec.AccessKey) string {
	if k.Status == "" {
		return statusActive
	}
	return k.Status
}

func indexOfKey(keys []provider.AccessKey, id string) int {
	for i, k := range keys {
		if k.ID == id {
			return i
		}
	}
	return -1
}

func indexOfUnclaimed(keys []provider.AccessKey, claimed []bool, status string) int {
	for i, k := range keys {
		if !claimed[i] && k.Status == status {
			return i
		}
	}
	return -1
}

func keyNotFoundDiag(user string, k *spec.AccessKey) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Access key not found",
		Detail: fmt.Sprintf("The user %q has no access key %s in the account. IAM chooses key ids when it creates "+
			"a key, so a key cannot be created with a given id: remove the id to have iamsync create a key, "+
			"then write down the id it reports.", user, k.ID),
		Subject: rangePtr(k.DeclRange),
	}
}

// diagFor records a diagnostic about the change at address, such as one
// about the secret of the credential it creates. It is reported only if
// the change is in the plan after the targets limit it: see
// reportChangeDiags.
func (p *planner) diagFor(address string, d *hcl.Diagnostic) {
	if d.Extra == nil {
		d.Extra = spec.DiagnosticAddress(address)
	}
	p.changeDiags = append(p.changeDiags, changeDiag{address: address, diag: d})
}

// reportChangeDiags reports the diagnostics of the changes that are still
// in the plan.
func (p *planner) reportChangeDiags() {
	for _, cd := range p.changeDiags {
		if p.changes[cd.address] != nil {
			p.diags = append(p.diags, cd.diag)
		}
	}
}

// changeDiag is a diagnostic about one change.
type changeDiag struct {
	address string
	diag    *hcl.Diagnostic
}

// warnUnsavedSecret warns that a credential the plan creates has nowhere to
// put its secret, which IAM returns only when it creates the credential.
func (p *planner) warnUnsavedSecret(address, what, attr string, rng hcl.Range) {
	p.diagFor(address, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Secret is not saved",
		Detail: fmt.Sprintf("%s will be created, and %s is shown nowhere unless %s is set, because IAM "+
			"returns it only once. Set %s to a path, or to \"-\" for standard output.", address, what, attr, attr),
		Subject: rng.Ptr(),
	})
}
