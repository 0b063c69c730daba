package sandbox

import (
	"crypto/rand"
	"slices"
	"strings"
	"time"
)

// account is the sandbox's IAM account. Maps of named entities are keyed by
// the lower-case name, because IAM names are unique case-insensitively;
// the entity keeps the spelling it was created with.
type account struct {
	id string
	// created is when the account was made, which GetUser reports for the
	// root identity.
	created time.Time

	users            map[string]*user
	groups           map[string]*group
	roles            map[string]*role
	instanceProfiles map[string]*instanceProfile

	// policies holds the customer-managed policies and the AWS-managed ones
	// that this account refers to, keyed by ARN. Other AWS-managed
	// policies are looked up in the catalogue when needed.
	policies map[string]*managedPolicy

	// virtualMFADevices is keyed by serial number.
	virtualMFADevices map[string]*virtualMFADevice

	aliases        []string
	passwordPolicy *passwordPolicy

	// root holds what the credential report lists about the root user.
	root rootUser
	// sessions holds the temporary credentials that STS issued, by access
	// key id. They live in memory only, so a restarted sandbox loses them.
	sessions map[string]*stsSession
	// credentialReport is the latest credential report, nil until
	// GenerateCredentialReport is first called.
	credentialReport *credentialReport

	// usedIDs holds every unique id handed out or loaded, so that none is
	// given twice while the server runs.
	usedIDs map[string]bool
}

func newAccount(id string, created time.Time) *account {
	return &account{
		id:                id,
		created:           created.UTC().Truncate(time.Second),
		users:             map[string]*user{},
		groups:            map[string]*group{},
		roles:             map[string]*role{},
		instanceProfiles:  map[string]*instanceProfile{},
		policies:          map[string]*managedPolicy{},
		virtualMFADevices: map[string]*virtualMFADevice{},
		sessions:          map[string]*stsSession{},
		usedIDs:           map[string]bool{},
	}
}

// key folds a name for lookups.
func key(name string) string { return strings.ToLower(name) }

// tag is one IAM tag.
type tag struct {
	Key   string
	Value string
}

// inlinePolicy is a policy document embedded in a user, group or role.
type inlinePolicy struct {
	name     string
	document string
}

// policySet is the set of policies of a user, group or role: inline
// policies, kept sorted by name, and attached managed policies in
// attachment order.
type policySet struct {
	inline   []inlinePolicy
	attached []*managedPolicy
}

func (ps *policySet) inlinePolicy(name string) *inlinePolicy {
	for i := range ps.inline {
		if ps.inline[i].name == name {
			return &ps.inline[i]
		}
	}
	return nil
}

// putInline adds or replaces an inline policy.
func (ps *policySet) putInline(name, document string) {
	if p := ps.inlinePolicy(name); p != nil {
		p.document = document
		return
	}
	ps.inline = append(ps.inline, inlinePolicy{name: name, document: document})
	slices.SortFunc(ps.inline, func(a, b inlinePolicy) int { return strings.Compare(a.name, b.name) })
}

func (ps *policySet) deleteInline(name string) bool {
	return removeFirst(&ps.inline, func(p inlinePolicy) bool { return p.name == name })
}

func (ps *policySet) isAttached(p *managedPolicy) bool { return slices.Contains(ps.attached, p) }

func (ps *policySet) detach(p *managedPolicy) bool {
	return removeFirst(&ps.attached, func(a *managedPolicy) bool { return a == p })
}

// user is an IAM user with its credentials.
type user struct {
	name, path, id   string
	created          time.Time
	passwordLastUsed *time.Time
	tags             []tag
	boundary         *managedPolicy
	groups           []*group
	policySet

	loginProfile        *loginProfile
	accessKeys          []*accessKey
	mfaDevices          []*mfaDevice
	sshPublicKeys       []*sshPublicKey
	signingCertificates []*signingCertificate
	serviceCredentials  []*serviceCredential
}

// group is an IAM group. Groups carry no tags.
type group struct {
	name, path, id string
	created        time.Time
	members        []*user
	policySet
}

// role is an IAM role.
type role struct {
	name, path, id     string
	created            time.Time
	trustPolicy        string
	description        string
	maxSessionDuration int32
	tags               []tag
	boundary           *managedPolicy
	lastUsed           *time.Time
	lastUsedRegion     string
	policySet
}

// reserved reports whether AWS owns the role: service-linked roles live
// under /aws-service-role/ and roles made by services such as IAM Identity
// Center under /aws-reserved/. IAM refuses to change either.
func (r *role) reserved() bool {
	return strings.HasPrefix(r.path, "/aws-service-role/") || strings.HasPrefix(r.path, "/aws-reserved/")
}

// managedPolicy is a customer-managed or AWS-managed policy.
type managedPolicy struct {
	name, path, id   string
	arn              string
	description      string
	created, updated time.Time
	defaultVersion   string
	versions         []*policyVersion // in creation order
	nextVersion      int
	tags             []tag
	awsManaged       bool
}

