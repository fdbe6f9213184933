package ingest_test

import (
	"errors"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// TestPushIdempotent: an agency system pushes with a token bound to the entry; the same batch
// id pushed again is answered from the first load and loads nothing; the token opens no other
// entry. Pushed e-licenses are in the base database right after the push.
func TestPushIdempotent(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		market := who(t, a, "market")
		s := a.Ingest
		secret, tok, err := s.IssuePushToken(ctx, market, demo.EntryFoodLicense, "食品许可推送", 30*24*time.Hour)
		must(t, err)
		if tok.Subject != demo.EntryFoodLicense || len(tok.Scopes) != 1 || tok.Scopes[0] != "ingest" {
			t.Fatalf("token: %+v", tok)
		}
		sys, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)

		code := validate.MakeCreditCode('9', '1', "150203", "MA0TEXT01")
		batch := ingest.Batch{BatchID: "lic-2026-0001", Rows: []map[string]any{
			{"license_no": "JY11502030000001", "credit_code": code, "operator_name": "包头测试餐饮有限公司", "food_scope": "热食类食品制售", "valid_to": "2031-10-01"},
			{"license_no": "JY11502030000002", "credit_code": code, "operator_name": "包头测试餐饮有限公司", "food_scope": "冷食类食品制售", "valid_to": "2031-10-01"},
		}}
		_, before, err := s.Versions(ctx, market, demo.EntryFoodLicense, 10, 0)
		must(t, err)
		r1, err := s.Push(ctx, sys, demo.EntryFoodLicense, batch, "127.0.0.1")
		must(t, err)
		if r1.Replayed || r1.Load.RowsLoaded != 2 || r1.Load.Channel != ingest.ChannelAPI || r1.Load.Mode != ingest.ModeUpsert {
			t.Fatalf("first push: %+v", r1.Load)
		}
		r2, err := s.Push(ctx, sys, demo.EntryFoodLicense, batch, "127.0.0.1")
		must(t, err)
		if !r2.Replayed || r2.Load.ID != r1.Load.ID || r2.Load.Version != r1.Load.Version {
			t.Fatalf("replayed push: %+v", r2)
		}
		_, total, err := s.Versions(ctx, market, demo.EntryFoodLicense, 10, 0)
		must(t, err)
		if total != before+1 {
			t.Fatalf("versions after a replayed batch: %d", total)
		}

		// a new batch upserts and deletes by key
		r3, err := s.Push(ctx, sys, demo.EntryFoodLicense, ingest.Batch{BatchID: "lic-2026-0002", Deletes: []string{"JY11502030000002"},
			Rows: []map[string]any{{"license_no": "JY11502030000003", "credit_code": code, "operator_name": "包头测试餐饮有限公司", "food_scope": "糕点类", "valid_to": "2030-01-01"}}}, "")
		must(t, err)
		if r3.Load.RowsDeleted != 1 || r3.Load.RowsTotal != r1.Load.RowsTotal {
			t.Fatalf("upsert+delete: %+v", r3.Load)
		}

		// queryable in the e-license base right after the push
		admin := who(t, a, "admin")
		fr, err := s.Fuse(ctx, admin, "license", code, "")
		must(t, err)
		if len(fr.Records) != 2 {
			t.Fatalf("license base: %d records, want 2: %+v", len(fr.Records), fr.Records)
		}

		// the token is bound to its entry
		_, err = s.Push(ctx, sys, demo.EntryEnterprise, ingest.Batch{BatchID: "x", Rows: []map[string]any{{"credit_code": code, "name": "x"}}}, "")
		if !errors.Is(err, apperr.Hidden) { // it may not read that entry: as if there were none
			t.Fatalf("token used on another entry: %v", err)
		}
		// another agency's officer may not push into it
		_, err = s.Push(ctx, who(t, a, "officer"), demo.EntryFoodLicense, ingest.Batch{BatchID: "y", Rows: batch.Rows}, "")
		if !errors.Is(err, apperr.Hidden) { // it may not see that entry's data: as if there were none
			t.Fatalf("other agency pushed: %v", err)
		}
		// a bad row in a batch rejects the batch; the batch id stays usable once fixed
		bad := ingest.Batch{BatchID: "lic-2026-0003", Rows: []map[string]any{{"license_no": "JY3", "credit_code": "91150203MA0TEST01X", "operator_name": "x"}}}
		res, err := s.Push(ctx, sys, demo.EntryFoodLicense, bad, "")
		if !errors.Is(err, ingest.ErrRejected) || !problemAt(res, 1, ingest.RuleFormat) {
			t.Fatalf("bad batch: %v", err)
		}
		bad.Rows[0]["credit_code"] = code
		res, err = s.Push(ctx, sys, demo.EntryFoodLicense, bad, "")
		if err != nil || res.Replayed {
			t.Fatalf("fixed batch: %v %+v", err, res)
		}
	})
}
