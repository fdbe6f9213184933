// Package workday is the working-day calendar (工作日历): every legal deadline in the platform is
// counted here, in Asia/Shanghai, as Monday–Friday minus official days off plus official make-up
// working days (调休). The authority edits or imports each year's table; 2025 and 2026 ship built in.
// Nobody adds 24*time.Hour to a legal deadline.
package workday

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Kind says whether a listed day is an official day off or a make-up working day.
type Kind string

const (
	Off  Kind = "off"  // 法定节假日/休息日
	Work Kind = "work" // 调休上班日
)

// Day is one exception to the Monday–Friday rule.
type Day struct {
	Date string `json:"date"` // YYYY-MM-DD
	Kind Kind   `json:"kind"`
	Name string `json:"name,omitempty"`
}

// Location is the platform's legal time zone.
var Location = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Calendar answers working-day questions. It is safe for concurrent use.
type Calendar struct {
	mu    sync.RWMutex
	days  map[string]Day
	years map[int]bool // the years that have a table
}

// New makes a calendar from a list of exception days.
func New(days []Day) *Calendar {
	c := &Calendar{}
	c.Set(days)
	return c
}

// Default returns a calendar with the shipped 2025 and 2026 tables.
func Default() *Calendar { return New(Shipped()) }

// Set replaces all exception days.
func (c *Calendar) Set(days []Day) {
	m := make(map[string]Day, len(days))
	ys := map[int]bool{}
	for _, d := range days {
		m[d.Date] = d
		var y int
		fmt.Sscanf(d.Date, "%d-", &y)
		ys[y] = true
	}
	c.mu.Lock()
	c.days, c.years = m, ys
	c.mu.Unlock()
}

// Days lists the exception days of a year (all years when year is 0), sorted.
func (c *Calendar) Days(year int) []Day {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []Day
	prefix := fmt.Sprintf("%04d-", year)
	for k, d := range c.days {
		if year == 0 || k[:5] == prefix {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Date returns t's calendar day at midnight in Asia/Shanghai.
func Date(t time.Time) time.Time {
	t = t.In(Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Location)
}

// Parse reads YYYY-MM-DD as a date in Asia/Shanghai.
func Parse(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Location)
	if err != nil {
		return time.Time{}, fmt.Errorf("日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: %q", s)
	}
	return t, nil
}

// Format writes a date as YYYY-MM-DD (Asia/Shanghai).
func Format(t time.Time) string { return t.In(Location).Format("2006-01-02") }

// IsWorkday tells whether the day containing t is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	d := Date(t)
	c.mu.RLock()
	ex, ok := c.days[Format(d)]
	c.mu.RUnlock()
	if ok {
		return ex.Kind == Work
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the date n working days after the day containing from: the day itself
// does not count, so a request submitted on 2026-09-30 with 5 working days is due 2026-10-13.
// The deadline is the whole of the returned day.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	d := Date(from)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// Remaining counts the working days left before a deadline day, from now: 0 on the due day
// itself, negative once overdue (minus the working days elapsed since the due day).
func (c *Calendar) Remaining(due, now time.Time) int {
	d, n := Date(due), Date(now)
	switch {
	case n.Equal(d):
		return 0
	case n.Before(d):
		count := 0
		for x := n.AddDate(0, 0, 1); !x.After(d); x = x.AddDate(0, 0, 1) {
			if c.IsWorkday(x) {
				count++
			}
		}
		return count
	default:
		count := 0
		for x := d.AddDate(0, 0, 1); !x.After(n); x = x.AddDate(0, 0, 1) {
			if c.IsWorkday(x) {
				count++
			}
		}
		return -count
	}
}

// Overdue tells whether now is past the whole of the due day.
func Overdue(due, now time.Time) bool {
	return !Date(now).Before(Date(due).AddDate(0, 0, 1))
}

// Shipped returns the official 2025 and 2026 tables (State Council notices).
func Shipped() []Day {
	var out []Day
	add := func(kind Kind, name string, dates ...string) {
		for _, d := range dates {
			out = append(out, Day{Date: d, Kind: kind, Name: name})
		}
	}
	span := func(from, to string) []string {
		a, _ := Parse(from)
		b, _ := Parse(to)
		var ds []string
		for x := a; !x.After(b); x = x.AddDate(0, 0, 1) {
			ds = append(ds, Format(x))
		}
		return ds
	}
	// 2025
	add(Off, "元旦", "2025-01-01")
	add(Off, "春节", span("2025-01-28", "2025-02-04")...)
	add(Work, "春节调休", "2025-01-26", "2025-02-08")
	add(Off, "清明节", span("2025-04-04", "2025-04-06")...)
	add(Off, "劳动节", span("2025-05-01", "2025-05-05")...)
	add(Work, "劳动节调休", "2025-04-27")
	add(Off, "端午节", span("2025-05-31", "2025-06-02")...)
	add(Off, "国庆节、中秋节", span("2025-10-01", "2025-10-08")...)
	add(Work, "国庆节调休", "2025-09-28", "2025-10-11")
	// 2026
	add(Off, "元旦", span("2026-01-01", "2026-01-03")...)
	add(Work, "元旦调休", "2026-01-04")
	add(Off, "春节", span("2026-02-15", "2026-02-23")...)
	add(Work, "春节调休", "2026-02-14", "2026-02-28")
	add(Off, "清明节", span("2026-04-04", "2026-04-06")...)
	add(Off, "劳动节", span("2026-05-01", "2026-05-05")...)
	add(Work, "劳动节调休", "2026-05-09")
	add(Off, "端午节", span("2026-06-19", "2026-06-21")...)
	add(Off, "中秋节", span("2026-09-25", "2026-09-27")...)
	add(Work, "国庆节调休", "2026-09-20", "2026-10-10")
	add(Off, "国庆节", span("2026-10-01", "2026-10-07")...)
	return out
}
