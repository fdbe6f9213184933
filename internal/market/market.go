// Package market keeps the region's data asset register and the records of the data market
// (数据资产登记与数据要素市场, MKT-1 … MKT-4), and the supervision of regulated units (OPR-11):
//
//   - assets: an agency registers a data asset, linked to its catalog entries and/or a product,
//     with volume, update frequency, quality (the platform's quality score where it has one),
//     cost and usage; the authority approves (a certificate number that is never reused: region
//     code, year, sequence) or refuses it with a reason; approved assets form the public register;
//   - rights (三权分置): per product and per asset, the holders of the resource holding right,
//     the processing/use right and the product operation right, each with its basis and validity;
//     a transfer ends one holder's right and starts the next one's, so the chain is the history;
//   - assessments: per product, timeliness, time span, sample coverage and completeness computed
//     from the product's source entry (aggregation loads and quality scores) where the platform
//     has them, the rest (and mining potential) recorded by an assessor; every assessment kept;
//   - listings and trades: only released products are listed, by a holder of a valid operation
//     right, with the provider's data-source statement; a trade is recorded only when both
//     parties' credit codes check and a responsible person is named for each; reviews, ratings of
//     brokers and service organizations by their clients, suspension on violations;
//   - regulated units: the operator, the platform technical service unit and the
//     intensive-construction unit report decisions before acting and progress and acceptance
//     after; the authority answers with objections, rectification letters (deadline in working
//     days), notices and business restrictions, tracked to closure; a rectification letter past
//     its deadline is marked overdue and escalated to the authority's administrators by a job.
//
// Every step is decided by authz.Market and written to the audit log in its transaction.
package market

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/quality/scoring"
	"pubdata/internal/workday"
)

// Service keeps the register, the market records and the regulated units' files.
type Service struct {
	DB       *db.DB
	Audit    *audit.Service
	Notify   *notify.Service
	Calendar *workday.Calendar
	Now      func() time.Time
	// QualityScore returns an entry's current quality score (the quality service's one
	// definition, lateness included); nil reads the latest load's stored score.
	QualityScore func(ctx context.Context, entryID string) (scoring.Score, bool)
}

// qualityOf is an entry's current quality score.
func (s *Service) qualityOf(ctx context.Context, entryID string) (sc scoring.Score, ok bool) {
	if s.QualityScore != nil {
		return s.QualityScore(ctx, entryID)
	}
	err := s.DB.QueryRowContext(ctx, `SELECT completeness, accuracy, consistency, timeliness, availability, total
		FROM quality_load_scores WHERE entry_id = $1 ORDER BY at DESC, version DESC LIMIT 1`, entryID).
		Scan(&sc.Completeness, &sc.Accuracy, &sc.Consistency, &sc.Timeliness, &sc.Availability, &sc.Total)
	return sc, err == nil
}

// New makes the service.
func New(d *db.DB, a *audit.Service, n *notify.Service, cal *workday.Calendar) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Calendar: cal, Now: time.Now}
}

// Errors a person sees (bilingual).
var (
	ErrRawData = apperr.New(http.StatusUnprocessableEntity, "market_raw_data",
		"只能挂牌数据产品，原始数据（数据资源目录、数据集）不得挂牌交易",
		"only data products can be listed; raw data (catalog entries, datasets) is never listed or traded")
	ErrNotReleased = apperr.New(http.StatusConflict, "market_not_released",
		"数据产品尚未通过合规审查并发布，不能挂牌", "the product has not passed compliance review and been released; it cannot be listed")
	ErrNoOperationRight = apperr.New(http.StatusForbidden, "market_no_operation_right",
		"本单位未持有该数据产品有效的数据产品经营权，不能挂牌", "your organization holds no valid product operation right for this product; it cannot list it")
	ErrIdentity = apperr.New(http.StatusUnprocessableEntity, "market_identity_unverified",
		"交易双方身份未核验：须有校验通过的统一社会信用代码和具名的责任人", "the parties' identities are not verified: each needs a valid unified social credit code and a named responsible person")
	ErrBrokerSuspended = apperr.New(http.StatusConflict, "market_broker_suspended",
		"该数据经纪人（第三方服务机构）已被暂停，不能参与新的交易", "this broker (service organization) is suspended and cannot take part in new trades")
	ErrBadState = apperr.New(http.StatusConflict, "market_bad_state",
		"当前状态不允许此操作", "this action is not possible in the record's current state")
	ErrNotClient = apperr.New(http.StatusForbidden, "market_not_client",
		"只有通过该机构完成交易的一方才能评价", "only a party of a trade made through this organization may rate it")
)

// Page bounds of every list.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

func page(limit, offset int) (int, int) {
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	return limit, max(offset, 0)
}

