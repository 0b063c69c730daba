package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entitiesPerFile is the number of entities in each generated file, because
// a configuration of thousands of entities is split into files by team or
// kind.
const entitiesPerFile = 400

// writeLargeConfig writes a configuration with users, groups with
// members, policies and roles: n entities in all, in files of
// entitiesPerFile entities.
func writeLargeConfig(tb testing.TB, dir string, n int) {
	tb.Helper()
	var b strings.Builder
	flush := func(file int) {
		path := filepath.Join(dir, fmt.Sprintf("part%03d.hcl", file))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		b.Reset()
	}
	quarter := n / 4
	for i := 0; i < quarter; i++ {
		if i > 0 && i%(entitiesPerFile/4) == 0 {
			flush(i / (entitiesPerFile / 4))
		}
		fmt.Fprintf(&b, `policy "p%d" {
  name     = "Policy%d"
  path     = "/bench/"
  document = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket-%d/*" }] })
}
role "r%d" {
  name                 = "role-%d"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  managed_policy_arns  = [policy.p%d.arn]
}
group "g%d" {
  name = "group-%d"
}
user "u%d" {
  name   = "user-%d"
  path   = "/people/"
  groups = [group.g%d.name]
  tags   = { index = "%d" }
}
`, i, i, i, i, i, i, i, i, i, i, i, i)
	}
	flush(quarter / (entitiesPerFile / 4))
}

// BenchmarkLoad10000 loads a configuration of 10,000 entities.
func BenchmarkLoad10000(b *testing.B) {
	dir := b.TempDir()
	writeLargeConfig(b, dir, 10000)
	b.ResetTimer()
	for b.Loop() {
		cfg, diags := Load(dir, LoadOptions{AccountID: "123456789012"})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(cfg.Users)+len(cfg.Groups)+len(cfg.Roles)+len(cfg.Policies) != 10000 {
			b.Fatal("wrong entity count")
		}
	}
}
