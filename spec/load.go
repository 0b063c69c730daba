package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// PlaceholderAccountID is the account that ARNs are built in when Load is
// given no account ID, as in offline validation. No AWS account has this ID.
const PlaceholderAccountID = "000000000000"

// DefaultPartition is the partition that ARNs are built in when Load is given
// none.
const DefaultPartition = "aws"

// EnvironmentPrefix starts the names of the environment variables that set
// input variables: IAMSYNC_VAR_team sets var.team.
const EnvironmentPrefix = "IAMSYNC_VAR_"

// LoadOptions are the inputs of Load besides the configuration files.
type LoadOptions struct {
	// AccountID is the account that ARNs are built in. When empty,
	// PlaceholderAccountID is used.
	AccountID string
	// Partition is the ARN partition, DefaultPartition when empty.
	Partition string

	// Variables holds -var name=value arguments. A value is taken as a
	// string when the variable's type is a primitive type or not given, and
	// parsed as an HCL expression otherwise, as Terraform does.
	Variables map[string]string
	// VarFiles are -var-file paths, relative to the working directory. A file
	// ending in .json is read as JSON, any other as HCL.
	VarFiles []string
	// Environ lists environment variables in the form of os.Environ.
	// Variables named IAMSYNC_VAR_<name> set input variables. Load reads no
	// environment of its own: a nil Environ means none.
	Environ []string

	// AllowFilesOutside lets file, fileexists, fileset and templatefile read
	// files outside the configuration directory.
	AllowFilesOutside bool

	// Parser, when set, is the parser of a LoadProvider call on the same
	// directory with the same options. Load takes the files that call
	// parsed from it instead of parsing them again, which is most of the
	// time Load takes for a large configuration. A Load that gets as far
	// as decoding the entities leaves only the source of those files in
	// Parser, as in Config.Parser, so that the syntax trees are freed once
	// decoded.
	Parser *hclparse.Parser

	// DisplayDir, when set, is the directory that source ranges, diagnostics
	// and Config.Dir name in place of the directory Load reads. It serves a
	// configuration decoded from a copy, such as the snapshot in a saved
	// plan, whose messages must name the files the user wrote.
	DisplayDir string
}

// Load reads every .hcl and .hcl.json file directly in dir, in name order,
// and decodes them into a Config. Files whose names start with a dot or a
// hash sign, or end with a tilde (editor backups and lock files), are
// skipped.
//
// Values for input variables come, from lowest to highest precedence, from
// defaults, IAMSYNC_VAR_ environment variables, VarFiles in order, and
// Variables.
//
// The Config is returned even when diags has errors, with its Parser, so that
// diagnostics can be printed with source snippets; it is then incomplete.
func Load(dir string, opts LoadOptions) (*Config, hcl.Diagnostics) {
	l := newLoader(dir, opts)
	l.load()
	l.placeJSONErrors()
	l.explainEntityLookups()
	addTerraformHints(l.diags)
	return l.cfg, l.dedupe()
}

// loader holds the state of one Load.
type loader struct {
	dir    string
	opts   LoadOptions
	parser *hclparse.Parser
	funcs  map[string]function.Function
	files  fileFunctions
	diags  hcl.Diagnostics
	cfg    *Config

	declarations
	memberships

	// vars is the var object, accountValue the account object.
	vars         cty.Value
	accountValue cty.Value

	// secretFiles holds where each secret file is declared, by resolved
	// path, and secretFileRepeats the declarations, shared by the instances
	// of a for_each block, already reported for naming one file.
	secretFiles       map[string]hcl.Range
	secretFileRepeats map[hcl.Range]bool

	// encoded holds the documents that jsonencode wrote, until the
	// entities that use them are decoded.
	encoded encodedDocuments

	// instanceOf names the instance of a for_each block that each
	// diagnostic raised while decoding it is about.
	instanceOf map[*hcl.Diagnostic]Address

	// scopeFailed is set when the scope block has errors, and
	// varFileFailed when a variables file could not be read or parsed.
	scopeFailed   bool
	varFileFailed bool

	// acceptances holds the accept_risks attributes read, by range.
	acceptances map[hcl.Range]*acceptance
}

