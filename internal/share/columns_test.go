package share_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// Fields of a request that are not stored on its row: names joined in from orgs, figures
// computed when read, and the product of a product request (its own table,
// share_request_products, keyed by the request). Every other field must survive a save and a load.
var requestDerived = map[string]bool{"ConsumerName": true, "ProviderName": true, "RoutedViaName": true,
	"Remaining": true, "Overdue": true, "DeadlineProvisional": true, "MissingYears": true, "Product": true}

// Fields of a grant not stored on its row: names joined in from orgs, its limits
// (share_grant_limits), the product (share_request_products) and the report cycle
// (share_report_plans).
var grantDerived = map[string]bool{"ConsumerName": true, "ProviderName": true, "Limits": true, "Product": true,
	"ReportEveryMonths": true}

// Fields of a demand not stored on its row: names joined in from orgs and figures computed when read.
var demandDerived = map[string]bool{"RequesterOrg": true, "AssignedOrg": true, "Remaining": true, "Overdue": true,
	"DeadlineProvisional": true, "MissingYears": true}

// Fields of a renewal not stored on its row: figures computed when read (the grant's facts it
// carries are unexported, joined in from share_grants).
var renewalDerived = map[string]bool{"Remaining": true, "Overdue": true, "Mark": true}

// Fields of an escalation not stored on its row: names joined in from orgs, the subject's link
// and figures computed when read.
var escalationDerived = map[string]bool{"AuthorityOrg": true, "Responsible": true, "Requester": true, "Link": true,
	"Remaining": true, "Overdue": true, "DeadlineProvisional": true, "MissingYears": true}

// fill sets every exported stored field of *v (a struct) to a value that differs per field and
// per round, so that two fields swapped, or one not bound to a column, shows as a difference.
func fill(t *testing.T, v any, derived map[string]bool, round int) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < rv.NumField(); i++ {
		f, sf := rv.Field(i), rv.Type().Field(i)
		if derived[sf.Name] || !sf.IsExported() {
			continue
		}
		switch x := f.Addr().Interface().(type) {
		case *time.Time:
			*x = base.Add(time.Duration(round*100+i) * time.Hour).Local()
		case *[]string:
			*x = []string{fmt.Sprintf("%s-%d-a", sf.Name, round), fmt.Sprintf("%s-%d-b", sf.Name, round)}
		case *bool:
			*x = round%2 == 1
		case *share.Commitment:
			*x = share.Commitment{Authenticity: true, Compliance: round%2 == 1, Security: true, Text: fmt.Sprintf("承诺-%d", round),
				SignedBy: fmt.Sprintf("u-%d", round), SignedName: "签署人", SignedAt: base.Add(time.Duration(round) * time.Minute).Local()}
		default:
			switch f.Kind() {
			case reflect.String:
				f.SetString(fmt.Sprintf("%s-%d", sf.Name, round))
			case reflect.Int, reflect.Int64:
				f.SetInt(int64(round*1000 + i))
			default:
				t.Fatalf("%s.%s (%s): the test does not know how to fill it; add a case (and bind it to its column)", rv.Type().Name(), sf.Name, f.Type())
			}
		}
	}
}

// same reports every exported stored field of want that got does not hold.
func same(t *testing.T, what string, got, want any, derived map[string]bool) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < wv.NumField(); i++ {
		sf := wv.Type().Field(i)
		if derived[sf.Name] || !sf.IsExported() {
			continue
		}
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if wt, ok := w.(time.Time); ok {
			if !wt.Equal(g.(time.Time)) {
				t.Errorf("%s: %s.%s = %v, want %v", what, wv.Type().Name(), sf.Name, g, w)
			}
			continue
		}
		if wc, ok := w.(share.Commitment); ok {
			gc := g.(share.Commitment)
			if !wc.SignedAt.Equal(gc.SignedAt) {
				t.Errorf("%s: Commitment.SignedAt = %v, want %v", what, gc.SignedAt, wc.SignedAt)
			}
			wc.SignedAt, gc.SignedAt = time.Time{}, time.Time{}
			w, g = wc, gc
		}
		if !reflect.DeepEqual(w, g) {
			t.Errorf("%s: %s.%s = %#v, want %#v", what, wv.Type().Name(), sf.Name, g, w)
		}
	}
}

// sameColumns checks that the table's real columns (from the database's catalog) are exactly
// those bound to fields.
func sameColumns(t *testing.T, d *db.DB, table string) {
	t.Helper()
	q := "SELECT name FROM pragma_table_info('" + table + "')"
	if d.IsPG() {
		q = "SELECT column_name FROM information_schema.columns WHERE table_name = '" + table + "' AND table_schema = current_schema()"
	}
	rows, err := d.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	bound := share.ColumnNames(table)
	slices.Sort(cols)
	slices.Sort(bound)
	if len(cols) == 0 || !slices.Equal(cols, bound) {
		t.Fatalf("%s columns %v\nbound to fields %v", table, cols, bound)
	}
}

