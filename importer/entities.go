package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/iamsync/iamsync/provider"
)

// defaultMaxSessionDuration is the maximum session duration, in seconds,
// of a role that sets none, which a role block leaves out.
const defaultMaxSessionDuration = 3600

// Comments written above what cannot be imported as it is.
const (
	accessKeysComment = "IAM returns a secret access key only when the key is created, so keys are " +
		"declared by id and status alone. Apply deletes keys that are not listed here."
	loginProfileComment = "The console password is not imported: IAM never returns it."
	reservedTagsComment = "Tags are left unmanaged: some carry the prefix aws:, which AWS reserves " +
		"for its own tags and a configuration cannot declare."
)

func (g *generator) writePolicies() {
	for _, p := range g.policies {
		label := g.policyLabels[fold(p.ARN)]
		block := hclwrite.NewBlock("policy", []string{label})
		body := block.Body()
		var pending []*hclwrite.Block

		setIdentity(body, label, p.Name, p.Path)
		if p.Description != "" {
			body.SetAttributeRaw("description", literal(p.Description))
		}
		if v := p.DefaultVersion(); v != nil {
			body.SetAttributeRaw("document", g.documentExpr(v.Document, &pending))
		}
		setTags(body, p.Tags)

		g.emit(g.fileFor(filePolicies, p.Path), pending, block)
	}
}

func (g *generator) writeGroups() {
	for _, gr := range g.groups {
		label := g.groupLabels[fold(gr.Name)]
		block := hclwrite.NewBlock("group", []string{label})
		body := block.Body()
		var pending []*hclwrite.Block

		setIdentity(body, label, gr.Name, gr.Path)
		g.setAttachments(body, gr.AttachedPolicies)
		g.writeInline(body, gr.InlinePolicies, &pending)

		g.emit(g.fileFor(fileGroups, gr.Path), pending, block)
	}
}

// writeUsers writes the users with their memberships: a user lists its
// groups, rather than a group its members, because a group's member list
// is complete and would remove the users that the import leaves out.
func (g *generator) writeUsers() {
	for _, u := range g.users {
		label := g.userLabels[fold(u.Name)]
		block := hclwrite.NewBlock("user", []string{label})
		body := block.Body()
		var pending []*hclwrite.Block

		setIdentity(body, label, u.Name, u.Path)
		g.setBoundary(body, u.PermissionsBoundary)
		g.setGroups(body, u.Groups)
		g.setAttachments(body, u.AttachedPolicies)
		setTags(body, u.Tags)
		g.writeInline(body, u.InlinePolicies, &pending)
		writeCredentials(body, u.Credentials)

		g.emit(g.fileFor(fileUsers, u.Path), pending, block)
	}
}

func (g *generator) writeRoles() {
	for _, r := range g.roles {
		label := g.roleLabels[fold(r.Name)]
		block := hclwrite.NewBlock("role", []string{label})
		body := block.Body()
		var pending []*hclwrite.Block

		// Description and maximum session duration are written only when
		// the reader filled them in; the planner compares them only then.
		setIdentity(body, label, r.Name, r.Path)
		if g.state.RoleDetailsRead && r.Description != "" {
			body.SetAttributeRaw("description", literal(r.Description))
		}
		if g.state.RoleDetailsRead && r.MaxSessionDuration != 0 && r.MaxSessionDuration != defaultMaxSessionDuration {
			body.SetAttributeRaw("max_session_duration", numberTokens(strconv.Itoa(int(r.MaxSessionDuration))))
		}
		body.SetAttributeRaw("assume_role_policy", g.documentExpr(r.AssumeRolePolicy, &pending))
		g.setBoundary(body, r.PermissionsBoundary)
		g.setAttachments(body, r.AttachedPolicies)
		setTags(body, r.Tags)
		g.writeInline(body, r.InlinePolicies, &pending)

		g.emit(g.fileFor(fileRoles, r.Path), pending, block)
	}
}

func (g *generator) writeInstanceProfiles() {
	for _, ip := range g.profiles {
		label := g.profileLabels[fold(ip.Name)]
		block := hclwrite.NewBlock("instance_profile", []string{label})
		body := block.Body()

		setIdentity(body, label, ip.Name, ip.Path)
		if len(ip.Roles) > 0 {
			body.SetAttributeRaw("role", g.roleName(ip.Roles[0]))
		}
		setTags(body, ip.Tags)

		g.emit(g.fileFor(fileInstanceProfiles, ip.Path), nil, block)
	}
}

// emit appends an entity block to its file, after the policy_document
// blocks of the documents only it uses.
func (g *generator) emit(file string, pending []*hclwrite.Block, block *hclwrite.Block) {
	for _, doc := range pending {
		g.files.appendBlock(file, doc)
	}
	g.files.appendBlock(file, block)
}

// setIdentity writes name when the label differs from it, and path when it
// is not the default "/".
func setIdentity(body *hclwrite.Body, label, name, path string) {
	if label != name {
		body.SetAttributeRaw("name", literal(name))
	}
	if path != "/" {
		body.SetAttributeRaw("path", literal(path))
	}
}

