// Package bench measures iamsync on synthetic accounts. It measures how many
// API calls and how much time, CPU and memory a plan takes as an account
// grows from a hundred to ten thousand entities. It compares the bulk read
// with a per-entity read in the style of Terraform's refresh, and measures
// how busy apply keeps its parallel calls when every call has latency.
//
// A synthetic account is generated from one description, both as a sandbox
// state file (the shape of GetAccountAuthorizationDetails) and as
// configurations that declare exactly that account. The configurations come
// in two layouts. LayoutBlocks has one block per entity. LayoutData has one
// block per entity type with for_each over a JSON data file, which is how a
// large organisation is more likely to keep its IAM. A correct plan of
// either layout against the state has no changes, and their figures are
// reported apart.
//
// Every user is in one or two groups, every other user has an attached
// policy and every fourth user an inline one. Groups and roles have
// attached and inline policies, roles have trust policies, and
// customer-managed policies have three versions each. Three in four live
// documents are stored as iamsync sent them, which is the text jsonencode
// made of the configuration. The fourth is in the IAM console's form (other
// key order, white space, every value in a list), so planning compares
// documents by meaning, as it must for real accounts.
//
// Limits of the synthetic accounts: at most 1,000 roles, so that ListRoles
// is one page. There are no AWS-managed policies, which
// GetAccountAuthorizationDetails would list as items besides the entities,
// and no instance profiles, access keys or login profiles, whose reads the
// plan would add. Users are half the entities, so 10,000 entities reach
// IAM's fixed quota of 5,000 users. Above about 4,300 entities the account
// contains more customer-managed policies than IAM's default quota of 1,500,
// and above 6,000 more groups than the default of 300. At 10,000 entities
// it contains 3,500 policies and 500 groups, within the quotas AWS raises them
// to on request, at most 5,000 and 500.
//
// The plan is measured in a child process (iamsync's hidden "bench
// plan-once" command, which runs plan's code path). The sandbox is served
// by another child process ("iamsync sandbox serve"), so that the CPU time
// and peak memory of the plan are not mixed with the sandbox's. The
// per-entity baseline and the apply run in the calling process, against
// the same kind of sandbox child.
package bench
