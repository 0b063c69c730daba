package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/iamsync/iamsync/executor"
	"github.com/iamsync/iamsync/planner"
	"github.com/iamsync/iamsync/provider"
	"github.com/iamsync/iamsync/spec"
)

// session is one configuration planned against one account: what plan
// prints and what apply carries out.
type session struct {
	conn  *connection
	cfg   *spec.Config
	state *provider.State
	plan  *planner.Plan
	diags hcl.Diagnostics

	// readOptions and planOptions are the options that the state was read
	// and the plan made with. A saved plan records them.
	readOptions provider.ReadOptions
	planOptions planner.Options
}

// files returns the parsed configuration files, for diagnostic snippets.
func (s *session) files() map[string]*hcl.File {
	if s.cfg == nil || s.cfg.Parser == nil {
		return nil
	}
	return s.cfg.Parser.Files()
}

// openSession connects to the account, decodes the configuration for it,
// reads the live state and plans. Configuration errors are returned in
// s.diags with a nil plan, and run-time failures as an error. An account
// that the account restrictions exclude is rejected before any IAM call.
func openSession(ctx context.Context, dir string, conn *connectionOptions, config *configOptions, planOpts planner.Options) (*session, error) {
	// The provider block chooses how to reach the account.
	providerCfg, diags := conn.useProvider(dir, config)
	if diags.HasErrors() {
		// Show the rest of the configuration's errors too, as validate
		// does, so that one run lists everything to fix.
		_, all := config.load(dir, "", "")
		return &session{cfg: providerCfg, diags: spec.Dedupe(append(diags, all...))}, nil
	}
	if providerCfg != nil {
		config.parsed = providerCfg.Parser
	}

	// With one allowed account, the account is known before any call, so
	// the files are loaded for it first, and their errors are reported
	// without a call to STS. Another partition than aws loads them again.
	var early *spec.Config
	var earlyDiags hcl.Diagnostics
	if account := conn.reach.soleAllowedAccount(); account != "" {
		early, earlyDiags = config.load(dir, account, spec.DefaultPartition)
		if earlyDiags.HasErrors() {
			return &session{cfg: early, diags: earlyDiags}, nil
		}
	}

	c, err := conn.connect(ctx)
	if err != nil {
		return unreachable(dir, config, err)
	}
	s := &session{conn: c}

	// ARNs in the configuration resolve from the caller's account, which
	// must be one the configuration allows.
	identity, err := c.provider.CallerIdentity(ctx)
	if err != nil {
		c.Close()
		return unreachable(dir, config, fmt.Errorf("read caller identity: %w", err))
	}
	if err := conn.reach.checkAccount(identity); err != nil {
		c.Close()
		return nil, err
	}
	if early != nil && early.AccountID == identity.Account && partitionOf(identity.ARN) == spec.DefaultPartition {
		s.cfg, s.diags = early, earlyDiags
	} else {
		s.cfg, s.diags = config.load(dir, identity.Account, partitionOf(identity.ARN))
	}
	if s.diags.HasErrors() {
		return s, nil
	}

	// Read the account in bulk, plus the per-entity details the
	// configuration compares.
	opts := readOptionsFor(s.cfg)
	opts.Caller = &identity
	reads := c.watchReads(opts, "")
	s.state, err = reads.read(ctx, opts)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("read account %s: %w", identity.Account, err)
	}
	plan, diags := planner.Make(s.cfg, s.state, planOpts)

	// Some changes need details that the first read did not request. A
	// replaced policy or instance profile is created again with the tags
	// that the configuration leaves alone. A deleted user loses its
	// credentials, and the plan warns of their last use. Read these details
	// and plan again.
	if more := unreadForPlan(plan, s.state); !diags.HasErrors() && more.any() {
		opts.PolicyTagsOf = append(opts.PolicyTagsOf, more.PolicyTagsOf...)
		opts.InstanceProfileTagsOf = append(opts.InstanceProfileTagsOf, more.InstanceProfileTagsOf...)
		opts.CredentialsOf = append(opts.CredentialsOf, more.CredentialsOf...)
		opts.PoliciesOf = append(opts.PoliciesOf, more.PoliciesOf...)
		s.state, err = reads.read(ctx, opts)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("read account %s: %w", identity.Account, err)
		}
		plan, diags = planner.Make(s.cfg, s.state, planOpts)
	}
	reads.done()
	s.readOptions, s.planOptions = opts, planOpts
	if !diags.HasErrors() {
		// The configuration's own warnings are added to the plan too, so
		// that a saved plan and its Markdown rendering show them to a reviewer.
		plan.Warnings = sortWarnings(append(planner.WarningsOf(s.diags), plan.Warnings...))
	}
	s.diags = append(s.diags, diags...)
	if diags.HasErrors() {
		return s, nil
	}

	// A plan that apply could not order, such as roles whose trust policies
	// name each other before either exists, fails here rather than at apply.
	if _, err := executor.Compile(plan); err != nil {
		s.diags = append(s.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Plan cannot be applied",
			Detail:   fmt.Sprintf("Apply could not order the plan's calls: %v. Split the change into two applies.", err),
		})
		return s, nil
	}
	s.plan = plan
	return s, nil
}

