package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/policydoc"
)

// entityDecoder decodes the body of one entity instance.
type entityDecoder struct {
	l       *loader
	inst    *instance
	content *hcl.BodyContent
	r       *attrReader
}

func (d *entityDecoder) report(diags ...*hcl.Diagnostic) {
	for _, diag := range diags {
		if diag != nil {
			d.l.diags = append(d.l.diags, diag)
		}
	}
}

// nameRange returns where the instance's name comes from: the name
// argument, the for_each argument that gives the key, or the block label.
func (d *entityDecoder) nameRange() hcl.Range {
	if rng, ok := d.r.ranges["name"]; ok {
		return rng
	}
	if attr, ok := d.inst.decl.identity["for_each"]; ok {
		return attr.Expr.Range()
	}
	return d.inst.decl.block.LabelRanges[0]
}

func (d *entityDecoder) checkIdentity() {
	d.report(checkName(d.inst.decl.typ, d.inst.name, d.nameRange()))
	d.report(checkPath(d.inst.path, d.r.rangeOf("path", d.inst.decl.block.DefRange)))
}

func (d *entityDecoder) user() *User {
	u := &User{
		Address:   d.inst.address(),
		Name:      d.inst.name,
		Path:      d.inst.path,
		DeclRange: d.inst.decl.block.DefRange,
		Ranges:    d.r.ranges,
	}
	u.Tags = d.tags()
	u.PermissionsBoundary = d.boundary()
	u.Attachments = d.attachments()
	u.InlinePolicies = d.inlinePolicies()
	u.PreviousNames = d.previousNames()
	u.ExpiresAt = d.r.timestamp("expires_at")
	u.AccessKeys = d.accessKeys()
	u.LoginProfile = d.loginProfile()
	u.Lifecycle = d.lifecycle()
	if groups, ok := d.r.stringList("groups"); ok {
		for i, group := range groups {
			d.l.userGroups = append(d.l.userGroups, &groupRef{user: u, group: group, rng: d.r.elementRange("groups", i)})
		}
	}
	return u
}

func (d *entityDecoder) group() *Group {
	g := &Group{
		Address:   d.inst.address(),
		Name:      d.inst.name,
		Path:      d.inst.path,
		DeclRange: d.inst.decl.block.DefRange,
		Ranges:    d.r.ranges,
	}
	if d.r.has("tags") {
		d.report(errorAt(d.r.ranges["tags"], "Groups cannot be tagged",
			"IAM keeps no tags on groups. Remove the tags argument, and tag the group's users or roles instead."))
	}
	g.Attachments = d.attachments()
	g.InlinePolicies = d.inlinePolicies()
	g.PreviousNames = d.previousNames()
	g.Lifecycle = d.lifecycle()
	d.members(g)
	return g
}

// members collects the members a group declares, by the members list and
// by member blocks, for resolveMemberships.
func (d *entityDecoder) members(g *Group) {
	if names, ok := d.r.stringList("members"); ok {
		g.Members = []string{}
		d.l.groupMembersRange[g] = d.r.ranges["members"]
		for i, name := range names {
			d.l.groupMembers = append(d.l.groupMembers, &memberRef{group: g, user: name, rng: d.r.elementRange("members", i)})
		}
	}
	for _, block := range d.content.Blocks.OfType("member") {
		content, diags := block.Body.Content(memberSchema.body)
		d.report(diags...)
		if g.Members == nil {
			g.Members = []string{}
			d.l.groupMembersRange[g] = block.DefRange
		}
		r := d.l.newReader(content.Attributes, d.r.ctx)
		if name, ok := r.str("user"); ok {
			d.l.groupMembers = append(d.l.groupMembers, &memberRef{
				group: g, user: name, rng: r.rangeOf("user", block.DefRange), expiresAt: r.timestamp("expires_at"),
			})
		}
	}
}

