package open

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
)

// Open API keys (开放接口密钥, OPN-2, OPN-3). A key is optional for unconditionally open data (it
// raises the rate and counts the caller's use) and required for conditionally open data, where
// the conditional-opening approval issues one scoped to the dataset, its items and its period.
// Keys are shown once and stored hashed; they expire within 180 days; each has a rate per minute
// and usage counts.

// Key is an open API key as its owner sees it (never the secret after creation).
type Key struct {
	ID            string              `json:"id"`
	Prefix        string              `json:"prefix"` // first characters, to recognize it
	Name          string              `json:"name"`
	UserID        string              `json:"user_id"`
	OrgID         string              `json:"org_id,omitempty"`
	Datasets      []string            `json:"datasets"`         // empty: every unconditionally open dataset
	Fields        map[string][]string `json:"fields,omitempty"` // per dataset: the items a conditional approval covers
	Conditional   bool                `json:"conditional"`      // issued by a conditional-opening approval
	Scopes        []string            `json:"scopes"`           // what it may be used for: ScopeAPI, ScopeDownload
	RatePerMinute int                 `json:"rate_per_minute"`
	CreatedAt     db.Stamp            `json:"created_at"`
	ExpiresAt     db.Stamp            `json:"expires_at"`
	RevokedAt     db.Stamp            `json:"revoked_at"`
	RefID         string              `json:"ref_id,omitempty"` // the application that issued it
	Calls         int64               `json:"calls"`
	LastUsedAt    db.Stamp            `json:"last_used_at"`
	// Secret is set only in the answer that creates the key.
	Secret string `json:"secret,omitempty"`
}

// KeyInput asks for a key.
type KeyInput struct {
	Name     string   `json:"name"`
	Datasets []string `json:"datasets"` // unconditionally open datasets; empty: all of them
	Days     int      `json:"days"`     // validity, 1–180 (default 180)
	Scopes   []string `json:"scopes"`   // api, download; empty: both
}

// Key scopes (密钥用途): a key serves the open API, downloads, or both; used on the other
// method it is refused (ErrKeyScope). Each has a label in internal/vocab (OpenKeyScope).
const (
	ScopeAPI      = "api"      // the open records API and the CKAN datastore (开放接口调用)
	ScopeDownload = "download" // file downloads (数据下载)
)

// KeyScopes lists the scopes in display order.
var KeyScopes = []string{ScopeAPI, ScopeDownload}

// normScopes checks and orders a scope list; empty means both.
func normScopes(in []string) ([]string, bool) {
	if len(in) == 0 {
		return slices.Clone(KeyScopes), true
	}
	var out []string
	for _, sc := range KeyScopes {
		if slices.Contains(in, sc) {
			out = append(out, sc)
		}
	}
	for _, sc := range in {
		if !slices.Contains(KeyScopes, sc) {
			return nil, false
		}
	}
	return out, true
}

// Allows tells whether the key may be used for a scope.
func (k *Key) Allows(scope string) bool { return slices.Contains(k.Scopes, scope) }

// KeyPrefix starts every open API key.
const KeyPrefix = "opk_"

