package planner

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iamsync/iamsync/policydoc"
)

func TestStatementLines(t *testing.T) {
	const before = `{"Version": "2012-10-17", "Statement": [
		{"Sid": "ReadObjects", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::data/*"},
		{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
		{"Sid": "Old", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
	]}`
	tests := map[string]struct {
		after string
		want  []string
	}{
		"action added to a statement with a Sid": {
			after: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "ReadObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": "arn:aws:s3:::data/*"},
				{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
				{"Sid": "Old", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
			]}`,
			want: []string{`statement "ReadObjects": + action s3:GetObjectVersion`},
		},
		"statement without Sid named by position": {
			after: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
				{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*", "Condition": {"StringNotEquals": {"aws:username": "admin"}}},
				{"Sid": "Old", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
			]}`,
			want: []string{`statement #2: + condition StringNotEquals aws:username = admin`},
		},
		"statement removed and another added": {
			after: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
				{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
				{"Sid": "Trust", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrypt", "Resource": "*"}
			]}`,
			want: []string{
				`statement "Old" (removed): - effect Allow`,
				`statement "Old" (removed): - action sqs:SendMessage`,
				`statement "Old" (removed): - resource *`,
				`statement "Trust" (added): + effect Allow`,
				`statement "Trust" (added): + principal AWS arn:aws:iam::111122223333:root`,
				`statement "Trust" (added): + action kms:Decrypt`,
				`statement "Trust" (added): + resource *`,
			},
		},
		"statement renamed and edited": {
			after: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
				{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
				{"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": "*"}
			]}`,
			want: []string{
				`statement "Queue" (was "Old"): - sid Old`,
				`statement "Queue" (was "Old"): + sid Queue`,
				`statement "Queue" (was "Old"): + action sqs:ReceiveMessage`,
			},
		},
		"statement without Sid removed": {
			after: `{"Version": "2012-10-17", "Statement": [
				{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"},
				{"Sid": "Old", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
			]}`,
			want: []string{
				`old statement #2 (removed): - effect Deny`,
				`old statement #2 (removed): - action s3:DeleteBucket`,
				`old statement #2 (removed): - resource *`,
			},
		},
		"same meaning written differently": {
			after: `{"Statement": [
				{"Resource": ["arn:aws:s3:::data/*"], "Action": "s3:getobject", "Effect": "Allow", "Sid": "ReadObjects"},
				{"Effect": "Deny", "Action": ["s3:DeleteBucket"], "Resource": ["*"]},
				{"Sid": "Old", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
			], "Version": "2012-10-17"}`,
			want: nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := Attr{Name: "document", Before: policydoc.MustParse(before), After: policydoc.MustParse(tc.after)}
			var got []string
			for _, l := range statementLines(documentChanges(a)) {
				got = append(got, l.text)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statement lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatementLinesOnlyForChanges expects no lines for a document that is
// created or deleted, which the line diff shows whole.
func TestStatementLinesOnlyForChanges(t *testing.T) {
	doc := policydoc.MustParse(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`)
	for name, a := range map[string]Attr{
		"created": {Name: "document", After: doc},
		"deleted": {Name: "document", Before: doc},
	} {
		if lines := statementLines(documentChanges(a)); lines != nil {
			t.Errorf("%s document: got lines %v, want none", name, lines)
		}
	}
}
