// Package open is opening public data to society (公共数据开放, OPN-1 … OPN-5, SEC-2): the open
// catalog derived from each entry's open type, dataset pages, the opening transformation every
// output goes through (plan.go), downloads in CSV (UTF-8 with or without BOM, GB18030), XLSX,
// JSON and Parquet streamed in constant memory, the open records API with cursor paging, open
// API keys with scopes, expiry and per-key rates, monthly download and call counts, and the
// suspension that a rights complaint or a sanction puts on a dataset (the next call is refused
// with the reason).
//
// Domain logic only: internal/httpapi/open.go and internal/web/open.go are the thin edges.
// Authorization is authz.Open; every download and API call is audited (open.download,
// open.records, open.preview) with who or which key, the dataset, the version and the rows.
package open

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ingest"
	"pubdata/internal/keys"
	"pubdata/internal/quality"
)

// Service is the open data portal's domain service.
type Service struct {
	DB      *db.DB
	Audit   *audit.Service
	Catalog *catalog.Service
	Data    *ingest.Service
	Quality *quality.Service // optional: the dataset page's quality score
	Now     func() time.Time
	// SecretKey seals paging cursors (app.Config.SecretKey); empty: a generated key kept in the
	// settings table, shared by every node.
	SecretKey []byte
	// Ring seals that generated key in the settings table (SEC-8); nil keeps it plain.
	Ring   *keys.Ring
	Limits Limits
	// Sanctioned refuses the key of a user or organization under a rectification order
	// (internal/supervise, SUP-1) on its next call; nil lets every key through.
	Sanctioned func(ctx context.Context, userID, orgID string) error
	// OnSuspension, when set, is told in the suspending (or restoring) transaction that a
	// dataset's opening was suspended, or is open again with no suspension left in force (the
	// harvest package's Atom changes: app wiring).
	OnSuspension func(ctx context.Context, tx *sql.Tx, entryID string, suspended bool, note string) error

	// ExportDir holds the export cache (exports.go): finished public downloads, served as
	// files; empty: every download is generated from the rows.
	ExportDir string
	// ExportCacheMax bounds the export cache in bytes (prebuild.go): 0 is
	// DefaultExportCacheMax, a negative value no bound.
	ExportCacheMax int64
	// ExportBuilders is how many background builds of the export cache run at once (0: 1).
	ExportBuilders int

	exports     exportCache
	exportQueue exportQueue
	sealOnce    sync.Once
	aead        cipher.AEAD
	sealErr     error
	limiter     limiter
}

// Limits bound the open channel (every listing and call has bounds).
type Limits struct {
	MaxPage          int // records per API page (cursor paging has no total cap)
	PreviewRows      int // rows on the dataset page's preview
	AnonPerMinute    int // calls per minute per client address without a key
	KeyPerMinute     int // default calls per minute per key
	MaxKeyDays       int // a key expires within this many days (≤ 180)
	MaxKeysPerUser   int
	MaxXLSXRows      int // a spreadsheet holds at most 1,048,576 rows
	MaxFilterFields  int
	MaxSearchPerPage int
}

// DefaultLimits are the platform defaults.
var DefaultLimits = Limits{MaxPage: 1000, PreviewRows: 10, AnonPerMinute: 120, KeyPerMinute: 600, MaxKeyDays: 180,
	MaxKeysPerUser: 20, MaxXLSXRows: 1_048_575, MaxFilterFields: 8, MaxSearchPerPage: 100}

// New builds the service.
func New(d *db.DB, a *audit.Service, c *catalog.Service, data *ingest.Service) *Service {
	return &Service{DB: d, Audit: a, Catalog: c, Data: data, Now: time.Now, Limits: DefaultLimits}
}

