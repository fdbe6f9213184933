package ingest

import (
	"context"
	"encoding/json"
	"pubdata/internal/audit"
	"pubdata/internal/errs"
	"sort"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/mask"
	"pubdata/internal/quality/scoring"
)

// Report is the quality report of one load (质量报告, QUA-2): per dimension how many checks ran
// and failed, per rule the failing count with masked samples, and the problem rows with their
// line numbers.
type Report struct {
	LoadID        string           `json:"load_id"`
	EntryID       string           `json:"entry_id"`
	EntryName     string           `json:"entry_name"`
	Status        string           `json:"status"`
	Channel       Channel          `json:"channel"`
	Mode          Mode             `json:"mode"`
	Partial       bool             `json:"partial"`
	Format        string           `json:"format,omitempty"`
	Encoding      string           `json:"encoding,omitempty"`
	FileName      string           `json:"file_name,omitempty"`
	Version       int64            `json:"version,omitempty"`
	RowsRead      int64            `json:"rows_read"`
	RowsValid     int64            `json:"rows_valid"`
	RowsInvalid   int64            `json:"rows_invalid"`
	RowsLoaded    int64            `json:"rows_loaded"`
	RowsUnchanged int64            `json:"rows_unchanged,omitempty"`
	RowsDeleted   int64            `json:"rows_deleted,omitempty"`
	Score         float64          `json:"score"`
	Dimensions    []DimensionScore `json:"dimensions"`
	Rules         []RuleResult     `json:"rules"`
	Problems      []Problem        `json:"problems"` // the first ReportProblems problems, keys masked
	ProblemsTotal int64            `json:"problems_total"`
	Timeliness    Timeliness       `json:"timeliness"`
	Seconds       float64          `json:"seconds"`
	CreatedAt     time.Time        `json:"created_at"`
}

// DimensionScore is one quality dimension of a report.
type DimensionScore struct {
	Name    string  `json:"name"`
	Checked int64   `json:"checked"`
	Failed  int64   `json:"failed"`
	Score   float64 `json:"score"` // 0–100
}

// RuleResult is one rule's outcome on one field.
type RuleResult struct {
	Rule      string   `json:"rule"`
	Field     string   `json:"field,omitempty"`
	Dimension string   `json:"dimension"`
	ZH        string   `json:"message"`
	EN        string   `json:"message_en"`
	Failing   int64    `json:"failing"`
	Advisory  bool     `json:"advisory,omitempty"`
	Samples   []Sample `json:"samples"`
}

// Sample is one failing row of a rule, masked.
type Sample struct {
	Line  int    `json:"line"`
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
}

// Timeliness says whether the load came when the entry's update frequency expected it.
type Timeliness struct {
	Frequency  string    `json:"frequency"`
	PreviousAt time.Time `json:"previous_at,omitzero"`
	DueAt      time.Time `json:"due_at,omitzero"`
	Late       bool      `json:"late"`
	DaysLate   int       `json:"days_late,omitempty"`
}

// ReportProblems is how many problem rows a stored report lists (counts stay exact).
const ReportProblems = 1000

const samplesPerRule = 5

type dimCount struct{ checked, failed int64 }

type ruleKey struct{ rule, field string }

type reportBuilder struct {
	dims     map[string]*dimCount
	rules    map[ruleKey]*RuleResult
	order    []ruleKey
	problems []Problem
	total    int64
	max      int
	keyKind  catalog.FieldKind
	masks    mask.Rules
	// badLines are, per dimension, the lines with a problem (for the score).
	badLines map[string]map[int]bool
	// late is the lateness factor of the load (scoring.Lateness), 1 when on time.
	late float64
}

func newReportBuilder(e *catalog.Entry, max int) *reportBuilder {
	rb := &reportBuilder{dims: map[string]*dimCount{}, rules: map[ruleKey]*RuleResult{}, max: max, masks: mask.DefaultRules(),
		badLines: map[string]map[int]bool{}, late: 1}
	for _, d := range []string{DimCompleteness, DimAccuracy, DimConsistency, DimTimeliness} {
		rb.dims[d] = &dimCount{}
	}
	if ks := keyIndexes(e); len(ks) > 0 {
		rb.keyKind = e.Fields[ks[0]].Kind
	}
	return rb
}

func (rb *reportBuilder) maskKey(k string) string {
	if k == "" {
		return ""
	}
	if _, ok := rb.masks[rb.keyKind]; ok {
		return rb.masks.Value(rb.keyKind, k)
	}
	return clip(k, 40)
}

// add records one problem.
func (rb *reportBuilder) add(p Problem, key string, advisory bool) {
	if p.Key == "" {
		p.Key = key
	}
	rb.total++
	if p.Line > 1 || p.Key != "" {
		if rb.badLines[p.Dimension] == nil {
			rb.badLines[p.Dimension] = map[int]bool{}
		}
		rb.badLines[p.Dimension][p.Line] = true
	}
	if len(rb.problems) < rb.max {
		rb.problems = append(rb.problems, p)
	}
	k := ruleKey{p.Rule, p.Field}
	r := rb.rules[k]
	if r == nil {
		r = &RuleResult{Rule: p.Rule, Field: p.Field, Dimension: p.Dimension, ZH: p.ZH, EN: p.EN, Advisory: advisory, Samples: []Sample{}}
		rb.rules[k] = r
		rb.order = append(rb.order, k)
	}
	r.Failing++
	if len(r.Samples) < samplesPerRule {
		r.Samples = append(r.Samples, Sample{Line: p.Line, Key: rb.maskKey(p.Key), Value: p.Value})
	}
}

