// Package testenv finds the data that tests share with other projects:
// real account dumps and the catalogue of AWS-managed policies, kept in a
// folder named shared/data beside the checkout rather than in it.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDataEnv names the variable that points at the shared data folder
// when it is not at ../shared/data relative to the module root.
const SharedDataEnv = "IAMSYNC_SHARED_DATA"

// SharedDataDir returns the shared data folder, or the empty string when it
// cannot be found.
func SharedDataDir() string {
	if dir := os.Getenv(SharedDataEnv); dir != "" {
		return dir
	}
	root := moduleRoot()
	if root == "" {
		return ""
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "data")
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return dir
	}
	return ""
}

// SharedData returns the path of name inside the shared data folder. It
// skips the test, saying why, when the folder or the file is missing.
func SharedData(t testing.TB, name string) string {
	t.Helper()
	dir := SharedDataDir()
	if dir == "" {
		t.Skipf("shared test data not found: put it at ../shared/data beside the checkout or set %s", SharedDataEnv)
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared test data %s not found: %v", path, err)
	}
	return path
}

// AuthDetailsDumps returns the GetAccountAuthorizationDetails dumps of the
// shared data folder, skipping the test when there are none.
func AuthDetailsDumps(t testing.TB) []string {
	t.Helper()
	dir := SharedData(t, "authdetails")
	dumps, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(dumps) == 0 {
		t.Skipf("no dumps in %s", dir)
	}
	return dumps
}

// ManagedPolicyCatalogue returns the path of the AWS-managed policy
// catalogue, skipping the test when it is missing.
func ManagedPolicyCatalogue(t testing.TB) string {
	t.Helper()
	return SharedData(t, "aws-managed-policies.json")
}

// moduleRoot returns the nearest folder above the working directory that
// holds a go.mod file.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
