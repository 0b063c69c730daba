package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iamsync/iamsync/provider"
)

// The methods below implement provider.Writer for what a user signs in
// with. None of them logs a password or a secret access key, and their
// errors carry neither.

// CreateAccessKey creates an access key and returns it with its secret,
// which IAM never returns again. An attempt whose outcome is unknown is not
// repeated, because a repetition would make a second key.
func (p *Provider) CreateAccessKey(ctx context.Context, userName string) (*provider.AccessKeySecret, error) {
	ctx = withEntity(ctx, "user "+userName)
	out, err := p.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(userName)}, noUncertainRetries)
	if err != nil {
		return nil, wrapError(ctx, err)
	}
	return &provider.AccessKeySecret{
		UserName:        aws.ToString(out.AccessKey.UserName),
		AccessKeyID:     aws.ToString(out.AccessKey.AccessKeyId),
		SecretAccessKey: aws.ToString(out.AccessKey.SecretAccessKey),
		CreateDate:      aws.ToTime(out.AccessKey.CreateDate),
	}, nil
}

// UpdateAccessKey sets a key's status, "Active" or "Inactive".
func (p *Provider) UpdateAccessKey(ctx context.Context, userName, keyID, status string) error {
	ctx = withEntity(ctx, "user "+userName+" access key "+keyID)
	_, err := p.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{
		UserName:    aws.String(userName),
		AccessKeyId: aws.String(keyID),
		Status:      types.StatusType(status),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteAccessKey(ctx context.Context, userName, keyID string) error {
	ctx = withEntity(ctx, "user "+userName+" access key "+keyID)
	_, err := p.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String(userName), AccessKeyId: aws.String(keyID)})
	return wrapError(ctx, err)
}

func (p *Provider) CreateLoginProfile(ctx context.Context, userName, password string, resetRequired bool) error {
	ctx = withEntity(ctx, "user "+userName)
	_, err := p.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{
		UserName:              aws.String(userName),
		Password:              aws.String(password),
		PasswordResetRequired: resetRequired,
	})
	return wrapError(ctx, err)
}

// UpdateLoginProfile sets whether the user must choose a new password at
// the next sign-in. It leaves the password as it is.
func (p *Provider) UpdateLoginProfile(ctx context.Context, userName string, resetRequired bool) error {
	ctx = withEntity(ctx, "user "+userName)
	_, err := p.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{
		UserName:              aws.String(userName),
		PasswordResetRequired: aws.Bool(resetRequired),
	})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteLoginProfile(ctx context.Context, userName string) error {
	ctx = withEntity(ctx, "user "+userName)
	_, err := p.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String(userName)})
	return wrapError(ctx, err)
}

func (p *Provider) DeactivateMFADevice(ctx context.Context, userName, serialNumber string) error {
	ctx = withEntity(ctx, "user "+userName+" MFA device "+serialNumber)
	_, err := p.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(userName), SerialNumber: aws.String(serialNumber)})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteVirtualMFADevice(ctx context.Context, serialNumber string) error {
	ctx = withEntity(ctx, "MFA device "+serialNumber)
	_, err := p.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serialNumber)})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteSSHPublicKey(ctx context.Context, userName, keyID string) error {
	ctx = withEntity(ctx, "user "+userName+" SSH public key "+keyID)
	_, err := p.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String(userName), SSHPublicKeyId: aws.String(keyID)})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteSigningCertificate(ctx context.Context, userName, certificateID string) error {
	ctx = withEntity(ctx, "user "+userName+" signing certificate "+certificateID)
	_, err := p.iam.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: aws.String(userName), CertificateId: aws.String(certificateID)})
	return wrapError(ctx, err)
}

func (p *Provider) DeleteServiceSpecificCredential(ctx context.Context, userName, credentialID string) error {
	ctx = withEntity(ctx, "user "+userName+" service-specific credential "+credentialID)
	_, err := p.iam.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{
		UserName:                    aws.String(userName),
		ServiceSpecificCredentialId: aws.String(credentialID),
	})
	return wrapError(ctx, err)
}
