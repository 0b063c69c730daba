package spec

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxSecretFileBytes bounds how much of a secret file is read: the key id
// is on the second line of the profile that apply writes.
const maxSecretFileBytes = 4096

// inspectSecretFile returns the access key id that an access key's secret
// file names, and whether the file exists and is empty. A relative path is
// under dir, as apply writes it. The destination "-", a missing file and a
// file that cannot be read give neither: the file is apply's output, not
// configuration, so it raises no diagnostic. The secret on the file's
// other line is not kept.
func inspectSecretFile(dir, path string) (keyID string, empty bool) {
	if path == "" || path == "-" {
		return "", false
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() {
		return "", false
	}
	if info.Size() == 0 {
		return "", true
	}

	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	lines := bufio.NewScanner(io.LimitReader(f, maxSecretFileBytes))
	for lines.Scan() {
		name, value, ok := strings.Cut(lines.Text(), "=")
		if ok && strings.TrimSpace(name) == "aws_access_key_id" {
			return strings.TrimSpace(value), false
		}
	}
	return "", false
}

// InspectSecretFiles reads the secret files of the declared access keys
// again, as Load does, with relative paths under dir. An apply calls it
// before it plans again to check its work, because it has written those
// files since Load.
func (c *Config) InspectSecretFiles(dir string) {
	for _, u := range c.Users {
		if u.AccessKeys == nil {
			continue
		}
		for _, k := range u.AccessKeys.Keys {
			k.SecretFileKeyID, k.SecretFileEmpty = inspectSecretFile(dir, k.SecretFile)
		}
	}
}
