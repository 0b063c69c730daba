// Package sandbox is an IAM sandbox: an HTTP server that speaks the IAM
// Query API, and STS's GetCallerIdentity, with IAM's behaviour, for one
// account that it keeps in memory and optionally in a JSON file.
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
//
// Policy documents are validated as IAM does before it stores them: JSON
// syntax, the characters IAM allows, known elements, Version, Effect,
// actions with a vendor prefix, resources in permission policies and
// principals in trust policies; sizes are counted without white space.
// Documents are returned URL-encoded, exactly as they were sent.
//
// List actions and GetAccountAuthorizationDetails page with Marker and
// MaxItems (1 to 1000, default 100). Markers are opaque. For
// GetAccountAuthorizationDetails, MaxItems counts the items of all four
// lists together.
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
// AccountAliases, PasswordPolicy, InstanceProfiles with their tags, and
// VirtualMFADevices). Counts such as AttachmentCount are derived from the
// attachments, not read. The file is written after every successful change,
// atomically (a temporary file in the same directory, synced, then renamed
// over the old one), readable by its owner only because it holds secret
// keys. The last use of access keys, which reads record too, is written
// with the next change. A state file that does not exist yet is an empty
// account.
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
// # What the sandbox does not model
//
//   - Authorization: requests are authenticated, never authorized. Every
//     accepted key may call every action, and no policy is evaluated.
//   - Eventual consistency: a change is visible to the next request.
//   - Throttling, server errors, latency and dropped connections: none
//     occur. Every request goes through one handler, so that a fault
//     injector can be added around it.
//   - STS beyond GetCallerIdentity: no AssumeRole, GetSessionToken or
//     GetFederationToken yet, so no temporary credentials and no role last
//     use. The credential lookup is where they would be accepted.
//   - Presigned (query-string) signatures, SigV4a, and headers that the
//     AWS SDK's signer never signs (such as User-Agent) in SignedHeaders.
//   - Global uniqueness of account aliases, and partitions other than aws.
//   - One-time passwords: EnableMFADevice accepts any two six-digit codes,
//     and the QR code of a virtual MFA device is a blank image.
//   - Passwords are checked against the password policy but not kept.
//   - OIDC and SAML providers, server certificates, service-linked role
//     deletion, credential reports (GenerateCredentialReport and
//     GetCredentialReport; the users' keys, passwords and MFA devices they
//     would report are kept), access advisor, policy simulation, and the
//     role templates and delegation requests of recent IAM releases.
//   - Some error messages: codes and statuses follow IAM, but where IAM's
//     exact wording is not documented the sandbox words the message itself.
package sandbox
