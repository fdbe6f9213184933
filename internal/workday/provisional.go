package workday

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Provisional deadlines (暂定期限). Only the State Council's published table of a year says which
// of its days are off and which are make-up working days; the platform never invents one. A
// deadline whose working days run through a year that has no table yet is counted Monday–Friday
// there and is provisional: it is shown as such, and recomputed when the authority imports that
// year's table (Store.Import runs the hooks that do it).

// HasYear tells whether the calendar has a table for the year (at least one listed day).
func (c *Calendar) HasYear(y int) bool {
	prefix := fmt.Sprintf("%04d-", y)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.years != nil {
		return c.years[y]
	}
	for k := range c.days {
		if k[:5] == prefix {
			return true
		}
	}
	return false
}

// MissingYears lists the years from the one containing from to the one containing to (in
// order; from after to is read the other way round) that have no table.
func (c *Calendar) MissingYears(from, to time.Time) []int {
	a, b := Date(from).Year(), Date(to).Year()
	if a > b {
		a, b = b, a
	}
	var out []int
	for y := a; y <= b; y++ {
		if !c.HasYear(y) {
			out = append(out, y)
		}
	}
	return out
}

// Deadline is a due date with whether it could be counted on published tables only.
type Deadline struct {
	Due time.Time
	// Missing lists the years without a table that the count ran through; the deadline is
	// provisional when it is not empty.
	Missing []int
}

// Provisional tells whether the deadline was counted through a year without a table.
func (d Deadline) Provisional() bool { return len(d.Missing) > 0 }

// Deadline is AddWorkdays that also says which years without a table the count went through
// (the days after from up to the due day).
func (c *Calendar) Deadline(from time.Time, n int) Deadline {
	due := c.AddWorkdays(from, n)
	if n <= 0 {
		return Deadline{Due: due}
	}
	return Deadline{Due: due, Missing: c.MissingYears(Date(from).AddDate(0, 0, 1), due)}
}

// ProvisionalYears says, for a stored due date shown at now, which years without a table lie
// between now (or the due day, if earlier) and the due day: the deadline is provisional when the
// list is not empty. Years before the current one are not second-guessed.
func (c *Calendar) ProvisionalYears(due, now time.Time) []int {
	if due.IsZero() {
		return nil
	}
	from := now
	if due.Before(now) {
		from = due
	}
	return c.MissingYears(from, due)
}

// ProvisionalDue is ProvisionalYears for a stored YYYY-MM-DD date ("" or unreadable: none).
func (c *Calendar) ProvisionalDue(due string, now time.Time) []int {
	if due == "" {
		return nil
	}
	d, err := Parse(due)
	if err != nil {
		return nil
	}
	return c.ProvisionalYears(d, now)
}

// Recount returns the due date that the new calendar gives a deadline that the old calendar
// had set to due, counted from since (the moment the deadline started). Only the years in
// years changed: the count is restarted at the end of the year before the first of them that
// the deadline reaches (or at since, when that is later), so days before it count as before.
func Recount(old, new *Calendar, since, due time.Time, years []int) time.Time {
	ys := append([]int(nil), years...)
	sort.Ints(ys)
	first := 0
	for _, y := range ys {
		if y <= Date(due).Year() {
			first = y
			break
		}
	}
	if first == 0 {
		return Date(due)
	}
	pivot := time.Date(first-1, 12, 31, 0, 0, 0, 0, Location)
	if s := Date(since); !since.IsZero() && s.After(pivot) {
		pivot = s
	}
	if !Date(due).After(pivot) {
		return Date(due)
	}
	n := 0
	for x := pivot.AddDate(0, 0, 1); !x.After(Date(due)); x = x.AddDate(0, 0, 1) {
		if old.IsWorkday(x) {
			n++
		}
	}
	return new.AddWorkdays(pivot, n)
}

// Merged returns a copy of the calendar with the tables of the years the days cover replaced by
// the days: what the calendar will be once an import of them commits.
func (c *Calendar) Merged(days []Day) *Calendar {
	replaced := map[int]bool{}
	for _, y := range Years(days) {
		replaced[y] = true
	}
	var all []Day
	for _, d := range c.Days(0) {
		var y int
		fmt.Sscanf(d.Date[:4], "%d", &y)
		if !replaced[y] {
			all = append(all, d)
		}
	}
	return New(append(all, days...))
}

// Mark is how a shown deadline says it is provisional (暂定期限): every API type that shows a
// due date embeds one, so each answers deadline_provisional and deadline_missing_years alike,
// and the pages show the same badge from it.
type Mark struct {
	// DeadlineProvisional: the due date runs into a year whose holiday table is not imported
	// yet (MissingYears names them); it is recomputed when the table is imported.
	DeadlineProvisional bool  `json:"deadline_provisional,omitempty"`
	MissingYears        []int `json:"deadline_missing_years,omitempty"`
}

// Mark tells, at now, whether a stored YYYY-MM-DD due date is provisional ("" or unreadable:
// not). The one helper every capability uses for the deadlines it shows.
func (c *Calendar) Mark(due string, now time.Time) Mark {
	if c == nil {
		return Mark{}
	}
	ys := c.ProvisionalDue(due, now)
	return Mark{DeadlineProvisional: len(ys) > 0, MissingYears: ys}
}

// MarkAll is Mark for several due dates shown together (a catalog entry's review and update
// dates): provisional when any is, naming every missing year once.
func (c *Calendar) MarkAll(now time.Time, dues ...string) Mark {
	var m Mark
	for _, d := range dues {
		for _, y := range c.Mark(d, now).MissingYears {
			if !slices.Contains(m.MissingYears, y) {
				m.MissingYears = append(m.MissingYears, y)
			}
		}
	}
	sort.Ints(m.MissingYears)
	m.DeadlineProvisional = len(m.MissingYears) > 0
	return m
}