func (d *entityDecoder) role() *Role {
	role := &Role{
		Address:   d.inst.address(),
		Name:      d.inst.name,
		Path:      d.inst.path,
		DeclRange: d.inst.decl.block.DefRange,
		Ranges:    d.r.ranges,
	}
	role.Description = d.description()
	if d.r.has("description") && !descriptionPattern.MatchString(role.Description) {
		d.report(errorAt(d.r.ranges["description"], "Invalid description",
			fmt.Sprintf("The role description contains %s. IAM accepts only tabs, line breaks and the "+
				"characters U+0020 to U+007E and U+00A1 to U+00FF in role descriptions, so typographic quotes "+
				"and dashes must be written as plain ASCII.", quoteBadRunes(role.Description, descriptionPattern))))
	}
	role.MaxSessionDuration = d.r.integer("max_session_duration", minSessionDuration)
	if d.r.set("max_session_duration") {
		d.report(checkRange("max_session_duration", role.MaxSessionDuration, minSessionDuration, maxSessionDuration,
			d.r.ranges["max_session_duration"]))
	}
	role.AssumeRolePolicy = d.l.decodeDocument(d.r, "assume_role_policy", policydoc.Trust)
	role.PrincipalRanges = d.l.principalRanges(d.r, "assume_role_policy", role.AssumeRolePolicy)
	role.PermissionsBoundary = d.boundary()
	role.Tags = d.tags()
	role.Attachments = d.attachments()
	role.InlinePolicies = d.inlinePolicies()
	role.Lifecycle = d.lifecycle()
	return role
}

func (d *entityDecoder) policy() *Policy {
	p := &Policy{
		Address:   d.inst.address(),
		Name:      d.inst.name,
		Path:      d.inst.path,
		DeclRange: d.inst.decl.block.DefRange,
		Ranges:    d.r.ranges,
	}
	p.Description = d.description()
	p.Document = d.l.decodeDocument(d.r, "document", policydoc.Identity)
	p.Tags = d.tags()
	p.Lifecycle = d.lifecycle()
	return p
}

func (d *entityDecoder) instanceProfile() *InstanceProfile {
	ip := &InstanceProfile{
		Address:   d.inst.address(),
		Name:      d.inst.name,
		Path:      d.inst.path,
		DeclRange: d.inst.decl.block.DefRange,
		Ranges:    d.r.ranges,
	}
	if role, ok := d.r.str("role"); ok && role != "" {
		d.report(checkName(blockRole, role, d.r.ranges["role"]))
		ip.Role = role
	}
	ip.Tags = d.tags()
	ip.Lifecycle = d.lifecycle()
	return ip
}

// lifecycle decodes the lifecycle block, which may appear once.
func (d *entityDecoder) lifecycle() Lifecycle {
	block := d.l.singleBlock(d.content.Blocks, "lifecycle")
	if block == nil {
		return Lifecycle{}
	}
	content, diags := block.Body.Content(lifecycleSchema.body)
	d.report(diags...)
	r := d.l.newReader(content.Attributes, d.r.ctx)
	return Lifecycle{
		PreventDestroy:      r.boolean("prevent_destroy", false),
		DeclRange:           block.DefRange,
		PreventDestroyRange: r.rangeOf("prevent_destroy", block.DefRange),
	}
}

func (d *entityDecoder) description() string {
	description := d.r.strDefault("description", "")
	if n := utf8.RuneCountInString(description); n > maxDescriptionLength {
		d.report(errorAt(d.r.ranges["description"], "Invalid description", fmt.Sprintf(
			"The description is %d characters long; IAM allows at most %d.", n, maxDescriptionLength)))
	}
	return description
}

// tags returns the tags, nil when the block leaves them alone.
func (d *entityDecoder) tags() map[string]string {
	tags, ok := d.r.stringMap("tags")
	if !ok {
		return nil
	}
	foldKeys := d.inst.decl.typ == blockUser || d.inst.decl.typ == blockRole
	d.report(checkTags(tags, foldKeys, d.r.ranges["tags"])...)
	return tags
}