// CreateKey makes a key for the caller (logged-in users; tokens may not): for unconditionally
// open datasets only (conditional access comes from an approval: IssueKey). Audited.
func (s *Service) CreateKey(ctx context.Context, p *authz.Principal, in KeyInput) (_ Key, err error) {
	defer errs.Wrap(&err, "open: CreateKey")
	if err := authz.Open(p, authz.OpenKeys, authz.OpenAttrs{}); err != nil {
		return Key{}, err
	}
	var fe []apperr.FieldError
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		fe = append(fe, apperr.Field("name", "请给密钥起一个名称（100 字以内），便于识别用途", "name the key (up to 100 characters)"))
	}
	if in.Days == 0 {
		in.Days = s.Limits.MaxKeyDays
	}
	if in.Days < 1 || in.Days > s.Limits.MaxKeyDays {
		fe = append(fe, apperr.Field("days", "有效期应为 1–180 天", "validity must be 1–180 days"))
	}
	scopes, ok := normScopes(in.Scopes)
	if !ok {
		fe = append(fe, apperr.Field("scopes", "用途只能是开放接口调用或数据下载", "the uses may be open API calls or file downloads"))
	}
	if len(in.Datasets) > 100 {
		fe = append(fe, apperr.Field("datasets", "一个密钥最多覆盖 100 个数据集", "a key covers at most 100 datasets"))
	}
	for _, id := range in.Datasets {
		e, err := s.Catalog.Published(ctx, id)
		if err != nil || e.OpenType != "unconditional" {
			fe = append(fe, apperr.Field("datasets", "“"+id+"”不是无条件开放的数据集；有条件开放的数据须经申请批准后取得密钥", id+" is not an unconditionally open dataset; conditional data needs an approved application"))
		}
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM open_keys WHERE user_id = $1 AND revoked_at = 0 AND expires_at > $2", p.UserID, db.Millis(s.now())).Scan(&n); err != nil {
		return Key{}, err
	}
	if n >= s.Limits.MaxKeysPerUser {
		fe = append(fe, apperr.Field("name", "有效密钥数量已达上限，请先撤销不用的密钥", "you hold the maximum number of keys; revoke one first"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Key{}, err
	}
	return s.insertKey(ctx, p, Key{Name: in.Name, UserID: p.UserID, OrgID: p.OrgID, Datasets: in.Datasets, Scopes: scopes, RatePerMinute: s.Limits.KeyPerMinute,
		ExpiresAt: db.StampOf(s.now().Add(time.Duration(in.Days) * 24 * time.Hour))}, "open.key.create")
}

// IssueKey makes the key a conditional-opening approval grants (OPN-3): scoped to the named
// datasets and, per dataset, the approved items (none listed: every item open at the
// conditional level), valid until expires (at most 180 days from now). The caller — the
// application workflow — has authorized the approval; the key belongs to the applicant (userID).
// scopes follow the approved method of provision (empty: both). Audited.
func (s *Service) IssueKey(ctx context.Context, p *authz.Principal, userID, orgID, name string, datasets []string, fields map[string][]string, expires time.Time, refID string, scopes ...string) (_ Key, err error) {
	defer errs.Wrap(&err, "open: IssueKey(%s, %s, %s)", userID, orgID, refID)
	sc, ok := normScopes(scopes)
	if !ok {
		return Key{}, apperr.Invalid.With(apperr.Field("scopes", "用途只能是开放接口调用或数据下载", "the uses may be open API calls or file downloads"))
	}
	max := s.now().Add(time.Duration(s.Limits.MaxKeyDays) * 24 * time.Hour)
	if expires.After(max) {
		expires = max
	}
	if len(datasets) == 0 || userID == "" || !expires.After(s.now()) {
		return Key{}, apperr.Invalid.With(apperr.Field("datasets", "密钥须指定数据集、持有人和未来的截止日期", "a key needs datasets, a holder and a future expiry"))
	}
	return s.insertKey(ctx, p, Key{Name: name, UserID: userID, OrgID: orgID, Datasets: datasets, Fields: fields, Conditional: true, Scopes: sc,
		RatePerMinute: s.Limits.KeyPerMinute, ExpiresAt: db.StampOf(expires), RefID: refID}, "open.key.issue")
}

func (s *Service) insertKey(ctx context.Context, p *authz.Principal, k Key, action string) (Key, error) {
	k.ID = ids.New()
	k.Secret = KeyPrefix + ids.Token(24)
	k.Prefix = k.Secret[:len(KeyPrefix)+6]
	k.CreatedAt = db.StampOf(s.now())
	if k.Datasets == nil {
		k.Datasets = []string{}
	}
	ds, _ := json.Marshal(k.Datasets)
	fs, _ := json.Marshal(k.Fields)
	if len(k.Scopes) == 0 {
		k.Scopes = slices.Clone(KeyScopes)
	}
	sc, _ := json.Marshal(k.Scopes)
	if k.Fields == nil {
		fs = []byte("{}")
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO open_keys (id, hash, prefix, name, user_id, org_id, datasets, fields, conditional, rate_per_minute, created_at, expires_at, ref_id, scopes)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, k.ID, identity.HashSecret(k.Secret), k.Prefix, k.Name, k.UserID, k.OrgID,
			string(ds), string(fs), boolInt(k.Conditional), k.RatePerMinute, k.CreatedAt, k.ExpiresAt, k.RefID, string(sc)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: name(p), OrgID: p.OrgID, Action: action,
			ObjectType: "open_key", ObjectID: k.ID, Detail: map[string]any{"holder": k.UserID, "datasets": k.Datasets, "scopes": k.Scopes, "expires_at": k.ExpiresAt, "ref_id": k.RefID}})
	})
	if err != nil {
		return Key{}, err
	}
	return k, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const keyCols = "id, prefix, name, user_id, org_id, datasets, fields, conditional, rate_per_minute, created_at, expires_at, revoked_at, ref_id, calls, last_used_at, scopes"

