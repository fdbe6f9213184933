package supervise_test

import (
	"context"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/authz"
)

var ctx = context.Background()

func mustP(t testing.TB, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatal(err)
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