// saveRequest stores a request row with every field filled (grants reference one).
func saveRequest(t *testing.T, a *app.App, id string, round int) {
	t.Helper()
	var r share.Request
	fill(t, &r, requestDerived, round)
	r.ID = id
	if err := a.Share.SaveRequestRow(ctx, &r, true); err != nil {
		t.Fatalf("save request %s: %v", id, err)
	}
}

// saveGrant stores a grant row with every field filled, and the request it references.
func saveGrant(t *testing.T, a *app.App, g *share.Grant, round int) {
	t.Helper()
	fill(t, g, grantDerived, round)
	g.ID = fmt.Sprintf("grant-roundtrip-%d", round)
	g.RequestID = fmt.Sprintf("req-of-grant-%d", round)
	saveRequest(t, a, g.RequestID, round)
	if err := a.Share.SaveGrantRow(ctx, g); err != nil {
		t.Fatalf("save grant: %v", err)
	}
}

// Every field of a share request is stored in its own column and read back from it, on insert
// and on update; every column of the table is bound to a field. Inserting a column at the wrong
// place in the one list, or adding a field or a column without binding it, fails here.
func TestRequestColumnsRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		for round, insert := range []bool{true, false} {
			var want share.Request
			fill(t, &want, requestDerived, round+1)
			want.ID = "req-roundtrip"
			if err := a.Share.SaveRequestRow(ctx, &want, insert); err != nil {
				t.Fatalf("save (insert=%v): %v", insert, err)
			}
			got, err := a.Share.LoadRequestRow(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("insert=%v", insert), got, want, requestDerived)
		}
		sameColumns(t, d, "share_requests")
	})
}

// The same for grants (inserted once, then changed column by column: there is no whole-row update).
func TestGrantColumnsRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		for round := 1; round <= 2; round++ {
			var want share.Grant
			saveGrant(t, a, &want, round)
			got, err := a.Share.LoadGrantRow(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("round %d", round), got, want, grantDerived)
		}
		sameColumns(t, d, "share_grants")
	})
}

// The same for demands, on insert and on update.
func TestDemandColumnsRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		for round, insert := range []bool{true, false} {
			var want share.Demand
			fill(t, &want, demandDerived, round+1)
			want.ID = "demand-roundtrip"
			if err := a.Share.SaveDemandRow(ctx, &want, insert); err != nil {
				t.Fatalf("save (insert=%v): %v", insert, err)
			}
			got, err := a.Share.LoadDemandRow(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("insert=%v", insert), got, want, demandDerived)
		}
		sameColumns(t, d, "share_demands")
	})
}

// The same for renewals, on insert and on update. A renewal is read with its grant, so the
// grants it names exist; it is pending, the state in which its decision deadline is shown.
func TestRenewalColumnsRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		for round, insert := range []bool{true, false} {
			var g share.Grant
			saveGrant(t, a, &g, round+1)
			var want share.Renewal
			fill(t, &want, renewalDerived, round+1)
			want.ID, want.GrantID, want.State = "renewal-roundtrip", g.ID, share.RenewalPending
			if err := a.Share.SaveRenewalRow(ctx, &want, insert); err != nil {
				t.Fatalf("save (insert=%v): %v", insert, err)
			}
			got, err := a.Share.LoadRenewalRow(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("insert=%v", insert), got, want, renewalDerived)
		}
		sameColumns(t, d, "share_renewals")
	})
}

// The same for escalations, on insert and on update, with the unexported start of the running
// deadline (stored in due_since).
func TestEscalationColumnsRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		for round, insert := range []bool{true, false} {
			var want share.Escalation
			fill(t, &want, escalationDerived, round+1)
			want.ID = "esc-roundtrip"
			*share.EscalationDueSince(&want) = int64(1_770_000_000_000 + round)
			if err := a.Share.SaveEscalationRow(ctx, &want, insert); err != nil {
				t.Fatalf("save (insert=%v): %v", insert, err)
			}
			got, err := a.Share.LoadEscalationRow(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			same(t, fmt.Sprintf("insert=%v", insert), got, want, escalationDerived)
			if g, w := *share.EscalationDueSince(&got), *share.EscalationDueSince(&want); g != w {
				t.Errorf("insert=%v: dueSince = %d, want %d", insert, g, w)
			}
		}
		sameColumns(t, d, "escalations")
	})
}
