package awsprovider

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
)

// NoCredentialsError is the failure of a call that had no credentials to
// sign with. The SDK's standard chain found none in the environment or the
// shared configuration files, so it fell back to the EC2 instance metadata
// service, which returned none.
type NoCredentialsError struct {
	// Err is the instance metadata service's failure as the SDK reported it.
	Err error
}

func (e *NoCredentialsError) Error() string {
	return "no AWS credentials found: the environment and the shared configuration files name none, " +
		"and the EC2 instance metadata service returned none: " + causeOf(e.Err)
}

func (e *NoCredentialsError) Unwrap() error { return e.Err }

// reportMissingCredentials makes cfg's credentials fail with a
// *NoCredentialsError when the SDK's chain resolved to its last resort, the
// EC2 instance metadata service, and that service returns nothing. The
// SDK's own error names only the metadata service, which reads as a network
// fault to a user who simply gave no credentials.
func reportMissingCredentials(cfg *aws.Config) {
	if !aws.IsCredentialsProvider(cfg.Credentials, (*ec2rolecreds.Provider)(nil)) {
		return
	}
	cfg.Credentials = aws.NewCredentialsCache(&instanceCredentials{provider: cfg.Credentials})
}

// instanceCredentials retrieves the EC2 instance metadata service's
// credentials and turns a failure into a *NoCredentialsError.
type instanceCredentials struct {
	provider aws.CredentialsProvider
}

func (c *instanceCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := c.provider.Retrieve(ctx)
	// A canceled command keeps its cancellation as the cause.
	if err != nil && ctx.Err() == nil {
		err = &NoCredentialsError{Err: err}
	}
	return creds, err
}