// Errors of the open channel (each has a label in internal/vocab).
var (
	ErrNotOpen   = apperr.New(http.StatusNotFound, "open.not_open", "该数据集不存在或未开放", "this dataset does not exist or is not open")
	ErrNoData    = apperr.New(http.StatusNotFound, "open.no_data", "该数据集尚未归集数据，暂无可下载的内容", "this dataset holds no data yet")
	ErrSuspended = apperr.New(http.StatusForbidden, "open.suspended", "该数据集已暂停开放", "opening of this dataset is suspended")
	ErrFormat    = apperr.New(http.StatusBadRequest, "open.bad_format", "不支持的格式，可选 CSV、XLSX、JSON、Parquet", "unsupported format; choose CSV, XLSX, JSON or Parquet")
	ErrCursor    = apperr.New(http.StatusBadRequest, "open.bad_cursor", "分页游标无效或已过期，请从第一页重新开始", "the paging cursor is invalid; start again from the first page")
	ErrFilter    = apperr.New(http.StatusBadRequest, "open.bad_filter", "只能按开放且未脱敏的信息项筛选", "filters may name only open items that are not masked")
	ErrKey       = apperr.New(http.StatusUnauthorized, "open.bad_key", "开放接口密钥无效、已过期或已撤销", "the open API key is invalid, expired or revoked")
	ErrKeyScope  = apperr.New(http.StatusForbidden, "open.key_scope", "该密钥的用途不包括此种使用方式（开放接口调用或数据下载）", "this key's scopes do not include this method (open API calls or downloads)")
	ErrRate      = apperr.New(http.StatusTooManyRequests, "open.rate_limited", "调用过于频繁，请稍后再试", "too many calls; try again later")
	ErrTooMany   = apperr.New(http.StatusRequestEntityTooLarge, "open.too_many_rows", "数据量超过该格式的上限，请改用 CSV 或 Parquet", "too many rows for this format; use CSV or Parquet")
)

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Settings are a dataset's opening settings (开放设置), set by its provider.
type Settings struct {
	EntryID      string   `json:"entry_id"`
	Licence      string   `json:"licence"`       // terms of use (开放许可); empty: DefaultLicence
	TemporalFrom string   `json:"temporal_from"` // YYYY-MM-DD or YYYY, may be empty
	TemporalTo   string   `json:"temporal_to"`
	Spatial      string   `json:"spatial"`      // region code or description; empty: the entry's region
	CountFields  []string `json:"count_fields"` // integer items that are counts (小数抑制)
	MinCount     int      `json:"min_count"`    // counts 1 … MinCount-1 are shown as "<MinCount"; 0: none
	UpdatedBy    string   `json:"updated_by,omitempty"`
	UpdatedAt    int64    `json:"updated_at,omitempty"`
}

// DefaultLicence is the platform's terms of use for open data without its own.
const (
	DefaultLicence   = "公共数据开放利用协议：注明来源，依法使用，不得试图重新识别个人"
	DefaultLicenceEN = "Open public data terms: attribution, lawful use, no attempt to re-identify persons"
)

// SettingsOf returns a dataset's opening settings (defaults when none were set).
func (s *Service) SettingsOf(ctx context.Context, entryID string) (_ Settings, err error) {
	defer errs.Wrap(&err, "open: SettingsOf(%s)", entryID)
	st := Settings{EntryID: entryID}
	var cf string
	err = s.DB.QueryRowContext(ctx, `SELECT licence, temporal_from, temporal_to, spatial, count_fields, min_count, updated_by, updated_at
		FROM open_settings WHERE entry_id = $1`, entryID).Scan(&st.Licence, &st.TemporalFrom, &st.TemporalTo, &st.Spatial, &cf, &st.MinCount, &st.UpdatedBy, &st.UpdatedAt)
	if db.IsNoRows(err) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	json.Unmarshal([]byte(cf), &st.CountFields)
	return st, nil
}

// SetSettings stores a dataset's opening settings: the provider's data officer or approver, or
// the authority. Count fields must be integer items of the entry; the minimum count is 0 or 2–100.
// Audited.
func (s *Service) SetSettings(ctx context.Context, p *authz.Principal, st Settings) (_ Settings, err error) {
	defer errs.Wrap(&err, "open: SetSettings")
	e, err := s.Catalog.Published(ctx, st.EntryID)
	if err != nil {
		return Settings{}, ErrNotOpen
	}
	if err := authz.Open(p, authz.OpenSettings, attrsOf(&e, false)); err != nil {
		return Settings{}, err
	}
	var fe []apperr.FieldError
	st.Licence = strings.TrimSpace(st.Licence)
	if len([]rune(st.Licence)) > 500 {
		fe = append(fe, apperr.Field("licence", "许可说明不能超过 500 个字", "licence must be at most 500 characters"))
	}
	for _, d := range []struct{ k, v string }{{"temporal_from", st.TemporalFrom}, {"temporal_to", st.TemporalTo}} {
		if v := strings.TrimSpace(d.v); v != "" && !validDate(v) {
			fe = append(fe, apperr.Field(d.k, "日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD", "date must be YYYY, YYYY-MM or YYYY-MM-DD"))
		}
	}
	if len([]rune(st.Spatial)) > 200 {
		fe = append(fe, apperr.Field("spatial", "空间范围不能超过 200 个字", "spatial coverage must be at most 200 characters"))
	}
	if st.MinCount != 0 && (st.MinCount < 2 || st.MinCount > 100) {
		fe = append(fe, apperr.Field("min_count", "最小计数应为 0（不抑制）或 2–100", "minimum count must be 0 (none) or 2–100"))
	}
	if len(st.CountFields) > 50 {
		fe = append(fe, apperr.Field("count_fields", "计数信息项过多", "too many count items"))
	}
	for _, name := range st.CountFields {
		f, ok := e.Field(name)
		if !ok || f.Type != catalog.TypeInteger {
			fe = append(fe, apperr.Field("count_fields", "“"+name+"”不是该数据集的整数信息项", name+" is not an integer item of this dataset"))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return Settings{}, err
	}
	if st.CountFields == nil {
		st.CountFields = []string{}
	}
	st.UpdatedBy, st.UpdatedAt = p.UserID, db.Millis(s.now())
	cf, _ := json.Marshal(st.CountFields)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO open_settings (entry_id, licence, temporal_from, temporal_to, spatial, count_fields, min_count, updated_by, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (entry_id) DO UPDATE SET licence = excluded.licence, temporal_from = excluded.temporal_from,
			temporal_to = excluded.temporal_to, spatial = excluded.spatial, count_fields = excluded.count_fields, min_count = excluded.min_count,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			st.EntryID, st.Licence, strings.TrimSpace(st.TemporalFrom), strings.TrimSpace(st.TemporalTo), strings.TrimSpace(st.Spatial), string(cf), st.MinCount, st.UpdatedBy, st.UpdatedAt); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "open.settings.update",
			ObjectType: "catalog_entry", ObjectID: st.EntryID, Detail: map[string]any{"min_count": st.MinCount, "count_fields": st.CountFields}})
	})
	if err == nil {
		s.dropExports(st.EntryID)
		s.QueueExport(st.EntryID)
	}
	return st, err
}

