// Package report reads IAM's account reports and finds what needs
// attention in them.
//
// An account summary is GetAccountSummary's map of usage counts and quotas;
// Summarize pairs each count with its quota. A credential report is the CSV
// that GetCredentialReport returns, with one row per user and one for the
// root user. ParseCredentialReport reads it, and Findings lists the
// credentials that break common hygiene rules: access keys unused or not
// rotated, console passwords without MFA or unused, and a root user with
// access keys or without MFA.
//
// The package makes no API call and reads no clock: callers fetch the
// reports and pass the time to judge them at. It judges only what the
// reports contain, so it cannot tell, for instance, whether an unused key
// is still needed.
package report
