package spec

import "github.com/hashicorp/hcl/v2"

// Block types of the top level of a configuration file.
const (
	blockScope           = "scope"
	blockAccount         = "account"
	blockPasswordPolicy  = "password_policy"
	blockVariable        = "variable"
	blockLocals          = "locals"
	blockPolicyDocument  = "policy_document"
	blockUser            = "user"
	blockGroup           = "group"
	blockRole            = "role"
	blockPolicy          = "policy"
	blockInstanceProfile = "instance_profile"
	blockProvider        = "provider"
)

// entityTypes lists the block types that declare IAM entities, in the order
// they are decoded.
var entityTypes = []string{blockPolicy, blockRole, blockGroup, blockUser, blockInstanceProfile}

// rootSchema is the schema of a configuration file. It has no attributes.
var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: blockScope},
		{Type: blockAccount},
		{Type: blockPasswordPolicy},
		{Type: blockVariable, LabelNames: []string{"name"}},
		{Type: blockLocals},
		{Type: blockPolicyDocument, LabelNames: []string{"name"}},
		{Type: blockUser, LabelNames: []string{"name"}},
		{Type: blockGroup, LabelNames: []string{"name"}},
		{Type: blockRole, LabelNames: []string{"name"}},
		{Type: blockPolicy, LabelNames: []string{"name"}},
		{Type: blockInstanceProfile, LabelNames: []string{"name"}},
		{Type: blockProvider},
	},
}

// blockSchema is the schema of a block body together with the schemas of its
// nested blocks, so that a body can be walked level by level.
type blockSchema struct {
	body   *hcl.BodySchema
	nested map[string]*blockSchema
}

// identitySchema holds the attributes that make an entity's identity: they
// are evaluated before the rest of the body, because every other expression
// may refer to names and ARNs.
var identitySchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "for_each"}, {Name: "name"}, {Name: "path"}},
}

func attributes(names ...string) []hcl.AttributeSchema {
	out := make([]hcl.AttributeSchema, len(names))
	for i, name := range names {
		out[i] = hcl.AttributeSchema{Name: name}
	}
	return out
}

func required(name string) hcl.AttributeSchema {
	return hcl.AttributeSchema{Name: name, Required: true}
}

var (
	managedPolicySchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{required("arn"), {Name: "expires_at"}},
	}}
	inlinePolicySchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{required("document"), {Name: "expires_at"}, {Name: "accept_risks"}},
	}}
	memberSchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{required("user"), {Name: "expires_at"}},
	}}
	accessKeySchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: attributes("id", "status", "secret_file"),
	}}
	accessKeysSchema = &blockSchema{
		body:   &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "key"}}},
		nested: map[string]*blockSchema{"key": accessKeySchema},
	}
	loginProfileSchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: attributes("enabled", "password_reset_required", "password_file"),
	}}
	// lifecycleSchema follows Terraform's lifecycle block, of which only
	// prevent_destroy means something for IAM entities.
	lifecycleSchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: attributes("prevent_destroy"),
	}}
)

// entityBlocks are the nested blocks that users, groups and roles share.
var entityBlocks = []hcl.BlockHeaderSchema{
	{Type: "managed_policy"},
	{Type: "inline_policy", LabelNames: []string{"name"}},
	{Type: "lifecycle"},
}

var entityNested = map[string]*blockSchema{
	"managed_policy": managedPolicySchema,
	"inline_policy":  inlinePolicySchema,
	"lifecycle":      lifecycleSchema,
}

// entitySchemas maps each entity block type to the full schema of its body.
var entitySchemas = map[string]*blockSchema{
	blockUser: {
		body: &hcl.BodySchema{
			Attributes: attributes("for_each", "name", "path", "tags", "permissions_boundary",
				"managed_policy_arns", "previous_names", "expires_at", "groups"),
			Blocks: append([]hcl.BlockHeaderSchema{{Type: "access_keys"}, {Type: "login_profile"}}, entityBlocks...),
		},
		nested: map[string]*blockSchema{
			"managed_policy": managedPolicySchema,
			"inline_policy":  inlinePolicySchema,
			"access_keys":    accessKeysSchema,
			"login_profile":  loginProfileSchema,
			"lifecycle":      lifecycleSchema,
		},
	},
	blockGroup: {
		body: &hcl.BodySchema{
			// tags is in the schema only to explain that groups cannot be tagged.
			Attributes: attributes("for_each", "name", "path", "members", "managed_policy_arns",
				"previous_names", "tags"),
			Blocks: append([]hcl.BlockHeaderSchema{{Type: "member"}}, entityBlocks...),
		},
		nested: map[string]*blockSchema{
			"managed_policy": managedPolicySchema,
			"inline_policy":  inlinePolicySchema,
			"member":         memberSchema,
			"lifecycle":      lifecycleSchema,
		},
	},
	blockRole: {
		body: &hcl.BodySchema{
			Attributes: append(attributes("for_each", "name", "path", "description",
				"max_session_duration", "permissions_boundary", "tags", "managed_policy_arns", "accept_risks"),
				required("assume_role_policy")),
			Blocks: entityBlocks,
		},
		nested: entityNested,
	},
	blockPolicy: {
		body: &hcl.BodySchema{
			Attributes: append(attributes("for_each", "name", "path", "description", "tags", "accept_risks"),
				required("document")),
			Blocks: []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
		},
		nested: map[string]*blockSchema{"lifecycle": lifecycleSchema},
	},
	blockInstanceProfile: {
		body: &hcl.BodySchema{
			Attributes: attributes("for_each", "name", "path", "role", "tags"),
			Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
		},
		nested: map[string]*blockSchema{"lifecycle": lifecycleSchema},
	},
}

var principalsSchema = &blockSchema{body: &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{required("type"), required("identifiers")},
}}

// policyDocumentSchema follows the aws_iam_policy_document data source of the
// Terraform AWS provider.
var policyDocumentSchema = &blockSchema{
	body: &hcl.BodySchema{
		Attributes: attributes("version", "policy_id", "source_policy_documents", "override_policy_documents"),
		Blocks:     []hcl.BlockHeaderSchema{{Type: "statement"}},
	},
	nested: map[string]*blockSchema{
		"statement": {
			body: &hcl.BodySchema{
				Attributes: attributes("sid", "effect", "actions", "not_actions", "resources", "not_resources"),
				Blocks: []hcl.BlockHeaderSchema{
					{Type: "principals"}, {Type: "not_principals"}, {Type: "condition"},
				},
			},
			nested: map[string]*blockSchema{
				"principals":     principalsSchema,
				"not_principals": principalsSchema,
				"condition": {body: &hcl.BodySchema{
					Attributes: []hcl.AttributeSchema{required("test"), required("variable"), required("values")},
				}},
			},
		},
	},
}

var (
	scopeSchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: attributes("paths", "exclude", "account_settings"),
	}}
	accountSchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: attributes("alias"),
	}}
	passwordPolicySchema = &blockSchema{body: &hcl.BodySchema{
		Attributes: attributes("minimum_password_length", "require_symbols", "require_numbers",
			"require_uppercase_characters", "require_lowercase_characters",
			"allow_users_to_change_password", "max_password_age", "password_reuse_prevention",
			"hard_expiry"),
	}}
	variableSchema = &hcl.BodySchema{
		Attributes: attributes("type", "default", "description"),
		Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
	}
	validationSchema = &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{required("condition"), required("error_message")},
	}
)
