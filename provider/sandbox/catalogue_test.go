package sandbox

import (
	"os"
	"testing"
)

func TestSplitAWSManagedARN(t *testing.T) {
	tests := map[string]struct {
		arn        string
		path, name string
		ok         bool
	}{
		"root path":        {arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", path: "/", name: "ReadOnlyAccess", ok: true},
		"nested path":      {arn: "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy", path: "/aws-service-role/", name: "AWSSupportServiceRolePolicy", ok: true},
		"customer policy":  {arn: "arn:aws:iam::123456789012:policy/p"},
		"other partition":  {arn: "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"},
		"name with spaces": {arn: "arn:aws:iam::aws:policy/Read Only"},
		"no name":          {arn: "arn:aws:iam::aws:policy/"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path, policyName, ok := splitAWSManagedARN(tc.arn)
			if ok != tc.ok || path != tc.path || policyName != tc.name {
				t.Errorf("splitAWSManagedARN(%q) = %q, %q, %v; want %q, %q, %v", tc.arn, path, policyName, ok, tc.path, tc.name, tc.ok)
			}
		})
	}
}

func TestStableIDIsStable(t *testing.T) {
	a, b := stableID(prefixPolicy, "arn:aws:iam::aws:policy/ReadOnlyAccess"), stableID(prefixPolicy, "arn:aws:iam::aws:policy/ReadOnlyAccess")
	if a != b || len(a) != 21 || a[:4] != "ANPA" {
		t.Errorf("stableID = %s and %s, want one ANPA id of 21 characters", a, b)
	}
	if c := stableID(prefixPolicy, "arn:aws:iam::aws:policy/PowerUserAccess"); c == a {
		t.Errorf("two ARNs have the same id %s", a)
	}
}

func TestLoadCatalogue(t *testing.T) {
	c, err := loadCatalogue(cataloguePath(t))
	if err != nil {
		t.Fatal(err)
	}
	p := c.policies["arn:aws:iam::aws:policy/AdministratorAccess"]
	if p == nil || p.path != "/" || p.defaultVersion == "" || p.documentText() == "" || p.created.IsZero() {
		t.Fatalf("AdministratorAccess = %+v", p)
	}
	if len(c.retired) == 0 {
		t.Errorf("catalogue has no retired policies")
	}
	again, err := loadCatalogue(cataloguePath(t))
	if err != nil || again != c {
		t.Errorf("second load of an unchanged file parsed it again")
	}
	if _, err := loadCatalogue("no-such-catalogue.json"); err == nil {
		t.Errorf("loadCatalogue of a missing file = no error")
	}
}

// BenchmarkParseCatalogue measures parsing the shared catalogue snapshot,
// which New does once per file.
func BenchmarkParseCatalogue(b *testing.B) {
	data, err := os.ReadFile(cataloguePath(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseCatalogue(data); err != nil {
			b.Fatal(err)
		}
	}
}
