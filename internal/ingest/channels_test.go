package ingest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// TestFileChannels loads the population entry from CSV (UTF-8 and GB18030), XLSX and JSON
// Lines; each full replacement becomes the new version and is readable right after.
func TestFileChannels(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		s := a.Ingest

		// UTF-8 CSV
		res, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "pop.csv", Body: strings.NewReader(popCSV(0, 50))})
		must(t, err)
		v1 := res.Load.Version
		if res.Load.Status != ingest.StatusCommitted || res.Load.RowsLoaded != 50 || res.Load.Encoding != "utf-8" || len(res.Load.Checksum) != 64 {
			t.Fatalf("csv load: %+v", res.Load)
		}
		id, name, _, _, _, _, _ := person(7)
		r, err := s.Lookup(ctx, demo.EntryPopulation, id)
		must(t, err)
		if r.Values["name"] != name || r.Version != v1 || r.Key != id {
			t.Fatalf("lookup: %+v", r)
		}

		// GB18030 CSV with a Chinese header (labels), detected without being told
		src := strings.Replace(popCSV(100, 20), "citizen_id,name,sex,birth_date,address,phone,region_code", "公民身份号码,姓名,性别,出生日期,住址,联系电话,行政区划代码", 1)
		gb, err := simplifiedchinese.GB18030.NewEncoder().String(src)
		must(t, err)
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "pop-gbk.csv", Body: strings.NewReader(gb)})
		must(t, err)
		if res.Load.Encoding != "gb18030" || res.Load.RowsLoaded != 20 || res.Load.Version != v1+1 {
			t.Fatalf("gb18030 load: %+v", res.Load)
		}
		id, name, _, _, addr, _, _ := person(105)
		r, err = s.Lookup(ctx, demo.EntryPopulation, id)
		must(t, err)
		if r.Values["name"] != name || r.Values["address"] != addr {
			t.Fatalf("gb18030 values: %+v", r.Values)
		}
		// the replaced version's rows are gone from the current version
		if _, err := s.Lookup(ctx, demo.EntryPopulation, func() string { id, _, _, _, _, _, _ := person(7); return id }()); err == nil {
			t.Fatal("row of the replaced version still current")
		}

		// XLSX
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"citizen_id", "name", "sex", "birth_date", "address", "phone", "region_code"})
		for i := 0; i < 30; i++ {
			id, name, sex, birth, addr, phone, region := person(200 + i)
			f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{id, name, sex, birth, addr, phone, region})
		}
		var xb bytes.Buffer
		must(t, f.Write(&xb))
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "pop.xlsx", Body: &xb})
		must(t, err)
		if res.Load.Format != "xlsx" || res.Load.RowsLoaded != 30 {
			t.Fatalf("xlsx: %+v", res.Load)
		}

		// JSON Lines, upsert by key: adds rows and changes one
		var jb strings.Builder
		for i := 300; i < 310; i++ {
			id, name, sex, birth, addr, phone, region := person(i)
			row, _ := json.Marshal(map[string]string{"citizen_id": id, "name": name, "sex": sex, "birth_date": birth, "address": addr, "phone": phone, "region_code": region})
			jb.Write(row)
			jb.WriteByte('\n')
		}
		id, _, sex, birth, addr, phone, region := person(200)
		row, _ := json.Marshal(map[string]string{"citizen_id": id, "name": "改名后", "sex": sex, "birth_date": birth, "address": addr, "phone": phone, "region_code": region})
		jb.Write(row)
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "pop.jsonl", Mode: ingest.ModeUpsert, Body: strings.NewReader(jb.String())})
		must(t, err)
		if res.Load.RowsLoaded != 11 || res.Load.RowsTotal != 40 {
			t.Fatalf("jsonl upsert: %+v", res.Load)
		}
		cur, err := s.Current(ctx, demo.EntryPopulation)
		must(t, err)
		if cur.Rows != 40 || cur.Version != res.Load.Version || cur.Channel != ingest.ChannelFile {
			t.Fatalf("current: %+v", cur)
		}
		r, err = s.Lookup(ctx, demo.EntryPopulation, id)
		must(t, err)
		if r.Values["name"] != "改名后" || r.Version != cur.Version {
			t.Fatalf("upserted row: %+v", r)
		}
		recs, total, err := s.Query(ctx, demo.EntryPopulation, map[string]string{"region_code": "150202"}, 100, 0)
		must(t, err)
		if total != 9 || len(recs) != 9 { // i%4 == 2 among 200–229 and 300–309
			t.Fatalf("query: total %d, %d records", total, len(recs))
		}
		n := 0
		must(t, s.Stream(ctx, demo.EntryPopulation, func(ingest.Record) error { n++; return nil }))
		if n != 40 {
			t.Fatalf("stream: %d records", n)
		}
	})
}
