package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/iamsync/iamsync/provider/sandbox"
)

// clockTicksPerSecond is the unit of the CPU times in /proc/PID/stat. Linux
// reports them in USER_HZ, which is 100 on every architecture Go supports.
const clockTicksPerSecond = 100

// childEnv returns the environment of the child processes: the bench's own,
// without AWS settings that could send a request elsewhere than the
// sandbox, plus the sandbox's key pair. Shared configuration files and the
// instance metadata service are switched off.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	defaults := sandbox.DefaultOptions()
	return append(env,
		"AWS_ACCESS_KEY_ID="+defaults.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+defaults.SecretAccessKey,
		"AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
		"NO_COLOR=1",
	)
}

// sandboxProcess is an "iamsync sandbox serve" child process on loopback.
type sandboxProcess struct {
	cmd      *exec.Cmd
	endpoint string
	done     chan error

	stopOnce sync.Once
	stopErr  error
}

// startSandbox starts "iamsync sandbox serve" with the extra arguments and
// waits until it prints its endpoint.
func startSandbox(ctx context.Context, exe string, args ...string) (*sandboxProcess, error) {
	cmd := exec.CommandContext(ctx, exe, append([]string{"sandbox", "serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = childEnv()
	// The start of the error output explains a sandbox that fails to start.
	errOut := &headBuffer{max: 4096}
	cmd.Stderr = errOut
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start sandbox: %w", err)
	}
	s := &sandboxProcess{cmd: cmd, done: make(chan error, 1)}

	// The first line names the endpoint. The rest is read and dropped, so
	// that the child does not block on a full pipe.
	// NOTE: a line over bufio.Scanner's 64 KiB limit stops the reading, and
	// the child can then block once the pipe is full.
	lines := make(chan string, 1)
	go func() {
		scanner := bufio.NewScanner(stdout)
		first := true
		for scanner.Scan() {
			if first {
				lines <- scanner.Text()
				first = false
			}
		}
		if first {
			close(lines)
		}
		s.done <- cmd.Wait()
	}()

	select {
	case line, ok := <-lines:
		endpoint, found := strings.CutPrefix(line, "IAM sandbox listening on ")
		if !ok || !found {
			s.stop()
			if msg := strings.TrimSpace(errOut.String()); msg != "" {
				return nil, fmt.Errorf("start sandbox: %s", msg)
			}
			return nil, fmt.Errorf("start sandbox: unexpected first line %q", line)
		}
		s.endpoint = endpoint
		return s, nil
	case <-time.After(2 * time.Minute):
		s.stop()
		return nil, errors.New("start sandbox: no endpoint printed within 2 minutes")
	}
}

// cpu returns the CPU time, user and system, that the sandbox has used
// since it started.
func (s *sandboxProcess) cpu() (time.Duration, error) {
	return processCPU(s.cmd.Process.Pid)
}

// stop interrupts the sandbox and waits for it to exit. Calls after the
// first return the first call's result.
func (s *sandboxProcess) stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.interrupt() })
	return s.stopErr
}

func (s *sandboxProcess) interrupt() error {
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop sandbox: %w", err)
	}
	select {
	case err := <-s.done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return fmt.Errorf("stop sandbox: %w", err)
		}
		return nil
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		return errors.New("stop sandbox: still running 10 seconds after the interrupt; killed it")
	}
}

// processCPU reads the user and system CPU time of a running process from
// /proc/PID/stat: fields 14 and 15, counted after the command name, which
// is in parentheses and may contain spaces.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time of process %d: %w", pid, err)
	}
	text := string(data)
	end := strings.LastIndexByte(text, ')')
	if end < 0 {
		return 0, fmt.Errorf("read cpu time of process %d: unexpected stat line %q", pid, text)
	}
	// After ") " come field 3 (state) onwards; utime and stime are 14, 15.
	fields := strings.Fields(text[end+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("read cpu time of process %d: unexpected stat line %q", pid, text)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read cpu time of process %d: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicksPerSecond, nil
}

// selfCPU returns the CPU time, user and system, that this process has
// used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// childUsage is the resource usage of a child process that has exited, as
// the operating system measured it.
type childUsage struct {
	wall     time.Duration
	user     time.Duration
	system   time.Duration
	maxRSSKB int64
}

// runChild runs exe with args to completion and returns its standard output
// and its resource usage. A non-zero exit is an error that carries the
// child's standard error.
func runChild(ctx context.Context, exe string, args ...string) ([]byte, childUsage, error) {
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = childEnv()
	var stdout, stderr strings.Builder
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr

	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return nil, childUsage{}, fmt.Errorf("run %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	usage := childUsage{wall: wall}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		usage.user = time.Duration(ru.Utime.Nano())
		usage.system = time.Duration(ru.Stime.Nano())
		usage.maxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	return []byte(stdout.String()), usage, nil
}

// headBuffer keeps the first max bytes written to it and drops the rest.
// It is safe for concurrent use.
type headBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (b *headBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - len(b.buf); room > 0 {
		b.buf = append(b.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (b *headBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
