// Package harvest serves the open catalog to harvesters (采集/汇交): a CKAN-compatible read API
// (the Action API that every CKAN harvester speaks, /api/3/action/…), DCAT-AP 3 in JSON-LD and
// Turtle with Hydra paging, and Atom feeds of changes. Datasets keep the identifier and name they
// were first opened with; once a dataset stops being open it stays visible as a tombstone
// (state "deleted") so that harvesters learn of the withdrawal.
//
// The package reads open datasets through Source, an interface it defines: the catalog adapter
// (CatalogSource) supplies metadata; records come from the opening package's one transformation,
// never from a masking path of this package.
package harvest

import (
	"context"
	"net/http"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
)

// Field is one data item of an open dataset as a harvester sees it.
type Field struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Type  string `json:"type"`
}

// Distribution is one way to obtain a dataset (a download format or the API).
type Distribution struct {
	Format    string // CSV, XLSX, JSON, Parquet, API
	MediaType string
	Path      string // site-relative URL of the download or endpoint
	Title     string
	API       bool // the records API (datastore_search)
}

// Dataset is one open dataset (开放数据集) as harvested: the published catalog version of an
// entry whose open type is not 不予开放, or a tombstone of one that was open once.
type Dataset struct {
	ID            string // the catalog entry id: never changes
	Name          string // URL name fixed at first opening: never changes
	Code          string
	Title         string
	TitleEN       string
	Summary       string
	OrgID         string
	OrgName       string
	OrgNameEN     string
	Region        string
	Topic         string
	Tags          []string
	OpenType      string // unconditional | conditional
	OpenCondition string
	Frequency     string
	LegalBasis    string
	Version       int
	Fields        []Field
	Created       int64 // Unix ms, first opening
	Modified      int64 // Unix ms, last change a harvester should pick up
	Distributions []Distribution

	Deleted         bool // tombstone: no longer open
	WithdrawnAt     int64
	WithdrawnReason string
	Suspended       bool // opening suspended (e.g. a rights complaint): metadata stays, data is refused
	SuspendReason   string
}

// Org is a publishing organization.
type Org struct {
	ID     string
	Name   string
	NameEN string
	Region string
}

// RecordQuery asks for records of an open dataset.
type RecordQuery struct {
	Filters map[string]string
	Q       string
	Fields  []string
	Sort    string
	Limit   int
	Offset  int
	// KeySecret is an open API key (X-API-Key, or CKAN's Authorization header) for conditionally
	// open data; ClientIP is for the audit record.
	KeySecret string
	ClientIP  string
}

// RecordPage is a page of records after the opening transformation.
type RecordPage struct {
	Fields  []Field
	Records []map[string]any
	Total   int  // when TotalKnown
	More    bool // more records follow
	// TotalKnown: Total counts every record (the last page was reached).
	TotalKnown bool
}

// Source supplies the open catalog. Cursor is a cheap change counter; Changed returns every
// dataset (or tombstone) changed after a cursor value — entries that were never open come back
// with an empty Name and are dropped.
type Source interface {
	Cursor(ctx context.Context) (int64, error)
	Changed(ctx context.Context, since int64) ([]Dataset, int64, error)
	Orgs(ctx context.Context) ([]Org, error)
	Records(ctx context.Context, p *authz.Principal, id string, q RecordQuery) (RecordPage, error)
}

// Errors.
var (
	ErrNotFound  = apperr.New(http.StatusNotFound, "harvest.not_found", "开放数据集不存在", "no such open dataset")
	ErrSuspended = apperr.New(http.StatusConflict, "harvest.suspended", "该数据集已暂停开放", "opening of this dataset is suspended")
	ErrWithdrawn = apperr.New(http.StatusGone, "harvest.withdrawn", "该数据集已撤销开放", "this dataset is no longer open")
	ErrNoRecords = apperr.New(http.StatusConflict, "harvest.no_records", "该数据集暂不提供数据接口", "this dataset offers no records API yet")
)

// Site describes the portal in status_show and the DCAT catalogue.
type Site struct {
	Title         string
	TitleEN       string
	Description   string
	DescriptionEN string
	Publisher     string
	PublisherEN   string
}

// Service answers harvesters.
type Service struct {
	DB     *db.DB
	Audit  *audit.Service
	Source Source
	Site   Site
	Now    func() time.Time

	mu     sync.RWMutex
	syncMu sync.Mutex
	ix     *index
	dict   interners
}

// New makes the service.
func New(d *db.DB, a *audit.Service, src Source) *Service {
	return &Service{DB: d, Audit: a, Source: src, Now: time.Now, ix: newIndex(),
		Site: Site{
			Title: "公共数据开放目录", TitleEN: "Open public data catalogue",
			Description: "本平台依法开放的公共数据集（无条件开放与有条件开放）", DescriptionEN: "Public datasets opened under the regulations (unconditionally and conditionally open)",
			Publisher: "公共数据主管部门", PublisherEN: "Public data authority",
		}}
}
