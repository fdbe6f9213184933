package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// `pubdata ingest --entry CODE FILE`: a file with a bad row exits 2 listing the row by line
// number and loads nothing; with --partial it loads the valid rows and prints the summary.
func TestIngestCommand(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		e, err := a.Catalog.Get(t.Context(), demo.EntryPopulation)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
		for i := 0; i < 20; i++ {
			id := validate.MakeCitizenID("150105", time.Date(1975, 3, 1+i, 0, 0, 0, 0, time.UTC), 300+i)
			fmt.Fprintf(&b, "%s,命令行%d,女,1975-03-%02d,呼和浩特市赛罕区,13900000000,150105\n", id, i, 1+i)
		}
		b.WriteString("150105197503309999,坏,男,1975-03-30,呼和浩特市,13900000000,150105\n")
		file := filepath.Join(t.TempDir(), "pop.csv")
		if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		before := count(t, d, "SELECT COUNT(*) FROM ingest_loads WHERE entry_id = $1 AND status = 'committed'", demo.EntryPopulation)
		r := pubdata(t, "", append(dbArgs(d), "ingest", "--entry", e.Code, "--quiet", file)...)
		if r.code != 2 || !strings.Contains(r.stdout, "line 22") || !strings.Contains(r.stdout, "已拒收") {
			t.Fatalf("rejected file:\n%v", r)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM ingest_loads WHERE entry_id = $1 AND status = 'committed'", demo.EntryPopulation); n != before {
			t.Fatalf("a rejected file made a version")
		}
		r = pubdata(t, "", append(dbArgs(d), "ingest", "--entry", e.Code, "--partial", "--as", "officer", file)...)
		if r.code != 0 || !strings.Contains(r.stdout, "已入库") || !strings.Contains(r.stdout, "written 20") || !strings.Contains(r.stderr, "100%") {
			t.Fatalf("partial load:\n%v", r)
		}
		r = pubdata(t, "", append(dbArgs(d), "ingest", "--entry", e.Code, "--as", "market", file)...)
		if r.code == 0 {
			t.Fatalf("another agency's officer loaded:\n%v", r)
		}
	})
}
