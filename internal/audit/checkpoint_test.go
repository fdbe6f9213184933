package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/mask"
	"pubdata/internal/testutil"
)

func addEvents(t *testing.T, s *audit.Service, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := s.Log(context.Background(), audit.Event{ActorID: "u-civil", ActorName: "民政厅经办人", OrgID: "org-civil",
			Action: "share.gateway.lookup", ObjectType: "catalog_entry", ObjectID: "e-pop", Purpose: "低保审核",
			Detail: map[string]any{"n": i, "found": i%2 == 0}}); err != nil {
			t.Fatal(err)
		}
	}
}

// roundTrip writes a checkpoint to a file and reads it back, as an auditor keeps it.
func roundTrip(t *testing.T, cp audit.Checkpoint) audit.Checkpoint {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cp.json")
	b, _ := json.MarshalIndent(cp, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(path)
	var out audit.Checkpoint
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// rehashFrom recomputes the chain from record seq on and moves the head, as an attacker with
// write access to the tables would after editing record seq.
func rehashFrom(t *testing.T, s *audit.Service, d *db.DB, seq int64) {
	t.Helper()
	ctx := context.Background()
	recs, _, err := s.Search(ctx, audit.Filter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byseq := map[int64]audit.Record{}
	for _, r := range recs {
		byseq[r.Seq] = r
	}
	prev := byseq[seq-1].Hash
	for q := seq; q <= int64(len(recs)); q++ {
		r := byseq[q]
		r.PrevHash = prev
		r.Hash = audit.ChainHash(&r)
		if _, err := d.ExecContext(ctx, "UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = $3", r.PrevHash, r.Hash, q); err != nil {
			t.Fatal(err)
		}
		prev = r.Hash
	}
	if _, err := d.ExecContext(ctx, "UPDATE audit_head SET hash = $1 WHERE id = 1", prev); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointDrill is the audit drill (审计演练) of SEC-4: three ways of tampering with the
// log, each judged by the plain chain check as before and caught by the check against an
// earlier signed checkpoint.
func TestCheckpointDrill(t *testing.T) {
	cases := []struct {
		name      string
		tamper    func(t *testing.T, s *audit.Service, d *db.DB)
		plainOK   bool // what the plain Verify says (the hash chain alone)
		badSeq    int64
		reasonHas string
	}{
		{"truncate tail with head", func(t *testing.T, s *audit.Service, d *db.DB) {
			ctx := context.Background()
			var h string
			d.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE seq = 7").Scan(&h)
			mustExec(t, d, "DELETE FROM audit_log WHERE seq > 7")
			mustExec(t, d, "UPDATE audit_head SET seq = 7, hash = $1 WHERE id = 1", h)
		}, true, 8, "removed"},
		{"edit and re-hash", func(t *testing.T, s *audit.Service, d *db.DB) {
			mustExec(t, d, "UPDATE audit_log SET actor_name = '他人' WHERE seq = 4")
			rehashFrom(t, s, d, 4)
		}, true, 10, "re-hashed"},
		{"edit only", func(t *testing.T, s *audit.Service, d *db.DB) {
			mustExec(t, d, "UPDATE audit_log SET actor_name = '他人' WHERE seq = 4")
		}, false, 4, "altered"},
	}
	for _, algo := range []string{"sha256", "sm3"} {
		for _, c := range cases {
			t.Run(algo+"/"+c.name, func(t *testing.T) {
				testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
					ctx := context.Background()
					s := audit.New(d, algo)
					addEvents(t, s, 0, 10)
					cp, made, err := s.MakeCheckpoint(ctx)
					if err != nil || !made || cp.Size != 10 {
						t.Fatalf("checkpoint: %+v %v %v", cp, made, err)
					}
					if want := map[string]string{"sha256": "ed25519", "sm3": "sm2"}[algo]; cp.SigAlgo != want {
						t.Fatalf("signature algorithm %s, want %s", cp.SigAlgo, want)
					}
					cp = roundTrip(t, cp)
					addEvents(t, s, 10, 15)
					res, err := s.VerifyCheckpoint(ctx, cp, nil)
					if err != nil || !res.OK || !res.Prefix {
						t.Fatalf("untouched log against its checkpoint: %+v %v", res, err)
					}

					c.tamper(t, s, d)
					plain, err := s.Verify(ctx)
					if err != nil || plain.OK != c.plainOK {
						t.Fatalf("plain verify after %s: %+v %v (want ok=%v)", c.name, plain, err, c.plainOK)
					}
					res, err = s.VerifyCheckpoint(ctx, cp, nil)
					if err != nil {
						t.Fatal(err)
					}
					if res.OK || res.Prefix || res.BadSeq != c.badSeq || !strings.Contains(res.Reason, c.reasonHas) {
						t.Fatalf("checkpoint check after %s: %+v", c.name, res)
					}
					// A rewritten log gets no new signature.
					// A rewritten log gets no new signature. An edit alone inside the signed prefix
					// leaves the head's hash as it was, so a new checkpoint still commits to the
					// original records, and checking against it names the edited one too.
					next, _, err := s.MakeCheckpoint(ctx)
					if !c.plainOK {
						if err != nil {
							t.Fatal(err)
						}
						if res, err := s.VerifyCheckpoint(ctx, next, nil); err != nil || res.OK || res.BadSeq != c.badSeq {
							t.Fatalf("check against the later checkpoint: %+v %v", res, err)
						}
					} else if !errors.Is(err, audit.ErrLogRewritten) {
						t.Fatalf("checkpoint of a tampered log: %v", err)
					}
				})
			})
		}
	}
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointSignature: a checkpoint changed after signing, or signed by another platform's
// key, is refused; checkpoints continue each other (the stored Merkle range gives the same root
// as the whole log).
func TestCheckpointSignature(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := audit.New(d, "")
		addEvents(t, s, 0, 5)
		cp1, _, err := s.MakeCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again, made, err := s.MakeCheckpoint(ctx); err != nil || made || again.Size != 5 {
			t.Fatalf("no new records, no new checkpoint: %+v %v %v", again, made, err)
		}
		addEvents(t, s, 5, 12)
		cp2, made, err := s.MakeCheckpoint(ctx)
		if err != nil || !made || cp2.Size != 12 {
			t.Fatal(cp2, made, err)
		}
		for _, cp := range []audit.Checkpoint{cp1, cp2} {
			if res, err := s.VerifyCheckpoint(ctx, cp, nil); err != nil || !res.OK {
				t.Fatalf("checkpoint %d: %+v %v", cp.Size, res, err)
			}
		}
		list, err := s.Checkpoints(ctx, 10)
		if err != nil || len(list) != 2 || list[0].Size != 12 {
			t.Fatalf("listing: %+v %v", list, err)
		}

		forged := cp1
		forged.Size = 3 // claims a shorter log, so that a truncation would pass
		if _, err := s.VerifyCheckpoint(ctx, forged, nil); !errors.Is(err, audit.ErrCheckpointSignature) {
			t.Fatalf("altered checkpoint accepted: %v", err)
		}
		forged = cp1
		forged.Head = cp2.Head
		if _, err := s.VerifyCheckpoint(ctx, forged, nil); !errors.Is(err, audit.ErrCheckpointSignature) {
			t.Fatalf("altered head accepted: %v", err)
		}

		// Another platform (another key) signs a checkpoint of a log of the same length.
		other := audit.New(testutil.SQLite(t), "")
		addEvents(t, other, 0, 5)
		foreign, _, err := other.MakeCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := audit.CheckSignature(foreign, []string{foreign.PublicKey}); err != nil {
			t.Fatalf("the foreign checkpoint is well signed by its own key: %v", err)
		}
		if _, err := s.VerifyCheckpoint(ctx, foreign, nil); !errors.Is(err, audit.ErrCheckpointSignature) {
			t.Fatalf("checkpoint signed with a foreign key accepted: %v", err)
		}
		// The auditor may pin the key it fetched earlier instead of trusting the database.
		if _, err := s.VerifyCheckpoint(ctx, cp1, []string{foreign.PublicKey}); !errors.Is(err, audit.ErrCheckpointSignature) {
			t.Fatalf("checkpoint accepted under a pinned key that did not sign it: %v", err)
		}
		keys, err := s.PublicKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0].PublicKey != cp1.PublicKey || !strings.Contains(keys[0].PEM, "BEGIN PUBLIC KEY") {
			t.Fatalf("published keys: %+v %v", keys, err)
		}
		// The private key is not stored in the clear.
		var stored string
		d.QueryRowContext(ctx, "SELECT private_key FROM audit_signing_keys").Scan(&stored)
		if stored == "" || strings.Contains(stored, "PRIVATE") {
			t.Fatalf("signing key stored as %q", stored)
		}
	})
}

