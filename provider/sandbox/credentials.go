package sandbox

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Statuses of keys and credentials.
const (
	statusActive   = "Active"
	statusInactive = "Inactive"
)

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// userNameOrCaller reads an optional UserName. IAM takes a missing name as
// the user whose access key signed the request. For the root identity the
// sandbox requires the name, as it keeps no root credentials.
func (c *call) userNameOrCaller() string {
	if c.has("UserName") || c.req.caller.key == nil {
		return c.required("UserName", existingUserNameRule)
	}
	for _, u := range c.acct.users {
		if u.id == c.req.caller.identity.userID {
			return u.name
		}
	}
	return ""
}

// userCredentialPage does the part that the List actions on a user's
// credentials share. It checks the parameters read so far, finds the user
// that name names and returns page p of the credentials that credentialsOf
// selects, in the user's order.
func userCredentialPage[T any](c *call, name string, p pageRequest, credentialsOf func(*user) []T) (*user, []T, pageInfo, error) {
	if err := c.check(); err != nil {
		return nil, nil, pageInfo{}, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, nil, pageInfo{}, err
	}
	page, info, err := paginate(p, credentialsOf(u), positionKey)
	if err != nil {
		return nil, nil, pageInfo{}, err
	}
	return u, page, info, nil
}

type accessKeyXML struct {
	UserName        string
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      isoTime
}

type accessKeyResult struct {
	AccessKey accessKeyXML
}

// createAccessKey creates an access key, which the sandbox then accepts in
// signatures, acting as the user. The secret is returned only here.
func createAccessKey(c *call) (any, error) {
	name := c.userNameOrCaller()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if q := c.s.quotas[quotaAccessKeysPerUser]; int32(len(u.accessKeys)) >= q {
		return nil, errQuotaExceeded("AccessKeysPerUser", q)
	}
	k := &accessKey{
		id:     c.acct.newIDOfLength(prefixAccessKey, 20),
		secret: randomString(secretAlphabet, 40), status: statusActive, created: c.now(),
	}
	u.accessKeys = append(u.accessKeys, k)
	return accessKeyResult{AccessKey: accessKeyXML{
		UserName: u.name, AccessKeyID: k.id, Status: k.status, SecretAccessKey: k.secret, CreateDate: isoTime(k.created),
	}}, nil
}

// userAccessKey returns the user and its key with the id.
func (c *call) userAccessKey(userName, keyID string) (*user, *accessKey, error) {
	u, err := c.user(userName)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range u.accessKeys {
		if k.id == keyID {
			return u, k, nil
		}
	}
	return nil, nil, errNoSuchEntity("The Access Key with id %s cannot be found.", keyID)
}