func scanKey(sc interface{ Scan(...any) error }) (Key, error) {
	var k Key
	var ds, fs, scopes string
	var cond int
	if err := sc.Scan(&k.ID, &k.Prefix, &k.Name, &k.UserID, &k.OrgID, &ds, &fs, &cond, &k.RatePerMinute, &k.CreatedAt, &k.ExpiresAt, &k.RevokedAt, &k.RefID, &k.Calls, &k.LastUsedAt, &scopes); err != nil {
		return k, err
	}
	json.Unmarshal([]byte(scopes), &k.Scopes)
	json.Unmarshal([]byte(ds), &k.Datasets)
	json.Unmarshal([]byte(fs), &k.Fields)
	k.Conditional = cond == 1
	return k, nil
}

// Keys lists the caller's keys, newest first (at most 100).
func (s *Service) Keys(ctx context.Context, p *authz.Principal) (_ []Key, err error) {
	defer errs.Wrap(&err, "open: Keys")
	if err := authz.Open(p, authz.OpenKeys, authz.OpenAttrs{}); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+keyCols+" FROM open_keys WHERE user_id = $1 ORDER BY created_at DESC LIMIT 100", p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeKey revokes one of the caller's keys (effective on the next call). Audited.
func (s *Service) RevokeKey(ctx context.Context, p *authz.Principal, id string) (err error) {
	defer errs.Wrap(&err, "open: RevokeKey(%s)", id)
	if err := authz.Open(p, authz.OpenKeys, authz.OpenAttrs{}); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE open_keys SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at = 0", db.Millis(s.now()), id, p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Hidden
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: name(p), OrgID: p.OrgID, Action: "open.key.revoke", ObjectType: "open_key", ObjectID: id})
	})
}

// RevokeKeysOf revokes every key an application issued (refID), for the conditional-opening
// workflow (a withdrawn approval, a sanction). It returns how many were revoked. Audited.
func (s *Service) RevokeKeysOf(ctx context.Context, p *authz.Principal, refID, reason string) (_ int, err error) {
	defer errs.Wrap(&err, "open: RevokeKeysOf(%s)", refID)
	var n int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE open_keys SET revoked_at = $1 WHERE ref_id = $2 AND ref_id <> '' AND revoked_at = 0", db.Millis(s.now()), refID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: name(p), OrgID: p.OrgID, Action: "open.key.revoke",
			ObjectType: "open_application", ObjectID: refID, Detail: map[string]any{"keys": n, "reason": reason}})
	})
	return int(n), err
}

// Caller is who makes an open-data call: a key (optional), the principal behind the session or
// token (optional) and the client address.
type Caller struct {
	Principal *authz.Principal
	KeySecret string // the X-API-Key header (or api_key parameter)
	ClientIP  string
	key       *Key
}

