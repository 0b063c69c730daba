package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// blocksPerFile is how many blocks each configuration file holds, because
// a configuration of thousands of entities is split into files.
const blocksPerFile = 500

// WriteConfig writes the configuration that declares the synthetic account
// of shape into dir, which must exist: files of up to blocksPerFile blocks
// of one type each, such as users-003.hcl. Attachments and memberships
// refer to the blocks they name, as people write them.
func WriteConfig(dir string, shape Shape) error {
	a := newAccount(shape)
	kinds := []struct {
		name   string
		blocks []string
	}{
		{"policies", mapBlocks(a.policies, (*syntheticPolicy).hcl)},
		{"roles", mapBlocks(a.roles, (*syntheticRole).hcl)},
		{"groups", mapBlocks(a.groups, (*syntheticGroup).hcl)},
		{"users", mapBlocks(a.users, (*syntheticUser).hcl)},
	}
	for _, kind := range kinds {
		for part := 0; part*blocksPerFile < len(kind.blocks); part++ {
			blocks := kind.blocks[part*blocksPerFile : min((part+1)*blocksPerFile, len(kind.blocks))]
			path := filepath.Join(dir, fmt.Sprintf("%s-%03d.hcl", kind.name, part+1))
			if err := os.WriteFile(path, []byte(strings.Join(blocks, "\n")), 0o644); err != nil {
				return fmt.Errorf("write configuration: %w", err)
			}
		}
	}
	return nil
}

func mapBlocks[T any](items []T, render func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = render(item)
	}
	return out
}

func (p *syntheticPolicy) hcl() string {
	return fmt.Sprintf(`policy %q {
  name        = %s
  path        = %q
  description = %s
  document = %s
}
`, p.label, hclString(p.name), benchPath, hclString(p.description), p.versions[len(p.versions)-1].hcl("  "))
}

func (r *syntheticRole) hcl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "role %q {\n", r.label)
	fmt.Fprintf(&b, "  name        = %s\n", hclString(r.name))
	fmt.Fprintf(&b, "  path        = %q\n", benchPath)
	fmt.Fprintf(&b, "  description = %s\n", hclString(r.description))
	if r.maxSessionDuration != 0 {
		fmt.Fprintf(&b, "  max_session_duration = %d\n", r.maxSessionDuration)
	}
	fmt.Fprintf(&b, "  assume_role_policy = %s\n", r.trust.hcl("  "))
	fmt.Fprintf(&b, "  managed_policy_arns = [policy.%s.arn]\n", r.attached.label)
	fmt.Fprintf(&b, "  tags = %s\n", hclTags(r.tags))
	if r.inlineName != "" {
		b.WriteString("\n")
		writeInlineHCL(&b, r.inlineName, r.inline)
	}
	b.WriteString("}\n")
	return b.String()
}

func (g *syntheticGroup) hcl() string {
	var b strings.Builder
	fmt.Fprintf(&b, "group %q {\n", g.label)
	fmt.Fprintf(&b, "  name                = %s\n", hclString(g.name))
	fmt.Fprintf(&b, "  path                = %q\n", benchPath)
	fmt.Fprintf(&b, "  managed_policy_arns = [policy.%s.arn]\n\n", g.attached.label)
	writeInlineHCL(&b, g.inlineName, g.inline)
	b.WriteString("}\n")
	return b.String()
}

func (u *syntheticUser) hcl() string {
	var b strings.Builder
	groups := make([]string, len(u.groups))
	for i, g := range u.groups {
		groups[i] = fmt.Sprintf("group.%s.name", g.label)
	}
	fmt.Fprintf(&b, "user %q {\n", u.label)
	fmt.Fprintf(&b, "  name                = %s\n", hclString(u.name))
	fmt.Fprintf(&b, "  path                = %q\n", peoplePath)
	fmt.Fprintf(&b, "  groups              = [%s]\n", strings.Join(groups, ", "))
	if u.attached != nil {
		fmt.Fprintf(&b, "  managed_policy_arns = [policy.%s.arn]\n", u.attached.label)
	}
	fmt.Fprintf(&b, "  tags                = %s\n", hclTags(u.tags))
	if u.inlineName != "" {
		b.WriteString("\n")
		writeInlineHCL(&b, u.inlineName, u.inline)
	}
	b.WriteString("}\n")
	return b.String()
}

func writeInlineHCL(b *strings.Builder, name string, doc document) {
	fmt.Fprintf(b, "  inline_policy %q {\n", name)
	fmt.Fprintf(b, "    document = %s\n", doc.hcl("    "))
	b.WriteString("  }\n")
}

func hclTags(tags []tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = t.key + " = " + hclString(t.value)
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