func updateAccessKey(c *call) (any, error) {
	name := c.userNameOrCaller()
	keyID := c.required("AccessKeyId", accessKeyIDRule)
	status := c.enum("Status", statusActive, statusInactive)
	if !c.has("Status") {
		c.required("Status", stringRule{})
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	_, k, err := c.userAccessKey(name, keyID)
	if err != nil {
		return nil, err
	}
	k.status = status
	return nil, nil
}

func deleteAccessKey(c *call) (any, error) {
	name := c.userNameOrCaller()
	keyID := c.required("AccessKeyId", accessKeyIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	u, k, err := c.userAccessKey(name, keyID)
	if err != nil {
		return nil, err
	}
	u.accessKeys = slices.DeleteFunc(u.accessKeys, func(x *accessKey) bool { return x == k })
	return nil, nil
}

type listAccessKeysResult struct {
	AccessKeyMetadata members[accessKeyXML]
	pageInfo
}

func listAccessKeys(c *call) (any, error) {
	name := c.userNameOrCaller()
	p := c.pageRequest()
	u, page, info, err := userCredentialPage(c, name, p, func(u *user) []*accessKey { return u.accessKeys })
	if err != nil {
		return nil, err
	}
	out := mapSlice(page, func(k *accessKey) accessKeyXML {
		return accessKeyXML{UserName: u.name, AccessKeyID: k.id, Status: k.status, CreateDate: isoTime(k.created)}
	})
	return listAccessKeysResult{AccessKeyMetadata: memberList(out), pageInfo: info}, nil
}

type accessKeyLastUsedXML struct {
	LastUsedDate *isoTime `xml:",omitempty"`
	ServiceName  string
	Region       string
}

type accessKeyLastUsedResult struct {
	UserName          string
	AccessKeyLastUsed accessKeyLastUsedXML
}

// getAccessKeyLastUsed reports when a key last signed a request. A key
// never used has IAM's "N/A" service and region and no date.
func getAccessKeyLastUsed(c *call) (any, error) {
	keyID := c.required("AccessKeyId", accessKeyIDRule)
	if err := c.check(); err != nil {
		return nil, err
	}
	for _, u := range c.acct.users {
		for _, k := range u.accessKeys {
			if k.id != keyID {
				continue
			}
			used := accessKeyLastUsedXML{ServiceName: "N/A", Region: "N/A"}
			if k.lastUsed != nil {
				used = accessKeyLastUsedXML{LastUsedDate: optionalTime(k.lastUsed), ServiceName: k.lastService, Region: k.lastRegion}
			}
			return accessKeyLastUsedResult{UserName: u.name, AccessKeyLastUsed: used}, nil
		}
	}
	return nil, errNoSuchEntity("The Access Key with id %s cannot be found.", keyID)
}

type loginProfileXML struct {
	UserName              string
	CreateDate            isoTime
	PasswordResetRequired bool
}

type loginProfileResult struct {
	LoginProfile loginProfileXML
}

func createLoginProfile(c *call) (any, error) {
	name := c.userNameOrCaller()
	password := c.required("Password", passwordRule)
	reset, _ := c.boolParam("PasswordResetRequired")
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if u.loginProfile != nil {
		return nil, errEntityAlreadyExists("Login Profile for user %s already exists.", u.name)
	}
	if err := c.checkPassword(password); err != nil {
		return nil, err
	}
	u.loginProfile = &loginProfile{created: c.now(), resetRequired: reset, passwordChanged: c.now()}
	return loginProfileResult{LoginProfile: loginProfileXML{UserName: u.name, CreateDate: isoTime(u.loginProfile.created), PasswordResetRequired: reset}}, nil
}

// userLoginProfile returns the user and its login profile.
func (c *call) userLoginProfile(name string) (*user, error) {
	u, err := c.user(name)
	if err != nil {
		return nil, err
	}
	if u.loginProfile == nil {
		return nil, errNoSuchEntity("Login Profile for User %s cannot be found.", u.name)
	}
	return u, nil
}

func getLoginProfile(c *call) (any, error) {
	name := c.userNameOrCaller()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.userLoginProfile(name)
	if err != nil {
		return nil, err
	}
	lp := u.loginProfile
	return loginProfileResult{LoginProfile: loginProfileXML{UserName: u.name, CreateDate: isoTime(lp.created), PasswordResetRequired: lp.resetRequired}}, nil
}

func updateLoginProfile(c *call) (any, error) {
	name := c.required("UserName", existingUserNameRule)
	password := c.optional("Password", passwordRule)
	reset, hasReset := c.boolParam("PasswordResetRequired")
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.userLoginProfile(name)
	if err != nil {
		return nil, err
	}
	if c.has("Password") {
		if err := c.checkPassword(password); err != nil {
			return nil, err
		}
		u.loginProfile.passwordChanged = c.now()
	}
	if hasReset {
		u.loginProfile.resetRequired = reset
	}
	return nil, nil
}

func deleteLoginProfile(c *call) (any, error) {
	name := c.userNameOrCaller()
	if err := c.check(); err != nil {
		return nil, err
	}
	u, err := c.userLoginProfile(name)
	if err != nil {
		return nil, err
	}
	u.loginProfile = nil
	return nil, nil
}

// checkPassword applies the account's password policy, or without one
// IAM's default: at least 8 characters from at least three of upper-case
// letters, lower-case letters, digits and symbols.
func (c *call) checkPassword(password string) error {
	var upper, lower, digit, symbol bool
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	var broken []string
	p := c.acct.passwordPolicy
	if p == nil {
		kinds := 0
		for _, b := range []bool{upper, lower, digit, symbol} {
			if b {
				kinds++
			}
		}
		if len([]rune(password)) < 8 {
			broken = append(broken, "Password should have at least 8 characters")
		}
		if kinds < 3 {
			broken = append(broken, "Password should have characters of at least three of these kinds: upper-case letters, lower-case letters, numbers and symbols")
		}
	} else {
		if int32(len([]rune(password))) < p.minimumLength {
			broken = append(broken, "Password should have at least "+strconv.Itoa(int(p.minimumLength))+" characters")
		}
		for _, rule := range []struct {
			required, present bool
			text              string
		}{
			{p.requireUppercase, upper, "Password should have at least one uppercase letter"},
			{p.requireLowercase, lower, "Password should have at least one lowercase letter"},
			{p.requireNumbers, digit, "Password should have at least one number"},
			{p.requireSymbols, symbol, "Password should have at least one symbol"},
		} {
			if rule.required && !rule.present {
				broken = append(broken, rule.text)
			}
		}
	}
	if len(broken) > 0 {
		return newAPIError(http.StatusBadRequest, "PasswordPolicyViolation", "%s", strings.Join(broken, "; "))
	}
	return nil
}