// policyVersion is one version of a managed policy.
type policyVersion struct {
	id       string
	document string
	created  time.Time
}

func (p *managedPolicy) version(id string) *policyVersion {
	for _, v := range p.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

func (p *managedPolicy) defaultDocument() string {
	if v := p.version(p.defaultVersion); v != nil {
		return v.document
	}
	return ""
}

// instanceProfile is an instance profile, holding at most one role.
type instanceProfile struct {
	name, path, id string
	created        time.Time
	tags           []tag
	roles          []*role
}

// accessKey is a user's access key. The secret is kept because the sandbox
// verifies signatures made with it.
type accessKey struct {
	id, secret  string
	status      string // Active or Inactive
	created     time.Time
	lastUsed    *time.Time
	lastService string
	lastRegion  string
}

// loginProfile is a user's console password setting. The password itself
// is not kept, only its hash, which ChangePassword checks the old password
// against.
type loginProfile struct {
	created       time.Time
	resetRequired bool
	// passwordChanged is when the password was last set: at creation, by
	// UpdateLoginProfile with a new password, or by ChangePassword.
	passwordChanged time.Time
	// passwordHash is the hash that hashPassword made of the password. It
	// is empty for a login profile of a state file that has none, such as
	// a dump of a real account, whose password no one can then give.
	passwordHash string
}

// rootUser holds the sandbox's data on the account's root user, besides
// the key pair that signs requests (Options.AccessKeyID), which the
// credential report does not list.
type rootUser struct {
	mfaActive        bool
	passwordLastUsed *time.Time
	// accessKeys are root access keys as the credential report lists them.
	// They carry no secret and cannot sign requests.
	accessKeys []*accessKey
}

// mfaDevice is an MFA device assigned to a user. Virtual devices also have
// an entry in account.virtualMFADevices.
type mfaDevice struct {
	serial  string
	enabled time.Time
}

// virtualMFADevice is a virtual MFA device, assigned to a user or not.
type virtualMFADevice struct {
	serial  string
	tags    []tag
	user    *user
	enabled time.Time
}

type sshPublicKey struct {
	id, body    string
	fingerprint string
	status      string
	uploaded    time.Time
}

type signingCertificate struct {
	id, body string
	status   string
	uploaded time.Time
}

type serviceCredential struct {
	id, serviceName, serviceUserName string
	status                           string
	created                          time.Time
}

// passwordPolicy is the account's password policy. Pointer fields are nil
// when UpdateAccountPasswordPolicy left them out, and IAM then omits them.
type passwordPolicy struct {
	minimumLength              int32
	requireSymbols             bool
	requireNumbers             bool
	requireUppercase           bool
	requireLowercase           bool
	allowUsersToChangePassword bool
	maxPasswordAge             *int32
	passwordReusePrevention    *int32
	hardExpiry                 *bool
}

// ARN builders. The sandbox serves the aws partition only.

func (a *account) arn(resource string) string { return "arn:aws:iam::" + a.id + ":" + resource }

func (a *account) userARN(u *user) string   { return a.arn("user" + u.path + u.name) }
func (a *account) groupARN(g *group) string { return a.arn("group" + g.path + g.name) }
func (a *account) roleARN(r *role) string   { return a.arn("role" + r.path + r.name) }
func (a *account) instanceProfileARN(ip *instanceProfile) string {
	return a.arn("instance-profile" + ip.path + ip.name)
}
func (a *account) customerPolicyARN(path, name string) string { return a.arn("policy" + path + name) }

// Prefixes of IAM's unique ids.
const (
	prefixUser              = "AIDA"
	prefixGroup             = "AGPA"
	prefixRole              = "AROA"
	prefixPolicy            = "ANPA"
	prefixInstanceProfile   = "AIPA"
	prefixAccessKey         = "AKIA"
	prefixSSHKey            = "APKA"
	prefixServiceCredential = "ACCA"
	prefixTemporaryKey      = "ASIA"
)

// idAlphabet is the alphabet of IAM's unique ids: upper-case letters and
// the digits 2 to 7.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// newID returns a random unique id of 21 characters with the given prefix,
// one that the account has never used.
func (a *account) newID(prefix string) string {
	return a.newIDOfLength(prefix, 21)
}

func (a *account) newIDOfLength(prefix string, length int) string {
	for {
		id := prefix + randomString(idAlphabet, length-len(prefix))
		if !a.usedIDs[id] {
			a.usedIDs[id] = true
			return id
		}
	}
}

// randomString returns n characters drawn uniformly from alphabet, which
// must have at most 256 characters.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	limit := 256 - 256%len(alphabet)
	for i := 0; i < n; {
		var r [1]byte
		rand.Read(r[:])
		if int(r[0]) >= limit {
			continue
		}
		b[i] = alphabet[int(r[0])%len(alphabet)]
		i++
	}
	return string(b)
}