func newLoader(dir string, opts LoadOptions) *loader {
	if opts.AccountID == "" {
		opts.AccountID = PlaceholderAccountID
	}
	if opts.Partition == "" {
		opts.Partition = DefaultPartition
	}
	l := &loader{
		dir:    dir,
		opts:   opts,
		parser: reusedParser(opts.Parser),
		accountValue: cty.ObjectVal(map[string]cty.Value{
			"id":        cty.StringVal(opts.AccountID),
			"partition": cty.StringVal(opts.Partition),
		}),
	}
	l.declarations = newDeclarations()
	l.groupMembersRange = map[*Group]hcl.Range{}
	l.files = fileFunctions{dir: dir, allowOutside: opts.AllowFilesOutside, displayDir: opts.DisplayDir, log: &readLog{}}
	l.encoded = encodedDocuments{}
	l.funcs = functions(l.files, l.encoded)
	shownDir := dir
	if opts.DisplayDir != "" {
		shownDir = opts.DisplayDir
	}
	l.cfg = &Config{
		Dir:       shownDir,
		Parser:    l.parser,
		AccountID: opts.AccountID,
		Partition: opts.Partition,
		Scope:     DefaultScope(),
	}
	return l
}

// load runs the stages of decoding. References are checked before anything
// is evaluated, so that a wrong name is reported once, in its own words.
func (l *loader) load() {
	// Parse the files and collect their blocks.
	for _, file := range l.parseFiles() {
		l.checkDuplicateKeys(file)
		l.declare(file)
	}
	if l.diags.HasErrors() {
		return
	}

	// Check every reference against the declarations.
	l.checkReferences()
	if l.diags.HasErrors() {
		return
	}

	// Evaluate input variables, then locals, entity names and policy
	// documents in the order their references require.
	l.evaluateVariables()
	if l.diags.HasErrors() {
		return
	}
	l.evaluateGraph()

	// Decode everything else with every value known. The parsers keep
	// only the source of the files from here on, which is all that
	// diagnostics need, so that decodeEntities can free the syntax tree of
	// each entity once it is decoded. The parser of LoadProvider holds the
	// same trees, and its caller usually keeps it until the command ends.
	ctx := l.fullContext()
	l.decodeSettings(ctx)
	releaseSyntax(l.parser)
	if l.opts.Parser != nil {
		releaseSyntax(l.opts.Parser)
	}
	l.decodeEntities(ctx)
	l.checkAcceptedRisks()
	clear(l.encoded)
	l.resolveMemberships()
	l.checkUniqueNames()
	l.checkIgnoredSettings()
	l.checkScope()
	l.sortConfig()
	l.cfg.ReadFiles = l.files.log.sorted()
	l.cfg.Variables = keys(l.variables)
}

