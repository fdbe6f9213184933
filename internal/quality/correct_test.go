package quality_test

import (
	"errors"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
)

// TestRecordCorrectionClosesObjection: the provider corrects one disputed record through the
// record-correction path (a new version, audited); only after the value changed can the
// objection be closed as corrected.
func TestRecordCorrectionClosesObjection(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer, citizen, civil := as(t, a, "officer"), as(t, a, "citizen"), as(t, a, "civil")
		rs := residents(3)
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		me := rs[0]
		if _, err := d.ExecContext(ctx, "UPDATE users SET id_number = $1 WHERE id = $2", me.id, citizen.UserID); err != nil {
			t.Fatal(err)
		}
		o, err := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: me.id, Kind: quality.ObjWrong, Fields: []string{"name"},
			Description: "姓名登记错误", Proposed: "居民丙"}, "")
		if err != nil {
			t.Fatal(err)
		}
		before, err := a.Ingest.Current(ctx, demo.EntryPopulation)
		if err != nil {
			t.Fatal(err)
		}
		fix := ingest.CorrectionInput{Key: me.id, Values: map[string]string{"name": "居民丙"}, Reason: "经核对户籍底册，姓名登记有误"}
		if _, err := a.Ingest.CorrectRecord(ctx, civil, demo.EntryPopulation, fix, ""); !errors.Is(err, apperr.Forbidden) && !errors.Is(err, apperr.NotFound) {
			t.Fatalf("another agency corrected the record: %v", err)
		}
		if _, err := a.Ingest.CorrectRecord(ctx, officer, demo.EntryPopulation, ingest.CorrectionInput{Key: me.id, Values: fix.Values}, ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("a correction without a reason: %v", err)
		}
		if _, err := a.Ingest.CorrectRecord(ctx, officer, demo.EntryPopulation, ingest.CorrectionInput{Key: me.id, Values: map[string]string{"citizen_id": rs[1].id}, Reason: "x"}, ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("the key was corrected: %v", err)
		}
		if _, err := a.Ingest.CorrectRecord(ctx, officer, demo.EntryPopulation, ingest.CorrectionInput{Key: me.id, Values: map[string]string{"name": me.name}, Reason: "x"}, ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("a correction that changes nothing: %v", err)
		}
		// "Corrected" is refused until the value changed
		if _, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "correct", Answer: "已更正"}, ""); apperr.As(err).Code != "quality.not_corrected" {
			t.Fatalf("corrected without a change: %v", err)
		}
		res, err := a.Ingest.CorrectRecord(ctx, officer, demo.EntryPopulation, fix, "10.0.0.7")
		if err != nil {
			t.Fatal(err)
		}
		if res.Load.Status != ingest.StatusCommitted || res.Load.Version != before.Version+1 || res.Load.Channel != ingest.ChannelCorrection {
			t.Fatalf("correction load: %+v", res.Load)
		}
		rec, err := a.Ingest.Lookup(ctx, demo.EntryPopulation, me.id)
		if err != nil || rec.Values["name"] != "居民丙" || rec.Values["phone"] != "13900001111" {
			t.Fatalf("corrected record: %v %+v", err, rec)
		}
		if cur, _ := a.Ingest.Current(ctx, demo.EntryPopulation); cur.Rows != before.Rows {
			t.Fatalf("rows after the correction: %d, before %d", cur.Rows, before.Rows)
		}
		logs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "ingest.record.correct", Limit: 10})
		if err != nil || len(logs) != 2 || logs[0].ClientIP != "10.0.0.7" { // the refused attempt and the correction
			t.Fatalf("correction audit: %v %d", err, len(logs))
		}
		done, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "correct", Answer: "已按户籍底册更正姓名"}, "")
		if err != nil || done.State != quality.ObjCorrected {
			t.Fatalf("answer after the correction: %v %+v", err, done)
		}
	})
}
