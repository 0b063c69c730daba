// Package bench measures iamsync on synthetic accounts: how many API calls,
// how much time, CPU and memory a plan takes as an account grows from a
// hundred to ten thousand entities, how a per-entity read in the style of
// Terraform's refresh compares, and how well apply keeps its parallel calls
// busy when every call has latency.
//
// A synthetic account is generated twice from the same description: as a
// sandbox state file (the shape of GetAccountAuthorizationDetails) and as
// the HCL configuration that declares exactly that account, so a correct
// plan of one against the other has no changes. The account has users with
// inline and attached policies and group memberships, groups with inline
// and attached policies, roles with trust policies, and customer-managed
// policies with three versions each. The live documents are written in
// another form than the configuration's (key order, white space, single
// values instead of one-element lists), so planning compares documents by
// meaning, as it does for real accounts.
//
// Limits of the synthetic accounts: at most 1,000 roles, so that ListRoles
// is one page; no AWS-managed policies, instance profiles, access keys or
// login profiles, whose per-entity reads the plan would add; and above
// 3,000 entities the account holds more customer-managed policies and
// groups than IAM's default quotas (1,500 and 300), as a real account of
// that size does after AWS raises them.
//
// The plan is measured in a child process (iamsync's hidden "bench
// plan-once" command, which runs plan's code path) against a sandbox served
// by another child process ("iamsync sandbox serve"), so that the CPU time
// and peak memory of the plan are not mixed with the sandbox's. The
// per-entity baseline and the apply run in the calling process, against
// the same kind of sandbox child.
package bench
