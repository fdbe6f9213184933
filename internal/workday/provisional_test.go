package workday

import (
	"reflect"
	"testing"
)

// A deadline counted into a year without a table is provisional and names the year; with the
// year's table it is not, and the count follows the table.
func TestDeadlineAcrossMissingYear(t *testing.T) {
	c := Default()
	dl := c.Deadline(d("2026-12-30"), 2)
	if Format(dl.Due) != "2027-01-01" || !dl.Provisional() || !reflect.DeepEqual(dl.Missing, []int{2027}) {
		t.Fatalf("2026-12-30 + 2 = %s, missing %v; want 2027-01-01 provisional for 2027", Format(dl.Due), dl.Missing)
	}
	// Inside published years nothing is provisional (the National Day week of 2026).
	if dl := c.Deadline(d("2026-09-30"), 5); Format(dl.Due) != "2026-10-13" || dl.Provisional() {
		t.Fatalf("2026-09-30 + 5 = %s (missing %v), want 2026-10-13 final", Format(dl.Due), dl.Missing)
	}
	// Shown on 2026-12-31, a stored 2027 date is provisional; a 2026 one is not, even when shown
	// later in 2027.
	if got := c.ProvisionalDue("2027-01-04", d("2026-12-31")); !reflect.DeepEqual(got, []int{2027}) {
		t.Fatalf("ProvisionalDue(2027-01-04) = %v, want [2027]", got)
	}
	if got := c.ProvisionalDue("2026-12-31", d("2027-01-05")); got != nil {
		t.Fatalf("ProvisionalDue(2026-12-31) shown in 2027 = %v, want none", got)
	}

	next := c.Merged([]Day{{Date: "2027-01-01", Kind: Off, Name: "fixture"}})
	dl = next.Deadline(d("2026-12-30"), 2)
	if Format(dl.Due) != "2027-01-04" || dl.Provisional() {
		t.Fatalf("with a 2027 table: 2026-12-30 + 2 = %s (missing %v), want 2027-01-04 final", Format(dl.Due), dl.Missing)
	}
	if len(next.Days(2026)) != len(c.Days(2026)) {
		t.Fatal("Merged dropped another year's table")
	}
	// Recount moves the stored date as if counted anew, from the start or from the year's end.
	// (A start before 2026-12-31 restarts the count there: the days before it are unchanged.)
	for _, since := range []string{"2026-12-30", "2026-12-01"} {
		if got := Format(Recount(c, next, d(since), d("2027-01-01"), []int{2027})); got != "2027-01-04" {
			t.Fatalf("Recount(since %s) = %s, want 2027-01-04", since, got)
		}
	}
	if got := Format(Recount(c, next, d("2026-09-30"), d("2026-10-13"), []int{2027})); got != "2026-10-13" {
		t.Fatalf("Recount of a 2026 deadline = %s, want it unchanged", got)
	}
}