// setTags writes the tags sorted by key, or nothing when there are none:
// an entity without a tags argument keeps whatever tags it has.
func setTags(body *hclwrite.Body, tags []provider.Tag) {
	if len(tags) == 0 {
		return
	}
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			body.AppendUnstructuredTokens(comment(reservedTagsComment))
			return
		}
	}
	sorted := slices.Clone(tags)
	slices.SortFunc(sorted, func(a, b provider.Tag) int { return strings.Compare(a.Key, b.Key) })
	keys := make([]hclwrite.Tokens, len(sorted))
	values := make([]hclwrite.Tokens, len(sorted))
	for i, t := range sorted {
		keys[i], values[i] = objectKey(t.Key), literal(t.Value)
	}
	body.SetAttributeRaw("tags", objectTokens(keys, values))
}

// policyARN returns a reference to a policy the configuration declares, or
// the ARN with the account written as ${account.id}.
func (g *generator) policyARN(arn string) hclwrite.Tokens {
	if label, ok := g.policyLabels[fold(arn)]; ok {
		return reference("policy", label, "arn")
	}
	return portable(arn, g.accountID)
}

// roleName returns a reference to a role the configuration declares, or
// the role's name.
func (g *generator) roleName(name string) hclwrite.Tokens {
	if label, ok := g.roleLabels[fold(name)]; ok {
		return reference("role", label, "name")
	}
	return literal(name)
}

func (g *generator) setBoundary(body *hclwrite.Body, arn string) {
	if arn != "" {
		body.SetAttributeRaw("permissions_boundary", g.policyARN(arn))
	}
}

// setAttachments writes the attached policies sorted by ARN.
func (g *generator) setAttachments(body *hclwrite.Body, arns []string) {
	if len(arns) == 0 {
		return
	}
	sorted := slices.Clone(arns)
	slices.SortFunc(sorted, func(a, b string) int { return strings.Compare(fold(a), fold(b)) })
	items := make([]hclwrite.Tokens, len(sorted))
	for i, arn := range sorted {
		items[i] = g.policyARN(arn)
	}
	body.SetAttributeRaw("managed_policy_arns", listTokens(items))
}

// setGroups writes the groups of a user that the configuration declares.
// Memberships of groups outside it are left alone by plans, because such a
// group is not managed.
func (g *generator) setGroups(body *hclwrite.Body, groups []string) {
	var labels []string
	for _, name := range groups {
		if label, ok := g.groupLabels[fold(name)]; ok {
			labels = append(labels, label)
		}
	}
	if len(labels) == 0 {
		return
	}
	slices.Sort(labels)
	items := make([]hclwrite.Tokens, len(labels))
	for i, label := range labels {
		items[i] = reference("group", label, "name")
	}
	body.SetAttributeRaw("groups", listTokens(items))
}

// writeInline writes one inline_policy block per inline policy, sorted by
// name.
func (g *generator) writeInline(body *hclwrite.Body, policies []provider.InlinePolicy, pending *[]*hclwrite.Block) {
	for _, p := range sortedInline(policies) {
		separate(body)
		block := body.AppendNewBlock("inline_policy", []string{p.Name})
		block.Body().SetAttributeRaw("document", g.documentExpr(p.Document, pending))
	}
}

func sortedInline(policies []provider.InlinePolicy) []provider.InlinePolicy {
	sorted := slices.Clone(policies)
	slices.SortFunc(sorted, func(a, b provider.InlinePolicy) int { return strings.Compare(a.Name, b.Name) })
	return sorted
}

// writeCredentials writes the access keys, by id and status, and whether
// the user has a console password. Secrets are never written: IAM does not
// return them. Nothing is written when the credentials were not read or
// the user has none, which leaves them unmanaged.
func writeCredentials(body *hclwrite.Body, creds *provider.UserCredentials) {
	if creds == nil {
		return
	}
	if len(creds.AccessKeys) > 0 {
		keys := slices.Clone(creds.AccessKeys)
		slices.SortFunc(keys, func(a, b provider.AccessKey) int {
			if c := a.CreateDate.Compare(b.CreateDate); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		separate(body)
		body.AppendUnstructuredTokens(comment(accessKeysComment))
		kb := body.AppendNewBlock("access_keys", nil).Body()
		for _, k := range keys {
			key := kb.AppendNewBlock("key", nil).Body()
			key.SetAttributeRaw("id", literal(k.ID))
			key.SetAttributeRaw("status", literal(k.Status))
		}
	}
	if lp := creds.LoginProfile; lp != nil {
		separate(body)
		body.AppendUnstructuredTokens(comment(loginProfileComment))
		pb := body.AppendNewBlock("login_profile", nil).Body()
		pb.SetAttributeRaw("enabled", boolTokens(true))
		if lp.PasswordResetRequired {
			pb.SetAttributeRaw("password_reset_required", boolTokens(true))
		}
	}
}

// separate adds a blank line before a nested block, unless the body is
// still empty.
func separate(body *hclwrite.Body) {
	if len(body.Attributes()) > 0 || len(body.Blocks()) > 0 {
		body.AppendNewline()
	}
}

// checkDocuments returns an error naming a customer-managed policy whose
// default version the state does not hold, because a policy block needs
// its document.
func (g *generator) checkDocuments() error {
	for _, p := range g.policies {
		if p.DefaultVersion() == nil {
			return fmt.Errorf("policy %s: default version missing from the state", p.ARN)
		}
	}
	return nil
}
