package share_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// Fields of a request that are not stored on its row: names joined in from orgs, figures
// computed when read, and the product of a product request (its own table,
// share_request_products, keyed by the request). Every other field must survive a save and a load.
var requestDerived = map[string]bool{"ConsumerName": true, "ProviderName": true, "RoutedViaName": true,
	"Remaining": true, "Overdue": true, "DeadlineProvisional": true, "MissingYears": true, "Product": true}

// fill sets every stored field of r to a value that differs per field and per round, so that
// two fields swapped, or one not bound to a column, shows as a difference.
func fill(t *testing.T, r *share.Request, round int) {
	v := reflect.ValueOf(r).Elem()
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < v.NumField(); i++ {
		f, name := v.Field(i), v.Type().Field(i).Name
		if requestDerived[name] {
			continue
		}
		switch x := f.Addr().Interface().(type) {
		case *time.Time:
			*x = base.Add(time.Duration(round*100+i) * time.Hour).Local()
		case *[]string:
			*x = []string{fmt.Sprintf("%s-%d-a", name, round), fmt.Sprintf("%s-%d-b", name, round)}
		case *bool:
			*x = round%2 == 1
		case *share.Commitment:
			*x = share.Commitment{Authenticity: true, Compliance: round%2 == 1, Security: true, Text: fmt.Sprintf("承诺-%d", round),
				SignedBy: fmt.Sprintf("u-%d", round), SignedName: "签署人", SignedAt: base.Add(time.Duration(round) * time.Minute).Local()}
		default:
			if f.Kind() != reflect.String {
				t.Fatalf("Request.%s (%s): the test does not know how to fill it; add a case (and bind it in requestColumns)", name, f.Type())
			}
			f.SetString(fmt.Sprintf("%s-%d", name, round))
		}
	}
	r.ID = "req-roundtrip"
}

// Every field of a share request is stored in its own column and read back from it, on insert
// and on update; every column of the table is bound to a field. Inserting a column at the wrong
// place in the one list, or adding a field or a column without binding it, fails here.
func TestRequestColumnsRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		for round, insert := range []bool{true, false} {
			var want share.Request
			fill(t, &want, round+1)
			if err := a.Share.SaveRequestRow(ctx, &want, insert); err != nil {
				t.Fatalf("save (insert=%v): %v", insert, err)
			}
			got, err := a.Share.LoadRequestRow(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
			for i := 0; i < wv.NumField(); i++ {
				name := wv.Type().Field(i).Name
				if requestDerived[name] {
					continue
				}
				w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
				if wt, ok := w.(time.Time); ok {
					if !wt.Equal(g.(time.Time)) {
						t.Errorf("insert=%v: Request.%s = %v, want %v", insert, name, g, w)
					}
					continue
				}
				if wc, ok := w.(share.Commitment); ok {
					gc := g.(share.Commitment)
					if !wc.SignedAt.Equal(gc.SignedAt) {
						t.Errorf("insert=%v: Commitment.SignedAt = %v, want %v", insert, gc.SignedAt, wc.SignedAt)
					}
					wc.SignedAt, gc.SignedAt = time.Time{}, time.Time{}
					w, g = wc, gc
				}
				if !reflect.DeepEqual(w, g) {
					t.Errorf("insert=%v: Request.%s = %#v, want %#v", insert, name, g, w)
				}
			}
		}
		var cols []string
		q := "SELECT name FROM pragma_table_info('share_requests')"
		if d.IsPG() {
			q = "SELECT column_name FROM information_schema.columns WHERE table_name = 'share_requests' AND table_schema = current_schema()"
		}
		rows, err := d.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, c)
		}
		bound := share.RequestColumnNames()
		slices.Sort(cols)
		slices.Sort(bound)
		if !slices.Equal(cols, bound) {
			t.Fatalf("share_requests columns %v\nbound in requestColumns %v", cols, bound)
		}
	})
}
