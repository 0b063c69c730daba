package main

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iamsync/iamsync/provider"
)

// changedOrgConfig is the example organisation changed the way a real
// configuration changes over a few weeks. Two policy documents are edited,
// machine users get access keys whose secrets go to files, a new machine
// user is added, a person leaves, a role is retired and a membership is
// added. Applying it after the organisation makes creates, updates, policy
// versions, access keys and deletes.
type changedOrgConfig struct {
	dir string
	// keyUsers lists the users that declare one id-less access key, with
	// its secret file under dir.
	keyUsers map[string]string
	// versions is the number of versions each customer-managed policy has
	// after the organisation and then this configuration are applied.
	versions map[string]int
}

// changedOrg writes the changed organisation into a new directory.
func changedOrg(t *testing.T) *changedOrgConfig {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, orgDir, dir)
	if err := os.Mkdir(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}

	// Two policy documents change, which makes a version each.
	edit(t, dir, "policies.hcl", `        "iam:Detach*",`, `        "iam:Detach*",
        "iam:Tag*",`)
	edit(t, dir, "policies.hcl", `"cloudwatch:PutMetricData"]`, `"cloudwatch:PutMetricData", "kms:Decrypt"]`)

	// The reporting robot gets a key, and two new robots are made with one.
	edit(t, dir, "users.hcl", `  managed_policy_arns = [policy.read_reports_bucket.arn]
}`, `  managed_policy_arns = [policy.read_reports_bucket.arn]

  access_keys {
    key {
      secret_file = "secrets/svc-reporting.ini"
    }
  }
}`)
	writeFile(t, filepath.Join(dir, "robots.hcl"), `# Machine users added after the first apply.

user "deploy_bot" {
  name   = "svc-deploy"
  path   = "/service/"
  groups = ["Developers"]

  access_keys {
    key {
      secret_file = "secrets/svc-deploy.ini"
    }
  }
}

user "metrics_bot" {
  name                = "svc-metrics"
  path                = "/service/"
  managed_policy_arns = [policy.read_cloudtrail.arn]

  access_keys {
    key {
      secret_file = "secrets/svc-metrics.ini"
    }
  }
}
`)

	// Zoe leaves, the thumbnailer is retired and Kofi joins ReadOnly.
	removeBlock(t, dir, "users.hcl", `user "zoe_walker" {`)
	removeBlock(t, dir, "roles.hcl", `role "thumbnailer" {`)
	edit(t, dir, "users.hcl", `groups = ["Developers", "SelfService"]
  tags   = { team = "mobile" }
}

user "lena_berg" {`, `groups = ["Developers", "SelfService", "ReadOnly"]
  tags   = { team = "mobile" }
}

user "lena_berg" {`)

	return &changedOrgConfig{
		dir: dir,
		keyUsers: map[string]string{
			"svc-reporting": filepath.Join(dir, "secrets", "svc-reporting.ini"),
			"svc-deploy":    filepath.Join(dir, "secrets", "svc-deploy.ini"),
			"svc-metrics":   filepath.Join(dir, "secrets", "svc-metrics.ini"),
		},
		versions: map[string]int{
			"DenyIAMWrites": 2, "ServiceBoundary": 2,
			"ReadCloudTrail": 1, "ManageOwnCredentials": 1, "ReadReportsBucket": 1, "AppRuntime": 1,
		},
	}
}

// checkAccount checks what a clean plan does not show: no user holds more
// access keys than declared, every declared key's secret file holds that
// key, and no policy has more versions than the two applies make.
func (c *changedOrgConfig) checkAccount(t *testing.T, h *harness) {
	t.Helper()
	users := slices.Sorted(maps.Keys(c.keyUsers))
	state, err := h.client().ReadState(context.Background(), provider.ReadOptions{CredentialsOf: users})
	if err != nil {
		t.Fatalf("read state: %v", err)
	}

	for _, name := range users {
		u := state.User(name)
		if u == nil || u.Credentials == nil {
			t.Errorf("user %s or its credentials missing", name)
			continue
		}
		if n := len(u.Credentials.AccessKeys); n != 1 {
			t.Errorf("user %s has %d access keys, want 1: %+v", name, n, u.Credentials.AccessKeys)
			continue
		}
		secret, err := os.ReadFile(c.keyUsers[name])
		if err != nil {
			t.Errorf("secret of %s: %v", name, err)
			continue
		}
		if id := u.Credentials.AccessKeys[0].ID; !strings.Contains(string(secret), "aws_access_key_id = "+id+"\n") {
			t.Errorf("secret file of %s holds %q, want key %s", name, secret, id)
		}
	}

	for _, p := range state.Policies {
		if p.AWSManaged() {
			continue
		}
		if want, ok := c.versions[p.Name]; !ok || len(p.Versions) != want {
			t.Errorf("policy %s has %d versions, want %d", p.Name, len(p.Versions), want)
		}
	}
}

// copyDir copies the files under src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// edit replaces the one occurrence of old in a file of dir.
func edit(t *testing.T, dir, name, old, new string) {
	t.Helper()
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), old); n != 1 {
		t.Fatalf("%s contains %q %d times, want once: the example organisation changed", name, old, n)
	}
	writeFile(t, path, strings.Replace(string(data), old, new, 1))
}

// removeBlock removes the top-level block that starts with header, up to
// its closing brace at the start of a line.
func removeBlock(t *testing.T, dir, name, header string) {
	t.Helper()
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, header)
	end := strings.Index(text[max(start, 0):], "\n}\n")
	if start < 0 || end < 0 {
		t.Fatalf("%s has no block %q: the example organisation changed", name, header)
	}
	writeFile(t, path, text[:start]+text[start+end+3:])
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
