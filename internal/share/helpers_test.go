package share_test

import (
	"context"
	"slices"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/notify"
	"pubdata/internal/share"
)

var ctx = context.Background()

// who returns the principal of a demo account.
func who(t testing.TB, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fieldsOf returns the field names an error names (its error shape).
func fieldsOf(err error) []string {
	var out []string
	for _, f := range apperr.As(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

// wantFields fails unless err is a validation error naming every given field.
func wantFields(t testing.TB, err error, fields ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one naming %v", fields)
	}
	got := fieldsOf(err)
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Fatalf("error %v names %v; want %q among them", err, got, f)
		}
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	if got := apperr.As(err).Code; got != code {
		t.Fatalf("error %v has code %q; want %q", err, got, code)
	}
}

// inbox returns the messages a user sees.
func inbox(t testing.TB, a *app.App, p *authz.Principal) []notify.Message {
	t.Helper()
	ms, _, err := a.Notify.Inbox(ctx, p, false, 200, 0)
	must(t, err)
	return ms
}

// inQueue finds a request in a list (the demo region has requests of its own).
func inQueue(rs []share.Request, id string) (share.Request, int, bool) {
	for i, r := range rs {
		if r.ID == id {
			return r, i, true
		}
	}
	return share.Request{}, -1, false
}

// onBoard finds an item on the overdue board.
func onBoard(items []share.BoardItem, id string) (share.BoardItem, bool) {
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
	}
	return share.BoardItem{}, false
}

func countKind(ms []notify.Message, kind, objectID string) int {
	n := 0
	for _, m := range ms {
		if m.Kind == kind && (objectID == "" || m.ObjectID == objectID) {
			n++
		}
	}
	return n
}