// unreachable handles err, a failure to reach the account. It returns the
// configuration's own errors instead when there are some, with a warning
// that the account was not reached, so that expired credentials do not hide
// a mistake in the files.
func unreachable(dir string, config *configOptions, err error) (*session, error) {
	cfg, diags := config.load(dir, "", "")
	if !diags.HasErrors() {
		return nil, err
	}
	diags = append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Account not reached",
		Detail:   fmt.Sprintf("The configuration has errors that show without the account: fix them first. Reaching the account failed as well: %v.", err),
	})
	return &session{cfg: cfg, diags: diags}, nil
}

// Close releases the connection.
func (s *session) Close() error { return s.conn.Close() }

// partitionOf returns the partition field of an ARN, "aws" when it has none.
func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// readOptionsFor returns the read options that request the per-entity
// reads that comparing cfg needs: credentials of users that manage keys or
// console access, and tags of policies and instance profiles that declare
// tags. Credentials are also requested under the previous names, because a
// user being renamed is still in the account under one of them.
func readOptionsFor(cfg *spec.Config) provider.ReadOptions {
	var opts provider.ReadOptions
	for _, u := range cfg.Users {
		if u.AccessKeys != nil || u.LoginProfile != nil {
			opts.CredentialsOf = append(opts.CredentialsOf, u.Name)
			opts.CredentialsOf = append(opts.CredentialsOf, u.PreviousNames...)
		}
	}
	for _, p := range cfg.Policies {
		if p.Tags != nil {
			opts.PolicyTagsOf = append(opts.PolicyTagsOf, p.ARN(cfg.Partition, cfg.AccountID))
		}
	}
	for _, ip := range cfg.InstanceProfiles {
		if ip.Tags != nil {
			opts.InstanceProfileTagsOf = append(opts.InstanceProfileTagsOf, ip.Name)
		}
	}
	opts.SkipAccountSettings = !cfg.Scope.AccountSettings
	return opts
}

// extraReads are the per-entity reads that a first plan shows it needs.
type extraReads struct{ provider.ReadOptions }

func (r extraReads) any() bool {
	return len(r.PolicyTagsOf)+len(r.InstanceProfileTagsOf)+len(r.CredentialsOf)+len(r.PoliciesOf) > 0
}

// unreadForPlan returns the reads that a plan needs and its state lacks.
// Replaced policies and instance profiles need their tags, because they are
// created again with them. Deleted users need their credentials, because
// those are deleted with the user and the plan warns of their last use.
// AWS-managed policies that the plan attaches and nothing uses yet must be
// looked up, because they must exist.
func unreadForPlan(plan *planner.Plan, state *provider.State) extraReads {
	var more extraReads
	if plan == nil {
		return more
	}
	for _, c := range plan.Changes {
		switch {
		case c.Action == planner.Replace && c.Type == planner.TypePolicy:
			attr := c.Attr("arn")
			if attr == nil {
				continue
			}
			arn, _ := attr.Before.(string)
			if p := state.Policy(arn); p != nil && p.Tags == nil {
				more.PolicyTagsOf = append(more.PolicyTagsOf, p.ARN)
			}
		case c.Action == planner.Replace && c.Type == planner.TypeInstanceProfile:
			if ip := state.InstanceProfile(c.Name); ip != nil && ip.Tags == nil {
				more.InstanceProfileTagsOf = append(more.InstanceProfileTagsOf, ip.Name)
			}
		case c.Action == planner.Delete && c.Type == planner.TypeUser:
			if u := state.User(c.Name); u != nil && u.Credentials == nil {
				more.CredentialsOf = append(more.CredentialsOf, u.Name)
			}
		}
	}
	more.PoliciesOf = planner.UnknownPolicies(plan, state)
	return more
}

// describeAccount returns the line that opens plan and apply output: which
// identity acts on which account.
func describeAccount(state *provider.State) string {
	alias := ""
	if len(state.Aliases) > 0 {
		alias = fmt.Sprintf(" (%s)", state.Aliases[0])
	}
	return fmt.Sprintf("Account %s%s, acting as %s", state.AccountID, alias, state.Caller.ARN)
}

// sortWarnings orders a plan's warnings as the command line prints
// diagnostics: by file and position, and those about no place in the files
// last, so that the JSON plan and the Markdown comment list them in the
// order of the plan's log.
func sortWarnings(warnings []planner.Warning) []planner.Warning {
	sort.SliceStable(warnings, func(i, j int) bool {
		a, b := warnings[i].Range, warnings[j].Range
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		default:
			return a.Start.Byte < b.Start.Byte
		}
	})
	return warnings
}
