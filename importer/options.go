package importer

import (
	"fmt"
	"path"
	"strings"

	"github.com/iamsync/iamsync/spec"
)

// Layout chooses how the generated configuration is split into files.
type Layout int

const (
	// LayoutByKind writes one file per entity kind: users.hcl, groups.hcl,
	// roles.hcl, policies.hcl and instance_profiles.hcl.
	LayoutByKind Layout = iota
	// LayoutByPath writes one file per IAM path: main.hcl for "/",
	// people.hcl for "/people/", team_a.hcl for "/team/a/".
	LayoutByPath
)

// DocumentStyle chooses how policy documents are written.
type DocumentStyle int

const (
	// DocumentsJSONEncode writes a document as jsonencode() of an HCL
	// object that mirrors the JSON.
	DocumentsJSONEncode DocumentStyle = iota
	// DocumentsPolicyDocument writes a document as a policy_document block
	// and refers to its json attribute. Documents that a policy_document
	// block cannot reproduce exactly are written with jsonencode().
	DocumentsPolicyDocument
)

// Options control what Read reads and what Generate writes.
type Options struct {
	Layout    Layout
	Documents DocumentStyle

	// Paths lists the path prefixes to import, such as "/people/". Empty
	// means every path.
	Paths []string
	// Exclude lists name patterns (path.Match syntax, compared without
	// case) of entities to leave out.
	Exclude []string
	// SkipAccountSettings leaves out the account alias and the password
	// policy, and writes account_settings = false into the scope block so
	// that plans leave them alone.
	SkipAccountSettings bool
}

// Scope returns the scope that the options select, the one the generated
// configuration declares. It returns an error for a path prefix that does
// not start with a slash or a pattern that does not compile.
func (o Options) Scope() (spec.Scope, error) {
	scope := spec.DefaultScope()
	if len(o.Paths) > 0 {
		scope.PathPrefixes = append([]string(nil), o.Paths...)
	}
	for _, prefix := range scope.PathPrefixes {
		if !strings.HasPrefix(prefix, "/") || strings.ContainsAny(prefix, " \t\n") {
			return spec.Scope{}, fmt.Errorf("invalid path prefix %q: a prefix starts with a slash, such as \"/people/\", and has no spaces", prefix)
		}
	}
	for _, pattern := range o.Exclude {
		if _, err := path.Match(pattern, ""); err != nil {
			return spec.Scope{}, fmt.Errorf("invalid exclude pattern %q: %w", pattern, err)
		}
	}
	scope.ExcludeNames = append([]string(nil), o.Exclude...)
	scope.AccountSettings = !o.SkipAccountSettings
	return scope, nil
}
