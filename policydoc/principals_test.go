package policydoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAWSPrincipals(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want []PathValue
	}{
		"list of statements and principals": {
			doc: `{"Version": "2012-10-17", "Statement": [
				{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
				{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:role/a", "111122223333"]}, "Action": "sts:AssumeRole"}]}`,
			want: []PathValue{
				{Path: "/Statement/1/Principal/AWS/0", Value: "arn:aws:iam::123456789012:role/a"},
				{Path: "/Statement/1/Principal/AWS/1", Value: "111122223333"},
			},
		},
		"statement as an object, principal as a string": {
			doc:  `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/b"}, "Action": "sts:AssumeRole"}}`,
			want: []PathValue{{Path: "/Statement/Principal/AWS", Value: "arn:aws:iam::123456789012:user/b"}},
		},
		"principal star": {
			doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, doc.AWSPrincipals()); diff != "" {
				t.Errorf("AWSPrincipals (-want +got):\n%s", diff)
			}
		})
	}
}
