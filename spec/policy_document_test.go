package spec

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// documentJSON loads a configuration and returns policy_document.out.json.
func documentJSON(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.hcl"), []byte(src))
	l := newLoader(dir, LoadOptions{AccountID: "123456789012"})
	l.load()
	if l.diags.HasErrors() {
		t.Fatalf("unexpected diagnostics:\n%s", formatDiagnostics(l.diags, dir))
	}
	return l.documents["out"].value.GetAttr("json").AsString()
}

func TestPolicyDocumentBlock(t *testing.T) {
	tests := map[string]struct {
		src  string
		want string
	}{
		"one statement with defaults": {
			src: `policy_document "out" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}`,
			want: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		},
		"principals merge by type and conditions by test and variable": {
			src: `policy_document "out" {
  policy_id = "trust"
  statement {
    sid     = "Trust"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::222222222222:root"]
    }
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["a"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["b"]
    }
  }
}`,
			want: `{"Version":"2012-10-17","Id":"trust","Statement":[{"Sid":"Trust","Effect":"Allow",` +
				`"Action":["sts:AssumeRole","sts:TagSession"],` +
				`"Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"],"Service":"ec2.amazonaws.com"},` +
				`"Condition":{"StringEquals":{"sts:ExternalId":["a","b"]}}}]}`,
		},
		"star principal and policy variables": {
			src: `policy_document "out" {
  statement {
    effect        = "Deny"
    not_actions   = ["s3:GetObject"]
    not_resources = ["arn:aws:s3:::home/&{aws:username}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}`,
			want: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:GetObject",` +
				`"NotResource":"arn:aws:s3:::home/${aws:username}/*","Principal":"*"}]}`,
		},
		"source, own and override statements merge by sid": {
			src: `policy_document "source" {
  statement {
    sid       = "Keep"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
  statement {
    sid       = "Replaced"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
policy_document "out" {
  source_policy_documents   = [policy_document.source.json]
  override_policy_documents = [jsonencode({ Statement = { Sid = "Overridden", Effect = "Deny", Action = "s3:*", Resource = "*" } })]
  statement {
    sid       = "Replaced"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
  statement {
    sid       = "Overridden"
    actions   = ["s3:DeleteObject"]
    resources = ["*"]
  }
  statement {
    actions   = ["s3:GetBucketLocation"]
    resources = ["*"]
  }
}`,
			want: `{"Version":"2012-10-17","Statement":[` +
				`{"Action":"s3:ListBucket","Effect":"Allow","Resource":"*","Sid":"Keep"},` +
				`{"Sid":"Replaced","Effect":"Allow","Action":"s3:PutObject","Resource":"*"},` +
				`{"Action":"s3:*","Effect":"Deny","Resource":"*","Sid":"Overridden"},` +
				`{"Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"*"}]}`,
		},
		"dynamic statements": {
			src: `policy_document "out" {
  dynamic "statement" {
    for_each = ["a", "b"]
    content {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::${statement.value}/*"]
    }
  }
}`,
			want: `{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},` +
				`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`,
		},
		"documents may refer to entities": {
			src: `user "alice" {
  path = "/people/"
}
policy_document "out" {
  statement {
    actions   = ["iam:GetUser"]
    resources = [user.alice.arn]
  }
}`,
			want: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser",` +
				`"Resource":"arn:aws:iam::123456789012:user/people/alice"}]}`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := documentJSON(t, tc.src)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("json (-want +got):\n%s", diff)
			}
		})
	}
}
