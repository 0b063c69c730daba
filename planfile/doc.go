// Package planfile saves a plan to a file and checks, before it is
// applied, that it still holds, as Terraform's saved plans do.
//
// A plan file holds the changes and a snapshot of the configuration they
// were planned from: the files spec.Load read and the values of the input
// variables. It also holds the plan's time and targets, the account and
// caller, and a fingerprint of the live state the changes were planned
// against.
//
// Applying a saved plan takes these steps:
//
//  1. Read the file.
//  2. CheckAccount against the account of the credentials.
//  3. Read the live state with the saved ReadOptions.
//  4. Prepare, which rejects a stale plan, one whose account changed since
//     the plan was made. Otherwise it decodes the saved configuration again,
//     plans it at the saved time and checks that the result is exactly the
//     saved changes.
//  5. Execute Prepared.Plan.
//
// The file is JSON, with the snapshot's files in base64, written with mode
// 0600 because variable values may be secrets. Secrets that iamsync
// creates, such as new access keys, are never in a plan.
//
// The package does not lock the account: a change made by someone else
// between Prepare and the end of the apply goes unnoticed, as it would
// without a saved plan. Nor does it sign the file; Read rejects a file
// whose configuration does not match its fingerprint, which catches
// accidents, not tampering.
package planfile
