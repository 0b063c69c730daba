package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// accountARN matches the account id in an ARN of a customer entity.
var accountARN = regexp.MustCompile(`^arn:aws[\w-]*:iam::(\d{12}):`)

// accountFromState builds the account that a state file describes. Counts
// in the file (AttachmentCount, PermissionsBoundaryUsageCount) are ignored:
// the sandbox derives them from the attachments. ARNs are rebuilt from the
// account id, path and name.
func (s *Server) accountFromState(f *stateFile) (*account, error) {
	created := s.now()
	if f.AccountCreateDate != nil {
		created = f.AccountCreateDate.Time
	}
	a := newAccount(s.accountIDFor(stateAccountID(f)), created)
	l := &stateLoader{s: s, a: a, profiles: map[string]*instanceProfile{}}

	steps := []func(*stateFile) error{
		l.loadPolicies, l.loadGroups, l.loadUsers, l.loadRoles, l.loadInstanceProfiles,
		l.loadVirtualMFADevices, l.loadAccountSettings, l.loadRoot,
	}
	for _, step := range steps {
		if err := step(f); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// stateAccountID returns the account that the state names: its AccountId
// key, or the account of the first customer entity's ARN.
func stateAccountID(f *stateFile) string {
	if f.AccountID != "" {
		return f.AccountID
	}
	var arns []string
	for _, u := range f.UserDetailList {
		arns = append(arns, u.Arn)
	}
	for _, g := range f.GroupDetailList {
		arns = append(arns, g.Arn)
	}
	for _, r := range f.RoleDetailList {
		arns = append(arns, r.Arn)
	}
	for _, p := range f.Policies {
		arns = append(arns, p.Arn)
	}
	for _, arn := range arns {
		if m := accountARN.FindStringSubmatch(arn); m != nil {
			return m[1]
		}
	}
	return ""
}

// stateLoader builds an account from a state file, step by step.
type stateLoader struct {
	s        *Server
	a        *account
	profiles map[string]*instanceProfile
}

func (l *stateLoader) useID(kind, name, id string) error {
	if id == "" {
		return fmt.Errorf("%s %q has no id", kind, name)
	}
	l.a.usedIDs[id] = true
	return nil
}

func (l *stateLoader) loadPolicies(f *stateFile) error {
	for _, r := range f.Policies {
		p := &managedPolicy{
			name: r.PolicyName, path: defaultPath(r.Path), id: r.PolicyID, arn: r.Arn,
			description: r.Description, created: r.CreateDate.Time, updated: r.UpdateDate.Time,
			defaultVersion: r.DefaultVersionID, tags: tagsFromRecords(r.Tags), awsManaged: isAWSManagedARN(r.Arn),
		}
		if !p.awsManaged {
			p.arn = l.a.customerPolicyARN(p.path, p.name)
		}
		if _, dup := l.a.policies[p.arn]; dup {
			return fmt.Errorf("policy %s is listed twice", p.arn)
		}
		if err := l.useID("policy", p.arn, p.id); err != nil {
			return err
		}
		for _, v := range r.PolicyVersionList {
			p.versions = append(p.versions, &policyVersion{id: v.VersionID, document: string(v.Document), created: v.CreateDate.Time})
			if v.IsDefaultVersion && p.defaultVersion == "" {
				p.defaultVersion = v.VersionID
			}
		}
		if p.version(p.defaultVersion) == nil {
			return fmt.Errorf("policy %s: default version %q is not in PolicyVersionList", p.arn, p.defaultVersion)
		}
		p.nextVersion = nextVersionNumber(p.versions)
		l.a.policies[p.arn] = p
	}
	return nil
}

// nextVersionNumber returns one more than the highest vN among versions.
func nextVersionNumber(versions []*policyVersion) int {
	highest := 0
	for _, v := range versions {
		digits, _, _ := strings.Cut(strings.TrimPrefix(v.id, "v"), ".")
		if n, err := strconv.Atoi(digits); err == nil && n > highest {
			highest = n
		}
	}
	return highest + 1
}

// policy resolves a policy ARN named by an entity of the state file.
func (l *stateLoader) policy(owner, arn string) (*managedPolicy, error) {
	if p := l.s.findPolicy(l.a, arn, true); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%s refers to policy %s, which is neither in Policies nor a known AWS-managed policy", owner, arn)
}

// policySet resolves the inline and attached policies of an entity.
func (l *stateLoader) policySet(owner string, inline []inlinePolicyRecord, attached []attachedPolicyRecord) (policySet, error) {
	var ps policySet
	for _, r := range inline {
		ps.putInline(r.PolicyName, string(r.PolicyDocument))
	}
	for _, r := range attached {
		p, err := l.policy(owner, r.PolicyArn)
		if err != nil {
			return ps, err
		}
		if !ps.isAttached(p) {
			ps.attached = append(ps.attached, p)
		}
	}
	return ps, nil
}

func (l *stateLoader) boundary(owner string, r *boundaryRecord) (*managedPolicy, error) {
	if r == nil || r.PermissionsBoundaryArn == "" {
		return nil, nil
	}
	return l.policy(owner, r.PermissionsBoundaryArn)
}

func (l *stateLoader) loadGroups(f *stateFile) error {
	for _, r := range f.GroupDetailList {
		owner := "group " + r.GroupName
		if _, dup := l.a.groups[key(r.GroupName)]; dup {
			return fmt.Errorf("%s is listed twice", owner)
		}
		if err := l.useID("group", r.GroupName, r.GroupID); err != nil {
			return err
		}
		ps, err := l.policySet(owner, r.GroupPolicyList, r.AttachedManagedPolicies)
		if err != nil {
			return err
		}
		l.a.groups[key(r.GroupName)] = &group{name: r.GroupName, path: defaultPath(r.Path), id: r.GroupID, created: r.CreateDate.Time, policySet: ps}
	}
	return nil
}

func (l *stateLoader) loadUsers(f *stateFile) error {
	for _, r := range f.UserDetailList {
		owner := "user " + r.UserName
		if _, dup := l.a.users[key(r.UserName)]; dup {
			return fmt.Errorf("%s is listed twice", owner)
		}
		if err := l.useID("user", r.UserName, r.UserID); err != nil {
			return err
		}
		u := &user{name: r.UserName, path: defaultPath(r.Path), id: r.UserID, created: r.CreateDate.Time, tags: tagsFromRecords(r.Tags)}
		var err error
		if u.policySet, err = l.policySet(owner, r.UserPolicyList, r.AttachedManagedPolicies); err != nil {
			return err
		}
		if u.boundary, err = l.boundary(owner, r.PermissionsBoundary); err != nil {
			return err
		}
		for _, name := range r.GroupList {
			g := l.a.groups[key(name)]
			if g == nil {
				return fmt.Errorf("%s is a member of group %s, which is not in GroupDetailList", owner, name)
			}
			if !slices.Contains(u.groups, g) {
				u.groups = append(u.groups, g)
				g.members = append(g.members, u)
			}
		}
		if err := l.loadUserCredentials(u, &r); err != nil {
			return fmt.Errorf("%s: %w", owner, err)
		}
		l.a.users[key(u.name)] = u
	}
	return nil
}

// loadUserCredentials reads the sandbox keys of a user record.
func (l *stateLoader) loadUserCredentials(u *user, r *userRecord) error {
	if r.PasswordLastUsed != nil {
		t := r.PasswordLastUsed.Time
		u.passwordLastUsed = &t
	}
	if r.LoginProfile != nil {
		u.loginProfile = &loginProfile{created: r.LoginProfile.CreateDate.Time, resetRequired: r.LoginProfile.PasswordResetRequired,
			passwordChanged: r.LoginProfile.CreateDate.Time, passwordHash: r.LoginProfile.PasswordHash}
		if changed := r.LoginProfile.PasswordLastChanged; changed != nil {
			u.loginProfile.passwordChanged = changed.Time
		}
	}
	for _, k := range r.AccessKeys {
		if k.AccessKeyID == "" || k.SecretAccessKey == "" || l.a.usedIDs[k.AccessKeyID] || k.AccessKeyID == l.s.opts.AccessKeyID {
			return fmt.Errorf("access key %q is empty, has no secret or is not unique", k.AccessKeyID)
		}
		l.a.usedIDs[k.AccessKeyID] = true
		key := &accessKey{id: k.AccessKeyID, secret: k.SecretAccessKey, status: k.Status, created: k.CreateDate.Time,
			lastService: k.LastUsedServiceName, lastRegion: k.LastUsedRegion}
		if key.status == "" {
			key.status = statusActive
		}
		if k.LastUsedDate != nil {
			t := k.LastUsedDate.Time
			key.lastUsed = &t
		}
		u.accessKeys = append(u.accessKeys, key)
	}
	for _, d := range r.MFADevices {
		u.mfaDevices = append(u.mfaDevices, &mfaDevice{serial: d.SerialNumber, enabled: d.EnableDate.Time})
	}
	for _, k := range r.SSHPublicKeys {
		l.a.usedIDs[k.SSHPublicKeyID] = true
		u.sshPublicKeys = append(u.sshPublicKeys, &sshPublicKey{id: k.SSHPublicKeyID, body: k.SSHPublicKeyBody,
			fingerprint: k.Fingerprint, status: k.Status, uploaded: k.UploadDate.Time})
	}
	for _, c := range r.SigningCertificates {
		l.a.usedIDs[c.CertificateID] = true
		u.signingCertificates = append(u.signingCertificates, &signingCertificate{id: c.CertificateID, body: c.CertificateBody,
			status: c.Status, uploaded: c.UploadDate.Time})
	}
	for _, c := range r.ServiceSpecificCredentials {
		l.a.usedIDs[c.ServiceSpecificCredentialID] = true
		u.serviceCredentials = append(u.serviceCredentials, &serviceCredential{id: c.ServiceSpecificCredentialID,
			serviceName: c.ServiceName, serviceUserName: c.ServiceUserName, status: c.Status, created: c.CreateDate.Time})
	}
	return nil
}

func (l *stateLoader) loadRoles(f *stateFile) error {
	for _, r := range f.RoleDetailList {
		owner := "role " + r.RoleName
		if _, dup := l.a.roles[key(r.RoleName)]; dup {
			return fmt.Errorf("%s is listed twice", owner)
		}
		if err := l.useID("role", r.RoleName, r.RoleID); err != nil {
			return err
		}
		ro := &role{name: r.RoleName, path: defaultPath(r.Path), id: r.RoleID, created: r.CreateDate.Time,
			trustPolicy: string(r.AssumeRolePolicyDocument), maxSessionDuration: 3600, tags: tagsFromRecords(r.Tags)}
		if r.Description != nil {
			ro.description = *r.Description
		}
		if r.MaxSessionDuration != nil {
			ro.maxSessionDuration = *r.MaxSessionDuration
		}
		if r.RoleLastUsed != nil && r.RoleLastUsed.LastUsedDate != nil {
			t := r.RoleLastUsed.LastUsedDate.Time
			ro.lastUsed, ro.lastUsedRegion = &t, r.RoleLastUsed.Region
		}
		var err error
		if ro.policySet, err = l.policySet(owner, r.RolePolicyList, r.AttachedManagedPolicies); err != nil {
			return err
		}
		if ro.boundary, err = l.boundary(owner, r.PermissionsBoundary); err != nil {
			return err
		}
		l.a.roles[key(ro.name)] = ro

		// GetAccountAuthorizationDetails lists a role's instance profiles
		// inside the role; each holds the role.
		for _, p := range r.InstanceProfileList {
			ip, err := l.profile(p)
			if err != nil {
				return err
			}
			if !slices.Contains(ip.roles, ro) {
				ip.roles = append(ip.roles, ro)
			}
		}
	}
	return nil
}

// profile returns the instance profile of a record, adding it on first
// sight.
func (l *stateLoader) profile(r instanceProfileRecord) (*instanceProfile, error) {
	if ip := l.profiles[key(r.InstanceProfileName)]; ip != nil {
		return ip, nil
	}
	if err := l.useID("instance profile", r.InstanceProfileName, r.InstanceProfileID); err != nil {
		return nil, err
	}
	ip := &instanceProfile{name: r.InstanceProfileName, path: defaultPath(r.Path), id: r.InstanceProfileID, created: r.CreateDate.Time}
	l.profiles[key(ip.name)] = ip
	l.a.instanceProfiles[key(ip.name)] = ip
	return ip, nil
}

// loadInstanceProfiles reads the sandbox's list of every instance profile,
// which adds profiles without a role and the profiles' tags.
func (l *stateLoader) loadInstanceProfiles(f *stateFile) error {
	for _, r := range f.InstanceProfiles {
		ip, err := l.profile(r)
		if err != nil {
			return err
		}
		ip.tags = tagsFromRecords(r.Tags)
		for _, pr := range r.Roles {
			ro := l.a.roles[key(pr.RoleName)]
			if ro == nil {
				return fmt.Errorf("instance profile %s contains role %s, which is missing from RoleDetailList", ip.name, pr.RoleName)
			}
			if !slices.Contains(ip.roles, ro) {
				ip.roles = append(ip.roles, ro)
			}
		}
	}
	return nil
}

// loadVirtualMFADevices reads the virtual MFA devices and links those that
// users' MFADevices name.
func (l *stateLoader) loadVirtualMFADevices(f *stateFile) error {
	for _, r := range f.VirtualMFADevices {
		l.a.virtualMFADevices[r.SerialNumber] = &virtualMFADevice{serial: r.SerialNumber, tags: tagsFromRecords(r.Tags)}
	}
	for _, u := range l.a.users {
		for _, d := range u.mfaDevices {
			if v := l.a.virtualMFADevices[d.serial]; v != nil {
				if v.user != nil {
					return fmt.Errorf("virtual MFA device %s is assigned to both %s and %s", d.serial, v.user.name, u.name)
				}
				v.user, v.enabled = u, d.enabled
			}
		}
	}
	return nil
}

func (l *stateLoader) loadAccountSettings(f *stateFile) error {
	l.a.aliases = slices.Clone(f.AccountAliases)
	if r := f.PasswordPolicy; r != nil {
		l.a.passwordPolicy = &passwordPolicy{
			minimumLength: r.MinimumPasswordLength, requireSymbols: r.RequireSymbols, requireNumbers: r.RequireNumbers,
			requireUppercase: r.RequireUppercaseCharacters, requireLowercase: r.RequireLowercaseCharacters,
			allowUsersToChangePassword: r.AllowUsersToChangePassword, maxPasswordAge: r.MaxPasswordAge,
			passwordReusePrevention: r.PasswordReusePrevention, hardExpiry: r.HardExpiry,
		}
	}
	return nil
}

func tagsFromRecords(records []tagRecord) []tag {
	if len(records) == 0 {
		return nil
	}
	tags := make([]tag, len(records))
	for i, r := range records {
		tags[i] = tag(r)
	}
	return tags
}

func tagRecords(tags []tag) []tagRecord {
	return mapSlice(tags, func(t tag) tagRecord { return tagRecord(t) })
}

// stateFromAccount renders the account as a state file, every list sorted
// by name so that the file is deterministic.
func stateFromAccount(a *account) *stateFile {
	f := &stateFile{AccountID: a.id, AccountCreateDate: &flexTime{a.created}, AccountAliases: slices.Clone(a.aliases)}

	// The lists of GetAccountAuthorizationDetails.
	counts := a.policyUsage()
	for _, u := range sortedUsers(a) {
		f.UserDetailList = append(f.UserDetailList, userToRecord(a, u))
	}
	for _, g := range sortedGroups(a) {
		f.GroupDetailList = append(f.GroupDetailList, groupRecord{
			Path: g.path, GroupName: g.name, GroupID: g.id, Arn: a.groupARN(g), CreateDate: flexTime{g.created},
			GroupPolicyList: inlineRecords(g.inline), AttachedManagedPolicies: attachedRecords(g.attached),
		})
	}
	for _, r := range sortedRoles(a) {
		f.RoleDetailList = append(f.RoleDetailList, roleToRecord(a, r))
	}
	for _, p := range sortedPolicies(a) {
		f.Policies = append(f.Policies, policyToRecord(p, counts[p]))
	}

	// What the sandbox adds.
	for _, ip := range sortedInstanceProfiles(a) {
		f.InstanceProfiles = append(f.InstanceProfiles, profileToRecord(a, ip, true))
	}
	for _, v := range sortedVirtualMFADevices(a) {
		f.VirtualMFADevices = append(f.VirtualMFADevices, virtualMFARecord{SerialNumber: v.serial, Tags: tagRecords(v.tags)})
	}
	if p := a.passwordPolicy; p != nil {
		f.PasswordPolicy = &passwordPolicyRecord{
			MinimumPasswordLength: p.minimumLength, RequireSymbols: p.requireSymbols, RequireNumbers: p.requireNumbers,
			RequireUppercaseCharacters: p.requireUppercase, RequireLowercaseCharacters: p.requireLowercase,
			AllowUsersToChangePassword: p.allowUsersToChangePassword, ExpirePasswords: p.maxPasswordAge != nil,
			MaxPasswordAge: p.maxPasswordAge, PasswordReusePrevention: p.passwordReusePrevention, HardExpiry: p.hardExpiry,
		}
	}

	f.Root = rootToRecord(a.root)

	nonNil(&f.UserDetailList)
	nonNil(&f.GroupDetailList)
	nonNil(&f.RoleDetailList)
	nonNil(&f.Policies)
	return f
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s *[]T) {
	if *s == nil {
		*s = []T{}
	}
}

func userToRecord(a *account, u *user) userRecord {
	r := userRecord{
		Path: u.path, UserName: u.name, UserID: u.id, Arn: a.userARN(u), CreateDate: flexTime{u.created},
		UserPolicyList: inlineRecords(u.inline), GroupList: groupNames(u.groups),
		AttachedManagedPolicies: attachedRecords(u.attached), PermissionsBoundary: boundaryToRecord(u.boundary),
		Tags: tagRecords(u.tags),
	}
	if u.passwordLastUsed != nil {
		r.PasswordLastUsed = &flexTime{*u.passwordLastUsed}
	}
	if lp := u.loginProfile; lp != nil {
		r.LoginProfile = &loginProfileRecord{CreateDate: flexTime{lp.created}, PasswordResetRequired: lp.resetRequired,
			PasswordHash: lp.passwordHash}
		if !lp.passwordChanged.Equal(lp.created) {
			r.LoginProfile.PasswordLastChanged = &flexTime{lp.passwordChanged}
		}
	}
	for _, k := range u.accessKeys {
		kr := accessKeyRecord{AccessKeyID: k.id, SecretAccessKey: k.secret, Status: k.status, CreateDate: flexTime{k.created},
			LastUsedServiceName: k.lastService, LastUsedRegion: k.lastRegion}
		if k.lastUsed != nil {
			kr.LastUsedDate = &flexTime{*k.lastUsed}
		}
		r.AccessKeys = append(r.AccessKeys, kr)
	}
	for _, d := range u.mfaDevices {
		r.MFADevices = append(r.MFADevices, mfaDeviceRecord{SerialNumber: d.serial, EnableDate: flexTime{d.enabled}})
	}
	for _, k := range u.sshPublicKeys {
		r.SSHPublicKeys = append(r.SSHPublicKeys, sshPublicKeyRecord{SSHPublicKeyID: k.id, SSHPublicKeyBody: k.body,
			Fingerprint: k.fingerprint, Status: k.status, UploadDate: flexTime{k.uploaded}})
	}
	for _, c := range u.signingCertificates {
		r.SigningCertificates = append(r.SigningCertificates, signingCertificateRecord{CertificateID: c.id,
			CertificateBody: c.body, Status: c.status, UploadDate: flexTime{c.uploaded}})
	}
	for _, c := range u.serviceCredentials {
		r.ServiceSpecificCredentials = append(r.ServiceSpecificCredentials, serviceCredentialRecord{
			ServiceSpecificCredentialID: c.id, ServiceName: c.serviceName, ServiceUserName: c.serviceUserName,
			Status: c.status, CreateDate: flexTime{c.created}})
	}
	return r
}

func roleToRecord(a *account, ro *role) roleRecord {
	r := roleRecord{
		profileRoleRecord: profileRoleToRecord(a, ro), InstanceProfileList: []instanceProfileRecord{},
		RolePolicyList: inlineRecords(ro.inline), AttachedManagedPolicies: attachedRecords(ro.attached),
		PermissionsBoundary: boundaryToRecord(ro.boundary), Tags: tagRecords(ro.tags),
		RoleLastUsed: &roleLastUsedRecord{}, MaxSessionDuration: &ro.maxSessionDuration,
	}
	if ro.description != "" {
		r.Description = &ro.description
	}
	if ro.lastUsed != nil {
		r.RoleLastUsed = &roleLastUsedRecord{LastUsedDate: &flexTime{*ro.lastUsed}, Region: ro.lastUsedRegion}
	}
	for _, ip := range a.instanceProfilesOf(ro) {
		r.InstanceProfileList = append(r.InstanceProfileList, profileToRecord(a, ip, false))
	}
	return r
}

// profileToRecord renders an instance profile; withTags adds its tags,
// which GetAccountAuthorizationDetails does not return.
func profileToRecord(a *account, ip *instanceProfile, withTags bool) instanceProfileRecord {
	r := instanceProfileRecord{Path: ip.path, InstanceProfileName: ip.name, InstanceProfileID: ip.id,
		Arn: a.instanceProfileARN(ip), CreateDate: flexTime{ip.created},
		Roles: mapSlice(ip.roles, func(ro *role) profileRoleRecord { return profileRoleToRecord(a, ro) })}
	if withTags {
		r.Tags = tagRecords(ip.tags)
	}
	return r
}

func profileRoleToRecord(a *account, ro *role) profileRoleRecord {
	return profileRoleRecord{Path: ro.path, RoleName: ro.name, RoleID: ro.id, Arn: a.roleARN(ro),
		CreateDate: flexTime{ro.created}, AssumeRolePolicyDocument: document(ro.trustPolicy)}
}

func policyToRecord(p *managedPolicy, usage policyUsage) policyRecord {
	r := policyRecord{
		PolicyName: p.name, PolicyID: p.id, Arn: p.arn, Path: p.path, DefaultVersionID: p.defaultVersion,
		AttachmentCount: usage.attachments, PermissionsBoundaryUsageCount: usage.boundaries, IsAttachable: true,
		Description: p.description, CreateDate: flexTime{p.created}, UpdateDate: flexTime{p.updated},
		Tags: tagRecords(p.tags),
	}
	for _, v := range p.versions {
		r.PolicyVersionList = append(r.PolicyVersionList, policyVersionRecord{Document: document(v.document),
			VersionID: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: flexTime{v.created}})
	}
	return r
}

func inlineRecords(policies []inlinePolicy) []inlinePolicyRecord {
	return mapSlice(policies, func(p inlinePolicy) inlinePolicyRecord {
		return inlinePolicyRecord{PolicyName: p.name, PolicyDocument: document(p.document)}
	})
}

func attachedRecords(policies []*managedPolicy) []attachedPolicyRecord {
	return mapSlice(policies, func(p *managedPolicy) attachedPolicyRecord {
		return attachedPolicyRecord{PolicyName: p.name, PolicyArn: p.arn}
	})
}

func boundaryToRecord(p *managedPolicy) *boundaryRecord {
	if p == nil {
		return nil
	}
	return &boundaryRecord{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: p.arn}
}

func groupNames(groups []*group) []string {
	return mapSlice(groups, func(g *group) string { return g.name })
}