// TestInclusionProof: a record's Merkle inclusion proof verifies against the signed root, and
// fails for an altered record or path.
func TestInclusionProof(t *testing.T) {
	for _, algo := range []string{"sha256", "sm3"} {
		t.Run(algo, func(t *testing.T) {
			testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				s := audit.New(d, algo)
				addEvents(t, s, 0, 11)
				cp, _, err := s.MakeCheckpoint(ctx)
				if err != nil {
					t.Fatal(err)
				}
				addEvents(t, s, 11, 13) // records after the checkpoint do not disturb its proofs
				for seq := int64(1); seq <= cp.Size; seq++ {
					p, pcp, err := s.Prove(ctx, seq, 0)
					if err != nil || pcp.Size != cp.Size {
						t.Fatal(err)
					}
					b, _ := json.Marshal(p) // as the API sends it
					var got audit.InclusionProof
					json.Unmarshal(b, &got)
					if err := audit.VerifyInclusion(cp, got); err != nil {
						t.Fatalf("record %d: %v", seq, err)
					}
					bad := got
					bad.Record.ActorName = "他人"
					if audit.VerifyInclusion(cp, bad) == nil {
						t.Fatalf("altered record %d verified", seq)
					}
					bad = got
					bad.DetailJSON = strings.Replace(bad.DetailJSON, `"found"`, `"fnd"`, 1)
					if audit.VerifyInclusion(cp, bad) == nil {
						t.Fatalf("altered detail of record %d verified", seq)
					}
					// A record re-hashed to match its edit still fails: its leaf is not under the root.
					bad = got
					bad.Record.ActorName = "他人"
					r := bad.Record
					r.DetailJSON = bad.DetailJSON
					bad.Record.Hash = audit.ChainHash(&r)
					if audit.VerifyInclusion(cp, bad) == nil {
						t.Fatalf("re-hashed record %d verified", seq)
					}
					if len(got.Path) > 0 {
						bad = got
						bad.Path = append([]string(nil), got.Path...)
						bad.Path[0] = strings.Repeat("0", 64)
						if audit.VerifyInclusion(cp, bad) == nil {
							t.Fatalf("altered path of record %d verified", seq)
						}
					}
				}
				if _, _, err := s.Prove(ctx, cp.Size+1, 0); err == nil {
					t.Fatal("proof for a record after the checkpoint")
				}
			})
		})
	}
}

