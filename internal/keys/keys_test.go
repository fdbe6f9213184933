package keys_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/keys"
	"pubdata/internal/testutil"
)

func fileRing(t *testing.T, national bool) (*keys.Ring, *keys.FileProvider) {
	t.Helper()
	fp := &keys.FileProvider{Path: filepath.Join(t.TempDir(), "keys.json")}
	if created, err := fp.Ensure(context.Background()); err != nil || !created {
		t.Fatalf("ensure: %v %v", created, err)
	}
	st, err := os.Stat(fp.Path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	return keys.NewRing(fp, national), fp
}

func TestSealOpenBothAlgorithms(t *testing.T) {
	ctx := context.Background()
	for _, national := range []bool{false, true} {
		r, _ := fileRing(t, national)
		enc, err := r.SealString(ctx, "postgres://u:秘密@h/db", "t.c/1")
		if err != nil {
			t.Fatal(err)
		}
		wantAlg := "a"
		if national {
			wantAlg = "s"
		}
		if alg, _, ok := keys.KeyOf(enc); !ok || alg != wantAlg {
			t.Fatalf("national=%v: ciphertext %q names algorithm %q, want %q", national, enc, alg, wantAlg)
		}
		if strings.Contains(enc, "秘密") {
			t.Fatal("plaintext in the ciphertext")
		}
		got, err := r.OpenString(ctx, enc, "t.c/1")
		if err != nil || got != "postgres://u:秘密@h/db" {
			t.Fatalf("open: %q %v", got, err)
		}
		// Moved to another row: refused.
		if _, err := r.OpenString(ctx, enc, "t.c/2"); !errors.Is(err, keys.ErrOpen) {
			t.Fatalf("other aad: %v, want ErrOpen", err)
		}
		// Altered: refused.
		bad := enc[:len(enc)-3] + "AAA"
		if bad == enc {
			bad = enc[:len(enc)-3] + "BBB"
		}
		if _, err := r.OpenString(ctx, bad, "t.c/1"); err == nil {
			t.Fatal("altered ciphertext opened")
		}
	}
}

func TestRotateKeepsOldValuesReadable(t *testing.T) {
	ctx := context.Background()
	r, fp := fileRing(t, false)
	old, _ := r.SealString(ctx, "v1", "x")
	_, oldKid, _ := keys.KeyOf(old)
	k, err := r.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if k.ID == oldKid {
		t.Fatal("rotation kept the key id")
	}
	neu, _ := r.SealString(ctx, "v2", "x")
	if _, kid, _ := keys.KeyOf(neu); kid != k.ID {
		t.Fatalf("new value under %s, want the new primary %s", kid, k.ID)
	}
	if v, err := r.OpenString(ctx, old, "x"); err != nil || v != "v1" {
		t.Fatalf("old value after rotation: %q %v", v, err)
	}
	// Another node reading the same file opens both.
	r2 := keys.NewRing(&keys.FileProvider{Path: fp.Path}, false)
	for enc, want := range map[string]string{old: "v1", neu: "v2"} {
		if v, err := r2.OpenString(ctx, enc, "x"); err != nil || v != want {
			t.Fatalf("second node: %q %v", v, err)
		}
	}
	// Retiring the old key makes its values unreadable: the census must say it seals nothing first.
	if err := fp.Retire(ctx, k.ID); err == nil {
		t.Fatal("retired the primary key")
	}
	if err := fp.Retire(ctx, oldKid); err != nil {
		t.Fatal(err)
	}
	r3 := keys.NewRing(&keys.FileProvider{Path: fp.Path}, false)
	if _, err := r3.OpenString(ctx, old, "x"); !errors.Is(err, keys.ErrUnknownKey) {
		t.Fatalf("value under a retired key: %v, want ErrUnknownKey", err)
	}
}

// Re-encryption moves every registered value (ring, legacy and plain) under the primary key and
// the current algorithm, leaves other rows alone, and values read the same before and after.
func TestReencryptMovesEveryValue(t *testing.T) {
	testutil.ForEachRawDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, "CREATE TABLE sec_t (id TEXT PRIMARY KEY, v TEXT NOT NULL, kind TEXT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		fp := &keys.FileProvider{Path: filepath.Join(t.TempDir(), "k.json")}
		fp.Ensure(ctx)
		r := keys.NewRing(fp, false)
		reg := &keys.Registry{}
		col := keys.Column{Table: "sec_t", ID: "id", Col: "v", Where: "kind = 'secret'", Legacy: func(ctx context.Context, id, v string) ([]byte, error) {
			return []byte(strings.TrimPrefix(v, "legacy:")), nil
		}}
		reg.Add(col)
		want := map[string]string{}
		for i := range 1200 {
			id := string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "-" + string(rune('0'+i%10))
			var v string
			switch i % 3 {
			case 0:
				v, _ = r.SealString(ctx, "s"+id, keys.AAD("sec_t", "v", id))
			case 1:
				v = "legacy:s" + id
			default:
				v = "legacy:s" + id
			}
			want[id] = "s" + id
			if _, err := d.ExecContext(ctx, "INSERT INTO sec_t (id, v, kind) VALUES ($1, $2, 'secret')", id, v); err != nil {
				t.Fatal(err)
			}
		}
		d.ExecContext(ctx, "INSERT INTO sec_t (id, v, kind) VALUES ('public', 'not a secret', 'other')")
		if _, err := r.Rotate(ctx); err != nil {
			t.Fatal(err)
		}
		r.Algo = keys.SM4 // and switch to the national algorithm
		before, _ := r.Census(ctx, d, reg)
		stale := 0
		for _, c := range before {
			if !c.Current {
				stale += c.Values
			}
		}
		if stale != 1200 {
			t.Fatalf("census before: %+v (stale %d, want 1200)", before, stale)
		}
		pr, err := r.Reencrypt(ctx, d, reg, 500)
		if err != nil || pr.Done != 500 || pr.Remaining != 700 {
			t.Fatalf("first batch: %+v %v", pr, err)
		}
		for pr.Remaining > 0 {
			if pr, err = r.Reencrypt(ctx, d, reg, 500); err != nil {
				t.Fatal(err)
			}
		}
		after, _ := r.Census(ctx, d, reg)
		if len(after) != 1 || !after[0].Current || after[0].Values != 1200 || after[0].Algo != "s" {
			t.Fatalf("census after: %+v", after)
		}
		rows, _ := d.QueryContext(ctx, "SELECT id, v FROM sec_t WHERE kind = 'secret'")
		n := 0
		for rows.Next() {
			var id, v string
			rows.Scan(&id, &v)
			got, err := r.OpenValue(ctx, col, id, v)
			if err != nil || string(got) != want[id] {
				t.Fatalf("row %s: %q %v", id, got, err)
			}
			n++
		}
		rows.Close()
		if n != 1200 {
			t.Fatalf("%d rows", n)
		}
		var other string
		d.QueryRowContext(ctx, "SELECT v FROM sec_t WHERE id = 'public'").Scan(&other)
		if other != "not a secret" {
			t.Fatalf("a row outside the column's condition was touched: %q", other)
		}
	})
}
