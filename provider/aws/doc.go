// Package awsprovider implements provider.Reader and provider.Writer with
// the AWS SDK for Go v2, against IAM and STS.
//
// It is the only package of iamsync, besides the IAM sandbox, that imports
// the SDK, because the rest of the program uses the types of package provider. New
// loads the SDK's standard configuration, so profiles, SSO, web identity and
// the AWS_* environment variables, AWS_ENDPOINT_URL_IAM and
// AWS_ENDPOINT_URL_STS included, work as they do for the AWS CLI.
// Options.AssumeRole adds a chain of roles on top: each is assumed with the
// credentials of the one before it, through the SDK's assume-role provider
// and credentials cache, so sessions are renewed when they expire. A role
// that cannot be assumed fails the first call that needs its credentials
// with an *AssumeRoleError naming the role. When nothing in the environment
// or the shared files gives credentials and the EC2 instance metadata
// service gives none either, every call fails with a *NoCredentialsError. Options.EndpointURL applies to
// the provider's own clients and to the chain. The credential providers of
// the SDK's standard chain, such as web identity and SSO, build their own
// clients, which take their endpoint from AWS_ENDPOINT_URL_STS and the like.
//
// AssumeRole, GetSessionToken and GetFederationToken return temporary
// credentials in a TemporaryCredentials, whose String method hides the
// secret. AccountSummary and CredentialReport read the account's reports;
// CredentialReport polls GenerateCredentialReport with growing delays until
// the report is ready, within ReportOptions.Timeout.
//
// ReadState reads an account in bulk: GetAccountAuthorizationDetails for
// users, groups, roles and managed policies, ListRoles for what that call
// leaves out of roles, and GetAccountSummary, ListAccountAliases and
// GetAccountPasswordPolicy for the account. Without per-entity extras, an
// account of N entities with at most 1000 roles and no instance profile
// outside a role takes at most ceil(N/1000)+5 calls, one fewer when
// ReadOptions.Caller passes on an identity the caller already read. Policy
// documents arrive URL-encoded and are decoded exactly once. A read that
// fails part-way returns an error and no state. ReadStatePerEntity reads
// the same state with Get and List calls for each entity, as a
// per-resource refresh does; it is the baseline of iamsync bench.
//
// Each Writer method makes exactly one API call. Errors are *CallError
// values that name the action and the entity and wrap the SDK's error, so
// provider.ErrorCode returns IAM's error code. The SDK's standard retryer
// retries throttling and server errors up to Options.MaxAttempts. Each retry
// is logged at debug level, and each throttled attempt is reported through
// provider.ReportThrottle. Calls counts calls by action, a call with retries
// once.
//
// The package does not wait for IAM's eventual consistency: a read right
// after a write may not see it yet, and callers that need the write visible
// must retry. It reads nothing that GetAccountAuthorizationDetails and the
// calls above do not return, such as OIDC and SAML providers or server
// certificates.
package awsprovider
