package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// createAccountAlias sets the account's alias. An account has at most one:
// a new alias replaces the old one, as IAM does.
//
// NOTE: aliases are unique across all of AWS, but the sandbox has only its
// own account, so no alias is ever taken by another account.
func createAccountAlias(c *call) (any, error) {
	alias := c.required("AccountAlias", accountAliasRule)
	if alias != "" && !aliasValid(alias) {
		c.addProblem(alias, "accountAlias", "Member must satisfy regular expression pattern: "+aliasPatternText)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if slices.Contains(c.acct.aliases, alias) {
		return nil, errEntityAlreadyExists("The account alias %s already exists.", alias)
	}
	c.acct.aliases = []string{alias}
	return nil, nil
}

func deleteAccountAlias(c *call) (any, error) {
	alias := c.required("AccountAlias", accountAliasRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	i := slices.Index(c.acct.aliases, alias)
	if i < 0 {
		return nil, errNoSuchEntity("The account alias %s cannot be found.", alias)
	}
	c.acct.aliases = slices.Delete(c.acct.aliases, i, i+1)
	return nil, nil
}

type listAccountAliasesResult struct {
	AccountAliases members[string]
	pageInfo
}

func listAccountAliases(c *call) (any, error) {
	p := c.pageRequest()
	if err := c.check(); err != nil {
		return nil, err
	}
	page, info, err := paginate(p, c.acct.aliases, positionKey)
	if err != nil {
		return nil, err
	}
	return listAccountAliasesResult{AccountAliases: memberList(slices.Clone(page)), pageInfo: info}, nil
}

// Ranges and default of the password policy's numbers.
const (
	defaultMinimumPasswordLength = 6
	minMinimumPasswordLength     = 6
	maxMinimumPasswordLength     = 128
	maxMaxPasswordAge            = 1095
	maxPasswordReusePrevention   = 24
)

type passwordPolicyXML struct {
	MinimumPasswordLength      int32
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	ExpirePasswords            bool
	MaxPasswordAge             *int32 `xml:",omitempty"`
	PasswordReusePrevention    *int32 `xml:",omitempty"`
	HardExpiry                 *bool  `xml:",omitempty"`
}

type passwordPolicyResult struct {
	PasswordPolicy passwordPolicyXML
}

func getAccountPasswordPolicy(c *call) (any, error) {
	p := c.acct.passwordPolicy
	if p == nil {
		return nil, errNoSuchEntity("The Password Policy with domain name %s cannot be found.", c.acct.id)
	}
	return passwordPolicyResult{PasswordPolicy: passwordPolicyXML{
		MinimumPasswordLength: p.minimumLength, RequireSymbols: p.requireSymbols, RequireNumbers: p.requireNumbers,
		RequireUppercaseCharacters: p.requireUppercase, RequireLowercaseCharacters: p.requireLowercase,
		AllowUsersToChangePassword: p.allowUsersToChangePassword, ExpirePasswords: p.maxPasswordAge != nil,
		MaxPasswordAge: p.maxPasswordAge, PasswordReusePrevention: p.passwordReusePrevention, HardExpiry: p.hardExpiry,
	}}, nil
}

// updateAccountPasswordPolicy replaces the whole password policy: settings
// left out of the request return to their defaults.
func updateAccountPasswordPolicy(c *call) (any, error) {
	p := &passwordPolicy{minimumLength: defaultMinimumPasswordLength}
	if n, ok := c.passwordPolicyNumber("MinimumPasswordLength", minMinimumPasswordLength, maxMinimumPasswordLength); ok {
		p.minimumLength = n
	}
	if n, ok := c.passwordPolicyNumber("PasswordReusePrevention", 1, maxPasswordReusePrevention); ok {
		p.passwordReusePrevention = &n
	}
	if n, ok := c.passwordPolicyNumber("MaxPasswordAge", 1, maxMaxPasswordAge); ok {
		p.maxPasswordAge = &n
	}
	p.requireSymbols, _ = c.boolParam("RequireSymbols")
	p.requireNumbers, _ = c.boolParam("RequireNumbers")
	p.requireUppercase, _ = c.boolParam("RequireUppercaseCharacters")
	p.requireLowercase, _ = c.boolParam("RequireLowercaseCharacters")
	p.allowUsersToChangePassword, _ = c.boolParam("AllowUsersToChangePassword")
	if b, ok := c.boolParam("HardExpiry"); ok {
		p.hardExpiry = &b
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.acct.passwordPolicy = p
	return nil, nil
}

// passwordPolicyNumber reads a number of the password policy. IAM's
// messages for these leave the value out: "Value at 'maxPasswordAge'
// failed to satisfy constraint: ...".
func (c *call) passwordPolicyNumber(param string, min, max int32) (int32, bool) {
	if !c.has(param) {
		return 0, false
	}
	n, err := strconv.ParseInt(c.params.Get(param), 10, 32)
	constraint := ""
	switch {
	case err != nil:
		constraint = "Member must be a number"
	case int32(n) < min:
		constraint = fmt.Sprintf("Member must have value greater than or equal to %d", min)
	case int32(n) > max:
		constraint = fmt.Sprintf("Member must have value less than or equal to %d", max)
	}
	if constraint != "" {
		c.problems = append(c.problems, fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", memberName(param), constraint))
	}
	return int32(n), true
}

func deleteAccountPasswordPolicy(c *call) (any, error) {
	if c.acct.passwordPolicy == nil {
		return nil, errNoSuchEntity("The account policy with name PasswordPolicy cannot be found.")
	}
	c.acct.passwordPolicy = nil
	return nil, nil
}

type summaryEntryXML struct {
	Key   string `xml:"key"`
	Value int32  `xml:"value"`
}

type accountSummaryResult struct {
	SummaryMap struct {
		Entries []summaryEntryXML `xml:"entry"`
	}
}

// getAccountSummary returns the account's usage counts and quotas.
func getAccountSummary(c *call) (any, error) {
	a := c.acct
	summary := map[string]int32{
		"Users":                             int32(len(a.users)),
		"Groups":                            int32(len(a.groups)),
		"Roles":                             int32(len(a.roles)),
		"InstanceProfiles":                  int32(len(a.instanceProfiles)),
		"Providers":                         0,
		"ServerCertificates":                0,
		"AccountMFAEnabled":                 boolCount(a.root.mfaActive),
		"AccountAccessKeysPresent":          boolCount(len(a.root.accessKeys) > 0),
		"AccountSigningCertificatesPresent": 0,
		"GlobalEndpointTokenVersion":        1,
	}
	var policies, attachments, mfaDevices, mfaInUse int32
	for _, p := range a.policies {
		if !p.awsManaged {
			policies++
		}
	}
	for _, u := range a.policyUsage() {
		attachments += u.attachments
	}
	for _, u := range a.users {
		mfaInUse += int32(len(u.mfaDevices))
		for _, d := range u.mfaDevices {
			if a.virtualMFADevices[d.serial] == nil {
				mfaDevices++ // a hardware device, which has no entry of its own
			}
		}
	}
	mfaDevices += int32(len(a.virtualMFADevices))
	summary["Policies"] = policies
	summary["PolicyVersionsInUse"] = attachments
	summary["MFADevices"] = mfaDevices
	summary["MFADevicesInUse"] = mfaInUse
	for name, value := range c.s.quotas {
		if !unreportedQuotas[name] {
			summary[name] = value
		}
	}

	var res accountSummaryResult
	for _, k := range slices.Sorted(maps.Keys(summary)) {
		res.SummaryMap.Entries = append(res.SummaryMap.Entries, summaryEntryXML{Key: k, Value: summary[k]})
	}
	return res, nil
}

// boolCount is 1 for true and 0 for false, as GetAccountSummary reports
// flags such as AccountMFAEnabled.
func boolCount(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