// TestPseudonym: personal keys are kept as keyed hashes, which a plain hash of a guessed key
// does not match, and the same key always maps to the same pseudonym on one platform.
func TestPseudonym(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := "110101199003077777"
		s := audit.New(d, "")
		a, err := s.Pseudonym(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := audit.New(d, "").Pseudonym(ctx, id) // another node of the same platform
		if a != b || len(a) != 64 {
			t.Fatalf("pseudonyms %q %q", a, b)
		}
		if a == mask.Hash(id) {
			t.Fatal("pseudonym is the plain SHA-256 of the key")
		}
		c, _ := s.Pseudonym(ctx, "110101199003077778")
		if c == a {
			t.Fatal("two keys, one pseudonym")
		}
		other := audit.New(d, "")
		other.SecretKey = []byte("another platform secret")
		if x, _ := other.Pseudonym(ctx, id); x == a {
			t.Fatal("the pseudonym does not depend on the platform secret")
		}
		sm, _ := audit.New(d, "sm3").Pseudonym(ctx, id)
		if sm == a || len(sm) != 64 {
			t.Fatalf("HMAC-SM3 pseudonym %q", sm)
		}
	})
}

// TestConsistencyProof: an oversight body that kept an old checkpoint checks that each later one
// only appended to the log — and sees a rewrite even when the platform was made to sign the
// rewritten log after its checkpoints were deleted.
func TestConsistencyProof(t *testing.T) {
	for _, algo := range []string{"sha256", "sm3"} {
		t.Run(algo, func(t *testing.T) {
			testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				s := audit.New(d, algo)
				var cps []audit.Checkpoint
				for _, n := range []int{5, 12, 13, 16} {
					addEvents(t, s, len(cps)*100, len(cps)*100+n-countLog(t, d))
					cp, made, err := s.MakeCheckpoint(ctx)
					if err != nil || !made || cp.Size != int64(n) {
						t.Fatalf("checkpoint of %d: %+v %v %v", n, cp, made, err)
					}
					cps = append(cps, roundTrip(t, cp))
				}
				for i, older := range cps {
					for _, newer := range cps[i:] {
						p, err := s.ProveConsistency(ctx, older.Size, newer.Size)
						if err != nil {
							t.Fatal(err)
						}
						if err := audit.VerifyConsistency(older, newer, p); err != nil {
							t.Fatalf("%d → %d: %v", older.Size, newer.Size, err)
						}
						if len(p.Path) > 0 {
							bad := p
							bad.Path = append([]string(nil), p.Path...)
							bad.Path[len(bad.Path)-1] = strings.Repeat("0", 64)
							if audit.VerifyConsistency(older, newer, bad) == nil {
								t.Fatalf("%d → %d: altered path verified", older.Size, newer.Size)
							}
						}
					}
				}
				// Rewrite record 3 and re-hash, remove the stored checkpoints, and have the platform
				// sign the rewritten log: its signature is good, but it does not extend what the
				// auditor kept.
				mustExec(t, d, "UPDATE audit_log SET actor_name = '他人' WHERE seq = 3")
				rehashFrom(t, s, d, 3)
				mustExec(t, d, "DELETE FROM audit_checkpoints")
				forged, made, err := s.MakeCheckpoint(ctx)
				if err != nil || !made {
					t.Fatal(err)
				}
				if err := audit.CheckSignature(forged, []string{forged.PublicKey}); err != nil {
					t.Fatal(err)
				}
				for _, older := range cps[:2] {
					p, err := s.ProveConsistency(ctx, older.Size, forged.Size)
					if err != nil {
						t.Fatal(err)
					}
					if audit.VerifyConsistency(older, forged, p) == nil {
						t.Fatalf("a rewritten log passed as an extension of checkpoint %d", older.Size)
					}
				}
			})
		})
	}
}

func countLog(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
