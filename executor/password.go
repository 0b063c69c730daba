package executor

import (
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/iamsync/iamsync/provider"
)

// Character classes of generated passwords. The symbols are those IAM
// accepts in passwords: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '.
const (
	upperChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerChars  = "abcdefghijklmnopqrstuvwxyz"
	digitChars  = "0123456789"
	symbolChars = "!@#$%^&*()_+-=[]{}|'"
)

// defaultPasswordLength is the length of generated passwords unless the
// password policy requires more. IAM accepts up to 128 characters.
const defaultPasswordLength = 32

// generatePassword returns a random password from crypto/rand that satisfies
// policy, or IAM's default policy when policy is nil. It always holds at
// least one character of each class, so it satisfies any class requirement,
// and it is at least as long as the policy's minimum.
func generatePassword(policy *provider.PasswordPolicy) (string, error) {
	length := defaultPasswordLength
	if policy != nil && int(policy.MinimumPasswordLength) > length {
		length = int(policy.MinimumPasswordLength)
	}

	// One character of each class, then the rest from all of them.
	classes := []string{upperChars, lowerChars, digitChars, symbolChars}
	all := upperChars + lowerChars + digitChars + symbolChars
	password := make([]byte, 0, length)
	for _, class := range classes {
		c, err := randomChar(class)
		if err != nil {
			return "", err
		}
		password = append(password, c)
	}
	for len(password) < length {
		c, err := randomChar(all)
		if err != nil {
			return "", err
		}
		password = append(password, c)
	}

	// Shuffle, so that the first characters are not always one per class.
	for i := len(password) - 1; i > 0; i-- {
		j, err := randomInt(i + 1)
		if err != nil {
			return "", err
		}
		password[i], password[j] = password[j], password[i]
	}
	return string(password), nil
}

// randomChar returns a uniformly chosen character of chars.
func randomChar(chars string) (byte, error) {
	i, err := randomInt(len(chars))
	if err != nil {
		return 0, err
	}
	return chars[i], nil
}

// randomInt returns a uniform random integer in [0, n).
func randomInt(n int) (int, error) {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, fmt.Errorf("generate password: %w", err)
	}
	return int(v.Int64()), nil
}
