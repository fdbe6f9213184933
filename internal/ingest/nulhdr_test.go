package ingest_test

import (
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// A NUL in a header or in an ignored column is refused as bad input, never an internal error
// (PostgreSQL text cannot hold NUL).
func TestNULElsewhere(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		for name, body := range map[string]string{
			"header":  strings.Replace(popCSV(0, 2), "name,", "na\x00me,", 1),
			"ignored": strings.Replace(popCSV(0, 2), "region_code\n", "region_code,extra\n", 1),
		} {
			_, err := a.Ingest.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: name + ".csv", Partial: name == "ignored", Body: strings.NewReader(body + mkID(30) + ",王五,男,1990-01-01,地址,13900000000,150102,x\x00y\n")})
			if err != nil && apperr.As(err).Status >= 500 {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}
