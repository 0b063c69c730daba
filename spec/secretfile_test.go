package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInspectSecretFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"empty.ini":   "",
		"profile.ini": "[svc]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = not-a-secret\n",
		"spaces.ini":  "[svc]\n  aws_access_key_id=AKIAIOSFODNN7EXAMPLE  \n",
		"other.txt":   "a password alone on a line\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o700); err != nil {
		t.Fatal(err)
	}

	tests := map[string]struct {
		path      string
		wantKeyID string
		wantEmpty bool
	}{
		"no secret file":       {path: ""},
		"standard output":      {path: "-"},
		"missing file":         {path: "missing.ini"},
		"empty file":           {path: "empty.ini", wantEmpty: true},
		"profile with key":     {path: "profile.ini", wantKeyID: "AKIAIOSFODNN7EXAMPLE"},
		"key without spaces":   {path: "spaces.ini", wantKeyID: "AKIAIOSFODNN7EXAMPLE"},
		"file without key":     {path: "other.txt"},
		"directory":            {path: "folder"},
		"absolute path to key": {path: filepath.Join(dir, "profile.ini"), wantKeyID: "AKIAIOSFODNN7EXAMPLE"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			keyID, empty := inspectSecretFile(dir, tt.path)
			if keyID != tt.wantKeyID {
				t.Errorf("key id = %q, want %q", keyID, tt.wantKeyID)
			}
			if empty != tt.wantEmpty {
				t.Errorf("empty = %t, want %t", empty, tt.wantEmpty)
			}
		})
	}
}

// TestSecretFileNamedTwice declares one secret file for two credentials,
// written in two ways, and for every instance of a for_each block.
func TestSecretFileNamedTwice(t *testing.T) {
	dir := t.TempDir()
	// The configuration directory is given as ".", as users run iamsync.
	t.Chdir(dir)
	absolute := filepath.Join(dir, "shared.ini")
	tests := map[string]struct {
		config string
		want   []string
	}{
		"relative and absolute": {
			config: fmt.Sprintf(`user "a" {
  access_keys {
    key {
      secret_file = %q
    }
  }
}
user "b" {
  access_keys {
    key {
      secret_file = "shared.ini"
    }
  }
}
`, absolute),
			want: []string{"is also the secret file declared at"},
		},
		"every instance": {
			config: `user "team" {
  for_each = toset(["a", "b", "c"])
  access_keys {
    key {
      secret_file = "team.ini"
    }
  }
}
`,
			want: []string{"Every instance of this block names"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			writeFile(t, filepath.Join(dir, "main.hcl"), []byte(tt.config))
			_, diags := Load(".", LoadOptions{})
			var got []string
			for _, d := range diags {
				if d.Summary == "Secret file named twice" {
					got = append(got, d.Detail)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d Secret file named twice errors, want %d: %v", len(got), len(tt.want), diags)
			}
			for i, want := range tt.want {
				if !strings.Contains(got[i], want) {
					t.Errorf("error %q lacks %q", got[i], want)
				}
			}
		})
	}
}
