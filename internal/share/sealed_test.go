package share_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/keys"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// sealedState reads the marriage entry's data table as stored: the sealed fields and, per
// sealed field, how many non-empty stored values are not ring ciphertexts or not under prefix.
func sealedState(t *testing.T, a *app.App, d *db.DB, prefix string) (fields []string, plain, old int) {
	t.Helper()
	var name, raw string
	must(t, d.QueryRowContext(ctx, "SELECT table_name, sealed FROM ingest_tables WHERE entry_id = $1", demo.EntryMarriage).Scan(&name, &raw))
	fields = strings.Split(strings.Trim(raw, `[]"`), `","`)
	for _, f := range fields {
		rows, err := d.QueryContext(ctx, `SELECT "`+f+`" FROM `+name+` WHERE "`+f+`" <> ''`)
		must(t, err)
		for rows.Next() {
			var v string
			must(t, rows.Scan(&v))
			switch {
			case !keys.Sealed(v):
				plain++
			case !strings.HasPrefix(v, prefix):
				old++
			}
		}
		rows.Close()
	}
	return fields, plain, old
}

// Items at the top sensitivity level are stored encrypted in the data tables (SEC-1) and opened
// only on the service's read paths; then the key rotates under gateway load: verification calls
// run concurrently while the keys rotate twice and the re-encryption job re-seals every sealed
// value — every call is answered correctly and audited, nothing is lost, and afterwards every
// sealed value is under the new key.
func TestSealedItemsAndRotationUnderGatewayLoad(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		prefix, err := a.Keys.Prefix(ctx)
		must(t, err)
		fields, plain, old := sealedState(t, a, d, prefix)
		// 婚姻登记信息 is graded L4: every item but its key (cert_no) is stored sealed.
		if !strings.Contains(strings.Join(fields, ","), "citizen_id") || strings.Contains(strings.Join(fields, ","), "cert_no") || plain != 0 || old != 0 {
			t.Fatalf("sealed fields %v, %d plain values, %d under another key", fields, plain, old)
		}
		// The read paths open them.
		recs, total, err := a.Ingest.Query(ctx, demo.EntryMarriage, nil, 10, 0)
		must(t, err)
		if total == 0 || len(recs) < 3 {
			t.Fatalf("marriage records: %d", total)
		}
		known := []string{recs[0].Values["citizen_id"], recs[1].Values["citizen_id"], recs[2].Values["citizen_id"]}
		for _, r := range recs {
			if keys.Sealed(r.Values["citizen_id"]) || keys.Sealed(r.Values["name"]) || len(r.Values["citizen_id"]) != 18 {
				t.Fatalf("a read returned a stored form: %v", r.Values)
			}
		}
		// A filter on a sealed item finds its record; a record by key shows it opened.
		byID, n, err := a.Ingest.Query(ctx, demo.EntryMarriage, map[string]string{"citizen_id": known[1]}, 10, 0)
		must(t, err)
		if n != 1 || byID[0].Values["name"] != recs[1].Values["name"] {
			t.Fatalf("filter on a sealed item: %d %v", n, byID)
		}
		one, err := a.Ingest.Lookup(ctx, demo.EntryMarriage, recs[0].Key)
		must(t, err)
		if one.Values["citizen_id"] != known[0] {
			t.Fatalf("lookup: %v", one.Values)
		}
		streamed := 0
		must(t, a.Ingest.Stream(ctx, demo.EntryMarriage, func(r ingest.Record) error {
			if keys.Sealed(r.Values["citizen_id"]) {
				t.Fatalf("stream returned a stored form")
			}
			streamed++
			return nil
		}))
		cols := 0
		_, err = a.Ingest.ScanColumns(ctx, demo.EntryMarriage, []string{"citizen_id", "name"}, ingest.ScanOptions{}, func(_ string, row []string) error {
			if keys.Sealed(row[0]) || keys.Sealed(row[1]) {
				t.Fatalf("column scan returned a stored form: %v", row)
			}
			cols++
			return nil
		})
		must(t, err)
		if streamed != total || cols != total {
			t.Fatalf("streamed %d, scanned %d of %d", streamed, cols, total)
		}

		// The demo's verification grant of 公安厅 on marriage registrations, with room for the load.
		var grant string
		must(t, d.QueryRowContext(ctx, "SELECT id FROM share_grants WHERE entry_id = $1 AND kind = 'verify' AND status = 'active'", demo.EntryMarriage).Scan(&grant))
		secret, _, err := a.Share.IssueCredential(ctx, who(t, a, "officer"), grant)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		a.Share.Limits.PerMinute, a.Share.Limits.CallsPerMinute = 1_000_000, 1_000_000
		// The grant's own rate, fixed at approval, raised for the load (the test clock stands still).
		_, err = d.ExecContext(ctx, "UPDATE share_grant_limits SET rate_per_minute = 100000 WHERE grant_id = $1", grant)
		must(t, err)
		items := []share.VerifyItem{{Key: known[0]}, {Key: "150102199001010000"}, {Key: known[2]}}

		const workers, calls = 4, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers*calls)
		stop := make(chan struct{})
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(p *authz.Principal) {
				defer wg.Done()
				for i := 0; i < calls; i++ {
					res, err := a.Share.Verify(context.Background(), p, "127.0.0.1", items)
					if err == nil && (len(res) != 3 || !res[0].Exists || res[1].Exists || !res[2].Exists) {
						err = errWrong{res}
					}
					if err != nil {
						errs <- err
					}
				}
			}(gp)
		}
		// Meanwhile: rotate, re-encrypt in steps, rotate again, re-encrypt to the end.
		go func() {
			defer close(stop)
			for round := 0; round < 2; round++ {
				if _, err := a.Keys.Rotate(ctx); err != nil {
					errs <- err
					return
				}
				if _, err := a.Keys.Reencrypt(ctx, a.DB, a.Secrets, 7); err != nil { // one small batch first
					errs <- err
					return
				}
				if _, err := a.Reencrypt(ctx, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
		wg.Wait()
		<-stop
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
		must(t, a.Audit.Flush(ctx))
		var audited int
		must(t, d.QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE action = 'share.gateway.verify' AND grant_id = $1 AND result = 'ok'", grant).Scan(&audited))
		if audited != workers*calls {
			t.Fatalf("%d verification calls audited, want %d", audited, workers*calls)
		}
		// Every sealed value is now under the new primary key; the reads still open them.
		prefix2, err := a.Keys.Prefix(ctx)
		must(t, err)
		if prefix2 == prefix {
			t.Fatal("the key did not rotate")
		}
		if _, plain, old := sealedState(t, a, d, prefix2); plain != 0 || old != 0 {
			t.Fatalf("after re-encryption: %d plain values, %d under an old key", plain, old)
		}
		after, _, err := a.Ingest.Query(ctx, demo.EntryMarriage, map[string]string{"citizen_id": known[1]}, 10, 0)
		must(t, err)
		if len(after) != 1 || after[0].Values["name"] != recs[1].Values["name"] {
			t.Fatalf("after rotation: %v", after)
		}
	})
}

type errWrong struct{ res []share.VerifyResult }

func (e errWrong) Error() string { return "wrong verification answer during rotation" }

// An upsert compares sealed items by value: after the key rotates (before the re-encryption
// reaches the rows), re-delivering the same marriage registrations changes nothing — no row is
// retired into a new version because its stored form is under the older key — and a changed
// value is still a change.
func TestUpsertComparesSealedValues(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		e, err := a.Catalog.Published(ctx, demo.EntryMarriage)
		must(t, err)
		var b strings.Builder
		b.WriteString("cert_no,citizen_id,name,spouse_citizen_id,spouse_name,reg_type,reg_date,reg_region\n")
		var first ingest.Record
		n := 0
		must(t, a.Ingest.Stream(ctx, demo.EntryMarriage, func(r ingest.Record) error {
			if n == 0 {
				first = r
			}
			n++
			v := r.Values
			b.WriteString(strings.Join([]string{v["cert_no"], v["citizen_id"], v["name"], v["spouse_citizen_id"], v["spouse_name"], v["reg_type"], v["reg_date"], v["reg_region"]}, ",") + "\n")
			return nil
		}))
		_, err = a.Keys.Rotate(ctx)
		must(t, err)
		load := func(body string) *ingest.Report {
			res, err := a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "test", Name: "test", OrgID: demo.OrgCivil}, &e, ingest.LoadRequest{
				EntryID: demo.EntryMarriage, Mode: ingest.ModeUpsert, Format: ingest.FormatCSV, FileName: "again.csv", Partial: true, Body: strings.NewReader(body)})
			must(t, err)
			return res.Report
		}
		rep := load(b.String())
		if rep.RowsUnchanged != int64(n) || rep.RowsLoaded != 0 && rep.RowsLoaded != int64(n) {
			t.Fatalf("the same %d rows after a key rotation: %d unchanged, %d loaded", n, rep.RowsUnchanged, rep.RowsLoaded)
		}
		var retired int
		rel, _ := a.Ingest.RelationOf(ctx, demo.EntryMarriage)
		must(t, d.QueryRowContext(ctx, `SELECT count(*) FROM "`+rel.Table+`" WHERE _to <> 0`).Scan(&retired))
		if retired != 0 {
			t.Fatalf("%d rows retired by re-delivering unchanged data", retired)
		}
		// A changed value is still a change.
		v := first.Values
		changed := "cert_no,citizen_id,name,spouse_citizen_id,spouse_name,reg_type,reg_date,reg_region\n" +
			strings.Join([]string{v["cert_no"], v["citizen_id"], v["name"] + "某", v["spouse_citizen_id"], v["spouse_name"], v["reg_type"], v["reg_date"], v["reg_region"]}, ",") + "\n"
		rep = load(changed)
		must(t, d.QueryRowContext(ctx, `SELECT count(*) FROM "`+rel.Table+`" WHERE _to <> 0`).Scan(&retired))
		if rep.RowsUnchanged != 0 || retired != 1 {
			t.Fatalf("a changed name: %d unchanged, %d retired", rep.RowsUnchanged, retired)
		}
	})
}
