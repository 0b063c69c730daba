package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// apiError is an error sent to the client with IAM's code and HTTP
// status. Handlers return it for every failure that IAM would report;
// any other error is a fault of the sandbox and becomes ServiceFailure.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func newAPIError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func errNoSuchEntity(format string, args ...any) *apiError {
	return newAPIError(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func errEntityAlreadyExists(format string, args ...any) *apiError {
	return newAPIError(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func errDeleteConflict(format string, args ...any) *apiError {
	return newAPIError(http.StatusConflict, "DeleteConflict", format, args...)
}

func errLimitExceeded(format string, args ...any) *apiError {
	return newAPIError(http.StatusConflict, "LimitExceeded", format, args...)
}

// errQuotaExceeded is LimitExceeded in IAM's wording for a named quota,
// such as "Cannot exceed quota for PoliciesPerRole: 10".
func errQuotaExceeded(quotaName string, value int32) *apiError {
	return errLimitExceeded("Cannot exceed quota for %s: %d", quotaName, value)
}

func errMalformedPolicyDocument(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "MalformedPolicyDocument", format, args...)
}

func errInvalidInput(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "InvalidInput", format, args...)
}

func errUnmodifiableEntity(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, "UnmodifiableEntity", format, args...)
}

func errServiceFailure() *apiError {
	return newAPIError(http.StatusInternalServerError, "ServiceFailure",
		"The request processing has failed because of an unknown error, exception or failure.")
}

func errMissingAction() *apiError {
	return newAPIError(http.StatusBadRequest, "MissingAction", "The request must contain the parameter Action.")
}

func errInvalidAction(name, version string) *apiError {
	return newAPIError(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", name, version)
}

// validationError joins the problems found in a request into IAM's
// ValidationError, such as "1 validation error detected: Value 'a b' at
// 'userName' failed to satisfy constraint: ...".
func validationError(problems []string) *apiError {
	noun := "errors"
	if len(problems) == 1 {
		noun = "error"
	}
	return newAPIError(http.StatusBadRequest, "ValidationError", "%d validation %s detected: %s",
		len(problems), noun, strings.Join(problems, "; "))
}
