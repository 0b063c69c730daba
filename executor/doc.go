// Package executor carries out a plan against a live account.
//
// Compile turns a planner.Plan into a Graph of steps, each one IAM API
// call, and Run walks the graph through a Client: every step waits for the
// steps it depends on, with up to Options.Parallelism calls in flight.
// IAM's ordering rules are data, not code paths. Each step states facts it
// needs and facts it provides, such as "user alice exists", "policy P has
// no uses left" or "the name bob is free", and Compile joins every step
// that needs a fact to every step that provides it. Graph.Steps lists the
// calls in the order Run makes them one at a time, for a dry run.
//
// A deleted user is the one place where the graph grows while it runs. IAM
// refuses to delete a user who still holds a login profile, access keys,
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
// limit again.
//
// Secrets are written only to the destinations the plan names. A new
// access key goes to its secret_file as a profile, named after the user, of
// an AWS shared credentials file. A generated console password goes to its
// password_file alone on a line. Files are created with mode 0600 and never
// replace an existing file, and Run checks every destination before its
// first call. The destination "-" means Options.Stdout, where both kinds of
// secret are printed in the profile form. A secret without a destination
// is dropped, because the configuration declared that it need not be kept.
//
// The executor reads no live state besides a deleted user's credentials,
// and it does not check that a plan is still current.
package executor
