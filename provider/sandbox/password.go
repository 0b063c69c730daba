package sandbox

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode"
)

// Console passwords are kept as salted PBKDF2-SHA256 hashes, so that
// ChangePassword can check the old password and the state file does not
// hold the password itself. The state file holds secret access keys in
// clear text, so a costlier hash would slow requests and protect nothing
// more.
const (
	passwordHashScheme     = "pbkdf2-sha256"
	passwordHashIterations = 4096
	passwordSaltBytes      = 16
	passwordHashBytes      = 32
)

// hashPassword returns the hash of password that loginProfile keeps, in the
// form "pbkdf2-sha256$ITERATIONS$SALT$HASH" with base64 salt and hash.
func hashPassword(password string) string {
	salt := make([]byte, passwordSaltBytes)
	rand.Read(salt)
	sum, err := pbkdf2.Key(sha256.New, password, salt, passwordHashIterations, passwordHashBytes)
	if err != nil {
		// pbkdf2.Key fails for a key length out of its range and, in FIPS
		// 140-only mode, for keys under 112 bits and salts under 128 bits,
		// which the constants above are not.
		panic(fmt.Sprintf("hash password: %v", err))
	}
	return strings.Join([]string{passwordHashScheme, strconv.Itoa(passwordHashIterations),
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum)}, "$")
}

// passwordMatches reports whether password is the one that hash was made
// from. An empty or malformed hash matches no password.
func passwordMatches(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != passwordHashScheme {
		return false
	}
	iterations, err := strconv.Atoi(parts[1])
	if err != nil || iterations < 1 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[2])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[3])
	if err1 != nil || err2 != nil || len(want) != passwordHashBytes {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iterations, passwordHashBytes)
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

// changePassword changes the password of the IAM user who calls it, given
// the current one. The new password must satisfy the password policy, as
// in CreateLoginProfile. It also clears PasswordResetRequired, because the
// user has now set a password of their own.
//
// NOTE: IAM documents InvalidUserType for callers that are not IAM users,
// but no error for a wrong OldPassword. The sandbox returns AccessDenied,
// IAM's code for a request that it rejects as unauthorized.
func changePassword(c *call) (any, error) {
	oldPassword := c.required("OldPassword", passwordRule)
	newPassword := c.required("NewPassword", passwordRule)
	if err := c.check(); err != nil {
		return nil, err
	}

	// Only an IAM user with a login profile has a password to change.
	u := c.callerUser()
	if u == nil {
		return nil, newAPIError(http.StatusBadRequest, "InvalidUserType",
			"Only IAM users can change their own password with ChangePassword. Use UpdateLoginProfile to set the password of an IAM user.")
	}
	u, err := c.userLoginProfile(u.name)
	if err != nil {
		return nil, err
	}
	lp := u.loginProfile

	// Check the old password, then the new one.
	if !passwordMatches(lp.passwordHash, oldPassword) {
		return nil, errAccessDenied("The old password is incorrect.")
	}
	if err := c.checkPassword(newPassword); err != nil {
		return nil, err
	}

	lp.passwordHash = hashPassword(newPassword)
	lp.passwordChanged = c.now()
	lp.resetRequired = false
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
