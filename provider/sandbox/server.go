package sandbox

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"time"
)

// Default values of Options. The key pair is the example pair of the AWS
// documentation, so that it cannot be mistaken for a real credential.
const (
	DefaultAccountID       = "123456789012"
	DefaultAccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	DefaultSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	defaultListenAddress   = "127.0.0.1:0"
)

var accountIDPattern = regexp.MustCompile(`^\d{12}$`)

// Options configure a Server. The zero value is usable: every empty field
// takes its default.
type Options struct {
	// StatePath is the JSON state file. Empty keeps the account in memory
	// only. A path that does not exist yet is an empty account, created on
	// the first write, but its directory must exist and be writable. The
	// Server holds the file, through a lock on StatePath + ".lock", from
	// New until Close.
	StatePath string

	// SaveInterval, when above zero, delays writing the state file by up
	// to that long, so that a burst of changes costs one write. Each write
	// encodes the whole account, which took a third of a second at 10,000
	// entities on a 2-core machine. Close writes any pending change. Zero
	// writes the file before each response, so that another process may
	// read or copy it at any time.
	SaveInterval time.Duration

	// CataloguePath is an optional catalogue of AWS-managed policies. With
	// it, AWS-managed ARNs that it does not list are NoSuchEntity; without
	// it, any well-formed AWS-managed ARN is accepted.
	CataloguePath string

	// AccountID is the account of a new sandbox (default 123456789012). A
	// state file that names its account keeps that account, because the
	// ARNs in it are built from it.
	AccountID string

	// AccessKeyID and SecretAccessKey are the key pair of the account's
	// root identity (defaults DefaultAccessKeyID, DefaultSecretAccessKey).
	AccessKeyID     string
	SecretAccessKey string

	// Region, when set, is the only region accepted in request signatures.
	// Empty accepts any region, as clients sign IAM requests with the region
	// they are configured for when pointed at a custom endpoint.
	Region string

	// Quotas override the account's quotas, keyed by GetAccountSummary's
	// names such as "AttachedPoliciesPerRoleQuota".
	Quotas map[string]int32

	// Logger receives one debug line per request and every internal error.
	// Nil discards the log.
	Logger *slog.Logger

	// Faults are the failures injected into the request path, such as
	// throttling and dropped connections. The zero value injects none.
	Faults Faults
}

// DefaultOptions returns Options with every default filled in.
func DefaultOptions() Options {
	return Options{
		AccountID:       DefaultAccountID,
		AccessKeyID:     DefaultAccessKeyID,
		SecretAccessKey: DefaultSecretAccessKey,
	}
}

// Server is an IAM and STS endpoint backed by one in-memory account. It is
// safe for concurrent requests: they are served one at a time.
type Server struct {
	opts      Options
	log       *slog.Logger
	catalogue *catalogue
	quotas    quotas
	now       func() time.Time

	// handler is the whole request path; fault injection wraps it.
	handler http.Handler
	// faults is nil unless Options.Faults injects something.
	faults *injector

	// mu guards the account, the call counters and the state lock.
	mu         sync.Mutex
	acct       *account
	calls      map[string]int
	writeCalls int
	// state is the lock on the state file, nil when there is no state file
	// or Close released it.
	state *stateLock
	// unsaved is set by a change that waits for the state file to be
	// written, with Options.SaveInterval; saveTimer writes it.
	unsaved   bool
	saveTimer *time.Timer

	httpServer *http.Server
	listener   net.Listener
	// inFlight counts requests being served, so that Close can let them
	// finish without waiting for idle client connections.
	inFlight atomic.Int64
}

