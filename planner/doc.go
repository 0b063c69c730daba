// Package planner compares a desired configuration with the live state of an
// AWS account and produces the plan of changes that makes the account match.
//
// A plan is a list of changes sorted by address. Each change is about one
// object, an entity such as user.alice or something an entity holds such as
// user.alice.inline_policy["s3"]. It gives the action (create, update,
// replace or delete), the reason when the attributes alone do not explain
// it, and the attributes before and after. The executor carries a plan out. The
// renderers in this package print it for people (RenderText), for
// pull-request comments (RenderMarkdown, with a size cap) and for programs
// (RenderJSON). They show a changed policy document as a line diff and, statement
// by statement, as the actions, resources, principals and conditions that
// each statement gains or loses.
//
// A replaced role, policy or instance profile carries its blast radius
// (Change.Dependents): what in the account names it and what the
// replacement does to that, such as a trust policy of another role left
// with the deleted role's unique id.
//
// Options.Targets limits a plan to some addresses and what they need, as
// Terraform's -target does, and Plan.Targets marks the plan as partial:
//
//   - A target selects the changes at its address and below it, so role.app
//     selects role.app.inline_policy["s3"] and user.people selects every
//     instance of that for_each. A user's target also selects the user's
//     group memberships.
//   - A selected change brings in the changes that follow from it (whose
//     Cause it is), and the change it follows from when that is a
//     replacement.
//   - It also brings in the creation or replacement of an entity it
//     references: the policy of an attachment or boundary, the user and the
//     group of a membership, the role of an instance profile, and the users
//     and roles that a role's trust policy names as principals. An entity
//     brought in this way comes with its inline policies, attachments and
//     boundary, but not with its memberships or credentials.
//   - Everything else is left out, deletes of untargeted entities included.
//
// A declared entity with lifecycle { prevent_destroy = true } makes a plan
// that deletes or replaces it fail with an error diagnostic, and
// CheckMaxDeletes bounds how many entities a plan may delete or replace.
//
// Make is a pure function of the configuration, the state and the time in
// Options: it calls no API and reads no clock, so the same inputs always give
// the same plan. It compares what IAM compares: names case-insensitively,
// policy documents by meaning (see policydoc.Equal), and tag keys
// case-insensitively on users and roles only. Objects the configuration does
// not declare are deleted only when they lie inside the configuration's
// scope and do not belong to AWS.
//
// The planner compares only what the state holds. Callers read the
// credentials of users that declare access_keys or login_profile, and the
// tags of policies and instance profiles that declare tags; a user whose
// credentials were not read keeps them unchanged. The planner does not check
// what the configuration alone can tell, such as the syntax of names and
// documents: spec.Load does that.
//
// Addresses of what an entity holds follow the entity's address:
//
//	user.alice.inline_policy["s3"]
//	user.alice.policy_attachment["arn:aws:iam::aws:policy/ReadOnlyAccess"]
//	role.app.permissions_boundary
//	group.admins.membership["alice"]
//	user.alice.access_key["AKIA..."]   a live key
//	user.alice.access_key[0]           a key to create, by its position in access_keys
//	user.alice.login_profile
//
// and the account settings are account.alias and password_policy.
package planner