// parseFiles parses the configuration files of the directory, in name order.
func (l *loader) parseFiles() []*hcl.File {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read the configuration directory",
			Detail:   fmt.Sprintf("Reading %s failed: %s.", l.dir, err),
		})
		return nil
	}

	var files []*hcl.File
	var terraformFiles []string
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() || skippedFile(name) {
			continue
		}
		if strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") {
			terraformFiles = append(terraformFiles, name)
		}
		if d := l.unreadVariablesFile(name); d != nil {
			l.diags = append(l.diags, d)
		}
		if !strings.HasSuffix(name, ".hcl") && !strings.HasSuffix(name, ".hcl.json") {
			continue
		}
		path := filepath.Join(l.dir, name)
		l.files.record(name)
		if info, err := entry.Info(); err == nil && info.Size() > maxFileBytes {
			start := hcl.Pos{Line: 1, Column: 1}
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Configuration file too large",
				Detail: fmt.Sprintf("%s is %d bytes, and iamsync reads configuration files of up to %d MiB. "+
					"Check that it is the file you meant; a configuration larger than that belongs in several files.",
					l.files.displayName(path), info.Size(), maxFileBytes>>20),
				Subject: &hcl.Range{Filename: l.files.displayName(path), Start: start, End: start},
			})
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   fmt.Sprintf("Reading %s failed: %s.", l.files.displayName(path), err),
			})
			continue
		}
		if d := checkText(src, l.files.displayName(path)); d != nil {
			l.diags = append(l.diags, d)
			continue
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(name, ".hcl.json") {
			file, diags = l.parser.ParseJSON(src, l.files.displayName(path))
		} else {
			file, diags = l.parser.ParseHCL(src, l.files.displayName(path))
		}
		l.diags = append(l.diags, diags...)
		if file != nil && !diags.HasErrors() {
			files = append(files, file)
		}
	}

	if len(files) == 0 && !l.diags.HasErrors() {
		l.diags = append(l.diags, noConfigurationFiles(l.dir, terraformFiles))
	}
	return files
}

// unreadVariablesFile warns of a file in the configuration directory that
// Terraform would read variable values from by its name alone, such as
// terraform.tfvars, unless a -var-file names it. iamsync reads no file by
// its name, so that every value's source is on the command line. Without
// the warning, a variable with a default would take it without a word.
func (l *loader) unreadVariablesFile(name string) *hcl.Diagnostic {
	base := strings.TrimSuffix(name, ".json")
	if base != "terraform.tfvars" && !strings.HasSuffix(base, ".auto.tfvars") {
		return nil
	}
	path := filepath.Join(l.dir, name)
	for _, varFile := range l.opts.VarFiles {
		if sameFile(varFile, path) {
			return nil
		}
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Variables file not read",
		Detail: fmt.Sprintf("%s is in the configuration directory, but iamsync reads no variables file by its name "+
			"as Terraform does: values come only from -var-file, -var and IAMSYNC_VAR_ environment variables. "+
			"To use its values, pass -var-file %s.", l.files.displayName(path), path),
	}
}

