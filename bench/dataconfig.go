package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// dataDir is the folder of the data-driven configuration that holds its
// JSON data files.
const dataDir = "data"

// WriteDataConfig writes a data-driven configuration of the synthetic
// account of shape into dir, which must exist. It declares the same
// account as WriteConfig, in the way a large organisation is more likely to
// keep its IAM. Each entity type has one block, with for_each over a JSON
// data file that lists the entities, and the policy documents are templates
// in the blocks. main.hcl holds the blocks and data/*.json the entities.
func WriteDataConfig(dir string, shape Shape) error {
	a := newAccount(shape)
	if err := os.MkdirAll(filepath.Join(dir, dataDir), 0o755); err != nil {
		return fmt.Errorf("write configuration: %w", err)
	}
	files := map[string]any{
		"policies.json": a.policyData(),
		"roles.json":    a.roleData(),
		"groups.json":   a.groupData(),
		"users.json":    a.userData(),
	}
	for name, data := range files {
		text, err := json.MarshalIndent(data, "", "  ")
		if err != nil {
			return fmt.Errorf("write configuration: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, dataDir, name), text, 0o644); err != nil {
			return fmt.Errorf("write configuration: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.hcl"), []byte(dataConfigHCL), 0o644); err != nil {
		return fmt.Errorf("write configuration: %w", err)
	}
	return nil
}

// dataConfigHCL declares the account from the data files. The documents
// are those of the literal configuration, with the values that differ from
// entity to entity taken from the data.
const dataConfigHCL = `locals {
  policies = jsondecode(file("data/policies.json"))
  roles    = jsondecode(file("data/roles.json"))
  groups   = jsondecode(file("data/groups.json"))
  users    = jsondecode(file("data/users.json"))
}

policy "bench" {
  for_each    = local.policies
  name        = each.key
  path        = "/bench/"
  description = each.value.description
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = each.value.sid
      Effect   = "Allow"
      Action   = each.value.actions
      Resource = ["arn:aws:s3:::${each.value.bucket}", "arn:aws:s3:::${each.value.bucket}/*"]
    }]
  })
}

role "bench" {
  for_each             = local.roles
  name                 = each.key
  path                 = "/bench/"
  description          = each.value.description
  max_session_duration = each.value.max_session_duration
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { (each.value.trust_type) = each.value.trusted }
      Action    = "sts:AssumeRole"
    }]
  })
  managed_policy_arns = [policy.bench[each.value.policy].arn]
  tags                = each.value.tags

  dynamic "inline_policy" {
    for_each = each.value.write_logs ? ["write-logs"] : []
    labels   = [inline_policy.value]
    content {
      document = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "arn:aws:logs:*:${account.id}:log-group:/aws/bench/${each.key}:*"
        }]
      })
    }
  }
}

group "bench" {
  for_each            = local.groups
  name                = each.key
  path                = "/bench/"
  managed_policy_arns = [policy.bench[each.value.policy].arn]

  inline_policy "assume-service-role" {
    document = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = role.bench[each.value.role].arn
      }]
    })
  }
}

user "bench" {
  for_each            = local.users
  name                = each.key
  path                = "/people/"
  groups              = [for g in each.value.groups : group.bench[g].name]
  managed_policy_arns = [for p in each.value.policies : policy.bench[p].arn]
  tags                = each.value.tags

  dynamic "inline_policy" {
    for_each = each.value.home_directory ? ["home-directory"] : []
    labels   = [inline_policy.value]
    content {
      document = jsonencode({
        Version = "2012-10-17"
        Statement = [{
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource = "arn:aws:s3:::bench-home/${each.key}/*"
        }]
      })
    }
  }
}
`

type policyData struct {
	Description string   `json:"description"`
	Sid         string   `json:"sid"`
	Actions     []string `json:"actions"`
	Bucket      string   `json:"bucket"`
}

func (a *account) policyData() map[string]policyData {
	out := make(map[string]policyData, len(a.policies))
	for _, p := range a.policies {
		s := p.versions[len(p.versions)-1].statements[0]
		out[p.name] = policyData{
			Description: p.description,
			Sid:         s.sid,
			Actions:     s.actions,
			Bucket:      strings.TrimPrefix(s.resources[0].live, "arn:aws:s3:::"),
		}
	}
	return out
}

type roleData struct {
	Description        string            `json:"description"`
	MaxSessionDuration *int32            `json:"max_session_duration"`
	TrustType          string            `json:"trust_type"`
	Trusted            string            `json:"trusted"`
	Policy             string            `json:"policy"`
	Tags               map[string]string `json:"tags"`
	WriteLogs          bool              `json:"write_logs"`
}

func (a *account) roleData() map[string]roleData {
	out := make(map[string]roleData, len(a.roles))
	for _, r := range a.roles {
		trust := r.trust.statements[0]
		d := roleData{
			Description: r.description,
			TrustType:   trust.principalType,
			Trusted:     trust.principal.live,
			Policy:      r.attached.name,
			Tags:        tagMap(r.tags),
			WriteLogs:   r.inlineName != "",
		}
		if r.maxSessionDuration != 0 {
			d.MaxSessionDuration = &r.maxSessionDuration
		}
		out[r.name] = d
	}
	return out
}

type groupData struct {
	Policy string `json:"policy"`
	Role   string `json:"role"`
}

func (a *account) groupData() map[string]groupData {
	out := make(map[string]groupData, len(a.groups))
	for i, g := range a.groups {
		out[g.name] = groupData{Policy: g.attached.name, Role: a.roles[i%len(a.roles)].name}
	}
	return out
}

type userData struct {
	Groups        []string          `json:"groups"`
	Policies      []string          `json:"policies"`
	Tags          map[string]string `json:"tags"`
	HomeDirectory bool              `json:"home_directory"`
}

func (a *account) userData() map[string]userData {
	out := make(map[string]userData, len(a.users))
	for _, u := range a.users {
		d := userData{Groups: []string{}, Policies: []string{}, Tags: tagMap(u.tags), HomeDirectory: u.inlineName != ""}
		for _, g := range u.groups {
			d.Groups = append(d.Groups, g.name)
		}
		if u.attached != nil {
			d.Policies = append(d.Policies, u.attached.name)
		}
		out[u.name] = d
	}
	return out
}

func tagMap(tags []tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[t.key] = t.value
	}
	return out
}
