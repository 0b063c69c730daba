package sandbox

import (
	"errors"
	"testing"
)

func TestEvaluateCondition(t *testing.T) {
	ctx := conditionContext{
		"sts:externalid":             {"abc"},
		"aws:multifactorauthpresent": {"true"},
		"aws:multifactorauthage":     {"120"},
		"aws:tagkeys":                {"team", "env"},
		"aws:principalarn":           {"arn:aws:iam::123456789012:user/alice"},
	}
	cases := map[string]struct {
		op, key     string
		values      []string
		want        bool
		unsupported bool
	}{
		"equal value":                   {op: "StringEquals", key: "sts:ExternalId", values: []string{"x", "abc"}, want: true},
		"key names ignore case":         {op: "StringEquals", key: "STS:externalID", values: []string{"abc"}, want: true},
		"unequal value":                 {op: "StringEquals", key: "sts:ExternalId", values: []string{"abd"}},
		"missing key":                   {op: "StringEquals", key: "aws:PrincipalTag/team", values: []string{"x"}},
		"negated on a missing key":      {op: "StringNotEquals", key: "aws:PrincipalTag/team", values: []string{"x"}, want: true},
		"negated on an equal value":     {op: "StringNotEquals", key: "sts:ExternalId", values: []string{"abc"}},
		"IfExists on a missing key":     {op: "StringEqualsIfExists", key: "aws:PrincipalTag/team", values: []string{"x"}, want: true},
		"ignore case":                   {op: "StringEqualsIgnoreCase", key: "sts:ExternalId", values: []string{"ABC"}, want: true},
		"like":                          {op: "StringLike", key: "sts:ExternalId", values: []string{"a*"}, want: true},
		"bool":                          {op: "Bool", key: "aws:MultiFactorAuthPresent", values: []string{"true"}, want: true},
		"numeric":                       {op: "NumericLessThan", key: "aws:MultiFactorAuthAge", values: []string{"3600"}, want: true},
		"numeric not a number":          {op: "NumericLessThan", key: "aws:MultiFactorAuthAge", values: []string{"soon"}},
		"null on a missing key":         {op: "Null", key: "sts:RoleSessionName", values: []string{"true"}, want: true},
		"null on a present key":         {op: "Null", key: "sts:ExternalId", values: []string{"true"}},
		"arn like":                      {op: "ArnLike", key: "aws:PrincipalArn", values: []string{"arn:aws:iam::*:user/*"}, want: true},
		"for all values within":         {op: "ForAllValues:StringEquals", key: "aws:TagKeys", values: []string{"team", "env", "x"}, want: true},
		"for all values outside":        {op: "ForAllValues:StringEquals", key: "aws:TagKeys", values: []string{"team"}},
		"for all values of a missing":   {op: "ForAllValues:StringEquals", key: "sts:TransitiveTagKeys", values: []string{"team"}, want: true},
		"for any value":                 {op: "ForAnyValue:StringEquals", key: "aws:TagKeys", values: []string{"env"}, want: true},
		"for any value of a missing":    {op: "ForAnyValue:StringEquals", key: "sts:TransitiveTagKeys", values: []string{"team"}},
		"unknown operator":              {op: "IpAddress", key: "sts:ExternalId", values: []string{"10.0.0.0/8"}, unsupported: true},
		"unknown key":                   {op: "StringEquals", key: "aws:SourceVpc", values: []string{"vpc-1"}, unsupported: true},
		"unknown set operator":          {op: "ForSomeValues:StringEquals", key: "aws:TagKeys", values: []string{"env"}, unsupported: true},
		"policy variable in the values": {op: "StringEquals", key: "sts:ExternalId", values: []string{"${aws:username}"}, unsupported: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := evaluateCondition(tc.op, tc.key, tc.values, ctx)
			var unsupported *unsupportedConditionError
			if errors.As(err, &unsupported) != tc.unsupported {
				t.Fatalf("evaluateCondition error = %v, want unsupported %t", err, tc.unsupported)
			}
			if got != tc.want {
				t.Errorf("evaluateCondition = %t, want %t", got, tc.want)
			}
		})
	}
}