// sameFile reports whether two paths name the same file.
func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// noConfigurationFiles reports a directory without configuration files.
// Terraform files in it are named, because users who come from Terraform
// may have given iamsync files the .tf extension.
func noConfigurationFiles(dir string, terraformFiles []string) *hcl.Diagnostic {
	detail := fmt.Sprintf("The directory %s contains no .hcl or .hcl.json files. ", dir)
	if len(terraformFiles) > 0 {
		const maxListed = 3
		listed := terraformFiles
		if len(terraformFiles) > maxListed {
			listed = append(terraformFiles[:maxListed:maxListed],
				fmt.Sprintf("%d more Terraform files", len(terraformFiles)-maxListed))
		}
		detail += fmt.Sprintf("It contains %s, but iamsync reads only files ending in .hcl or .hcl.json: "+
			"rename iamsync configuration files to end in .hcl (or .hcl.json for JSON), or name the directory "+
			"that holds them.", joinAnd(listed))
	} else {
		detail += "Run iamsync in the directory that holds the configuration, or name that directory."
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No configuration files", Detail: detail}
}

// joinAnd joins words as a list in a sentence, such as "a, b and c".
func joinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// maxFileBytes bounds the size of a configuration file and of a file that
// the file functions read. A configuration of five thousand users takes
// about one MiB, and parsing takes about a second per 10 MiB, so the bound
// keeps a file named by mistake, such as a log or a disk image, from
// stalling a command.
//
// NOTE: the bound is a judgment call, not a limit of HCL or of IAM.
const maxFileBytes = 8 << 20

// skippedFile reports whether a file is hidden or an editor's backup or
// lock file, which Load ignores.
func skippedFile(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~")
}

// sortConfig orders the entities by address and the memberships by group,
// then user, so that everything built from the Config is deterministic.
func (l *loader) sortConfig() {
	cfg := l.cfg
	sort.Slice(cfg.Users, func(i, j int) bool { return addressLess(cfg.Users[i].Address, cfg.Users[j].Address) })
	sort.Slice(cfg.Groups, func(i, j int) bool { return addressLess(cfg.Groups[i].Address, cfg.Groups[j].Address) })
	sort.Slice(cfg.Roles, func(i, j int) bool { return addressLess(cfg.Roles[i].Address, cfg.Roles[j].Address) })
	sort.Slice(cfg.Policies, func(i, j int) bool {
		return addressLess(cfg.Policies[i].Address, cfg.Policies[j].Address)
	})
	sort.Slice(cfg.InstanceProfiles, func(i, j int) bool {
		return addressLess(cfg.InstanceProfiles[i].Address, cfg.InstanceProfiles[j].Address)
	})
	sort.Slice(cfg.Memberships, func(i, j int) bool {
		a, b := cfg.Memberships[i], cfg.Memberships[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.User < b.User
	})
}

func addressLess(a, b Address) bool {
	if a.Label != b.Label {
		return a.Label < b.Label
	}
	return a.Key < b.Key
}

// Dedupe drops diagnostics identical to an earlier one, keeping the order. Blocks with for_each
// are decoded once per instance, which repeats the diagnostics about their
// text.
func Dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	return dedupeInstances(diags, nil)
}

// dedupe returns the loader's diagnostics without repeats, each naming
// the instances of a for_each block it was raised for.
func (l *loader) dedupe() hcl.Diagnostics {
	return dedupeInstances(l.diags, l.instanceOf)
}

// maxNamedInstances bounds how many instances one diagnostic names; an
// error in the block itself is raised for every instance.
const maxNamedInstances = 5

// dedupeInstances drops diagnostics that repeat an earlier one. The
// instances of a for_each block share their source, so bad entries of a data
// file raise the same diagnostic. The one that is kept names the instances
// that raised it, from instanceOf. Instances can also fail on one line
// with a different detail each, such as one naming each bad value. Only
// maxSimilar of those are kept, and the last one names the other instances.
func dedupeInstances(diags hcl.Diagnostics, instanceOf map[*hcl.Diagnostic]Address) hcl.Diagnostics {
	type key struct {
		severity        hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	first := make(map[key]int, len(diags))
	instances := map[int][]string{}
	// similar counts the diagnostics kept for each key without its detail,
	// and lastSimilar is the index of the last one kept.
	similar := map[key]int{}
	lastSimilar := map[key]int{}
	folded := map[int][]string{}
	out := diags[:0:0]
	for _, d := range diags {
		k := key{severity: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.subject = *d.Subject
		}
		addr, isInstance := instanceOf[d]
		i, seen := first[k]
		if !seen {
			loose := k
			loose.detail = ""
			if isInstance && similar[loose] == maxSimilar {
				last := lastSimilar[loose]
				folded[last] = append(folded[last], addr.String())
				continue
			}
			i = len(out)
			first[k] = i
			out = append(out, d)
			if isInstance {
				similar[loose]++
				lastSimilar[loose] = i
			}
		}
		if isInstance {
			instances[i] = append(instances[i], addr.String())
		}
	}
	for i := range out {
		addrs, more := instances[i], folded[i]
		if len(addrs) == 0 && len(more) == 0 {
			continue
		}
		named := *out[i]
		if len(addrs) > 0 {
			named.Detail = strings.TrimSpace(named.Detail + " " + instancesClause(addrs))
		}
		if len(more) > 0 {
			named.Detail += " " + similarClause(more)
		}
		out[i] = &named
	}
	return out
}

// maxSimilar bounds how many diagnostics are shown for one line of a
// for_each block whose instances fail with different details.
const maxSimilar = 3

// similarClause names the further instances whose diagnostics for the same
// line were dropped.
func similarClause(addrs []string) string {
	addrs = slices.Compact(addrs)
	noun := "instances"
	if len(addrs) == 1 {
		noun = "instance"
	}
	return fmt.Sprintf("The same error, with other values, is in %d more %s: %s",
		len(addrs), noun, strings.TrimPrefix(instancesClause(addrs), "In "))
}

// instancesClause names the instances a diagnostic is about, such as
// `In user.dev["ana"] and user.dev["bo"].`
func instancesClause(addrs []string) string {
	addrs = slices.Compact(addrs)
	if len(addrs) > maxNamedInstances {
		more := len(addrs) - maxNamedInstances + 1
		return fmt.Sprintf("In %s and %d more.", strings.Join(addrs[:maxNamedInstances-1], ", "), more)
	}
	if len(addrs) == 1 {
		return "In " + addrs[0] + "."
	}
	return fmt.Sprintf("In %s and %s.", strings.Join(addrs[:len(addrs)-1], ", "), addrs[len(addrs)-1])
}

// tagInstance records that the diagnostics raised since from are about
// inst, when inst is an instance of a for_each block.
func (l *loader) tagInstance(from int, inst *instance) {
	if from >= len(l.diags) {
		return
	}
	if !inst.decl.hasForEach {
		// A warning about one entity carries its address, which plans
		// give the warning. The instances of a for_each block share
		// their warnings, which name the instances instead.
		for _, d := range l.diags[from:] {
			if d.Severity == hcl.DiagWarning && d.Extra == nil {
				d.Extra = DiagnosticAddress(inst.address().String())
			}
		}
		return
	}
	if l.instanceOf == nil {
		l.instanceOf = map[*hcl.Diagnostic]Address{}
	}
	for _, d := range l.diags[from:] {
		if _, ok := l.instanceOf[d]; !ok {
			l.instanceOf[d] = inst.address()
		}
	}
}

// checkScope reports declarations that the scope leaves out, by their path
// or their name. Plan checks the entities in the account against the scope
// too, where their live path decides.
func (l *loader) checkScope() {
	// A scope block in error is reported as such, not once per declaration.
	if l.scopeFailed {
		return
	}
	scope := l.cfg.Scope
	check := func(noun, name, path string, rng hcl.Range) {
		// An invalid path is reported as such.
		if checkPath(path, rng) == nil && !scope.Contains(path, name) {
			l.diags = append(l.diags, scope.OutsideDiagnostic(noun, name, path, false, rng))
		}
	}
	for _, u := range l.cfg.Users {
		check("user", u.Name, u.Path, u.DeclRange)
	}
	for _, g := range l.cfg.Groups {
		check("group", g.Name, g.Path, g.DeclRange)
	}
	for _, r := range l.cfg.Roles {
		check("role", r.Name, r.Path, r.DeclRange)
	}
	for _, p := range l.cfg.Policies {
		check("policy", p.Name, p.Path, p.DeclRange)
	}
	for _, ip := range l.cfg.InstanceProfiles {
		check("instance profile", ip.Name, ip.Path, ip.DeclRange)
	}
}

// checkIgnoredSettings warns of account and password_policy blocks that a
// scope with account_settings = false leaves unapplied.
func (l *loader) checkIgnoredSettings() {
	if l.cfg.Scope.AccountSettings {
		return
	}
	var ranges []hcl.Range
	if l.cfg.Account != nil {
		ranges = append(ranges, l.cfg.Account.DeclRange)
	}
	if l.cfg.PasswordPolicy != nil {
		ranges = append(ranges, l.cfg.PasswordPolicy.DeclRange)
	}
	for _, rng := range ranges {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Account settings are not managed",
			Detail: "The scope sets account_settings = false, so iamsync neither reads nor changes the alias " +
				"and the password policy, and this block has no effect. Remove the block, or set " +
				"account_settings = true.",
			Subject: rng.Ptr(),
		})
	}
}
