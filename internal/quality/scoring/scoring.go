// Package scoring is the one definition of the quality scores (质量评分, AGG-5, QUA-2, SUP-3):
// the per-dimension scores and the total of an entry's data, and how lateness against the
// declared update frequency lowers timeliness. A load's quality report (internal/ingest), the
// entry's quality page, the agency scores and the daily snapshots (internal/quality) all compute
// through it, so they show the same numbers.
//
// It is a leaf package: it imports only the catalog's frequency type.
package scoring

import (
	"math"
	"time"

	"pubdata/internal/catalog"
)

// Quality dimensions (质量维度, QUA-1).
const (
	Completeness = "completeness" // 完整性
	Accuracy     = "accuracy"     // 准确性
	Consistency  = "consistency"  // 一致性
	Timeliness   = "timeliness"   // 及时性
	Availability = "availability" // 可用性
)

// Dimensions lists the dimensions in display order.
var Dimensions = []string{Completeness, Accuracy, Consistency, Timeliness, Availability}

// Score is a quality score, 0–100 per dimension; Total is their mean.
type Score struct {
	Completeness float64 `json:"completeness"`
	Accuracy     float64 `json:"accuracy"`
	Consistency  float64 `json:"consistency"`
	Timeliness   float64 `json:"timeliness"`
	Availability float64 `json:"availability"`
	Total        float64 `json:"total"`
}

// Dim returns one dimension's value (the total for an unknown name).
func (s Score) Dim(d string) float64 {
	switch d {
	case Completeness:
		return s.Completeness
	case Accuracy:
		return s.Accuracy
	case Consistency:
		return s.Consistency
	case Timeliness:
		return s.Timeliness
	case Availability:
		return s.Availability
	}
	return s.Total
}

// Totaled returns s with Total recomputed as the mean of the five dimensions.
func (s Score) Totaled() Score {
	s.Total = Round1((s.Completeness + s.Accuracy + s.Consistency + s.Timeliness + s.Availability) / 5)
	return s
}

// Counts are what a score is computed from.
type Counts struct {
	// Rows counted: the rows the entry holds plus the rows sent but not held.
	Rows int
	// Held rows (loaded, usable).
	Held int
	// Bad counts, per dimension, the rows with at least one open problem of that dimension.
	Bad map[string]int
	// Late is the lateness factor of the data (Lateness), 1 when on time.
	Late float64
}

// Of computes the score: each of completeness, accuracy, consistency and timeliness is the share
// of the rows with no open problem of that dimension (timeliness further capped at 100 times
// the lateness factor); availability is the share of the rows that are held; the total is the mean.
func Of(c Counts) Score {
	all := max(c.Rows, 0)
	s := Score{
		Completeness: Pct(all-c.Bad[Completeness], all),
		Accuracy:     Pct(all-c.Bad[Accuracy], all),
		Consistency:  Pct(all-c.Bad[Consistency], all),
		Timeliness:   Pct(all-c.Bad[Timeliness], all),
		Availability: Pct(c.Held, all),
	}
	if c.Late > 0 && c.Late < 1 {
		s.Timeliness = Round1(min(s.Timeliness, 100*c.Late))
	}
	return s.Totaled()
}

// Pct is 100·good/all rounded to one decimal (100 when there is nothing to count).
func Pct(good, all int) float64 {
	if all <= 0 {
		return 100
	}
	good = min(max(good, 0), all)
	return Round1(100 * float64(good) / float64(all))
}

// Round1 rounds to one decimal.
func Round1(f float64) float64 { return math.Round(f*10) / 10 }

// Period is the longest gap between two loads that a declared update frequency allows
// (更新周期, AGG-5); 0 for irregular updates, which are never late. Realtime data is expected
// at least daily.
func Period(f catalog.Frequency) time.Duration {
	const day = 24 * time.Hour
	switch f {
	case catalog.FreqRealtime, catalog.FreqDaily:
		return day
	case catalog.FreqWeekly:
		return 7 * day
	case catalog.FreqMonthly:
		return 31 * day
	case catalog.FreqQuarterly:
		return 92 * day
	case catalog.FreqYearly:
		return 366 * day
	}
	return 0
}

// Grace is the slack after a period before data counts as late: a sixth of the period, at
// least 12 hours (daily → 36 h, weekly → 8 days, monthly → about 36 days).
func Grace(period time.Duration) time.Duration { return max(12*time.Hour, period/6) }

// Due is when the next load is due after one at last (zero for irregular updates or no load).
func Due(f catalog.Frequency, last time.Time) time.Time {
	p := Period(f)
	if p == 0 || last.IsZero() {
		return time.Time{}
	}
	return last.Add(p + Grace(p))
}

// LateCap is the most timeliness data can score once it is late.
const LateCap = 60

// Lateness is the factor (0–1] by which timeliness is multiplied when the data, last loaded at
// last, is looked at (or reloaded) at now: 1 until the next load is due; once late, at most
// LateCap/100 and shrinking as the gap grows (LateCap/100 · allowed gap / actual gap). The same
// rule applies to a load that came late (now = the load, last = the load before) and to an entry
// that is late while nothing is loaded (now = the moment of reading), so lateness lowers the
// score while it lasts, not only at the next load.
func Lateness(f catalog.Frequency, last, now time.Time) float64 {
	due := Due(f, last)
	if due.IsZero() || !now.After(due) {
		return 1
	}
	allowed := due.Sub(last).Hours()
	gap := now.Sub(last).Hours()
	return LateCap / 100.0 * allowed / gap
}

// AtTime returns the stored score s of data last loaded at last, as it stands at now: its
// timeliness capped by the lateness since then and the total recomputed.
func AtTime(s Score, f catalog.Frequency, last, now time.Time) Score {
	l := Lateness(f, last, now)
	if l >= 1 {
		return s
	}
	s.Timeliness = Round1(min(s.Timeliness, 100*l))
	return s.Totaled()
}