// finish fills the report's computed parts. The score is computed by the one definition
// (scoring.Of) over this load's rows: the rows read, those held, the lines with a problem per
// dimension and the load's lateness. When quality scoring is wired (Service.Scored), a
// committed load's score is then replaced by the entry's score after the load (applyScore),
// which judges the load together with the rows the entry already held.
func (rb *reportBuilder) finish(r *Report) {
	c := scoring.Counts{Rows: int(r.RowsRead), Bad: map[string]int{}, Late: rb.late}
	if r.Status == StatusCommitted {
		c.Held = int(r.RowsValid)
	}
	for d, ls := range rb.badLines {
		c.Bad[d] = len(ls)
	}
	r.applyScore(scoring.Of(c), rb)
	r.Rules = make([]RuleResult, 0, len(rb.order))
	for _, k := range rb.order {
		r.Rules = append(r.Rules, *rb.rules[k])
	}
	sort.SliceStable(r.Rules, func(i, j int) bool { return r.Rules[i].Failing > r.Rules[j].Failing })
	r.ProblemsTotal = rb.total
	limit := min(len(rb.problems), ReportProblems)
	r.Problems = make([]Problem, limit)
	for i := 0; i < limit; i++ {
		p := rb.problems[i]
		p.Key = rb.maskKey(p.Key)
		r.Problems[i] = p
	}
}

// applyScore sets the report's score and its dimensions' scores from sc; rb (nil for a stored
// report) supplies the check counts.
func (r *Report) applyScore(sc scoring.Score, rb *reportBuilder) {
	if rb != nil {
		r.Dimensions = nil
		for _, name := range []string{DimCompleteness, DimAccuracy, DimConsistency, DimTimeliness} {
			d := rb.dims[name]
			r.Dimensions = append(r.Dimensions, DimensionScore{Name: name, Checked: d.checked, Failed: d.failed})
		}
		r.Dimensions = append(r.Dimensions, DimensionScore{Name: DimAvailability, Checked: r.RowsRead, Failed: r.RowsRead - min(r.RowsValid, r.RowsRead)})
		if r.Status != StatusCommitted {
			r.Dimensions[len(r.Dimensions)-1].Failed = r.RowsRead
		}
	}
	for i := range r.Dimensions {
		r.Dimensions[i].Score = sc.Dim(r.Dimensions[i].Name)
	}
	r.Score = sc.Total
}

// timeliness scores the load against the entry's declared frequency and the previous load.
func (rb *reportBuilder) timeliness(freq catalog.Frequency, prev, now time.Time) Timeliness {
	t := Timeliness{Frequency: string(freq), PreviousAt: prev}
	d := rb.dims[DimTimeliness]
	period := FrequencyPeriod(freq)
	if prev.IsZero() || period == 0 {
		return t
	}
	d.checked++
	t.DueAt = scoring.Due(freq, prev)
	rb.late = scoring.Lateness(freq, prev, now)
	if now.After(t.DueAt) {
		t.Late = true
		t.DaysLate = int(now.Sub(t.DueAt).Hours()/24) + 1
		d.failed++
		rb.add(Problem{Line: 0, Rule: RuleTimeliness, Dimension: DimTimeliness,
			ZH: "本次归集晚于更新周期要求", EN: "this load came later than the declared update frequency requires"}, "", true)
	}
	return t
}

// Report returns the quality report of a load.
func (s *Service) Report(ctx context.Context, p *authz.Principal, loadID string) (_ *Report, err error) {
	defer errs.Wrap(&err, "ingest: Report(%s)", loadID)
	l, err := s.loadByID(ctx, loadID)
	if err != nil {
		return nil, err
	}
	if err := authz.Ingest(p, authz.Read, s.attrsOfTable(ctx, l.EntryID, l.OrgID)); err != nil {
		return nil, err
	}
	// The report carries (masked) sample values of problem rows: reading it is a data access.
	if err := s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID,
		Action: "ingest.report.read", ObjectType: "ingest_load", ObjectID: loadID, Detail: map[string]any{"entry_id": l.EntryID}}); err != nil {
		return nil, err
	}
	return s.reportOf(ctx, loadID)
}

func (s *Service) reportOf(ctx context.Context, loadID string) (*Report, error) {
	var js string
	err := s.DB.QueryRowContext(ctx, "SELECT report FROM ingest_reports WHERE load_id = $1", loadID).Scan(&js)
	if db.IsNoRows(err) {
		return nil, ErrNoLoad
	}
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		return nil, err
	}
	return &r, nil
}