// resolveKey checks the caller's key, if any: a presented key that is unknown, revoked or expired
// is refused (not silently ignored).
func (s *Service) resolveKey(ctx context.Context, c *Caller) error {
	if c.KeySecret == "" || c.key != nil {
		return nil
	}
	k, err := scanKey(s.DB.QueryRowContext(ctx, "SELECT "+keyCols+" FROM open_keys WHERE hash = $1", identity.HashSecret(strings.TrimSpace(c.KeySecret))))
	if db.IsNoRows(err) {
		return ErrKey
	}
	if err != nil {
		return err
	}
	if k.RevokedAt != 0 || int64(k.ExpiresAt) <= db.Millis(s.now()) {
		return ErrKey
	}
	if s.Sanctioned != nil { // a key holder under a rectification order: refused until it is lifted
		if err := s.Sanctioned(ctx, k.UserID, k.OrgID); err != nil {
			return err
		}
	}
	c.key = &k
	return nil
}

// scopeFor refuses a key used on a method outside its scopes: a download needs "download", the
// records API (and the CKAN datastore built on it) "api"; the dataset page's preview takes
// either.
func (c *Caller) scopeFor(kind string) error {
	if c.key == nil {
		return nil
	}
	switch kind {
	case "download":
		if !c.key.Allows(ScopeDownload) {
			return ErrKeyScope.With(apperr.Field("scopes", "该密钥仅用于开放接口调用，不能用于下载", "this key is for open API calls only, not downloads"))
		}
	case "records":
		if !c.key.Allows(ScopeAPI) {
			return ErrKeyScope.With(apperr.Field("scopes", "该密钥仅用于数据下载，不能用于接口调用", "this key is for downloads only, not open API calls"))
		}
	}
	return nil
}

// access is the level a resolved caller reads entryID at, and whether its key covers it.
func (c *Caller) access(entryID string) (Access, bool) {
	if c.key == nil {
		return Access{}, false
	}
	covers := len(c.key.Datasets) == 0 && !c.key.Conditional || slices.Contains(c.key.Datasets, entryID)
	if !covers {
		return Access{}, false
	}
	if c.key.Conditional {
		return Access{Conditional: true, Fields: c.key.Fields[entryID]}, true
	}
	return Access{}, true
}

// who names the caller for the audit log.
func (c *Caller) who() (id, nm, org string) {
	if c.Principal != nil && c.Principal.Authenticated() {
		id, nm, org = c.Principal.UserID, name(c.Principal), c.Principal.OrgID
	}
	if c.key != nil {
		if id == "" {
			id, org = c.key.UserID, c.key.OrgID
		}
		nm = strings.TrimSpace(nm + " key:" + c.key.Prefix)
	}
	if id == "" {
		nm = "公众 / public"
	}
	return
}

// limiter is a token bucket per key (its rate) or, without a key, per client address, kept in
// memory on each node like the share gateway's per-grant rate (share/limits.go).
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// admit counts one call, or refuses it with the time to wait.
func (s *Service) admit(ctx context.Context, c *Caller) error {
	id, perMinute := "ip:"+c.ClientIP, s.Limits.AnonPerMinute
	if c.key != nil {
		id, perMinute = "key:"+c.key.ID, c.key.RatePerMinute
		if perMinute <= 0 {
			perMinute = s.Limits.KeyPerMinute
		}
	}
	if perMinute <= 0 {
		return nil
	}
	now := s.now()
	perSec := float64(perMinute) / 60
	burst := max(1, float64(perMinute)/4)
	l := &s.limiter
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if now.Sub(l.swept) > 10*time.Minute { // forget idle callers
		for k, b := range l.buckets {
			if now.Sub(b.at) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[id]
	if b == nil {
		b = &bucket{tokens: burst, at: now}
		l.buckets[id] = b
	} else if d := now.Sub(b.at).Seconds(); d > 0 {
		b.tokens = min(burst, b.tokens+d*perSec)
		b.at = now
	}
	if b.tokens < 1 {
		return ErrRate.After(time.Duration((1 - b.tokens) / perSec * float64(time.Second)))
	}
	b.tokens--
	return nil
}
