package keys_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/keys"
	"pubdata/internal/testutil"
)

// With a key file, every secret the platform keeps in its database — the audit secret behind
// pseudonyms, the checkpoint signing key, webhook signing secrets, the open data cursor key — is
// stored sealed under the file's key, and no key is kept in the database: the database alone (a
// copy, or a backup of it) opens none of them, and a platform started on it without the key
// file refuses to start rather than run without its secrets.
func TestDatabaseAloneOpensNoSecret(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		testutil.Logs(t)
		// A cursor key stored plainly by an earlier version: re-sealed like the others.
		if _, err := d.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('open.cursor_key', 'Y3Vyc29yLWtleS1vZi1hbi1lYXJsaWVyLXZlcnNpb24hIQ==')"); err != nil {
			t.Fatal(err)
		}
		keyFile := filepath.Join(t.TempDir(), "keys.json")
		a, err := app.New(ctx, d, app.Config{DataDir: t.TempDir(), KeyFile: keyFile, NoAuditSpool: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadDirectory(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Audit.MakeCheckpoint(ctx); err != nil {
			t.Fatal(err)
		}
		u, err := a.Identity.UserByName(ctx, "officer")
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Identity.Principal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		wh, err := a.Notify.AddWebhook(ctx, p, "https://10.20.30.40/hooks/pubdata")
		if err != nil || wh.Secret == "" {
			t.Fatalf("webhook: %+v %v", wh, err)
		}
		if _, err := a.Reencrypt(ctx, nil); err != nil {
			t.Fatal(err)
		}

		prefix, _ := a.Keys.Prefix(ctx)
		for _, q := range []string{
			"SELECT value FROM settings WHERE key = 'audit.secret_key'",
			"SELECT value FROM settings WHERE key = 'open.cursor_key'",
			"SELECT private_key FROM audit_signing_keys WHERE algo = 'ed25519'",
			"SELECT secret FROM webhooks WHERE id = '" + wh.ID + "'",
		} {
			if v := stored(t, d, q); !strings.HasPrefix(v, prefix) || strings.Contains(v, wh.Secret) {
				t.Errorf("%s: %.24s… is not sealed under the key file's key %s", q, v, prefix)
			}
		}
		counts, err := a.Keys.Census(ctx, d, a.Secrets)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range counts {
			if !c.Current {
				t.Errorf("a stored secret is not under the key file's key: %+v", counts)
			}
		}
		var n int
		d.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = 'keys.ring'").Scan(&n)
		if n != 0 {
			t.Fatal("keys are kept in the database although a key file is configured")
		}

		// The database alone: the platform does not start, and no stored value opens under
		// keys made from what the database holds.
		if _, err := app.New(ctx, d, app.Config{DataDir: t.TempDir(), NoAuditSpool: true}); !errors.Is(err, keys.ErrUnknownKey) {
			t.Fatalf("started on the database alone: %v", err)
		}
		alone := keys.NewRing(&keys.DBProvider{DB: d}, false)
		cols, err := a.Secrets.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		opened := 0
		for _, c := range cols {
			if c.ByValue {
				continue
			}
			rows, err := d.QueryContext(ctx, "SELECT "+c.ID+", "+c.Col+" FROM "+c.Table+" WHERE "+c.Col+" <> ''"+map[bool]string{true: " AND (" + c.Where + ")", false: ""}[c.Where != ""])
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id, v string
				rows.Scan(&id, &v)
				if _, err := alone.OpenValue(ctx, c, id, v); err == nil {
					opened++
					t.Errorf("%s.%s row %s opens with the database alone", c.Table, c.Col, id)
				}
			}
			rows.Close()
		}
		if opened != 0 {
			t.Fatalf("%d secrets open with the database alone", opened)
		}
	})
}
