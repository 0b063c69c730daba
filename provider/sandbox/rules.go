package sandbox

import (
	"regexp"
	"strings"
)

// Constraints of IAM's API model on string parameters, from the IAM API
// reference. Go patterns are written to match what the printed Java
// patterns match.
var (
	// Entity names: users and roles up to 64 characters on creation,
	// groups, managed policies, instance profiles and inline policies up to
	// 128. Names of existing users are checked against 128.
	userNameRule            = nameRule(64)
	existingUserNameRule    = nameRule(128)
	groupNameRule           = nameRule(128)
	roleNameRule            = nameRule(64)
	policyNameRule          = nameRule(128)
	inlinePolicyNameRule    = nameRule(128)
	instanceProfileNameRule = nameRule(128)
	mfaDeviceNameRule       = nameRule(226)

	pathRule       = newRule(1, 512, `/|/[\x21-\x7E]+/`, `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	pathPrefixRule = newRule(1, 512, `/[\x21-\x7E]*`, `\u002F[\u0021-\u007E]*`)

	// Policy documents get only a length check here: their characters are
	// checked with their syntax, and reported as MalformedPolicyDocument.
	policyDocumentRule  = lengthRule(1, 131072)
	roleDescriptionRule = newRule(0, 1000, `[\t\n\r\x{20}-\x{7E}\x{A1}-\x{FF}]*`,
		`[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
	policyDescriptionRule = lengthRule(0, 1000)

	arnRule           = lengthRule(20, 2048)
	markerRule        = newRule(1, 320, `[\x{20}-\x{FF}]+`, `[\u0020-\u00FF]+`)
	versionIDRule     = newRule(0, 0, `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`, `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	accessKeyIDRule   = newRule(16, 128, `\w+`, `[\w]+`)
	credentialIDRule  = newRule(20, 128, `\w+`, `[\w]+`)
	certificateIDRule = newRule(24, 128, `\w+`, `[\w]+`)
	serialNumberRule  = newRule(9, 256, `[\w+=/:,.@-]+`, `[\w+=/:,.@-]+`)
	authCodeRule      = newRule(6, 6, `\d+`, `[\d]+`)
	passwordRule      = newRule(1, 128, `[\t\n\r\x{20}-\x{FF}]+`, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	keyBodyRule       = newRule(1, 16384, `[\t\n\r\x{20}-\x{FF}]+`, `[\u0009\u000A\u000D\u0020-\u00FF]+`)
	serviceNameRule   = lengthRule(1, 0)
	accountAliasRule  = lengthRule(3, 63)

	tagKeyRule   = newRule(1, 128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	tagValueRule = newRule(0, 256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
)

func nameRule(max int) stringRule {
	return newRule(1, max, `[\w+=,.@-]+`, `[\w+=,.@-]+`)
}

// aliasPattern is IAM's account alias pattern without its look-ahead, which
// Go's regexp lacks: aliasValid checks for double hyphens apart.
var aliasPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// aliasPatternText is the pattern IAM prints for account aliases.
const aliasPatternText = `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`

// aliasValid reports whether alias satisfies IAM's account alias rules:
// lowercase letters, digits and single hyphens, not at either end.
func aliasValid(alias string) bool {
	return aliasPattern.MatchString(alias) && !strings.Contains(alias, "--")
}

// defaultPath returns path, or "/" when it is empty.
func defaultPath(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
