// Package importer writes the IAM of a live account as an iamsync
// configuration, so that a team can adopt iamsync for an account that
// already exists: planning the generated files against the same account
// finds nothing to change.
//
// Read reads an account through a provider.Reader, with the credentials and
// tags that the bulk read leaves out; ReadDump reads a
// GetAccountAuthorizationDetails dump the same way. Generate turns the state
// into HCL files in canonical hclwrite form, one file per entity kind or per
// IAM path, and WriteDir writes them. The same state always gives the same
// bytes.
//
// The configuration refers rather than repeats. Entities refer to the
// policies, roles and groups it declares by reference (policy.x.arn,
// role.x.name, group.x.name), ARNs that stay literal name the account as
// ${account.id}, and a policy document used verbatim in several places is
// written once, as a local value or a policy_document block. Memberships are
// declared on users, never as a group's complete member list, so that users
// left out of the import keep their groups.
//
// What iamsync does not manage is left out. That is the roles that AWS
// reserves and the definitions of AWS-managed policies, to which
// configurations refer by ARN. Entities outside the options' paths or
// matching their exclude patterns are left out too, and the generated scope
// block keeps them out of plans. Secrets are never written, because IAM
// never returns them: access keys appear by id and status, a console
// password as login_profile { enabled = true }. Tags that carry AWS's
// reserved aws: prefix cannot be declared, so an entity that has them keeps
// its tags unmanaged.
package importer
