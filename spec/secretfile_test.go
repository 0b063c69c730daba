package spec

import (
	"os"
	"path/filepath"
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
