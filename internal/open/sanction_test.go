package open_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/open"
	"pubdata/internal/supervise"
	"pubdata/internal/testutil"
)

// Sanctions (SUP-1) reach open data: a rectification order to an open API key holder refuses its
// key on the very next download; the public level stays open to everyone without a key; an
// accepted rectification restores the key; an order not rectified by its deadline revokes it.
func TestSanctionedKeyHolderDownloadRefused(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-12 10:00")
		a := testutil.DemoApp(t, d, clock)
		e := publish(t, a, reportEntry(catalog.OpenUnconditional))
		load(t, a, e, reportRows(5))
		citizen, admin := who(t, a, "citizen"), who(t, a, "admin")
		k, err := a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "研究", Datasets: []string{e.ID}})
		must(t, err)
		download := func(secret string) (int64, error) {
			dl, err := a.Open.BeginDownload(ctx, &open.Caller{KeySecret: secret, ClientIP: "203.0.113.5"}, e.ID, open.DownloadOptions{Format: open.FormatCSV})
			if err != nil {
				return 0, err
			}
			var buf bytes.Buffer
			return dl.Write(ctx, &buf)
		}
		if n, err := download(k.Secret); err != nil || n != 5 {
			t.Fatalf("download before the order: %d rows, %v", n, err)
		}
		in := supervise.NewSanction{SubjectKind: "user", SubjectID: citizen.UserID, Ground: "beyond_scope", Reason: "超出声明用途转售开放数据", Days: 5}
		sc, err := a.Supervise.Issue(ctx, admin, in)
		must(t, err)
		if _, err := download(k.Secret); !errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("the sanctioned holder's next download: %v, want sanction_suspended", err)
		}
		if _, err := a.Open.Records(ctx, &open.Caller{KeySecret: k.Secret}, e.ID, open.RecordsQuery{Limit: 1}); !errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("the sanctioned holder's record call: %v", err)
		}
		if n, err := download(""); err != nil || n != 5 {
			t.Fatalf("a download without a key during the order: %d, %v", n, err)
		}
		// Refused downloads are audited as denied with the sanction's code.
		must(t, a.Audit.Flush(ctx))
		var denied int
		must(t, d.QueryRowContext(ctx, "SELECT count(*) FROM audit_log WHERE action = 'open.download' AND result = 'denied' AND detail LIKE '%sanction_suspended%'").Scan(&denied))
		if denied != 1 {
			t.Fatalf("denied downloads audited: %d", denied)
		}
		_, err = a.Supervise.Fire(ctx, citizen, sc.ID, supervise.EvReport, "已停止转售并删除副本")
		must(t, err)
		if _, err := download(k.Secret); !errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("download after the report, before acceptance: %v", err)
		}
		_, err = a.Supervise.Fire(ctx, admin, sc.ID, supervise.EvAccept, "")
		must(t, err)
		if n, err := download(k.Secret); err != nil || n != 5 {
			t.Fatalf("download after the order was lifted: %d, %v", n, err)
		}

		// Not rectified: terminated by the job, the key is revoked for good.
		sc2, err := a.Supervise.Issue(ctx, admin, in)
		must(t, err)
		clock.Set(sc2.Deadline + " 18:00")
		clock.Advance(24 * time.Hour)
		if n, err := a.Supervise.ExpireOverdue(ctx, clock.Now()); err != nil || n != 1 {
			t.Fatalf("expired: %d %v", n, err)
		}
		if _, err := download(k.Secret); err == nil || errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("download after termination: %v, want the key refused as revoked", err)
		}
		wantCode(t, func() error { _, err := download(k.Secret); return err }(), "open.bad_key")
	})
}
