package sandbox

// XML namespaces and API versions of the two services.
const (
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	iamVersion   = "2010-05-08"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	stsVersion   = "2011-06-15"
)

// service is one of the APIs served on the endpoint. Requests name it in the
// credential scope of their signature.
type service struct {
	name      string // signing name: iam or sts
	namespace string
	version   string
	actions   map[string]action
}

// action is one API operation.
type action struct {
	handle func(c *call) (any, error)
	// writes is set when the action may change the account, which makes
	// it count in WriteCalls and saves the state file after it succeeds.
	writes bool
}

func read(h func(c *call) (any, error)) action  { return action{handle: h} }
func write(h func(c *call) (any, error)) action { return action{handle: h, writes: true} }

var (
	iamService = &service{name: "iam", namespace: iamNamespace, version: iamVersion}
	stsService = &service{name: "sts", namespace: stsNamespace, version: stsVersion}
)

func init() {
	iamService.actions = iamActions()
	stsService.actions = stsActions()
}

// lookup returns the action named name. An empty version is accepted, as a
// hand-written request may leave it out.
func (sv *service) lookup(name, version string) (action, error) {
	if name == "" {
		return action{}, errMissingAction()
	}
	act, ok := sv.actions[name]
	if !ok || (version != "" && version != sv.version) {
		return action{}, errInvalidAction(name, version)
	}
	return act, nil
}

