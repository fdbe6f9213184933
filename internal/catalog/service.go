package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Errors of the catalog.
var (
	ErrNotFound     = apperr.New(http.StatusNotFound, "catalog.not_found", "目录条目不存在", "catalog entry not found")
	ErrNotPublished = apperr.New(http.StatusNotFound, "catalog.not_published", "该目录条目尚未发布或已下线", "the catalog entry is not published (never published or withdrawn)")
	ErrVersion      = apperr.New(http.StatusNotFound, "catalog.version_not_found", "目录版本不存在", "catalog version not found")
	ErrCodeTaken    = apperr.New(http.StatusConflict, "catalog.code_taken", "本地区已有相同的资源代码", "the code is already used in this region")
	ErrState        = apperr.New(http.StatusConflict, "catalog.invalid_state", "目录条目当前状态不允许此操作", "the entry's current state does not allow this")
)

// Service is the resource catalog: entries, workflow, deadlines, search and registries.
type Service struct {
	DB     *db.DB
	Audit  *audit.Service
	Cal    *workday.Calendar
	Notify *notify.Service
	Now    func() time.Time

	// AcceptanceChecks are further conditions a finance-funded information system must meet
	// before acceptance (CAT-10); the aggregation capability adds "its data is aggregated".
	AcceptanceChecks []AcceptanceCheck

	// OnChange runs inside the transaction that publishes a version of an entry or withdraws it
	// (live = false), after the negative list is rewritten: sharing suspends the grants the
	// change no longer admits (目录变更同步). An error rolls the change back.
	OnChange []func(ctx context.Context, q db.Q, e Entry, live bool) error

	idxOnce sync.Once
	idx     *index
}

// New makes the service.
func New(d *db.DB, a *audit.Service, cal *workday.Calendar, n *notify.Service) *Service {
	return &Service{DB: d, Audit: a, Cal: cal, Notify: n, Now: time.Now}
}

// row is an entries row: the working copy plus workflow bookkeeping.
type row struct {
	Entry
	rv Review
}

const entryCols = `id, status, version, live, data, submitted_at, review_due, return_reasons, legal_change_at,
	legal_change_note, update_due, withdraw_reason, assessed_at, published_at, updated_at, created_at`