func (d *entityDecoder) boundary() string {
	arn, ok := d.r.str("permissions_boundary")
	if !ok || arn == "" {
		return ""
	}
	d.report(d.l.checkPolicyARN(arn, d.r.ranges["permissions_boundary"]))
	return arn
}

// attachments collects managed_policy_arns and managed_policy blocks.
func (d *entityDecoder) attachments() []*Attachment {
	var out []*Attachment
	seen := map[string]hcl.Range{}
	add := func(arn string, expiresAt *time.Time, rng hcl.Range) {
		if diag := d.l.checkPolicyARN(arn, rng); diag != nil {
			d.report(diag)
			return
		}
		if previous, ok := seen[arn]; ok {
			d.report(errorAt(rng, "Duplicate policy attachment", fmt.Sprintf(
				"The policy %s is already attached at %s. Attach each policy once.", arn, previous)))
			return
		}
		seen[arn] = rng
		out = append(out, &Attachment{PolicyARN: arn, ExpiresAt: expiresAt, Range: rng})
	}

	if arns, ok := d.r.stringList("managed_policy_arns"); ok {
		for i, arn := range arns {
			add(arn, nil, d.r.elementRange("managed_policy_arns", i))
		}
	}
	for _, block := range d.content.Blocks.OfType("managed_policy") {
		content, diags := block.Body.Content(managedPolicySchema.body)
		d.report(diags...)
		r := d.l.newReader(content.Attributes, d.r.ctx)
		if arn, ok := r.str("arn"); ok {
			add(arn, r.timestamp("expires_at"), r.rangeOf("arn", block.DefRange))
		}
	}
	return out
}

func (d *entityDecoder) inlinePolicies() []*InlinePolicy {
	var out []*InlinePolicy
	seen := map[string]hcl.Range{}
	for _, block := range d.content.Blocks.OfType("inline_policy") {
		name, nameRange := block.Labels[0], block.LabelRanges[0]
		content, diags := block.Body.Content(inlinePolicySchema.body)
		d.report(diags...)
		if diag := checkInlinePolicyName(name, nameRange); diag != nil {
			d.report(diag)
			continue
		}
		if previous, ok := seen[name]; ok {
			d.report(errorAt(nameRange, "Duplicate inline policy", fmt.Sprintf(
				"An inline policy named %q is already declared at %s. Inline policy names are unique per "+
					"%s.", name, previous, d.inst.decl.typ)))
			continue
		}
		seen[name] = nameRange

		r := d.l.newReader(content.Attributes, d.r.ctx)
		doc := d.l.decodeDocument(r, "document", policydoc.Identity)
		if doc == nil {
			continue
		}
		out = append(out, &InlinePolicy{
			Name:      name,
			Document:  doc,
			ExpiresAt: r.timestamp("expires_at"),
			DeclRange: block.DefRange,
		})
	}
	return out
}

func (d *entityDecoder) previousNames() []string {
	names, ok := d.r.stringList("previous_names")
	if !ok {
		return nil
	}
	seen := map[string]bool{}
	for i, name := range names {
		rng := d.r.elementRange("previous_names", i)
		folded := strings.ToLower(name)
		switch {
		case name == d.inst.name:
			d.report(errorAt(rng, "Invalid previous name", fmt.Sprintf(
				"%q is the current name. previous_names lists only names the %s had before.", name, d.inst.decl.typ)))
		case strings.EqualFold(name, d.inst.name):
			d.report(errorAt(rng, "Invalid previous name", fmt.Sprintf(
				"%q differs from the name %q only in case, and IAM takes the two for one name, so it is no "+
					"previous name; plans leave the case of a live name as it is. Remove it from previous_names.",
				name, d.inst.name)))
		case seen[folded]:
			d.report(errorAt(rng, "Duplicate previous name", fmt.Sprintf(
				"%q is listed twice. Names are compared without case, as IAM does.", name)))
		default:
			d.report(checkName(d.inst.decl.typ, name, rng))
		}
		seen[folded] = true
	}
	return names
}

