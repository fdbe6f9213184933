package open

import (
	"context"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/workday"
)

// The open catalog (开放目录, OPN-1) is the catalog's search limited to published entries whose
// open type is unconditional or conditional; nothing is copied, so it follows every catalog
// change at once. Facets: agency, topic, region, data form and open type.

// OpenFacets are the facet keys of the open catalog, in display order.
var OpenFacets = []string{"agency", "topic", "region", "data_form", "open_type"}

// SearchQuery is an open catalog search.
type SearchQuery struct {
	Q        string `json:"q"`
	Agency   string `json:"agency,omitempty"`
	Topic    string `json:"topic,omitempty"`
	Region   string `json:"region,omitempty"`
	Form     string `json:"data_form,omitempty"`
	OpenType string `json:"open_type,omitempty"`
	Page     int    `json:"page"`
	PageSize int    `json:"page_size"` // 1–100, default 20
}

// SearchResult is a page of open datasets with facet counts.
type SearchResult struct {
	Query    string                          `json:"q"`
	Total    int                             `json:"total"`
	Page     int                             `json:"page"`
	PageSize int                             `json:"page_size"`
	Items    []catalog.Hit                   `json:"items"`
	Facets   map[string][]catalog.FacetCount `json:"facets"`
}

// Search searches the open catalog (no login). Facet values carry their display names.
func (s *Service) Search(ctx context.Context, q SearchQuery) (_ SearchResult, err error) {
	defer errs.Wrap(&err, "open: Search")
	if q.PageSize == 0 {
		q.PageSize = 20
	}
	if q.PageSize > s.Limits.MaxSearchPerPage {
		q.PageSize = s.Limits.MaxSearchPerPage
	}
	if q.OpenType == string(catalog.OpenNone) {
		q.OpenType = "-" // matches nothing
	}
	res, err := s.Catalog.Search(ctx, &authz.Principal{}, catalog.SearchQuery{Q: q.Q, Agency: q.Agency, Topic: q.Topic, Region: q.Region, Form: q.Form,
		Open: q.OpenType, OpenOnly: true, Page: q.Page, PageSize: q.PageSize})
	if err != nil {
		return SearchResult{}, err
	}
	s.Catalog.LabelFacets(ctx, &res)
	out := SearchResult{Query: res.Query, Total: res.Total, Page: res.Page, PageSize: res.PageSize, Items: res.Hits, Facets: map[string][]catalog.FacetCount{}}
	for _, k := range OpenFacets {
		out.Facets[k] = res.Facets[k]
		if out.Facets[k] == nil {
			out.Facets[k] = []catalog.FacetCount{}
		}
	}
	return out, nil
}

// Dataset is the dataset page's view model (数据集详情, OPN-1, OPN-2).
type Dataset struct {
	ID           string           `json:"id"`
	Code         string           `json:"code"`
	Name         string           `json:"name"`
	NameEN       string           `json:"name_en,omitempty"`
	Description  string           `json:"description"`
	OpenType     catalog.OpenType `json:"open_type"`
	OpenCond     string           `json:"open_conditions,omitempty"`
	ProviderID   string           `json:"provider_org_id"`
	Provider     string           `json:"provider"`
	ProviderEN   string           `json:"provider_en,omitempty"`
	RegionCode   string           `json:"region_code"`
	Region       string           `json:"region"`
	Topic        string           `json:"topic,omitempty"`
	TopicName    string           `json:"topic_name,omitempty"`
	Form         catalog.DataForm `json:"data_form"`
	Frequency    string           `json:"update_frequency"`
	Tags         []string         `json:"tags,omitempty"`
	PublishedAt  int64            `json:"published_at"` // catalog publication (Unix ms)
	LastUpdate   int64            `json:"last_update"`  // last data load (Unix ms), 0 before any
	Version      int64            `json:"version"`      // current data version, 0 before any
	Rows         int64            `json:"rows"`
	Licence      string           `json:"licence"`
	LicenceEN    string           `json:"licence_en,omitempty"`
	TemporalFrom string           `json:"temporal_from,omitempty"`
	TemporalTo   string           `json:"temporal_to,omitempty"`
	Spatial      string           `json:"spatial"`
	// Items are the data items as the public level sees them (dropped ones are listed apart).
	Items     []Column      `json:"items"`
	Withheld  []Item        `json:"withheld,omitempty"` // items not opened at the public level (名称 only)
	MinCount  int           `json:"min_count,omitempty"`
	Quality   *float64      `json:"quality_score,omitempty"` // latest quality total, 0–100
	Versions  []DataVersion `json:"versions"`
	Usage     []Usage       `json:"usage"` // monthly counts, newest first (12 months)
	Suspended []Suspension  `json:"suspended,omitempty"`
	Formats   []string      `json:"formats"`
	HasAPI    bool          `json:"has_api"`
}

