package ingest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// cancelAfter is a reader that cancels the load's context once n bytes were read — a load
// killed mid-way.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
	once   sync.Once
	read   int
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if len(p) > 4096 {
		p = p[:4096]
	}
	k, err := c.r.Read(p)
	c.read += k
	if c.read >= c.n {
		c.once.Do(c.cancel)
	}
	return k, err
}

// TestAtomicLoad: a load cancelled mid-way leaves no version and no rows; readers keep seeing
// the previous version throughout.
func TestAtomicLoad(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		s := a.Ingest
		s.BatchRows = 200
		res, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "v1.csv", Body: strings.NewReader(popCSV(0, 100))})
		must(t, err)
		v1 := res.Load.Version

		big := popCSV(1000, 20000)
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		body := &cancelAfter{r: strings.NewReader(big), n: len(big) / 2, cancel: cancel}
		res, err = s.Load(lctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "big.csv", Body: body})
		if !errors.Is(err, ingest.ErrCancelled) {
			t.Fatalf("want cancellation, got %v", err)
		}
		if res.Load.Status != ingest.StatusCancelled || res.Load.Version != 0 {
			t.Fatalf("cancelled load: %+v", res.Load)
		}
		cur, err := s.Current(ctx, demo.EntryPopulation)
		must(t, err)
		if cur.Version != v1 || cur.Rows != 100 {
			t.Fatalf("current after a cancelled load: %+v", cur)
		}
		if _, err := s.Lookup(ctx, demo.EntryPopulation, mkID(1000)); !errors.Is(err, ingest.ErrNoRecord) {
			t.Fatalf("row of a cancelled load: %v", err)
		}
		if _, err := s.Lookup(ctx, demo.EntryPopulation, mkID(5)); err != nil {
			t.Fatalf("previous version no longer served: %v", err)
		}
		n := 0
		must(t, s.Stream(ctx, demo.EntryPopulation, func(ingest.Record) error { n++; return nil }))
		if n != 100 {
			t.Fatalf("stream after a cancelled load: %d rows, want 100", n)
		}
		// no rows of the cancelled load are stored, and version 1 is intact
		var stored, later int
		must(t, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ing_catpopulation WHERE _to = 0`).Scan(&stored))
		must(t, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ing_catpopulation WHERE _from > $1`, v1).Scan(&later))
		if stored != 100 || later != 0 {
			t.Fatalf("%d current rows (want 100), %d rows of later versions (want 0)", stored, later)
		}

		// while a load is in progress, readers see the previous version
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() {
			_, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "slow.csv", Body: pr})
			done <- err
		}()
		head := popCSV(5000, 3000)
		_, err = io.WriteString(pw, head)
		must(t, err)
		if _, err := s.Lookup(ctx, demo.EntryPopulation, mkID(5001)); !errors.Is(err, ingest.ErrNoRecord) {
			t.Fatalf("row of an uncommitted load visible: %v", err)
		}
		if r, err := s.Lookup(ctx, demo.EntryPopulation, mkID(5)); err != nil || r.Version != v1 {
			t.Fatalf("previous version during a load: %+v %v", r, err)
		}
		pw.Close()
		must(t, <-done)
		if r, err := s.Lookup(ctx, demo.EntryPopulation, mkID(5001)); err != nil || r.Version != v1+1 {
			t.Fatalf("after commit: %+v %v", r, err)
		}

		// a bulk replacement (indexes rebuilt at the end on SQLite) leaves the key index in place
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "bulk.csv", Body: strings.NewReader(popCSV(20000, 25000))})
		must(t, err)
		if res.Load.RowsTotal != 25000 {
			t.Fatalf("bulk load: %+v", res.Load)
		}
		if r, err := s.Lookup(ctx, demo.EntryPopulation, mkID(44999)); err != nil || r.Version != res.Load.Version {
			t.Fatalf("lookup after a bulk load: %+v %v", r, err)
		}
		if !d.IsPG() {
			var n int
			must(t, d.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ing_catpopulation'").Scan(&n))
			if n < 1 {
				t.Fatal("the key index was not rebuilt")
			}
		}
	})
}
