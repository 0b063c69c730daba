package planner

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"
)

// schemaPath is the JSON Schema of RenderJSON's format.
const schemaPath = "../docs/plan.schema.json"

// compilePlanSchema compiles the schema with format assertions on, so that
// created_at must be an RFC 3339 date-time.
func compilePlanSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	return schema
}

func validateJSON(schema *jsonschema.Schema, data []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return schema.Validate(doc)
}

// TestJSONPlanMatchesSchema renders the plan of every golden case as JSON
// and validates it against the schema, so that the schema and the
// renderer cannot drift apart.
func TestJSONPlanMatchesSchema(t *testing.T) {
	schema := compilePlanSchema(t)
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			archive, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			plan, _ := planArchive(t, archive)
			var out bytes.Buffer
			if err := RenderJSON(&out, plan); err != nil {
				t.Fatal(err)
			}
			if err := validateJSON(schema, out.Bytes()); err != nil {
				t.Errorf("JSON plan does not match %s:\n%v", schemaPath, err)
			}
		})
	}
}

// TestSchemaRejectsInvalidPlans checks that the schema is strict enough to
// catch a renderer that drifts from it.
func TestSchemaRejectsInvalidPlans(t *testing.T) {
	schema := compilePlanSchema(t)
	valid := map[string]any{
		"format_version": JSONFormatVersion,
		"account_id":     "111122223333",
		"created_at":     "2026-06-01T12:00:00Z",
		"changes": []any{map[string]any{
			"address": "user.bob", "type": "user", "action": "delete", "description": "user.bob will be deleted",
			"name": "bob", "attributes": map[string]any{"name": map[string]any{"before": "bob", "after": nil}},
		}},
		"summary": map[string]any{"create": 0, "update": 0, "replace": 0, "delete": 1},
	}
	tests := map[string]func(doc map[string]any){
		"unknown top-level field": func(doc map[string]any) { doc["extra"] = true },
		"other major version":     func(doc map[string]any) { doc["format_version"] = "2.0" },
		"created_at not a time":   func(doc map[string]any) { doc["created_at"] = "yesterday" },
		"unknown action":          func(doc map[string]any) { change(doc)["action"] = "destroy" },
		"attribute of another type": func(doc map[string]any) {
			change(doc)["attributes"] = map[string]any{"document": map[string]any{"before": nil, "after": nil}}
		},
		"reason without its text": func(doc map[string]any) { change(doc)["reason"] = "not-declared" },
		"dependent with unknown effect": func(doc map[string]any) {
			change(doc)["dependents"] = []any{map[string]any{"address": "role.x", "kind": "trust_policy", "effect": "broken"}}
		},
	}

	data, err := json.Marshal(valid)
	if err != nil {
		t.Fatal(err)
	}
	if err := validateJSON(schema, data); err != nil {
		t.Fatalf("the valid document is rejected: %v", err)
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			mutate(doc)
			mutated, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateJSON(schema, mutated); err == nil {
				t.Errorf("schema accepts %s", mutated)
			}
		})
	}
}

// change returns the first change of a decoded JSON plan.
func change(doc map[string]any) map[string]any {
	return doc["changes"].([]any)[0].(map[string]any)
}
