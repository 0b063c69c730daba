// Package spec decodes an iamsync configuration, a directory of HCL files
// that declares the IAM of one account, into a Config.
//
// The language follows the Terraform AWS provider where it can. Blocks named
// user, group, role, policy and instance_profile declare entities with the
// provider's attribute names. A policy_document block builds policy JSON
// like the aws_iam_policy_document data source. Variables, locals,
// for_each, dynamic blocks and the usual functions work as in Terraform. A reference
// such as role.app.arn or policy.readonly.arn resolves while loading,
// because IAM names and paths alone make the ARNs: there is no "known after
// apply". Without an account ID, as in offline validation, ARNs are built in
// PlaceholderAccountID.
//
// Load reports every mistake in the files as an hcl.Diagnostic with a source
// range, before anything talks to AWS: syntax, unknown arguments, undeclared
// references (with suggestions for near names), reference cycles, IAM's
// rules for names, paths, tags, ARNs, aliases, descriptions and ranges,
// policy documents that are not JSON or break IAM's grammar (pointing into
// the document where its text can be traced), duplicate names compared
// without case, and contradictory group memberships. CheckQuotas adds the
// limits that depend on the account's quotas.
//
// The package reads files only from the configuration directory, the
// variables files it is given, and what file functions name, and it reads no
// environment variables and no clock of its own: LoadOptions carries the
// environment, and expires_at values are returned for the planner to compare
// with its own time. It does not compare the configuration with an account;
// that is the planner's work.
package spec