func (d *entityDecoder) accessKeys() *AccessKeys {
	block := d.l.singleBlock(d.content.Blocks, "access_keys")
	if block == nil {
		return nil
	}
	content, diags := block.Body.Content(accessKeysSchema.body)
	d.report(diags...)
	keys := &AccessKeys{Keys: []*AccessKey{}, DeclRange: block.DefRange}
	seen := map[string]hcl.Range{}
	for _, kb := range content.Blocks.OfType("key") {
		c, diags := kb.Body.Content(accessKeySchema.body)
		d.report(diags...)
		r := d.l.newReader(c.Attributes, d.r.ctx)
		key := &AccessKey{
			ID:         r.strDefault("id", ""),
			Status:     r.strDefault("status", "Active"),
			SecretFile: r.strDefault("secret_file", ""),
			DeclRange:  kb.DefRange,
		}
		key.SecretFileKeyID, key.SecretFileEmpty = inspectSecretFile(d.l.cfg.Dir, key.SecretFile)
		d.checkAccessKey(key, r, seen)
		keys.Keys = append(keys.Keys, key)
	}
	if len(keys.Keys) > maxAccessKeys {
		d.report(errorAt(keys.Keys[maxAccessKeys].DeclRange, "Too many access keys", fmt.Sprintf(
			"%d keys are declared; IAM allows at most %d access keys per user.", len(keys.Keys), maxAccessKeys)))
	}
	return keys
}

func (d *entityDecoder) checkAccessKey(key *AccessKey, r *attrReader, seen map[string]hcl.Range) {
	if key.ID != "" {
		idRange := r.ranges["id"]
		if !accessKeyIDPattern.MatchString(key.ID) {
			d.report(errorAt(idRange, "Invalid access key ID", fmt.Sprintf(
				"%q is not an access key ID. An ID is 16 to 128 letters and digits, such as AKIAIOSFODNN7EXAMPLE.",
				key.ID)))
		}
		if previous, ok := seen[key.ID]; ok {
			d.report(errorAt(idRange, "Duplicate access key", fmt.Sprintf(
				"The key %s is already declared at %s.", key.ID, previous)))
		}
		seen[key.ID] = idRange
	}
	if key.Status != "Active" && key.Status != "Inactive" {
		detail := fmt.Sprintf("%q is not an access key status; use \"Active\" or \"Inactive\".", key.Status)
		if strings.EqualFold(key.Status, "active") || strings.EqualFold(key.Status, "inactive") {
			detail += " IAM spells statuses with a capital letter."
		}
		d.report(errorAt(r.rangeOf("status", key.DeclRange), "Invalid access key status", detail))
	}
	key.SecretFileProblem = d.secretDestinationProblem(key.SecretFile, r.rangeOf("secret_file", key.DeclRange))
	d.claimSecretFile(key.SecretFile, r.rangeOf("secret_file", key.DeclRange))
}

func (d *entityDecoder) loginProfile() *LoginProfile {
	block := d.l.singleBlock(d.content.Blocks, "login_profile")
	if block == nil {
		return nil
	}
	content, diags := block.Body.Content(loginProfileSchema.body)
	d.report(diags...)
	r := d.l.newReader(content.Attributes, d.r.ctx)
	profile := &LoginProfile{
		Enabled:               r.boolean("enabled", true),
		PasswordResetRequired: r.boolean("password_reset_required", false),
		PasswordFile:          r.strDefault("password_file", ""),
		DeclRange:             block.DefRange,
	}
	profile.PasswordFileProblem = d.secretDestinationProblem(profile.PasswordFile, r.rangeOf("password_file", block.DefRange))
	d.claimSecretFile(profile.PasswordFile, r.rangeOf("password_file", block.DefRange))
	return profile
}

