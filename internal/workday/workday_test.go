package workday

import (
	"strings"
	"testing"
	"time"
)

func d(s string) time.Time { t, _ := Parse(s); return t }

func TestAddWorkdaysAcrossNationalDay(t *testing.T) {
	c := Default()
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-09-30", 5, "2026-10-13"}, // 10/1–10/7 off, 10/10 (Sat) is a make-up day
		{"2026-09-30", 1, "2026-10-08"},
		{"2026-02-13", 1, "2026-02-14"}, // Saturday make-up day
		{"2026-02-14", 1, "2026-02-24"}, // Spring Festival 2/15–2/23
		{"2026-11-27", 5, "2026-12-04"}, // plain weeks: Fri + 5 → next Fri
		{"2026-12-31", 1, "2027-01-01"}, // 2027 not loaded: weekdays only
		{"2025-09-30", 3, "2025-10-11"}, // 2025: 10/1–10/8 off, 10/11 Sat make-up; 10/9, 10/10, 10/11
	}
	for _, tc := range cases {
		if got := Format(c.AddWorkdays(d(tc.from), tc.n)); got != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestIsWorkday(t *testing.T) {
	c := Default()
	for s, want := range map[string]bool{
		"2026-10-10": true, "2026-10-05": false, "2026-11-29": false, "2026-11-30": true,
		"2026-01-04": true, "2026-01-02": false, "2026-05-09": true,
	} {
		if got := c.IsWorkday(d(s)); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestRemainingAndOverdue(t *testing.T) {
	c := Default()
	due := d("2026-10-13")
	if r := c.Remaining(due, d("2026-09-30")); r != 5 {
		t.Errorf("remaining = %d, want 5", r)
	}
	if r := c.Remaining(due, due.Add(15*time.Hour)); r != 0 {
		t.Errorf("remaining on due day = %d, want 0", r)
	}
	if r := c.Remaining(due, d("2026-10-15")); r != -2 {
		t.Errorf("remaining after = %d, want -2", r)
	}
	if Overdue(due, due.Add(23*time.Hour)) {
		t.Error("due day itself must not be overdue")
	}
	if !Overdue(due, d("2026-10-14")) {
		t.Error("day after due must be overdue")
	}
}

func TestParseTable(t *testing.T) {
	days, err := ParseTable(strings.NewReader("date,kind,name\n2027-01-01,休,元旦\n2027-02-07,work,春节调休\n"))
	if err != nil || len(days) != 2 || days[0].Kind != Off || days[1].Kind != Work {
		t.Fatalf("csv: %v %+v", err, days)
	}
	c := New(days)
	if c.IsWorkday(d("2027-01-01")) || !c.IsWorkday(d("2027-02-07")) {
		t.Error("imported table not applied")
	}
	_, err = ParseTable(strings.NewReader("2027-13-01,off\n2027-01-02,maybe\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad lines not all reported: %v", err)
	}
	days, err = ParseTable(strings.NewReader(`[{"date":"2027-10-01","kind":"off","name":"国庆节"}]`))
	if err != nil || len(days) != 1 {
		t.Fatalf("json: %v", err)
	}
}
