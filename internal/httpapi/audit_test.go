package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/testutil"
)

// Oversight bodies and auditors fetch signed checkpoints, the public key and a record's inclusion
// proof, and check them on their own side; others are refused.
func TestAuditCheckpointAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		ctx := context.Background()
		for i := 0; i < 6; i++ {
			if err := e.a.Audit.Log(ctx, audit.Event{ActorName: "tester", Action: "test.checkpoint"}); err != nil {
				t.Fatal(err)
			}
		}
		if r := e.do(req{method: "GET", path: "/api/v1/audit/checkpoints/latest", bearer: e.token("oversight", "audit")}); r.Code != 404 {
			t.Fatalf("latest before any checkpoint: %d %s", r.Code, r.body)
		}
		// The scheduled job signs one.
		if ran, err := e.a.Jobs.RunNow(ctx, "audit.checkpoint", true); err != nil || !ran {
			t.Fatalf("checkpoint job: %v %v", ran, err)
		}
		for _, who := range []string{"oversight", "auditor"} {
			tok := e.token(who, "audit")
			cp := decode[audit.Checkpoint](t, e.do(req{method: "GET", path: "/api/v1/audit/checkpoints/latest", bearer: tok}))
			keys := decode[struct{ Items []audit.PublicKey }](t, e.do(req{method: "GET", path: "/api/v1/audit/checkpoint-keys", bearer: tok}))
			list := decode[struct{ Items []audit.Checkpoint }](t, e.do(req{method: "GET", path: "/api/v1/audit/checkpoints?limit=5", bearer: tok}))
			if cp.Size < 6 || len(keys.Items) != 1 || len(list.Items) != 1 || list.Items[0].Signature != cp.Signature {
				t.Fatalf("%s: checkpoint %+v keys %+v list %+v", who, cp, keys, list)
			}
			// The outsider checks the signature with the key it fetched, then a record's proof.
			if err := audit.CheckSignature(cp, []string{keys.Items[0].PublicKey}); err != nil {
				t.Fatal(err)
			}
			pr := decode[struct {
				Proof      audit.InclusionProof
				Checkpoint audit.Checkpoint
			}](t, e.do(req{method: "GET", path: "/api/v1/audit/proof?seq=3", bearer: tok}))
			if err := audit.VerifyInclusion(cp, pr.Proof); err != nil || pr.Checkpoint.Size != cp.Size {
				t.Fatalf("%s: proof of record 3: %v", who, err)
			}
			pr.Proof.Record.Action = "test.other"
			if audit.VerifyInclusion(cp, pr.Proof) == nil {
				t.Fatal("altered record verified")
			}
		}
		// A later checkpoint extends the one the auditor kept.
		tok := e.token("oversight", "audit")
		older := decode[audit.Checkpoint](t, e.do(req{method: "GET", path: "/api/v1/audit/checkpoints/latest", bearer: tok}))
		if err := e.a.Audit.Log(ctx, audit.Event{ActorName: "tester", Action: "test.checkpoint"}); err != nil {
			t.Fatal(err)
		}
		if _, made, err := e.a.Audit.MakeCheckpoint(ctx); err != nil || !made {
			t.Fatal(made, err)
		}
		cons := decode[audit.ConsistencyProof](t, e.do(req{method: "GET", path: fmt.Sprintf("/api/v1/audit/consistency?from=%d", older.Size), bearer: tok}))
		if cons.To.Size <= older.Size || audit.VerifyConsistency(older, cons.To, cons) != nil {
			t.Fatalf("consistency %d → %+v", older.Size, cons)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/audit/proof?seq=x", bearer: e.token("auditor", "audit")}); r.Code != 422 || !strings.Contains(r.body, `"seq"`) {
			t.Fatalf("bad seq: %d %s", r.Code, r.body)
		}
		// Fetching a proof is itself audited.
		recs, _, err := e.a.Audit.Search(ctx, audit.Filter{Action: "audit.proof"})
		if err != nil || len(recs) != 2 {
			t.Fatalf("proof fetches audited: %d %v", len(recs), err)
		}
		for _, who := range []string{"officer", "citizen"} {
			for _, path := range []string{"/api/v1/audit/checkpoints", "/api/v1/audit/checkpoints/latest", "/api/v1/audit/checkpoint-keys", "/api/v1/audit/proof?seq=1", "/api/v1/audit/consistency?from=1"} {
				if r := e.do(req{method: "GET", path: path, bearer: e.token(who, "audit")}); r.Code != 403 {
					t.Fatalf("%s GET %s: %d", who, path, r.Code)
				}
			}
		}
	})
}

// The access log never carries a full ID number given in a path (SEC-4).
func TestAccessLogMasksKeys(t *testing.T) {
	id := "110101199003077777"
	if got := httpapi.LogPath("/api/v1/gateway/records/" + id); got != "/api/v1/gateway/records/110*************77" {
		t.Fatalf("LogPath: %s", got)
	}
	for in, want := range map[string]string{
		"/api/v1/ingest/bases/population/lookup/" + id + "/x": "/api/v1/ingest/bases/population/lookup/110*************77/x",
		"/api/v1/ingest/entries/e1/records/" + id:             "/api/v1/ingest/entries/e1/records/110*************77",
		"/api/v1/gateway/records/张三丰的账户号码":                    "/api/v1/gateway/records/张三丰***号码",
		"/api/v1/gateway/records/12345":                       "/api/v1/gateway/records/*****",
		"/api/v1/gateway/records":                             "/api/v1/gateway/records",
		"/api/v1/gateway/records/":                            "/api/v1/gateway/records/",
		"/api/v1/catalog/entries/e1":                          "/api/v1/catalog/entries/e1",
	} {
		if got := httpapi.LogPath(in); got != want {
			t.Fatalf("LogPath(%s) = %s, want %s", in, got, want)
		}
	}
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		var buf bytes.Buffer
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
		defer slog.SetDefault(old)
		for _, p := range []string{"/api/v1/gateway/records/" + id, "/api/v1/ingest/entries/e1/records/" + id, "/api/v1/ingest/bases/population/lookup/" + id} {
			e.do(req{method: "GET", path: p, bearer: "not-a-token"})
		}
		if !strings.Contains(buf.String(), "/api/v1/gateway/records/110") {
			t.Fatalf("access log did not record the calls: %s", buf.String())
		}
		if strings.Contains(buf.String(), id) {
			t.Fatalf("access log carries the ID number: %s", buf.String())
		}
	})
}

func BenchmarkLogPath(b *testing.B) {
	for b.Loop() {
		httpapi.LogPath("/api/v1/gateway/records/110101199003077777")
	}
}
