package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fidoKey is the serial number of a FIDO security key of alice. IAM
// registers such keys in the console only, but the sandbox lets
// EnableMFADevice assign one, as any serial number that is not a virtual
// device's.
const fidoKey = "arn:aws:iam::123456789012:u2f/user/alice/fidosecuritykey-EXAMPLE1234"

func TestGetMFADevice(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	for _, name := range []string{"alice", "bob"} {
		ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
	}
	ok(f.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(fidoKey),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("234567")}))(t)
	virtual := f.enableMFA(t, "alice")
	notFound := func(serial string) string { return "MFA Device with serial number " + serial + " does not exist." }

	tests := map[string]struct {
		in      iam.GetMFADeviceInput
		code    string // empty when the call succeeds
		message string
	}{
		"FIDO key of the named user":   {in: iam.GetMFADeviceInput{SerialNumber: aws.String(fidoKey), UserName: aws.String("alice")}},
		"FIDO key without a user name": {in: iam.GetMFADeviceInput{SerialNumber: aws.String(fidoKey)}},
		"FIDO key of another user": {in: iam.GetMFADeviceInput{SerialNumber: aws.String(fidoKey), UserName: aws.String("bob")},
			code: "NoSuchEntity", message: notFound(fidoKey)},
		"virtual device": {in: iam.GetMFADeviceInput{SerialNumber: aws.String(virtual), UserName: aws.String("alice")},
			code: "NoSuchEntity", message: notFound(virtual)},
		"unknown FIDO key": {in: iam.GetMFADeviceInput{SerialNumber: aws.String(fidoKey + "X")},
			code: "NoSuchEntity", message: notFound(fidoKey + "X")},
		"unknown user": {in: iam.GetMFADeviceInput{SerialNumber: aws.String(fidoKey), UserName: aws.String("nobody")},
			code: "NoSuchEntity", message: "The user with name nobody cannot be found."},
		"serial number with a space": {in: iam.GetMFADeviceInput{SerialNumber: aws.String("not a serial")}, code: "ValidationError"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			out, err := f.iam.GetMFADevice(ctx, &tc.in)
			if tc.code != "" {
				wantError(t, err, tc.code, map[string]int{"NoSuchEntity": 404, "ValidationError": 400}[tc.code], tc.message)
				return
			}
			got := must(out, err)(t)
			want := &iam.GetMFADeviceOutput{UserName: aws.String("alice"), SerialNumber: aws.String(fidoKey)}
			ignore := cmpopts.IgnoreFields(iam.GetMFADeviceOutput{}, "EnableDate", "ResultMetadata")
			if diff := cmp.Diff(want, got, ignore, cmpopts.IgnoreUnexported(iam.GetMFADeviceOutput{})); diff != "" {
				t.Errorf("GetMFADevice (-want +got):\n%s", diff)
			}
			if got.EnableDate == nil {
				t.Error("GetMFADevice has no EnableDate")
			}
		})
	}
}

func TestResyncMFADevice(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	for _, name := range []string{"alice", "bob"} {
		ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
	}
	aliceDevice := f.enableMFA(t, "alice")
	bobDevice := f.enableMFA(t, "bob")

	tests := map[string]struct {
		user, serial, code1 string
		code                string // empty when the call succeeds
		status              int
		message             string
	}{
		"the user's device": {user: "alice", serial: aliceDevice, code1: "123456"},
		"another user's device": {user: "alice", serial: bobDevice, code1: "123456", code: "NoSuchEntity", status: 404,
			message: "MFA Device with serial number " + bobDevice + " does not exist."},
		"unknown user": {user: "nobody", serial: aliceDevice, code1: "123456", code: "NoSuchEntity", status: 404},
		"code of five digits": {user: "alice", serial: aliceDevice, code1: "12345", code: "ValidationError", status: 400,
			message: "1 validation error detected: Value '12345' at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f.iam.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{UserName: aws.String(tc.user), SerialNumber: aws.String(tc.serial),
				AuthenticationCode1: aws.String(tc.code1), AuthenticationCode2: aws.String("654321")})
			if tc.code == "" {
				ok(nil, err)(t)
				return
			}
			wantError(t, err, tc.code, tc.status, tc.message)
		})
	}
}

func TestMFADeviceTags(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	serial := must(f.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("phone"),
		Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}))(t).VirtualMFADevice.SerialNumber

	ok(f.iam.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: serial, Tags: []types.Tag{
		{Key: aws.String("owner"), Value: aws.String("bob")}, {Key: aws.String("Owner"), Value: aws.String("carol")}}}))(t)
	ok(f.iam.UntagMFADevice(ctx, &iam.UntagMFADeviceInput{SerialNumber: serial, TagKeys: []string{"Owner", "absent"}}))(t)
	got := must(f.iam.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: serial}))(t).Tags
	want := []types.Tag{{Key: aws.String("owner"), Value: aws.String("bob")}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(types.Tag{})); diff != "" {
		t.Errorf("tags after tagging and untagging, whose keys are case-sensitive (-want +got):\n%s", diff)
	}

	missing := aws.String("arn:aws:iam::123456789012:mfa/none")
	tests := map[string]func() error{
		"TagMFADevice": func() error {
			_, err := f.iam.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: missing, Tags: want})
			return err
		},
		"UntagMFADevice": func() error {
			_, err := f.iam.UntagMFADevice(ctx, &iam.UntagMFADeviceInput{SerialNumber: missing, TagKeys: []string{"owner"}})
			return err
		},
		"ListMFADeviceTags": func() error {
			_, err := f.iam.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: missing})
			return err
		},
	}
	for name, call := range tests {
		t.Run(name+" of an unknown device", func(t *testing.T) {
			wantError(t, call(), "NoSuchEntity", 404, "VirtualMFADevice with serial number arn:aws:iam::123456789012:mfa/none doesn't exist.")
		})
	}
}