func scanRow(sc interface{ Scan(...any) error }) (row, error) {
	var r row
	var id, status, data string
	var version, live int
	err := sc.Scan(&id, &status, &version, &live, &data, &r.rv.SubmittedAt, &r.rv.ReviewDue, &r.rv.ReturnReasons,
		&r.rv.LegalChangeAt, &r.rv.LegalChangeNote, &r.rv.UpdateDue, &r.rv.WithdrawReason, &r.rv.AssessedAt,
		&r.PublishedAt, &r.UpdatedAt, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	pub, upd, cre := r.PublishedAt, r.UpdatedAt, r.CreatedAt
	if err := json.Unmarshal([]byte(data), &r.Entry); err != nil {
		return r, err
	}
	r.ID, r.Status, r.Version, r.PublishedAt, r.UpdatedAt, r.CreatedAt = id, Status(status), version, pub, upd, cre
	r.rv.Live = live != 0
	rv := r.rv
	r.Entry.Review = &rv
	return r, nil
}

func (s *Service) load(ctx context.Context, q db.Q, id string, lock bool) (row, error) {
	suffix := ""
	if lock {
		suffix = s.DB.ForUpdate()
	}
	r, err := scanRow(q.QueryRowContext(ctx, "SELECT "+entryCols+" FROM catalog_entries WHERE id = $1"+suffix, id))
	if db.IsNoRows(err) {
		return r, ErrNotFound
	}
	return r, err
}

// content is the JSON stored for an entry: the entry without its read-side extras.
func content(e Entry) string {
	e.Review, e.Warnings, e.ProviderName, e.Masking, e.Overrides = nil, nil, "", nil, nil
	b, _ := json.Marshal(e)
	return string(b)
}

// nextSeq takes the next change number inside tx (serializing catalog writers, see migration).
func (s *Service) nextSeq(ctx context.Context, tx db.Q) (int64, error) {
	if _, err := tx.ExecContext(ctx, "UPDATE catalog_seq SET seq = seq + 1 WHERE id = 1"); err != nil {
		return 0, err
	}
	var n int64
	err := tx.QueryRowContext(ctx, "SELECT seq FROM catalog_seq WHERE id = 1").Scan(&n)
	return n, err
}

// save writes the row (insert or full update) and stamps it with the next change number.
func (s *Service) save(ctx context.Context, tx db.Q, r *row, insert bool) error {
	seq, err := s.nextSeq(ctx, tx)
	if err != nil {
		return err
	}
	e := r.Entry
	live := 0
	if r.rv.Live {
		live = 1
	}
	args := []any{e.ID, e.RegionCode, e.Code, e.Name, e.ProviderOrgID, e.SourceOrgID, e.ResourceAttr, e.Topic, string(e.Grade), e.Level,
		string(e.ShareType), string(e.OpenType), string(e.Frequency), string(e.Form), string(e.Status), e.Version, live, content(e),
		r.rv.SubmittedAt, r.rv.ReviewDue, r.rv.ReturnReasons, r.rv.LegalChangeAt, r.rv.LegalChangeNote, r.rv.UpdateDue,
		r.rv.WithdrawReason, r.rv.AssessedAt, e.PublishedAt, e.UpdatedAt, e.CreatedAt, seq}
	if insert {
		_, err = tx.ExecContext(ctx, `INSERT INTO catalog_entries (id, region_code, code, name, provider_org_id, source_org_id,
			resource_attr, topic, grade, level, share_type, open_type, frequency, data_form, status, version, live, data,
			submitted_at, review_due, return_reasons, legal_change_at, legal_change_note, update_due, withdraw_reason,
			assessed_at, published_at, updated_at, created_at, seq)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30)`, args...)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE catalog_entries SET region_code=$2, code=$3, name=$4, provider_org_id=$5, source_org_id=$6,
			resource_attr=$7, topic=$8, grade=$9, level=$10, share_type=$11, open_type=$12, frequency=$13, data_form=$14, status=$15,
			version=$16, live=$17, data=$18, submitted_at=$19, review_due=$20, return_reasons=$21, legal_change_at=$22,
			legal_change_note=$23, update_due=$24, withdraw_reason=$25, assessed_at=$26, published_at=$27, updated_at=$28,
			created_at=$29, seq=$30 WHERE id=$1`, args...)
	}
	if db.IsUniqueViolation(err) {
		return ErrCodeTaken.With(apperr.Field("code", "本地区已有资源代码 "+e.Code, "code "+e.Code+" is already used in this region"))
	}
	return err
}

// event appends a workflow history row and the audit record, both inside tx.
func (s *Service) event(ctx context.Context, tx db.Q, p *authz.Principal, id, ev string, from, to Status, note string, detail map[string]any) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_events (id, entry_id, at, actor_id, actor_name, event, from_status, to_status, note)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, ids.New(), id, db.Millis(s.Now()), p.UserID, actorName(p), ev, string(from), string(to), note); err != nil {
		return err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	if from != to {
		detail["from"], detail["to"] = from, to
	}
	if note != "" {
		detail["note"] = note
	}
	return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID,
		Action: "catalog.entry." + ev, ObjectType: "catalog_entry", ObjectID: id, Detail: detail})
}

func actorName(p *authz.Principal) string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// Event is one step of an entry's workflow history.
type Event struct {
	At        db.Stamp `json:"at"`
	ActorID   string   `json:"actor_id"`
	ActorName string   `json:"actor_name"`
	Event     string   `json:"event"`
	From      Status   `json:"from_status,omitempty"`
	To        Status   `json:"to_status,omitempty"`
	Note      string   `json:"note,omitempty"`
}

// History lists an entry's workflow events, oldest first.
func (s *Service) History(ctx context.Context, id string) (_ []Event, err error) {
	defer errs.Wrap(&err, "catalog: History(%s)", id)
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor_id, actor_name, event, from_status, to_status, note FROM catalog_events WHERE entry_id = $1 ORDER BY at, id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var from, to string
		if err := rows.Scan(&e.At, &e.ActorID, &e.ActorName, &e.Event, &from, &to, &e.Note); err != nil {
			return nil, err
		}
		e.From, e.To = Status(from), Status(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Get returns the current working copy of an entry (no access check: for services and jobs;
// handlers use View).
func (s *Service) Get(ctx context.Context, id string) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: Get(%s)", id)
	r, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return Entry{}, err
	}
	s.fillNames(ctx, &r.Entry)
	if r.Entry.Review != nil {
		r.Entry.Review.Mark = s.Cal.MarkAll(s.Now(), r.Entry.Review.ReviewDue, r.Entry.Review.UpdateDue)
	}
	ov, err := s.Overrides(ctx, s.DB, id)
	if err != nil {
		return Entry{}, err
	}
	r.Entry.Overrides = ov
	return r.Entry, nil
}

// GetByCode returns the working copy of the entry with a code in a region.
func (s *Service) GetByCode(ctx context.Context, regionCode, code string) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: GetByCode")
	var id string
	err = s.DB.QueryRowContext(ctx, "SELECT id FROM catalog_entries WHERE region_code = $1 AND code = $2", regionCode, strings.ToUpper(strings.TrimSpace(code))).Scan(&id)
	if db.IsNoRows(err) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, err
	}
	return s.Get(ctx, id)
}

// Published returns the latest published version of an entry — what sharing, opening and
// aggregation go by. It fails with catalog.not_published if the entry was never published or
// has been withdrawn.
func (s *Service) Published(ctx context.Context, id string) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: Published(%s)", id)
	var live, version int
	err = s.DB.QueryRowContext(ctx, "SELECT live, version FROM catalog_entries WHERE id = $1", id).Scan(&live, &version)
	if db.IsNoRows(err) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, err
	}
	if live == 0 || version == 0 {
		return Entry{}, ErrNotPublished
	}
	e, err := s.Version(ctx, id, version)
	if err != nil {
		return Entry{}, err
	}
	return e, s.fillMasking(ctx, &e) // what sharing, opening and products mask with (SEC-2)
}

// Version returns one published version's snapshot.
func (s *Service) Version(ctx context.Context, id string, version int) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: Version(%s)", id)
	var data string
	err = s.DB.QueryRowContext(ctx, "SELECT data FROM catalog_versions WHERE entry_id = $1 AND version = $2", id, version).Scan(&data)
	if db.IsNoRows(err) {
		return Entry{}, ErrVersion
	}
	if err != nil {
		return Entry{}, err
	}
	var e Entry
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		return Entry{}, err
	}
	s.fillNames(ctx, &e)
	return e, nil
}

// VersionInfo describes one published version.
type VersionInfo struct {
	Version     int      `json:"version"`
	PublishedAt db.Stamp `json:"published_at"`
	ApprovedBy  string   `json:"approved_by"`
	Note        string   `json:"note,omitempty"`
	Name        string   `json:"name"`
}

// Versions lists an entry's published versions, newest first.
func (s *Service) Versions(ctx context.Context, id string) (_ []VersionInfo, err error) {
	defer errs.Wrap(&err, "catalog: Versions(%s)", id)
	rows, err := s.DB.QueryContext(ctx, "SELECT version, published_at, approved_by, note, data FROM catalog_versions WHERE entry_id = $1 ORDER BY version DESC", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []VersionInfo
	for rows.Next() {
		var v VersionInfo
		var data string
		if err := rows.Scan(&v.Version, &v.PublishedAt, &v.ApprovedBy, &v.Note, &data); err != nil {
			return nil, err
		}
		var e Entry
		json.Unmarshal([]byte(data), &e)
		v.Name = e.Name
		out = append(out, v)
	}
	return out, rows.Err()
}

// View returns what p may see of an entry: the working copy for the provider agency and the
// authority, the published version for everyone else.
func (s *Service) View(ctx context.Context, p *authz.Principal, id string) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: View(%s)", id)
	r, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return Entry{}, err
	}
	at := authz.CatalogAttrs{ProviderOrgID: r.ProviderOrgID, RegionCode: r.RegionCode}
	if authz.CatalogEntry(p, authz.Read, at) == nil {
		s.fillNames(ctx, &r.Entry)
		return r.Entry, nil
	}
	at.Live = r.rv.Live
	if err := authz.CatalogEntry(p, authz.Read, at); err != nil {
		return Entry{}, ErrNotFound
	}
	e, err := s.Published(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	e.Review = &Review{Live: true}
	return e, nil
}

// CanSeeWorking tells whether p sees the working copy (drafts) of an entry of provider/region.
func CanSeeWorking(p *authz.Principal, provider, region string) bool {
	return authz.CatalogEntry(p, authz.Read, authz.CatalogAttrs{ProviderOrgID: provider, RegionCode: region}) == nil
}

func attrsOf(r row) authz.CatalogAttrs {
	return authz.CatalogAttrs{ProviderOrgID: r.ProviderOrgID, RegionCode: r.RegionCode, Live: r.rv.Live}
}

// orgInfo is what the catalog needs to know of an organization.
type orgInfo struct {
	ID, Name, NameEN, Kind, Sector, Region string
}

func (s *Service) org(ctx context.Context, q db.Q, id string) (orgInfo, bool) {
	var o orgInfo
	err := q.QueryRowContext(ctx, "SELECT id, name, name_en, kind, sector, region_code FROM orgs WHERE id = $1", id).
		Scan(&o.ID, &o.Name, &o.NameEN, &o.Kind, &o.Sector, &o.Region)
	return o, err == nil
}

// orgNames caches organization names for display (they rarely change).
var orgNames sync.Map

func (s *Service) orgName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	if v, ok := orgNames.Load(s.DB.Where + "|" + id); ok {
		return v.(string)
	}
	o, ok := s.org(ctx, s.DB, id)
	if !ok {
		return id
	}
	orgNames.Store(s.DB.Where+"|"+id, o.Name)
	return o.Name
}

func (s *Service) fillNames(ctx context.Context, e *Entry) {
	e.ProviderName = s.orgName(ctx, e.ProviderOrgID)
}

// authorityFor finds the data authority reviewing a region: the authority of the region itself,
// else of its city, else of its province (counties normally use their city's node).
func (s *Service) authorityFor(ctx context.Context, q db.Q, region string) string {
	for _, r := range ancestors(region) {
		var id string
		if err := q.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", r).Scan(&id); err == nil {
			return id
		}
	}
	return ""
}

// ancestors lists a region code and its city and province codes, nearest first.
func ancestors(region string) []string {
	out := []string{region}
	if len(region) != 6 {
		return out
	}
	if city := region[:4] + "00"; city != region && !strings.HasSuffix(region, "0000") {
		out = append(out, city)
	}
	if prov := region[:2] + "0000"; prov != region {
		out = append(out, prov)
	}
	return out
}

func (s *Service) tx(ctx context.Context, fn func(tx *sql.Tx) error) error { return s.DB.Tx(ctx, fn) }
