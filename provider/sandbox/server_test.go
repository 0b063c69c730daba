package sandbox

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

func TestListUsersPagination(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	var want []string
	for i := range 25 {
		name := fmt.Sprintf("user%02d", i)
		want = append(want, name)
		ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
	}

	// Pages of 10, 10 and 5, each but the last truncated.
	var got []string
	var sizes []int
	marker := (*string)(nil)
	for {
		page := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(10), Marker: marker}))(t)
		sizes = append(sizes, len(page.Users))
		for _, u := range page.Users {
			got = append(got, aws.ToString(u.UserName))
		}
		if !page.IsTruncated {
			if page.Marker != nil {
				t.Errorf("last page has a marker")
			}
			break
		}
		marker = page.Marker
	}
	if diff := cmp.Diff([]int{10, 10, 5}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users over all pages (-want +got):\n%s", diff)
	}
}

func TestPaginationSurvivesDeletes(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	for _, name := range []string{"a", "b", "c", "d"} {
		ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}))(t)
	}
	first := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(2)}))(t)

	// Deleting what the first page showed skips nothing on the next.
	ok(f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("a")}))(t)
	ok(f.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("b")}))(t)
	second := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(2), Marker: first.Marker}))(t)
	var names []string
	for _, u := range second.Users {
		names = append(names, aws.ToString(u.UserName))
	}
	if diff := cmp.Diff([]string{"c", "d"}, names); diff != "" {
		t.Errorf("second page (-want +got):\n%s", diff)
	}
}

func TestPaginationErrors(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	_, err := f.iam.ListUsers(ctx, &iam.ListUsersInput{Marker: aws.String("not-a-marker")})
	wantError(t, err, "InvalidInput", 400, "")
	_, err = f.iam.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(0)})
	wantError(t, err, "ValidationError", 400, "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1")
	_, err = f.iam.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(1001)})
	wantError(t, err, "ValidationError", 400, "")
}

func TestCallCounters(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	ok(f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")}))(t)
	_, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	wantError(t, err, "EntityAlreadyExists", 409, "")
	ok(f.iam.ListUsers(ctx, &iam.ListUsersInput{}))(t)
	ok(f.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))(t)

	want := map[string]int{"CreateUser": 2, "ListUsers": 1, "GetCallerIdentity": 1}
	if diff := cmp.Diff(want, f.srv.Calls()); diff != "" {
		t.Errorf("Calls (-want +got):\n%s", diff)
	}
	if got := f.srv.WriteCalls(); got != 2 {
		t.Errorf("WriteCalls = %d, want 2 (failed writes count)", got)
	}
	f.srv.ResetCalls()
	if len(f.srv.Calls()) != 0 || f.srv.WriteCalls() != 0 {
		t.Errorf("counters after ResetCalls = %v, %d", f.srv.Calls(), f.srv.WriteCalls())
	}
}

func TestStartAndClose(t *testing.T) {
	srv := must(New(Options{}))(t)
	endpoint := must(srv.Start(""))(t)
	f := &fixture{srv: srv, url: endpoint}
	keyID, secret := srv.Credentials()
	f.iam, f.sts = f.clients(keyID, secret)
	ok(f.sts.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}))(t)
	if _, err := srv.Start(""); err == nil {
		t.Errorf("second Start = no error")
	}

	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := f.sts.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err == nil {
		t.Errorf("request after Close succeeded")
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := t.Context()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if _, err := f.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%d", i))}); err != nil {
				t.Errorf("CreateUser: %v", err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := f.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{}); err != nil {
				t.Errorf("GetAccountAuthorizationDetails: %v", err)
			}
		}()
	}
	wg.Wait()
	users := must(f.iam.ListUsers(ctx, &iam.ListUsersInput{}))(t).Users
	if len(users) != 20 {
		t.Errorf("ListUsers = %d users, want 20", len(users))
	}
}
