package awsprovider

import (
	"fmt"
	"log/slog"

	"github.com/aws/smithy-go/logging"
)

// sdkLogger sends the AWS SDK's own log lines, such as a warning that a
// response body could not be drained, to iamsync's debug log instead of
// standard error, where they would mix with the command's output.
type sdkLogger struct {
	logger *slog.Logger
}

var _ logging.Logger = sdkLogger{}

func (l sdkLogger) Logf(classification logging.Classification, format string, v ...any) {
	l.logger.Debug("aws sdk: "+fmt.Sprintf(format, v...), "sdk_level", string(classification))
}
