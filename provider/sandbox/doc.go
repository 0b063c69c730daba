// Package sandbox is an IAM sandbox: an HTTP server that speaks the IAM and
// STS Query APIs with IAM's behaviour, for one account that it keeps in
// memory and optionally in a JSON file.
//
// Point the AWS SDKs or the AWS CLI at it with AWS_ENDPOINT_URL (or an SDK
// client's base endpoint) and the sandbox's key pair. It responds with
// IAM's XML shapes, error codes, HTTP statuses and validation messages, so that
// iamsync's end-to-end tests and its quick start exercise the same code
// paths as against AWS, without an AWS account.
//
// # Defaults
//
//   - Account id 123456789012, unless the state file names another account
//     (its AccountId key, or the account in its ARNs), which then wins.
//   - Root key pair AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
//     the example pair of the AWS documentation. Requests signed with it act
//     as the account's root.
//   - Any signing region is accepted unless Options.Region names one.
//   - Start listens on a free port of 127.0.0.1 unless given an address.
//   - IAM's default quotas: 5000 users, 10 attached policies per user, group
//     and role, 5 versions per policy, 2 access keys per user, and policy
//     sizes of 6144 (managed), 2048, 5120 and 10240 (inline, per user, group
//     and role) and 2048 (trust). Options.Quotas changes any of them by its
//     GetAccountSummary name.
//
// # Protocol
//
// Requests are form-encoded POSTs or GETs with Action and Version (which
// may be left out, but must be the service's version when given). Every
// request must carry a SigV4 signature in its Authorization header, made
// with the root key pair or with an Active access key of one of the
// account's users; requests signed with a user's key act as that user.
// The sandbox rebuilds the canonical request from the headers the client
// signed and signs it again with the AWS SDK's signer, allowing 15 minutes
// of clock skew. It tells IAM from STS by the service in the signature's
// credential scope. Failures are answered as AWS does: MissingAuthenticationToken,
// InvalidClientTokenId (unknown or inactive key), SignatureDoesNotMatch (wrong
// secret, or a time outside the skew), all with status 403, and
// IncompleteSignature (400) for a malformed Authorization header.
// AssumeRoleWithWebIdentity and AssumeRoleWithSAML, which clients send
// unsigned, get InvalidAction before any signature check, as other actions
// that the sandbox does not serve do.
//
// Actions whose UserName is optional, such as GetUser and ListAccessKeys,
// take a missing name as the IAM user that the request acts as: the owner
// of the access key, or the user whose session token signed the request.
// Role sessions and federated users get IAM's ValidationError ("Must
// specify userName when calling with non-User credentials"). For the root
// user, GetUser returns the root user, ListAccessKeys lists the root key
// pair without its secret, ListMFADevices and ListSigningCertificates
// return empty lists, and the other actions require the name.
//
// Policy documents are validated as IAM does before it stores them: JSON
// syntax, the characters IAM allows, known elements, Version, Effect,
// actions with a vendor prefix, resources in permission policies and
// principals in trust policies; sizes are counted without white space.
// CreateRole and UpdateAssumeRolePolicy also check that every user or role
// ARN of the sandbox's account in a trust policy's Principal or
// NotPrincipal names an existing user or role, path included, and reject
// the document with MalformedPolicyDocument ("Invalid principal in policy:
// "AWS":"ARN"") otherwise, as IAM does. So a role cannot trust itself
// when it is created. The same error rejects, in any account, an ARN with a
// wildcard, an IAM ARN that names no principal (a group, an instance
// profile, a user or role without a name) and one of another partition. A
// trust policy with NotPrincipal is rejected too. Other AWS principals are
// accepted without a check, because the sandbox cannot tell whether they
// exist: the ARNs of other accounts, account ids and root ARNs, STS session
// ARNs and unique ids.
// Documents are returned URL-encoded, exactly as they were sent, but for two
// changes that IAM makes too. Deleting a user or role puts its unique id in
// place of its ARN wherever a trust policy names it as a principal. Renaming
// a user or moving it to another path puts its new ARN there. Such a trust
// policy then comes back as compact JSON with sorted keys.
//
// List actions and GetAccountAuthorizationDetails page with Marker and
// MaxItems (1 to 1000, default 100). Markers are opaque. For
// GetAccountAuthorizationDetails, MaxItems counts the items of all four
// lists together.
//
// # STS
//
// Besides GetCallerIdentity, the sandbox issues temporary credentials with
// AssumeRole, GetSessionToken and GetFederationToken. Their key ids start
// with ASIA, requests signed with them must carry the session token in
// X-Amz-Security-Token, and they act as the role session
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, user id ROLEID:SESSION),
// as the calling user, or as the federated user
// (arn:aws:sts::ACCOUNT:federated-user/NAME, user id ACCOUNT:NAME). They
// expire (ExpiredToken), and stop working when their role or user is
// deleted (InvalidClientTokenId). They live in memory only, so a restarted
// sandbox forgets them, and issuing them saves nothing and counts as a
// read.
//
// AssumeRole checks the trust side only: the role's trust policy must allow
// sts:AssumeRole for the caller, sts:TagSession too when tags are passed
// and sts:SetSourceIdentity when the session gets a source identity, and
// no statement may deny them. A principal matches when it is "*", the
// caller's account (its id or root ARN, which stand for every principal of
// the account), the caller's user ARN, the ARN of the role whose session
// calls, or that session's own ARN. Conditions are evaluated with the
// String, Arn, Bool, Numeric and Null operators, IfExists, and the
// ForAnyValue and ForAllValues prefixes, on the keys sts:ExternalId,
// sts:RoleSessionName, sts:TransitiveTagKeys, sts:SourceIdentity,
// aws:SourceIdentity, aws:MultiFactorAuthPresent,
// aws:MultiFactorAuthAge, aws:PrincipalArn, aws:PrincipalAccount,
// aws:PrincipalType, aws:userid, aws:username, aws:PrincipalTag/KEY,
// aws:RequestTag/KEY and aws:TagKeys. Any other operator or key (a date or
// an IP address condition, say) and policy variables make a statement err
// towards denying: an Allow statement grants nothing and a Deny statement
// applies. MFA is present when the request gives SerialNumber and TokenCode
// and the serial number is an MFA device of the calling user, or when the
// calling session was itself authenticated with MFA. The root user may not
// assume roles. A caller that the trust policy does not allow, and a role
// that does not exist, get STS's AccessDenied: "User: ARN is not authorized
// to perform: sts:AssumeRole on resource: ROLE_ARN".
//
// Sessions last from 900 seconds to the role's MaxSessionDuration, or an
// hour when the caller is a role session (role chaining); session and
// federation tokens up to 36 hours; and any session of the root user up to
// an hour, to which a longer session or federation token is cut, as STS
// does. Session tags (at most 50, keys up to 128 and values up to 256
// characters) pass along a role chain when transitive, and a transitive
// tag cannot be passed again further down the chain; every transitive key
// must name a session tag of the request. A source identity (2 to 64
// characters, which cannot start with "aws:") passes along the whole role
// chain and cannot be changed further down it: a request with another one
// gets AccessDenied. AssumeRole returns it. A session policy must be a valid
// permissions policy of at most 2048 characters. STS packs session policies
// and tags into an unpublished binary format with its own limit; the
// sandbox counts their characters against 2048 instead, so its
// PackedPolicySize is an estimate.
//
// # Credential reports
//
// GenerateCredentialReport takes a snapshot of the users' credentials and
// answers STARTED. The report becomes complete at the next call, which
// answers COMPLETE, so that clients poll as they must against IAM; until
// then GetCredentialReport answers ReportInProgress. A report is served for
// four hours, after which GetCredentialReport answers ReportExpired and the
// next GenerateCredentialReport starts a new one. The CSV has IAM's columns
// and values, with the root user first. The root user's MFA, password use
// and access keys come from the state file's Root key; the key pair that
// signs requests as root (Options.AccessKeyID) is not listed.
//
// # State file
//
// The state file has the shape of GetAccountAuthorizationDetails as the AWS
// CLI prints it (UserDetailList, GroupDetailList, RoleDetailList, Policies),
// so a dump of a real account loads as it is: documents may be JSON objects
// or URL-encoded strings, dates may have a "T" or a space, and optional
// lists may be missing. What that call leaves out is kept in extra keys:
// on users (LoginProfile, AccessKeys with their secrets, MFADevices,
// SSHPublicKeys, SigningCertificates, ServiceSpecificCredentials,
// PasswordLastUsed), on roles (Description, MaxSessionDuration), on
// policies (Tags), and at the top level (AccountId, AccountCreateDate,
// AccountAliases, PasswordPolicy, InstanceProfiles with their tags,
// VirtualMFADevices, and Root, which holds what the credential report lists
// about the root user). A login profile keeps PasswordLastChanged when the
// password was set again after the profile was created, and PasswordHash,
// a salted PBKDF2-SHA256 hash of the password that ChangePassword checks
// the old password against. A login profile without one, as in a dump of a
// real account, has a password that ChangePassword never accepts, until
// UpdateLoginProfile sets a new one. Counts such as AttachmentCount are
// derived from the attachments, not read. The file is written after every
// successful change, atomically (a temporary file in the same directory,
// synced, then renamed over the old one), readable by its owner only
// because it holds secret keys. The last use of access keys, which reads
// record too, is written with the next change. A state file that does not exist yet is an empty
// account, but its directory must exist and be writable: New checks this
// by creating and removing a temporary file there. A JSON file that has
// none of the four lists above, such as the output of ListUsers, is refused
// (CheckStateFile) and left as it is, rather than taken for an empty
// account and overwritten. So is one whose only list is Policies without
// versions, as ListPolicies writes. A save that fails
// anyway, as when the disk is full, is logged at error level with its
// cause, and the request gets ServiceFailure, but its change stays in
// memory.
//
// A Server holds its state file from New until Close with an exclusive
// flock(2) lock on a lock file beside it, the state file's path with
// ".lock" appended, which stays in place afterwards. A second Server on
// the same file, in the same process or in another one, fails in New with
// ErrStateInUse instead of overwriting the first one's changes. The lock
// ends with the process, so a killed sandbox leaves no stale lock. On
// systems without flock, such as Windows, nothing is locked.
//
// # AWS-managed policies
//
// With a catalogue (Options.CataloguePath, a JSON list of AWS-managed
// policies with their default documents), the AWS-managed policies are
// those it lists, less the retired ones it names; other AWS-managed ARNs
// are NoSuchEntity. Without a catalogue, the sandbox knows the AWS-managed
// policies of its state file, and accepts any other well-formed AWS-managed
// ARN by making up the policy, with version v1 and a placeholder document
// that grants nothing. Either way, AWS-managed policies cannot be created,
// changed or deleted, and GetAccountAuthorizationDetails lists them only
// while the account attaches them or uses them as a permissions boundary.
//
// # Faults
//
// Options.Faults makes the sandbox fail as IAM does under load, so that
// clients can be tested against it: throttling (HTTP 400 Throttling, "Rate
// exceeded"), server errors (ServiceFailure 500 and ServiceUnavailable
// 503), added latency, connections dropped before or after the change is
// made, and a delay during which a new user, group, role, customer-managed
// policy or instance profile is unknown to the calls that use it. A trust
// policy that names a new user or role then gets the error of a principal
// that does not exist. A seeded random source picks the failing requests,
// Faults.Actions limits them to some actions, and FaultCounts counts what
// was injected. A request that fails before its action runs changes
// nothing. `iamsync sandbox serve` sets them with flags such as
// --throttle-rate and --consistency-delay.
//
// # What the sandbox does not model
//
//   - Authorization: requests are authenticated, never authorized. Every
//     accepted key may call every action, and no identity, session or
//     permissions boundary policy is evaluated: AssumeRole evaluates the
//     role's trust policy and nothing else. Credentials that IAM would
//     restrict, such as session tokens without MFA or federation tokens,
//     call IAM freely.
//   - Eventual consistency, apart from the visibility delay of new
//     entities that Faults.ConsistencyDelay adds: every other change, such
//     as a deletion or a new attachment, is visible to the next request,
//     and list and read actions show new entities at once.
//   - Throttling by rate: Faults throttle requests at random, not per
//     action and per second as IAM's token buckets do.
//   - AssumeRoleWithWebIdentity, AssumeRoleWithSAML and the other STS
//     actions not named above.
//   - Presigned (query-string) signatures, SigV4a, and headers that the
//     AWS SDK's signer never signs (such as User-Agent) in SignedHeaders.
//   - Global uniqueness of account aliases, and partitions other than aws.
//   - One-time passwords: EnableMFADevice and ResyncMFADevice accept any
//     two six-digit codes, STS any six-digit TokenCode, and the QR code of
//     a virtual MFA device is a blank image.
//   - Password reuse prevention and password expiry: the password policy
//     is checked for length and kinds of characters only.
//   - The root user's own credentials, beyond listing the root key pair:
//     creating, changing and deleting root access keys, and the root
//     user's MFA devices and signing certificates.
//   - The certifications of FIDO security keys, which GetMFADevice leaves
//     out.
//   - OIDC and SAML providers, server certificates, service-linked role
//     deletion, access advisor, policy simulation, and the role templates
//     and delegation requests of recent IAM releases.
//   - Changes to the credentials iamsync does not manage, beyond creating,
//     listing and deleting them: UpdateSSHPublicKey, UpdateSigningCertificate,
//     UpdateServiceSpecificCredential and ResetServiceSpecificCredential.
//   - Some error messages: codes and statuses follow IAM, but where IAM's
//     exact wording is not documented the sandbox words the message itself.
package sandbox
