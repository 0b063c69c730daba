package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"
)

// Keys of the structured log.
const (
	logKeyAction    = "action"
	logKeyCode      = "code"
	logKeyDuration  = "duration"
	logKeyEndpoint  = "endpoint"
	logKeyError     = "error"
	logKeyPath      = "path"
	logKeyRequestID = "request_id"
	logKeyService   = "service"
	logKeyStatus    = "status"
)

// maxRequestBytes bounds a request body. IAM's largest input, a policy
// document, is at most 131072 characters before URL encoding.
const maxRequestBytes = 2 << 20

// request is one API request being served.
type request struct {
	id      string
	service *service
	action  string
	params  url.Values
	caller  *credential
	now     time.Time
	// region is the region of the signature's credential scope.
	region string
}

// serveAPI is the request path: read, authenticate, dispatch, respond.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	req := &request{id: newRequestID()}

	result, err := s.handle(r, req)

	status, code := http.StatusOK, ""
	if err != nil {
		var apiErr *apiError
		if !errors.As(err, &apiErr) {
			s.log.Error("sandbox internal error", logKeyAction, req.action, logKeyRequestID, req.id, logKeyError, err)
			apiErr = errServiceFailure()
		}
		status, code = apiErr.status, apiErr.code
		writeError(w, req, apiErr)
	} else {
		writeResult(w, req, result)
	}
	s.log.Debug("sandbox request", logKeyAction, req.action, logKeyStatus, status, logKeyCode, code,
		logKeyRequestID, req.id, logKeyDuration, time.Since(start))
}

// handle authenticates the request and runs its action under the lock.
func (s *Server) handle(r *http.Request, req *request) (any, error) {
	// Read the body, which the signature covers, and the parameters.
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBytes))
	if err != nil {
		return nil, errInvalidInput("Request body could not be read: %v.", err)
	}
	if req.params, err = requestParams(r, body); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	req.now = s.now().UTC()

	// STS's unsigned actions come before authentication, which would
	// otherwise return MissingAuthenticationToken.
	if err := rejectUnsignedAction(req); err != nil {
		return nil, err
	}

	// Authenticate, which also selects IAM or STS by the credential scope.
	if err := s.authenticate(r, body, req); err != nil {
		return nil, err
	}

	// Find the action and count the call.
	req.action = req.params.Get("Action")
	act, err := req.service.lookup(req.action, req.params.Get("Version"))
	if err != nil {
		return nil, err
	}
	s.calls[req.action]++
	if act.writes {
		s.writeCalls++
	}

	// Run it, and save the account after a change.
	c := &call{s: s, acct: s.acct, req: req, params: req.params}
	result, err := act.handle(c)
	if err != nil || !act.writes {
		return result, err
	}
	if s.opts.SaveInterval > 0 && s.opts.StatePath != "" {
		s.saveLater()
		return result, nil
	}
	if err := s.saveAccount(); err != nil {
		// NOTE: the change stays in memory, so a retry of the request may
		// find it made, as after a ServiceFailure of IAM that was applied.
		s.log.Error("sandbox state not saved", logKeyAction, req.action, logKeyRequestID, req.id,
			logKeyPath, s.opts.StatePath, logKeyError, err)
		return nil, errServiceFailure()
	}
	return result, nil
}

// requestParams merges the query string and a form-encoded body.
func requestParams(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, errInvalidInput("The query string is not valid URL encoding.")
	}
	if r.Method != http.MethodPost || len(body) == 0 {
		return params, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errInvalidInput("The request body is not valid form encoding.")
	}
	for k, vs := range form {
		params[k] = append(params[k], vs...)
	}
	return params, nil
}

// recoverPanics turns a panic in a handler, which is a bug of the sandbox,
// into a logged ServiceFailure.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("sandbox panic", logKeyError, fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, &request{id: newRequestID()}, errServiceFailure())
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// writeResult writes a successful response: <ActionResponse> holding
// <ActionResult> (when the action returns one) and <ResponseMetadata>.
func writeResult(w http.ResponseWriter, req *request, result any) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{
		Name: xml.Name{Local: req.action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: req.service.namespace}},
	}
	err := enc.EncodeToken(start)
	if err == nil && result != nil {
		err = enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: req.action + "Result"}})
	}
	if err == nil {
		err = enc.EncodeElement(responseMetadata{RequestID: req.id}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	}
	if err == nil {
		err = enc.EncodeToken(start.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		// Result types are plain structs of strings, numbers and
		// lists, so a failure here is a bug of the sandbox.
		panic(fmt.Sprintf("encode %s result: %v", req.action, err))
	}
	writeBody(w, req.id, http.StatusOK, buf.Bytes())
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// errorResponse is the body of every error, in both namespaces.
type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Error     errorXML `xml:"Error"`
	RequestID string   `xml:"RequestId"`
}

type errorXML struct {
	Type    string
	Code    string
	Message string
}

// writeError writes e in IAM's error shape.
func writeError(w http.ResponseWriter, req *request, e *apiError) {
	ns := iamNamespace
	if req.service != nil {
		ns = req.service.namespace
	}
	kind := "Sender"
	if e.status >= 500 {
		kind = "Receiver"
	}
	body, err := xml.Marshal(errorResponse{
		Xmlns:     ns,
		Error:     errorXML{Type: kind, Code: e.code, Message: e.message},
		RequestID: req.id,
	})
	if err != nil {
		panic(fmt.Sprintf("encode error response: %v", err))
	}
	writeBody(w, req.id, e.status, body)
}

func writeBody(w http.ResponseWriter, requestID string, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", requestID)
	h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	w.WriteHeader(status)
	w.Write(body)
}

// newRequestID returns a random UUID, the form of IAM's request ids.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