// claimSecretFile reports a secret file that another access key or login
// profile names too, because a file holds the secret of one credential.
func (d *entityDecoder) claimSecretFile(path string, rng hcl.Range) {
	if path == "" || path == "-" {
		return
	}
	display := path
	if !filepath.IsAbs(path) {
		display = filepath.Join(d.l.cfg.Dir, path)
	}
	// Two spellings of one file, such as a relative and an absolute path,
	// or a path through a symbolic link, name one file.
	key := display
	if abs, err := filepath.Abs(key); err == nil {
		key = abs
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(key)); err == nil {
		key = filepath.Join(dir, filepath.Base(key))
	}
	if d.l.readsAsConfiguration(key) {
		d.report(errorAt(rng, "Secret file read as configuration", fmt.Sprintf(
			"%s is in the configuration directory and its name ends in .hcl or .hcl.json, so every later command "+
				"would read the secret as configuration, and its errors would print it. Name a file that ends "+
				"otherwise, or one outside the configuration directory, such as ../secrets/%s.txt.",
			display, strings.TrimSuffix(strings.TrimSuffix(filepath.Base(key), ".json"), ".hcl"))))
		return
	}
	if d.l.secretFiles == nil {
		d.l.secretFiles = map[string]hcl.Range{}
	}
	first, ok := d.l.secretFiles[key]
	switch {
	case ok && first == rng:
		if d.l.secretFileRepeats[rng] {
			return
		}
		if d.l.secretFileRepeats == nil {
			d.l.secretFileRepeats = map[hcl.Range]bool{}
		}
		d.l.secretFileRepeats[rng] = true
		d.report(errorAt(rng, "Secret file named twice", fmt.Sprintf(
			"Every instance of this block names %s as its secret file, but a file holds the secret of one "+
				"access key or login profile. Put the instance's key in the name, such as \"${each.key}.ini\".", display)))
	case ok:
		d.report(errorAt(rng, "Secret file named twice", fmt.Sprintf(
			"%s is also the secret file declared at %s. A file holds the secret of one access key or login "+
				"profile: name another file.", display, first)))
	default:
		d.l.secretFiles[key] = rng
	}
}

// readsAsConfiguration reports whether Load would read the file at path,
// an absolute path whose folder has no symbolic links, as a configuration
// file.
func (l *loader) readsAsConfiguration(path string) bool {
	name := filepath.Base(path)
	if skippedFile(name) || (!strings.HasSuffix(name, ".hcl") && !strings.HasSuffix(name, ".hcl.json")) {
		return false
	}
	dir, err := filepath.Abs(l.dir)
	if err != nil {
		return false
	}
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	return filepath.Dir(path) == dir
}

// secretDestinationProblem returns the error for a secret file that apply
// could not write: one whose folder does not exist, or that exists with
// content or as a folder. It returns nil for a file that apply can write,
// such as an empty one that a stopped apply left. The planner reports it
// only for a credential that apply creates, because only then is the file
// written.
func (d *entityDecoder) secretDestinationProblem(path string, rng hcl.Range) *hcl.Diagnostic {
	if path == "" || path == "-" {
		return nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(d.l.cfg.Dir, path)
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
		return errorAt(rng, "Secret file folder not found", fmt.Sprintf(
			"The folder of %s does not exist, so apply could not write the secret of the credential it creates there. "+
				"Create the folder, or name a file in an existing one.", path))
	}
	// Apply writes again only an empty regular file, left by a stopped
	// apply. It rejects a link, a device such as /dev/null and a file with
	// content, so plan rejects them too.
	if info, err := os.Lstat(path); err == nil && (!info.Mode().IsRegular() || info.Size() > 0) {
		return errorAt(rng, "Secret file already exists", fmt.Sprintf(
			"%s already exists, and apply never overwrites a secret or writes one through a link or into a device. "+
				"Move it away, or name another file for the secret of the credential that apply creates.", path))
	}
	return nil
}
