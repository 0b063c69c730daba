package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	awsprovider "github.com/iamsync/iamsync/provider/aws"
	"github.com/iamsync/iamsync/provider/sandbox"
)

// TestSlowReadProgressLines plans the example organisation against a
// sandbox that answers every request late and throttles the per-entity
// reads of credentials, with the notice interval shortened. While it reads,
// the plan must print that it is still reading, then the read's cost.
func TestSlowReadProgressLines(t *testing.T) {
	shortenSDKBackoff(t)
	old := readNoticeInterval
	readNoticeInterval = 40 * time.Millisecond
	t.Cleanup(func() { readNoticeInterval = old })

	base := newHarness(t, "")
	base.mustRun(exitOK, "apply", "--auto-approve", orgDir)
	h := newHarness(t, base.state, withFaults(sandbox.Faults{
		Seed: 3, Latency: 30 * time.Millisecond, ThrottleRate: 0.5,
		Actions: []string{"GetAccountAuthorizationDetails", "ListAccessKeys", "GetLoginProfile"},
	}))

	r := h.mustRun(exitOK, "plan", orgDir)

	if !strings.Contains(r.stdout, "No changes.") {
		t.Errorf("plan is not clean:\n%s", r.stdout)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^Still reading account 123456789012 \[\d+m?\d*s elapsed\]: \d+ calls? so far`),
		regexp.MustCompile(`(?m)^Read account 123456789012 in \d+m?\d*s: \d+ calls, \d+ retr(y|ies) after throttling$`),
	} {
		if !want.MatchString(r.stderr) {
			t.Errorf("stderr lacks a line matching %s:\n%s", want, r.stderr)
		}
	}
	if h.srv.FaultCounts().Throttled == 0 {
		t.Error("the sandbox throttled nothing, so the test checks nothing about throttling")
	}
}

// TestFastReadNoProgress checks that a read shorter than the interval
// prints no progress line.
func TestFastReadNoProgress(t *testing.T) {
	h := newHarness(t, "")
	r := h.mustRun(exitOK, "plan", orgDir)
	if strings.Contains(r.stderr, "reading") || strings.Contains(r.stderr, "Read account") {
		t.Errorf("a fast plan printed progress:\n%s", r.stderr)
	}
}

func TestDescribeActivity(t *testing.T) {
	tests := map[string]struct {
		activity awsprovider.Activity
		want     string
	}{
		"calls only":        {awsprovider.Activity{Calls: 1}, "1 call"},
		"throttled":         {awsprovider.Activity{Calls: 412, Retries: 37, ThrottledRetries: 37}, "412 calls, 37 retries after throttling"},
		"one of each":       {awsprovider.Activity{Calls: 9, Retries: 2, ThrottledRetries: 1}, "9 calls, 1 retry after throttling, 1 retry after other errors"},
		"other errors only": {awsprovider.Activity{Calls: 3, Retries: 2}, "3 calls, 2 retries after other errors"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := describeActivity(tt.activity, ""); got != tt.want {
				t.Errorf("describeActivity(%+v) = %q, want %q", tt.activity, got, tt.want)
			}
		})
	}
}