// Item names a data item without its values.
type Item struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en,omitempty"`
	Reason  string `json:"reason"` // conditional | none
}

// DataVersion is one data version in the history, with a download when still stored.
type DataVersion struct {
	Version   int64  `json:"version"`
	At        int64  `json:"at"` // Unix ms
	Rows      int64  `json:"rows"`
	Available bool   `json:"available"`
	Current   bool   `json:"current"`
	Checksum  string `json:"checksum,omitempty"`
}

// Usage is one month's downloads and API calls of a dataset.
type Usage struct {
	Month     string `json:"month"` // YYYY-MM
	Downloads int64  `json:"downloads"`
	Calls     int64  `json:"calls"`
	Rows      int64  `json:"rows"`
}

// Dataset returns a dataset's page (no login): ErrNotOpen for an entry that is not published or
// not open. It shows metadata only; the preview is Preview (audited like any data call).
func (s *Service) Dataset(ctx context.Context, entryID string) (_ *Dataset, err error) {
	defer errs.Wrap(&err, "open: Dataset(%s)", entryID)
	e, err := s.Catalog.Published(ctx, entryID)
	if err != nil || (e.OpenType != catalog.OpenUnconditional && e.OpenType != catalog.OpenConditional) {
		return nil, ErrNotOpen
	}
	st, err := s.SettingsOf(ctx, entryID)
	if err != nil {
		return nil, err
	}
	cfg := s.Catalog.Config(ctx)
	d := &Dataset{ID: e.ID, Code: e.Code, Name: e.Name, NameEN: e.NameEN, Description: e.Summary, OpenType: e.OpenType, OpenCond: e.OpenCondition,
		ProviderID: e.ProviderOrgID, RegionCode: e.RegionCode, Topic: e.Topic, Form: e.Form, Frequency: string(e.Frequency), Tags: e.Tags,
		PublishedAt: int64(e.PublishedAt), Licence: st.Licence, TemporalFrom: st.TemporalFrom, TemporalTo: st.TemporalTo, Spatial: st.Spatial,
		MinCount: st.MinCount, Formats: Formats, HasAPI: true}
	d.Provider, d.ProviderEN = s.Catalog.FacetLabel(ctx, cfg, "agency", e.ProviderOrgID)
	d.Region, _ = s.Catalog.FacetLabel(ctx, cfg, "region", e.RegionCode)
	if e.Topic != "" {
		d.TopicName, _ = s.Catalog.FacetLabel(ctx, cfg, "topic", e.Topic)
	}
	if d.Licence == "" {
		d.Licence, d.LicenceEN = DefaultLicence, DefaultLicenceEN
	}
	if d.Spatial == "" {
		d.Spatial = d.Region
	}
	plan := PlanFor(&e, &st, Access{Conditional: e.OpenType == catalog.OpenConditional})
	d.Items = plan.Columns
	for _, name := range plan.Dropped {
		f, _ := e.Field(name)
		d.Withheld = append(d.Withheld, Item{Name: f.Name, Label: f.Label, LabelEN: f.LabelEN, Reason: string(catalog.FieldOpen(&e, &f))})
	}
	sum := s.Data.SummaryOf(ctx, entryID)
	d.Version, d.Rows, d.LastUpdate = sum.CurrentVersion, sum.Rows, int64(sum.LastLoadAt)
	loads, avail, err := s.Data.CommittedVersions(ctx, entryID, 20)
	if err != nil {
		return nil, err
	}
	d.Versions = []DataVersion{}
	for i, l := range loads {
		d.Versions = append(d.Versions, DataVersion{Version: l.Version, At: db.Millis(l.StartedAt), Rows: l.RowsTotal, Available: avail[i],
			Current: l.Version == sum.CurrentVersion, Checksum: l.Checksum})
	}
	if s.Quality != nil {
		if sc, ok := s.Quality.LatestScore(ctx, entryID); ok {
			d.Quality = &sc
		}
	}
	if d.Usage, err = s.UsageOf(ctx, entryID, 12); err != nil {
		return nil, err
	}
	if d.Suspended, err = s.Suspended(ctx, entryID); err != nil {
		return nil, err
	}
	return d, nil
}

