package executor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/iamsync/iamsync/provider"
)

// stdoutDest is the secret destination that means standard output.
const stdoutDest = "-"

// secretFileMode lets only the owner read a secret file.
const secretFileMode = 0o600

// secretSink writes the secrets that steps create: to a file, created with
// mode 0600 and never over an existing file, or to the injected standard
// output. A secret without a destination is dropped, because the
// configuration chose not to keep it.
type secretSink struct {
	dir    string
	stdout io.Writer
	// mu keeps secrets written to stdout by parallel steps apart, and apart
	// from the progress that the hook writes, often to the same stream: Run
	// sets it to the lock of its serialHook.
	mu *sync.Mutex

	// created holds the files that open created in this run, which are
	// empty until their secret arrives and are never a stopped apply's
	// leftover.
	createdMu sync.Mutex
	created   []fs.FileInfo
}

// resolved returns the absolute path of a destination file, with the
// symbolic links of its folder resolved, so that two spellings of one file
// compare equal.
func (s *secretSink) resolved(dest string) string {
	path, err := filepath.Abs(s.path(dest))
	if err != nil {
		return filepath.Clean(s.path(dest))
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		path = filepath.Join(dir, filepath.Base(path))
	}
	return path
}

// path returns where a destination file is: relative names are under dir.
func (s *secretSink) path(dest string) string {
	if filepath.IsAbs(dest) || s.dir == "" {
		return dest
	}
	return filepath.Join(s.dir, dest)
}

// check reports a destination that open would reject, so that Run can stop
// before the first call instead of half-way through.
func (s *secretSink) check(dest string) error {
	if dest == "" {
		return nil
	}
	if dest == stdoutDest {
		if s.stdout == nil {
			return errors.New("a secret is to be printed on standard output, but the executor has no output writer")
		}
		return nil
	}
	path := s.path(dest)
	if info, err := os.Lstat(path); err == nil {
		if isLeftover(info) {
			return nil
		}
		return fmt.Errorf("secret file %s already exists: move it away, or name another file, so that no earlier secret is overwritten", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check secret file %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("check directory of secret file %s: %w", path, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("check directory of secret file %s: %s is not a directory", path, dir)
	}
	return nil
}

// isLeftover reports whether an existing secret file is the empty file of
// an apply that was stopped before it wrote the secret, which open may
// reuse: nothing of value is in it.
func isLeftover(info fs.FileInfo) bool {
	return info.Mode().IsRegular() && info.Size() == 0
}

// open reserves a destination for one secret. A file is created at once,
// exclusively and with mode 0600, or an empty file left by a stopped apply
// is reused.
func (s *secretSink) open(dest string) (*secretOutput, error) {
	if dest == "" {
		return &secretOutput{sink: s, drop: true}, nil
	}
	if dest == stdoutDest {
		if s.stdout == nil {
			return nil, s.check(dest)
		}
		return &secretOutput{sink: s}, nil
	}
	path := s.path(dest)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, secretFileMode)
	switch {
	case err == nil:
		s.remember(f)
	case errors.Is(err, fs.ErrExist):
		f, err = s.openLeftover(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create secret file: %w", err)
	}
	// The umask may have taken bits away; set exactly 0600.
	if err := f.Chmod(secretFileMode); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create secret file: %w", err)
	}
	return &secretOutput{sink: s, file: f}, nil
}

// remember records a file that open created in this run.
func (s *secretSink) remember(f *os.File) {
	info, err := f.Stat()
	if err != nil {
		return
	}
	s.createdMu.Lock()
	defer s.createdMu.Unlock()
	s.created = append(s.created, info)
}

// createdInRun reports whether info is a file that open created in this
// run, for another secret.
func (s *secretSink) createdInRun(info fs.FileInfo) bool {
	s.createdMu.Lock()
	defer s.createdMu.Unlock()
	for _, c := range s.created {
		if os.SameFile(c, info) {
			return true
		}
	}
	return false
}

// openLeftover opens an existing secret file for writing if it is an
// empty file left by a stopped apply. The file opened must be the one
// checked, not a link to another or a file put in its place, and not the
// file of another secret of this run, which is empty until its secret
// arrives.
func (s *secretSink) openLeftover(path string) (*os.File, error) {
	exists := fmt.Errorf("%s: %w", path, fs.ErrExist)
	before, err := os.Lstat(path)
	if err != nil || !isLeftover(before) || s.createdInRun(before) {
		return nil, exists
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	after, err := f.Stat()
	if err != nil || !isLeftover(after) || !os.SameFile(before, after) {
		f.Close()
		return nil, exists
	}
	return f, nil
}

// secretOutput is one secret on its way to its destination. A file receives
// the text on write; standard output receives it on commit, because what is
// printed cannot be taken back.
type secretOutput struct {
	sink *secretSink
	file *os.File
	buf  bytes.Buffer
	// drop marks a secret without a destination.
	drop bool
}

// toStdout reports whether the secret goes to standard output.
func (o *secretOutput) toStdout() bool { return o.file == nil }

// write adds text to the secret; a file has it on disk when write returns.
func (o *secretOutput) write(text string) error {
	if o.file == nil {
		o.buf.WriteString(text)
		return nil
	}
	if _, err := o.file.WriteString(text); err != nil {
		return fmt.Errorf("write secret file: %w", err)
	}
	if err := o.file.Sync(); err != nil {
		return fmt.Errorf("write secret file: %w", err)
	}
	return nil
}

// commit finishes the secret: it closes the file or prints the text in one
// write.
func (o *secretOutput) commit() error {
	if o.drop {
		o.buf.Reset()
		return nil
	}
	if o.file != nil {
		if err := o.file.Close(); err != nil {
			return fmt.Errorf("close secret file: %w", err)
		}
		return nil
	}
	o.sink.mu.Lock()
	defer o.sink.mu.Unlock()
	if _, err := o.sink.stdout.Write(o.buf.Bytes()); err != nil {
		return fmt.Errorf("print secret: %w", err)
	}
	return nil
}

// discard drops the secret: the file is closed and removed, the text
// forgotten.
func (o *secretOutput) discard() {
	o.buf.Reset()
	if o.file != nil {
		o.file.Close()
		os.Remove(o.file.Name())
	}
}

// accessKeyText formats a new access key as a profile of an AWS shared
// credentials file named after the user, both for a file and for standard
// output.
func accessKeyText(user string, key *provider.AccessKeySecret) string {
	return fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		user, key.AccessKeyID, key.SecretAccessKey)
}

// passwordText formats a console password. A file holds it alone on a
// line. Standard output shows it in the same form as an access key, headed
// by the user's name, because several secrets may share it.
func passwordText(user, password string, toStdout bool) string {
	if toStdout {
		return fmt.Sprintf("[%s]\nconsole_password = %s\n", user, password)
	}
	return password + "\n"
}
