package spec

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// maxNameLength holds IAM's name length limits per entity type.
var maxNameLength = map[string]int{
	blockUser:            64,
	blockRole:            64,
	blockGroup:           128,
	blockPolicy:          128,
	blockInstanceProfile: 128,
}

// Limits that IAM enforces on every account; none of them can be raised.
const (
	maxPathLength             = 512
	maxInlinePolicyNameLength = 128
	maxTags                   = 50
	maxTagKeyLength           = 128
	maxTagValueLength         = 256
	maxDescriptionLength      = 1000
	minSessionDuration        = 3600
	maxSessionDuration        = 43200
	maxAccessKeys             = 2
)

var (
	// namePattern is the API's pattern for user, group, role, policy and
	// instance profile names.
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	// pathPattern is the API's pattern for paths: "/" alone, or segments of
	// printable ASCII between slashes.
	pathPattern = regexp.MustCompile(`^(/|/[\x21-\x7e]+/)$`)
	// descriptionPattern is the API's pattern for role descriptions. It
	// leaves out typographic quotes and other characters above U+00FF.
	descriptionPattern = regexp.MustCompile(`^[\t\n\r\x20-\x7e\x{a1}-\x{ff}]*$`)
	// accessKeyIDPattern is the API's pattern for access key IDs.
	accessKeyIDPattern = regexp.MustCompile(`^\w{16,128}$`)
	// policyARNPattern matches a managed policy ARN and captures its
	// partition, account and path.
	policyARNPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(aws|\d{12}):policy(/|/[\x21-\x7e]*/)([\w+=,.@-]+)$`)
	// aliasPattern is the API's alias pattern without its lookahead, which
	// RE2 lacks; checkAlias rejects double hyphens separately.
	aliasPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	twelveDigits = regexp.MustCompile(`^\d{12}$`)
)

func errorAt(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}
}

// checkName checks an IAM entity name.
func checkName(typ, name string, rng hcl.Range) *hcl.Diagnostic {
	limit := maxNameLength[typ]
	what := strings.ReplaceAll(typ, "_", " ")
	switch {
	case name == "":
		return errorAt(rng, fmt.Sprintf("Invalid %s name", what), fmt.Sprintf("A %s name cannot be empty.", what))
	case len(name) > limit:
		return errorAt(rng, fmt.Sprintf("Invalid %s name", what), fmt.Sprintf(
			"The %s name %q is %d characters long; IAM allows at most %d.", what, name, len(name), limit))
	case !namePattern.MatchString(name):
		return errorAt(rng, fmt.Sprintf("Invalid %s name", what), fmt.Sprintf(
			"The %s name %q contains %s. IAM names may contain only letters, digits and the characters + = , . @ _ -.",
			what, name, quoteBadRunes(name, namePattern)))
	}
	return nil
}

// quoteBadRunes lists the characters of s that pattern rejects, for
// messages.
func quoteBadRunes(s string, pattern *regexp.Regexp) string {
	var bad []string
	seen := map[rune]bool{}
	for _, r := range s {
		if seen[r] || pattern.MatchString(string(r)) {
			continue
		}
		seen[r] = true
		quoted := fmt.Sprintf("%q", r)
		if r == '\'' {
			// %q writes '\'', which reads as Go, not as a quoted apostrophe.
			quoted = `"'"`
		}
		bad = append(bad, quoted)
	}
	return strings.Join(bad, ", ")
}

// checkPath checks an IAM path.
func checkPath(p string, rng hcl.Range) *hcl.Diagnostic {
	switch {
	case len(p) > maxPathLength:
		return errorAt(rng, "Invalid path", fmt.Sprintf("The path is %d characters long; IAM allows at most %d.",
			len(p), maxPathLength))
	case !pathPattern.MatchString(p):
		return errorAt(rng, "Invalid path", fmt.Sprintf("The path %q is not valid. A path is \"/\" or starts and ends "+
			"with a slash, such as \"/division/team/\", and contains only printable ASCII characters without spaces.", p))
	}
	return nil
}

// checkInlinePolicyName checks the name of an inline policy against the
// PolicyName pattern of PutUserPolicy, PutGroupPolicy and PutRolePolicy in
// the IAM API reference, [\w+=,.@-]+, which is what the API enforces. (The
// IAM quotas page describes a wider set of characters, which the API
// rejects.)
func checkInlinePolicyName(name string, rng hcl.Range) *hcl.Diagnostic {
	switch {
	case name == "":
		return errorAt(rng, "Invalid inline policy name", "An inline policy name cannot be empty.")
	case len(name) > maxInlinePolicyNameLength:
		return errorAt(rng, "Invalid inline policy name", fmt.Sprintf(
			"The inline policy name %q is %d characters long; IAM allows at most %d.",
			name, len(name), maxInlinePolicyNameLength))
	case !namePattern.MatchString(name):
		return errorAt(rng, "Invalid inline policy name", fmt.Sprintf(
			"The inline policy name %q contains %s. Inline policy names may contain only letters, digits "+
				"and the characters + = , . @ _ -.", name, quoteBadRunes(name, namePattern)))
	}
	return nil
}

// tagPattern is the character rule of IAM tag keys and values
// ([\p{L}\p{Z}\p{N}_.:/=+\-@]* in the TagUser API reference).
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTags checks IAM's tag limits. With foldKeys, keys that differ only in
// case are one key, as IAM compares the tag keys of users and roles.
func checkTags(tags map[string]string, foldKeys bool, rng hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if len(tags) > maxTags {
		diags = append(diags, errorAt(rng, "Too many tags", fmt.Sprintf(
			"%d tags are set; IAM allows at most %d per entity.", len(tags), maxTags)))
	}
	if foldKeys {
		diags = append(diags, checkTagKeyCase(tags, rng)...)
	}
	for _, key := range keys(tags) {
		value := tags[key]
		switch {
		case key == "":
			diags = append(diags, errorAt(rng, "Invalid tag key", "A tag key cannot be empty."))
		case utf8.RuneCountInString(key) > maxTagKeyLength:
			diags = append(diags, errorAt(rng, "Invalid tag key", fmt.Sprintf(
				"The tag key %q is %d characters long; IAM allows at most %d.",
				key, utf8.RuneCountInString(key), maxTagKeyLength)))
		case strings.HasPrefix(strings.ToLower(key), "aws:"):
			diags = append(diags, errorAt(rng, "Invalid tag key", fmt.Sprintf(
				"The tag key %q starts with \"aws:\", which AWS reserves for its own tags.", key)))
		case !tagPattern.MatchString(key):
			diags = append(diags, errorAt(rng, "Invalid tag key", fmt.Sprintf(
				"The tag key %q has a character IAM does not allow in tags. Use letters, digits, spaces and + - = . _ : / @.", key)))
		}
		if !tagPattern.MatchString(value) {
			diags = append(diags, errorAt(rng, "Invalid tag value", fmt.Sprintf(
				"The value of tag %q has a character IAM does not allow in tags. Use letters, digits, spaces and + - = . _ : / @.", key)))
		}
		if utf8.RuneCountInString(value) > maxTagValueLength {
			diags = append(diags, errorAt(rng, "Invalid tag value", fmt.Sprintf(
				"The value of tag %q is %d characters long; IAM allows at most %d.",
				key, utf8.RuneCountInString(value), maxTagValueLength)))
		}
	}
	return diags
}

// checkTagKeyCase reports tag keys that differ only in case, which IAM
// rejects on users and roles as duplicates.
func checkTagKeyCase(tags map[string]string, rng hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]string{}
	for _, key := range keys(tags) {
		folded := strings.ToLower(key)
		if first, ok := seen[folded]; ok {
			diags = append(diags, errorAt(rng, "Duplicate tag key", fmt.Sprintf(
				"The tag keys %q and %q differ only in case. IAM compares the tag keys of users and roles "+
					"without case, so they name the same tag: keep one of them.", first, key)))
			continue
		}
		seen[folded] = key
	}
	return diags
}

// checkPolicyARN checks the ARN of a managed policy to attach or to use as
// a permissions boundary. Only AWS managed policies and policies of the
// account itself can be attached, in the account's partition.
func (l *loader) checkPolicyARN(arn string, rng hcl.Range) *hcl.Diagnostic {
	m := policyARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return errorAt(rng, "Invalid policy ARN", fmt.Sprintf("%q is not a managed policy ARN. A policy ARN looks like "+
			"arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::123456789012:policy/path/Name; "+
			"refer to a declared policy as policy.<label>.arn.", arn))
	}
	partition, account := m[1], m[2]
	if partition != l.opts.Partition {
		return errorAt(rng, "Policy ARN in another partition", fmt.Sprintf(
			"The ARN %q is in partition %q, but the account is in %q.", arn, partition, l.opts.Partition))
	}
	if account != "aws" && l.opts.AccountID != PlaceholderAccountID && account != l.opts.AccountID {
		return errorAt(rng, "Policy ARN of another account", fmt.Sprintf(
			"The ARN %q names a policy of account %s. IAM attaches only AWS managed policies and policies "+
				"of the account itself, %s.", arn, account, l.opts.AccountID))
	}
	return nil
}

// checkAlias checks an account alias against CreateAccountAlias's rules.
func checkAlias(alias string, rng hcl.Range) *hcl.Diagnostic {
	const rules = "An alias is 3 to 63 lowercase letters, digits and single hyphens, starts and ends with " +
		"a letter or digit, and is not a 12-digit number."
	switch {
	case !aliasPattern.MatchString(alias):
		return errorAt(rng, "Invalid account alias", fmt.Sprintf("The alias %q is not valid. %s", alias, rules))
	case strings.Contains(alias, "--"):
		return errorAt(rng, "Invalid account alias", fmt.Sprintf("The alias %q contains a double hyphen. %s", alias, rules))
	case twelveDigits.MatchString(alias):
		return errorAt(rng, "Invalid account alias", fmt.Sprintf(
			"The alias %q is a 12-digit number, which could be taken for an account ID. %s", alias, rules))
	}
	return nil
}

// checkRange checks that an integer attribute lies within [low, high].
func checkRange(name string, value, low, high int32, rng hcl.Range) *hcl.Diagnostic {
	if value >= low && value <= high {
		return nil
	}
	return errorAt(rng, fmt.Sprintf("Invalid %s", name), fmt.Sprintf(
		"The value %d is out of range: %s must be between %d and %d.", value, name, low, high))
}
