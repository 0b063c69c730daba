// Package policydoc parses IAM policy documents and compares them by meaning.
//
// A policy document is the JSON text of an identity policy (inline or
// managed), a role's trust policy or a resource policy. A [Document] keeps
// that text exactly as written, because that is what iamsync sends to IAM and
// what IAM stores, and next to it a parsed form used to:
//
//   - compare two documents by meaning ([Equal], [Document.Canonical]). IAM
//     may return a policy with lists reordered, a one-element list written
//     as a string or an account ID rewritten as its root ARN, and a plan
//     must not report that as a change;
//   - show a document and a change to it to people ([Document.Pretty],
//     [Diff], [CompareStatements]);
//   - check it against IAM's grammar and its size quotas before IAM does
//     ([Document.Validate], [Document.Size]).
//
// The package works on documents alone. It makes no AWS calls and does not
// know which services, actions, resources or condition keys exist, so it
// cannot tell a misspelt action name from a new one. Nor does it evaluate
// policies: Equal reports that two documents are written to mean the same,
// not that two different documents happen to grant the same access.
package policydoc
