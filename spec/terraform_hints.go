package spec

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
)

// Hints for people who write Terraform by habit. HCL's own messages report
// that a block or argument is not expected, but not what iamsync has
// instead; these sentences are added to them.
var (
	terraformBlockHints = map[string]string{
		"resource": "iamsync declares IAM entities with user, group, role, policy and instance_profile blocks, " +
			`such as user "alice" {}, instead of resource blocks. iamsync import writes them for an existing account.`,
		"data": "iamsync has no data sources: write an aws_iam_policy_document as a policy_document block, " +
			"and give other values as variables.",
		"module": "iamsync has no modules: a configuration is the .hcl files of one directory. " +
			"Repeat blocks with for_each, and share values with locals.",
		"terraform": "iamsync needs no terraform block, because it keeps no state of its own and has one provider. Remove the block.",
		"output":    "iamsync has no outputs. Remove the block.",
		"moved":     "To rename a user, group, role or policy, list its old names in previous_names.",
		"import":    "Entities that already exist need no import block: plan matches declarations with the live entities of the same name, and iamsync import writes blocks for a whole account.",
	}
	terraformArgumentHints = map[string]string{
		"depends_on": "iamsync orders its API calls from the references between entities and IAM's rules, " +
			"so depends_on is not needed. Remove it.",
		"count":    "iamsync has no count: repeat a block with for_each over a set of strings or a map.",
		"provider": "A configuration acts on the one account that the provider block and the command line choose, so entities have no provider argument.",
		"ignore_changes": "The lifecycle block of iamsync has only prevent_destroy. To leave the live value of a setting " +
			"alone, leave its argument out: plans keep the live tags, access keys and login profile of a block that " +
			`declares none ("What leaving something out means" in docs/configuration.md).`,
		"create_before_destroy": "The lifecycle block of iamsync has only prevent_destroy: apply orders replacements itself.",
		"sensitive":             "iamsync has no sensitive variables: keep secrets out of variables. Access keys and passwords go to the secret files that their blocks name.",
	}
	// terraformReferenceHints replace the suggestion of a close name for
	// references whose first name is one of Terraform's.
	terraformReferenceHints = map[string]string{
		"count": "iamsync has no count: repeat a block with for_each over a set of strings or a map, " +
			"and use each.key and each.value.",
		"path": "Paths given to file, fileset and templatefile are already relative to the configuration " +
			`directory, so path.module is not needed: write file("policies/admin.json").`,
		"data":      terraformBlockHints["data"],
		"module":    terraformBlockHints["module"],
		"terraform": "iamsync has no workspaces: give what differs between accounts as variables.",
		"self":      "iamsync has no self: refer to the entity by its address, such as user.alice.arn.",
	}
)

// terraformResourceTypes maps the Terraform resource types that iamsync
// declares with its own blocks to those blocks.
var terraformResourceTypes = map[string]string{
	"aws_iam_user": blockUser, "aws_iam_group": blockGroup, "aws_iam_role": blockRole,
	"aws_iam_policy": blockPolicy, "aws_iam_instance_profile": blockInstanceProfile,
}

var (
	unsupportedBlockName    = regexp.MustCompile(`^Blocks of type "([^"]+)" are not expected here\.`)
	unsupportedArgumentName = regexp.MustCompile(`^An argument named "([^"]+)" is not expected here\.`)
)

// addTerraformHints adds what to write instead to HCL's diagnostics about
// Terraform's blocks, arguments and functions, and about a labelled
// provider block.
func addTerraformHints(diags hcl.Diagnostics) {
	for _, d := range diags {
		var hint string
		switch d.Summary {
		case "Unsupported block type":
			if m := unsupportedBlockName.FindStringSubmatch(d.Detail); m != nil {
				hint = terraformBlockHints[m[1]]
			}
		case "Unsupported argument":
			if m := unsupportedArgumentName.FindStringSubmatch(d.Detail); m != nil {
				hint = terraformArgumentHints[m[1]]
			}
		case "Call to unknown function":
			hint = "The functions iamsync has are listed under Functions in docs/configuration.md."
		case "Extraneous label for provider":
			hint = "The provider block has no label and appears at most once: write provider { ... }. " +
				"To act on another account, run the command with --profile or --assume-role."
		}
		if hint != "" {
			d.Detail += " " + hint
		}
	}
}