func (s *Service) now() time.Time { return s.Now() }

func (s *Service) today() string { return workday.Format(s.Now()) }

// text trims a field and checks its length (min runes, max runes).
func text(fe *[]apperr.FieldError, field string, v *string, minLen, maxLen int, zh, en string) {
	*v = strings.TrimSpace(*v)
	n := utf8.RuneCountInString(*v)
	if n < minLen || n > maxLen {
		*fe = append(*fe, apperr.Field(field, zh, en))
	}
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func invalid(fe []apperr.FieldError) error {
	if len(fe) > 0 {
		return apperr.Invalid.With(fe...)
	}
	return nil
}

func (s *Service) record(ctx context.Context, q db.Q, p *authz.Principal, action, objType, objID string, detail map[string]any) error {
	return s.Audit.Record(ctx, q, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: action,
		ObjectType: objType, ObjectID: objID, Detail: detail})
}

// event adds one step to a record's history.
func (s *Service) event(ctx context.Context, q db.Q, objType, objID, actor, ev, note string) error {
	_, err := q.ExecContext(ctx, "INSERT INTO mkt_events (id, object_type, object_id, at, actor, event, note) VALUES ($1,$2,$3,$4,$5,$6,$7)",
		ids.New(), objType, objID, db.Millis(s.now()), actor, ev, note)
	return err
}

// Event is one step of a record's history.
type Event struct {
	At    db.Stamp `json:"at"`
	Actor string   `json:"actor"`
	Event string   `json:"event"`
	Note  string   `json:"note,omitempty"`
}

func (s *Service) events(ctx context.Context, objType, objID string) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor, event, note FROM mkt_events WHERE object_type = $1 AND object_id = $2 ORDER BY at, id LIMIT 500", objType, objID)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Event, error) {
		var e Event
		var at int64
		err := r.Scan(&at, &e.Actor, &e.Event, &e.Note)
		e.At = db.Stamp(at)
		return e, err
	})
}

// org reads an organization's name, kind, region and credit code.
type orgInfo struct {
	ID, Name, Kind, Region, CreditCode string
}

func (s *Service) org(ctx context.Context, q db.Q, id string) (orgInfo, error) {
	o := orgInfo{ID: id}
	err := q.QueryRowContext(ctx, "SELECT name, kind, region_code, credit_code FROM orgs WHERE id = $1", id).Scan(&o.Name, &o.Kind, &o.Region, &o.CreditCode)
	return o, err
}

// regionPrefix is the code prefix of a region and the regions below it.
func regionPrefix(code string) string {
	switch {
	case strings.HasSuffix(code, "0000"):
		return code[:2]
	case strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

// scope narrows a list to what p reads: auditors and oversight bodies everything, the authority
// its region and below, anyone else the rows of its own organization (orgCols).
type where struct {
	cond []string
	args []any
}

func (w *where) arg(v any) string { w.args = append(w.args, v); return "$" + strconv.Itoa(len(w.args)) }

func (w *where) add(c string) { w.cond = append(w.cond, c) }

func (w *where) sql() string {
	if len(w.cond) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.cond, " AND ")
}

func (w *where) scope(p *authz.Principal, regionCol string, orgCols ...string) {
	switch {
	case p.Has(authz.Auditor, authz.Oversight):
	case p.IsAuthority():
		w.add(regionCol + " LIKE " + w.arg(regionPrefix(p.RegionCode)+"%"))
	default:
		var ors []string
		org := w.arg(p.OrgID)
		for _, c := range orgCols {
			ors = append(ors, c+" = "+org)
		}
		if p.OrgID == "" {
			ors = []string{"1 = 0"}
		}
		w.add("(" + strings.Join(ors, " OR ") + ")")
	}
}

// count runs count(*) over table with w.
func (s *Service) count(ctx context.Context, table string, w *where) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM "+table+w.sql(), w.args...).Scan(&n)
	return n, err
}

// adminsOf lists the authority administrators whose region covers region (for escalations).
func (s *Service) adminsOf(ctx context.Context, region string) []string {
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT u.id, o.region_code FROM users u JOIN user_roles r ON r.user_id = u.id JOIN orgs o ON o.id = u.org_id
		WHERE r.role = 'authority_admin' AND o.kind = 'authority' AND u.disabled = 0 LIMIT 500`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, reg string
		if rows.Scan(&id, &reg) == nil && authz.RegionCovers(reg, region) {
			out = append(out, id)
		}
	}
	return out
}

func notifyMsg(org string, title [2]string, body, link, objType, objID string) notify.Message {
	return notify.Message{OrgID: org, Kind: "info", TitleZH: title[0], TitleEN: title[1], BodyZH: body, BodyEN: "See the record for the details.",
		Link: link, ObjectType: objType, ObjectID: objID}
}