func validDate(v string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}

// attrsOf are the authorization attributes of an open dataset.
func attrsOf(e *catalog.Entry, keyCovers bool) authz.OpenAttrs {
	return authz.OpenAttrs{OpenType: string(e.OpenType), ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode, KeyCovers: keyCovers}
}

// cursor sealing: an opaque, authenticated cursor, so that a paging position built from a key
// that does not leave (a masked or dropped key item) never shows that key.
const cursorSetting = "open.cursor_key"

// errNoRing: the cursor key row is sealed but this service was built without the key ring.
var errNoRing = apperr.New(http.StatusInternalServerError, "open_cursor_key_sealed",
	"翻页游标密钥已加密保存，但本节点未配置密钥环", "the paging cursor key is sealed, but this node has no key ring")

// CursorKeyColumn is the settings row of the generated cursor key, for the key ring's
// re-encryption (a plain row from before the ring is sealed by the keys.reencrypt job).
func (s *Service) CursorKeyColumn() keys.Column {
	return keys.Column{Table: "settings", ID: "key", Col: "value", Where: "key = '" + cursorSetting + "'"}
}

func (s *Service) sealer(ctx context.Context) (cipher.AEAD, error) {
	s.sealOnce.Do(func() {
		master := s.SecretKey
		if len(master) == 0 {
			var v string
			aad := keys.AAD("settings", "value", cursorSetting)
			err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", cursorSetting).Scan(&v)
			if db.IsNoRows(err) {
				b := make([]byte, 32)
				rand.Read(b)
				stored := base64.StdEncoding.EncodeToString(b)
				if s.Ring != nil {
					stored, err = s.Ring.SealString(ctx, stored, aad)
				}
				if err == nil {
					_, err = s.DB.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", cursorSetting, stored)
				}
				if err == nil {
					err = s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", cursorSetting).Scan(&v)
				}
			}
			if err == nil && keys.Sealed(v) {
				if s.Ring == nil {
					err = errNoRing
				} else {
					v, err = s.Ring.OpenString(ctx, v, aad)
				}
			}
			if err != nil {
				s.sealErr = err
				return
			}
			master, _ = base64.StdEncoding.DecodeString(v)
		}
		k := sha256.Sum256(append([]byte("pubdata/open/cursor\x00"), master...))
		block, err := aes.NewCipher(k[:])
		if err != nil {
			s.sealErr = err
			return
		}
		s.aead, s.sealErr = cipher.NewGCM(block)
	})
	return s.aead, s.sealErr
}

func (s *Service) sealCursor(ctx context.Context, entryID, plain string) (string, error) {
	a, err := s.sealer(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(a.Seal(nonce, nonce, []byte(plain), []byte(entryID))), nil
}

func (s *Service) openCursor(ctx context.Context, entryID, c string) (string, error) {
	a, err := s.sealer(ctx)
	if err != nil {
		return "", err
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < a.NonceSize() {
		return "", ErrCursor
	}
	p, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], []byte(entryID))
	if err != nil {
		return "", ErrCursor
	}
	return string(p), nil
}