// UsageOf returns a dataset's monthly counts, newest first.
func (s *Service) UsageOf(ctx context.Context, entryID string, months int) (_ []Usage, err error) {
	defer errs.Wrap(&err, "open: UsageOf(%s)", entryID)
	rows, err := s.DB.QueryContext(ctx, "SELECT month, downloads, calls, rows_out FROM open_usage WHERE entry_id = $1 ORDER BY month DESC LIMIT $2", entryID, months)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Usage{}
	for rows.Next() {
		var u Usage
		if err := rows.Scan(&u.Month, &u.Downloads, &u.Calls, &u.Rows); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Stats are the portal's figures (开放概况): open datasets, the share with an API (national
// target ≥ 30 %), downloads and calls this month.
type Stats struct {
	Datasets      int     `json:"datasets"`
	Unconditional int     `json:"unconditional"`
	Conditional   int     `json:"conditional"`
	WithData      int     `json:"with_data"`
	WithAPI       int     `json:"with_api"`
	APIShare      float64 `json:"api_share"` // percent of open datasets with an API
	APITarget     float64 `json:"api_target"`
	Month         string  `json:"month"`
	Downloads     int64   `json:"downloads"`
	Calls         int64   `json:"calls"`
	Suspended     int     `json:"suspended"`
}

// APITarget is the national target for the share of open datasets with an API (percent).
const APITarget = 30

// Stats returns the portal's figures. A dataset "has an API" when its data is served by the
// open records API (it holds data, is not suspended) or its catalog form is an interface.
func (s *Service) Stats(ctx context.Context) (_ Stats, err error) {
	defer errs.Wrap(&err, "open: Stats")
	st := Stats{APITarget: APITarget, Month: workday.Date(s.now()).Format("2006-01")}
	withData, err := s.idSet(ctx, "SELECT entry_id FROM ingest_tables WHERE current_version > 0")
	if err != nil {
		return st, err
	}
	suspended, err := s.idSet(ctx, "SELECT DISTINCT entry_id FROM open_suspensions WHERE lifted_at = 0")
	if err != nil {
		return st, err
	}
	for page := 1; ; page++ {
		res, err := s.Catalog.Search(ctx, &authz.Principal{}, catalog.SearchQuery{OpenOnly: true, Page: page, PageSize: 500})
		if err != nil {
			return st, err
		}
		for _, h := range res.Hits {
			st.Datasets++
			if h.OpenType == catalog.OpenUnconditional {
				st.Unconditional++
			} else {
				st.Conditional++
			}
			if suspended[h.ID] {
				st.Suspended++
			}
			if withData[h.ID] {
				st.WithData++
			}
			if (withData[h.ID] && !suspended[h.ID]) || h.Form == catalog.FormAPI {
				st.WithAPI++
			}
		}
		if page*500 >= res.Total || page >= 200 {
			break
		}
	}
	if st.Datasets > 0 {
		st.APIShare = float64(int(float64(st.WithAPI)*1000/float64(st.Datasets)+0.5)) / 10
	}
	err = s.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(downloads),0), COALESCE(SUM(calls),0) FROM open_usage WHERE month = $1", st.Month).Scan(&st.Downloads, &st.Calls)
	return st, err
}

// Open tells whether an entry is in the open catalog (published, open type not "none").
func Open(e *catalog.Entry) bool {
	return e.OpenType == catalog.OpenUnconditional || e.OpenType == catalog.OpenConditional
}

func (s *Service) idSet(ctx context.Context, q string) (map[string]bool, error) {
	rows, err := s.DB.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
