// Package executor carries out a plan against a live account.
//
// Compile turns a planner.Plan into a Graph of steps, each one IAM API
// call, and Run walks the graph through a Client: every step waits for the
// steps it depends on, with up to Options.Parallelism calls in flight.
// IAM's ordering rules are data, not code paths. Each step states facts it
// needs and facts it provides, such as "user alice exists", "policy P has
// no uses left" or "the name bob is free", and Compile joins every step
// that needs a fact to every step that provides it. Graph.Steps lists the
// calls in the order Run makes them one at a time, for a dry run. The Last
// option of Compile puts the steps of chosen changes, and the steps that
// depend on them, after all others. Apply passes the changes that may take
// IAM rights away from the identity it runs as.
//
// A deleted user is the one place where the graph grows while it runs. IAM
// rejects the deletion of a user who still has a login profile, access keys,
// SSH keys, signing certificates, service-specific credentials or MFA
// devices, and the plan lists those only when they were read. So the first
// step of a user's delete reads them, and Run inserts one delete per
// credential before DeleteUser.
//
// Run stops starting steps at the first failure or when its context is
// cancelled, lets the calls in flight finish, and reports which steps
// succeeded, which failed and which did not run. It never resumes:
// planning again reads what changed, and applying that plan finishes the
// work. Errors are classified for errors.Is. A call that IAM throttled, or
// that uses an entity created a moment ago and not yet visible everywhere,
// is retried with backoff for Options.ConsistencyTimeout. Throttling also
// halves the calls allowed in flight until a run of successes raises the
// limit again. The limit counts calls, not steps: a step that waits to
// retry gives its slot to another step meanwhile.
//
// A call whose connection broke after the request was sent, or that IAM
// responded to with a server error, may or may not have taken effect, and the
// AWS SDK makes it again. When it had taken effect, the repeated create
// fails with EntityAlreadyExists, the repeated delete, detach or removal
// with NoSuchEntity, and a repeated AddRoleToInstanceProfile with
// LimitExceeded. After such an uncertain attempt, and only then, Run takes
// that error for success, because the change is in place. The plan that
// apply makes afterwards reports any difference. CreateAccessKey and
// CreatePolicyVersion would make a second key or version instead, so the
// SDK does not repeat them after an uncertain attempt. Run lists the
// user's keys before each CreateAccessKey. After an uncertain call, it
// deletes any new key before it calls again, because that key's secret
// never arrived. After an uncertain CreatePolicyVersion, it reads the
// policy's default version to see whether the call made it. Either call is
// made at most three times without a known outcome.
//
// Secrets are written only to the destinations the plan names. A new
// access key goes to its secret_file as a profile, named after the user, of
// an AWS shared credentials file. A generated console password goes to its
// password_file alone on a line. Files are created with mode 0600 and never
// replace an existing file, and Run checks every destination before its
// first call. The one exception is an empty file. A secret file is created
// before the call that makes the secret, so an empty one is what an apply
// stopped in between leaves behind. The next plan creates its key again,
// and Run writes into it. The destination "-" means Options.Stdout, where
// both kinds of secret are printed in the profile form. A secret without a
// destination is dropped, because the configuration declared that it need
// not be kept.
//
// The executor reads no live state besides a deleted user's credentials
// and what the two creates above need, and it does not check that a plan
// is still current.
package executor