// New returns a Server for opts, with the account loaded from
// opts.StatePath when that file exists. It fails when the state file's
// directory does not exist or is not writable, and with ErrStateInUse when
// another Server holds the state file. Close releases the state file.
func New(opts Options) (_ *Server, err error) {
	// Fill in the defaults.
	defaults := DefaultOptions()
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = defaults.AccessKeyID
	}
	if opts.SecretAccessKey == "" {
		opts.SecretAccessKey = defaults.SecretAccessKey
	}
	s := &Server{opts: opts, log: opts.Logger, now: time.Now, calls: map[string]int{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}

	// Check the account id and apply the quota overrides.
	if opts.AccountID != "" && !accountIDPattern.MatchString(opts.AccountID) {
		return nil, fmt.Errorf("new sandbox: account id %q is not 12 digits", opts.AccountID)
	}
	q, err := newQuotas(opts.Quotas)
	if err != nil {
		return nil, fmt.Errorf("new sandbox: %w", err)
	}
	s.quotas = q

	// Hold the state file, so that no other sandbox writes it meanwhile.
	if opts.StatePath != "" {
		if s.state, err = holdState(opts.StatePath); err != nil {
			return nil, fmt.Errorf("new sandbox: %w", err)
		}
		defer func() {
			if err != nil {
				s.state.release()
			}
		}()
	}

	// Load the catalogue and the account.
	if opts.CataloguePath != "" {
		if s.catalogue, err = loadCatalogue(opts.CataloguePath); err != nil {
			return nil, fmt.Errorf("new sandbox: %w", err)
		}
	}
	if s.acct, err = s.loadAccount(); err != nil {
		return nil, fmt.Errorf("new sandbox: %w", err)
	}

	s.handler = s.recoverPanics(http.HandlerFunc(s.serveAPI))
	if err := opts.Faults.validate(); err != nil {
		return nil, fmt.Errorf("new sandbox: %w", err)
	}
	if opts.Faults.enabled() {
		s.faults = newInjector(opts.Faults, func() time.Time { return s.now() }, s.AccountID)
		s.handler = s.faults.wrap(s.handler)
	}
	return s, nil
}

// ServeHTTP serves one IAM or STS request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	s.handler.ServeHTTP(w, r)
}

// Start listens on addr (default 127.0.0.1:0, a free loopback port) and
// serves in the background. It returns the endpoint URL to give clients.
func (s *Server) Start(addr string) (endpoint string, err error) {
	if addr == "" {
		addr = defaultListenAddress
	}
	if s.httpServer != nil {
		return "", errors.New("start sandbox: already started")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("start sandbox: %w", err)
	}
	s.listener = l
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.httpServer = srv
	go func() {
		// srv, not s.httpServer, which Close sets to nil while Serve returns.
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.log.Error("sandbox server stopped", logKeyError, err)
		}
	}()
	s.log.Info("sandbox started", logKeyEndpoint, "http://"+l.Addr().String())
	return "http://" + l.Addr().String(), nil
}

// Close stops a started server, waiting up to five seconds for requests in
// flight, and releases the state file. After Close, a request served
// through ServeHTTP that changes an account with a state file gets
// ServiceFailure, because the change can no longer be saved. Closing a
// second time does nothing.
func (s *Server) Close() error {
	err := s.stopServing()

	s.mu.Lock()
	if s.saveTimer != nil {
		s.saveTimer.Stop()
	}
	if s.unsaved {
		if saveErr := s.saveAccount(); saveErr != nil && err == nil {
			err = saveErr
		}
		s.unsaved = false
	}
	releaseErr := s.state.release()
	s.state = nil
	s.mu.Unlock()
	if err == nil {
		err = releaseErr
	}
	return err
}

// stopServing stops the HTTP server that Start started, if any.
func (s *Server) stopServing() error {
	if s.httpServer == nil {
		return nil
	}

	// Stop taking new connections and let the requests being served finish.
	// http.Server.Shutdown would also wait up to five seconds for client
	// connections that were opened but never used, which an SDK client
	// keeps in its pool, so the connections are closed directly instead.
	s.httpServer.SetKeepAlivesEnabled(false)
	err := s.listener.Close()
	for deadline := time.Now().Add(5 * time.Second); s.inFlight.Load() > 0; {
		if time.Now().After(deadline) {
			s.log.Warn("sandbox stopped with requests still running")
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if closeErr := s.httpServer.Close(); err == nil {
		err = closeErr
	}
	s.httpServer = nil
	s.log.Info("sandbox stopped")
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("close sandbox: %w", err)
	}
	return nil
}

// Credentials returns the root key pair that the server accepts.
func (s *Server) Credentials() (accessKeyID, secretAccessKey string) {
	return s.opts.AccessKeyID, s.opts.SecretAccessKey
}

// AccountID returns the account id of the sandbox's account.
func (s *Server) AccountID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acct.id
}

// Calls returns how many requests each action received since the server
// started or ResetCalls was called, failed requests included. Requests that
// failed authentication, named no known action or were stopped by an
// injected fault before the action ran are not counted.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.calls)
}

// WriteCalls returns how many requests went to actions that change the
// account, failed ones included, since the server started or ResetCalls
// was called. It counts requests as Calls does.
func (s *Server) WriteCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeCalls
}

// ResetCalls sets the counters of Calls and WriteCalls to zero.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]int{}
	s.writeCalls = 0
}