// iamActions lists the IAM actions the sandbox serves.
func iamActions() map[string]action {
	return map[string]action{
		// Users.
		"CreateUser":                    write(createUser),
		"GetUser":                       read(getUser),
		"ListUsers":                     read(listUsers),
		"UpdateUser":                    write(updateUser),
		"DeleteUser":                    write(deleteUser),
		"TagUser":                       write(tagResource(userTags)),
		"UntagUser":                     write(untagResource(userTags)),
		"ListUserTags":                  read(listResourceTags(userTags)),
		"PutUserPermissionsBoundary":    write(putBoundary(userHolders)),
		"DeleteUserPermissionsBoundary": write(deleteBoundary(userHolders)),
		"PutUserPolicy":                 write(putInlinePolicy(userHolders)),
		"GetUserPolicy":                 read(getInlinePolicy(userHolders)),
		"DeleteUserPolicy":              write(deleteInlinePolicy(userHolders)),
		"ListUserPolicies":              read(listInlinePolicies(userHolders)),
		"AttachUserPolicy":              write(attachPolicy(userHolders)),
		"DetachUserPolicy":              write(detachPolicy(userHolders)),
		"ListAttachedUserPolicies":      read(listAttachedPolicies(userHolders)),
		"AddUserToGroup":                write(addUserToGroup),
		"RemoveUserFromGroup":           write(removeUserFromGroup),
		"ListGroupsForUser":             read(listGroupsForUser),

		// User credentials.
		"CreateAccessKey":                 write(createAccessKey),
		"UpdateAccessKey":                 write(updateAccessKey),
		"DeleteAccessKey":                 write(deleteAccessKey),
		"ListAccessKeys":                  read(listAccessKeys),
		"GetAccessKeyLastUsed":            read(getAccessKeyLastUsed),
		"CreateLoginProfile":              write(createLoginProfile),
		"GetLoginProfile":                 read(getLoginProfile),
		"UpdateLoginProfile":              write(updateLoginProfile),
		"DeleteLoginProfile":              write(deleteLoginProfile),
		"ChangePassword":                  write(changePassword),
		"CreateVirtualMFADevice":          write(createVirtualMFADevice),
		"EnableMFADevice":                 write(enableMFADevice),
		"DeactivateMFADevice":             write(deactivateMFADevice),
		"ResyncMFADevice":                 write(resyncMFADevice),
		"GetMFADevice":                    read(getMFADevice),
		"DeleteVirtualMFADevice":          write(deleteVirtualMFADevice),
		"ListMFADevices":                  read(listMFADevices),
		"ListVirtualMFADevices":           read(listVirtualMFADevices),
		"TagMFADevice":                    write(tagResource(mfaDeviceTags)),
		"UntagMFADevice":                  write(untagResource(mfaDeviceTags)),
		"ListMFADeviceTags":               read(listResourceTags(mfaDeviceTags)),
		"UploadSSHPublicKey":              write(uploadSSHPublicKey),
		"GetSSHPublicKey":                 read(getSSHPublicKey),
		"ListSSHPublicKeys":               read(listSSHPublicKeys),
		"DeleteSSHPublicKey":              write(deleteSSHPublicKey),
		"UploadSigningCertificate":        write(uploadSigningCertificate),
		"ListSigningCertificates":         read(listSigningCertificates),
		"DeleteSigningCertificate":        write(deleteSigningCertificate),
		"CreateServiceSpecificCredential": write(createServiceSpecificCredential),
		"ListServiceSpecificCredentials":  read(listServiceSpecificCredentials),
		"DeleteServiceSpecificCredential": write(deleteServiceSpecificCredential),

		// Groups.
		"CreateGroup":               write(createGroup),
		"GetGroup":                  read(getGroup),
		"ListGroups":                read(listGroups),
		"UpdateGroup":               write(updateGroup),
		"DeleteGroup":               write(deleteGroup),
		"PutGroupPolicy":            write(putInlinePolicy(groupHolders)),
		"GetGroupPolicy":            read(getInlinePolicy(groupHolders)),
		"DeleteGroupPolicy":         write(deleteInlinePolicy(groupHolders)),
		"ListGroupPolicies":         read(listInlinePolicies(groupHolders)),
		"AttachGroupPolicy":         write(attachPolicy(groupHolders)),
		"DetachGroupPolicy":         write(detachPolicy(groupHolders)),
		"ListAttachedGroupPolicies": read(listAttachedPolicies(groupHolders)),

		// Roles.
		"CreateRole":                    write(createRole),
		"CreateServiceLinkedRole":       write(createServiceLinkedRole),
		"GetRole":                       read(getRole),
		"ListRoles":                     read(listRoles),
		"UpdateRole":                    write(updateRole),
		"UpdateRoleDescription":         write(updateRoleDescription),
		"UpdateAssumeRolePolicy":        write(updateAssumeRolePolicy),
		"DeleteRole":                    write(deleteRole),
		"TagRole":                       write(tagResource(roleTags)),
		"UntagRole":                     write(untagResource(roleTags)),
		"ListRoleTags":                  read(listResourceTags(roleTags)),
		"PutRolePermissionsBoundary":    write(putBoundary(roleHolders)),
		"DeleteRolePermissionsBoundary": write(deleteBoundary(roleHolders)),
		"PutRolePolicy":                 write(putInlinePolicy(roleHolders)),
		"GetRolePolicy":                 read(getInlinePolicy(roleHolders)),
		"DeleteRolePolicy":              write(deleteInlinePolicy(roleHolders)),
		"ListRolePolicies":              read(listInlinePolicies(roleHolders)),
		"AttachRolePolicy":              write(attachPolicy(roleHolders)),
		"DetachRolePolicy":              write(detachPolicy(roleHolders)),
		"ListAttachedRolePolicies":      read(listAttachedPolicies(roleHolders)),

		// Managed policies.
		"CreatePolicy":            write(createPolicy),
		"GetPolicy":               read(getPolicy),
		"ListPolicies":            read(listPolicies),
		"CreatePolicyVersion":     write(createPolicyVersion),
		"GetPolicyVersion":        read(getPolicyVersion),
		"ListPolicyVersions":      read(listPolicyVersions),
		"SetDefaultPolicyVersion": write(setDefaultPolicyVersion),
		"DeletePolicyVersion":     write(deletePolicyVersion),
		"DeletePolicy":            write(deletePolicy),
		"TagPolicy":               write(tagResource(policyTags)),
		"UntagPolicy":             write(untagResource(policyTags)),
		"ListPolicyTags":          read(listResourceTags(policyTags)),
		"ListEntitiesForPolicy":   read(listEntitiesForPolicy),

		// Instance profiles.
		"CreateInstanceProfile":         write(createInstanceProfile),
		"GetInstanceProfile":            read(getInstanceProfile),
		"ListInstanceProfiles":          read(listInstanceProfiles),
		"DeleteInstanceProfile":         write(deleteInstanceProfile),
		"AddRoleToInstanceProfile":      write(addRoleToInstanceProfile),
		"RemoveRoleFromInstanceProfile": write(removeRoleFromInstanceProfile),
		"ListInstanceProfilesForRole":   read(listInstanceProfilesForRole),
		"TagInstanceProfile":            write(tagResource(instanceProfileTags)),
		"UntagInstanceProfile":          write(untagResource(instanceProfileTags)),
		"ListInstanceProfileTags":       read(listResourceTags(instanceProfileTags)),

		// Account.
		"CreateAccountAlias":             write(createAccountAlias),
		"DeleteAccountAlias":             write(deleteAccountAlias),
		"ListAccountAliases":             read(listAccountAliases),
		"GetAccountPasswordPolicy":       read(getAccountPasswordPolicy),
		"UpdateAccountPasswordPolicy":    write(updateAccountPasswordPolicy),
		"DeleteAccountPasswordPolicy":    write(deleteAccountPasswordPolicy),
		"GetAccountSummary":              read(getAccountSummary),
		"GetAccountAuthorizationDetails": read(getAccountAuthorizationDetails),

		// Credential reports, which live in memory only.
		"GenerateCredentialReport": read(generateCredentialReport),
		"GetCredentialReport":      read(getCredentialReport),
	}
}

// stsActions lists the STS actions the sandbox serves.
func stsActions() map[string]action {
	return map[string]action{
		"GetCallerIdentity": read(getCallerIdentity),
		// The sandbox issues temporary credentials in memory and does not
		// save the state file for them, so they count as reads.
		"AssumeRole":         read(assumeRole),
		"GetSessionToken":    read(getSessionToken),
		"GetFederationToken": read(getFederationToken),
	}
}

// unsignedSTSActions are the STS actions that clients call without a
// signature, because the request carries its own proof of identity: a web
// identity token or a SAML assertion.
var unsignedSTSActions = map[string]bool{
	"AssumeRoleWithWebIdentity": true,
	"AssumeRoleWithSAML":        true,
}

// rejectUnsignedAction returns InvalidAction for a request of an unsigned
// STS action, signed or not, as for any other action that the sandbox does
// not serve. The sandbox has no OIDC or SAML providers to check the token
// or assertion against.
func rejectUnsignedAction(req *request) error {
	name := req.params.Get("Action")
	if !unsignedSTSActions[name] {
		return nil
	}
	req.service, req.action = stsService, name
	version := req.params.Get("Version")
	if version == "" {
		version = stsVersion
	}
	return errInvalidAction(name, version)
}
