// Package security keeps the platform's security operation records (安全运营, SEC-6, SEC-9):
// security checks, risk assessments, emergency plans and drills, incidents and third-party
// service providers, each with an owner and a due date in working days, closed with a note; and
// it opens incidents itself from signals the platform already produces (SignalJob): unusual
// share-gateway volume alerts, bursts of failed logins, an audit log that no longer matches its
// signed checkpoint, a restore drill that did not pass.
package security

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Kinds of records.
var Kinds = []string{"check", "risk_assessment", "emergency_plan", "drill", "incident", "provider"}

// Record is one security operation record.
type Record struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Detail      string    `json:"detail,omitempty"`
	RegionCode  string    `json:"region_code"`
	Owner       string    `json:"owner"`
	State       string    `json:"state"` // open, closed
	Severity    string    `json:"severity,omitempty"`
	Due         string    `json:"due,omitempty"`
	NotifyDuty  bool      `json:"notify_duty"`
	Signal      string    `json:"signal,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	ClosingNote string    `json:"closing_note,omitempty"`
}

// Service keeps the records.
type Service struct {
	DB       *db.DB
	Audit    *audit.Service
	Notify   *notify.Service
	Calendar *workday.Calendar
	Now      func() time.Time
	// Region is where platform-opened incidents belong (the platform's top region).
	Region func(ctx context.Context) string
	// JobError reports a scheduled job's last error ("" when it last ran cleanly).
	JobError func(ctx context.Context, name string) string
	// LoginBurst is how many failed logins from one address within the signal scan make an
	// incident (default 20).
	LoginBurst int
}

// who may keep records: the authority's administrators and security officers; auditors and
// oversight bodies read.
func canWrite(p *authz.Principal) bool {
	return p.IsAuthority() && p.Has(authz.AuthorityAdmin) || p.Has(authz.SecurityOfficer) && p.OrgKind == authz.KindAuthority
}
func canRead(p *authz.Principal) bool {
	return canWrite(p) || p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight)
}

// NewRecord is the input of Create.
type NewRecord struct {
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	Detail     string `json:"detail"`
	Owner      string `json:"owner"`
	Severity   string `json:"severity"`
	Days       int    `json:"days"` // due in working days (default 10)
	NotifyDuty bool   `json:"notify_duty"`
}

// Create records a check, assessment, plan, drill, incident or provider.
func (s *Service) Create(ctx context.Context, p *authz.Principal, in NewRecord) (Record, error) {
	if !canWrite(p) {
		return Record{}, apperr.Forbidden
	}
	var fe []apperr.FieldError
	ok := false
	for _, k := range Kinds {
		ok = ok || k == in.Kind
	}
	if !ok {
		fe = append(fe, apperr.Field("kind", "请选择记录类型", "choose the kind"))
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 200 {
		fe = append(fe, apperr.Field("title", "标题须为 1–200 字", "the title must be 1–200 characters"))
	}
	if utf8.RuneCountInString(in.Detail) > 4000 {
		fe = append(fe, apperr.Field("detail", "不超过 4000 字", "at most 4000 characters"))
	}
	if in.Severity != "" && in.Severity != "low" && in.Severity != "medium" && in.Severity != "high" {
		fe = append(fe, apperr.Field("severity", "级别须为低、中、高", "severity must be low, medium or high"))
	}
	if in.Days == 0 {
		in.Days = 10
	}
	if in.Days < 1 || in.Days > 250 {
		fe = append(fe, apperr.Field("days", "期限须为 1–250 个工作日", "the deadline must be 1–250 working days"))
	}
	if in.Owner = strings.TrimSpace(in.Owner); in.Owner == "" {
		in.Owner = p.Username
	}
	if len(fe) > 0 {
		return Record{}, apperr.Invalid.With(fe...)
	}
	now := s.Now()
	r := Record{ID: ids.New(), Kind: in.Kind, Title: in.Title, Detail: strings.TrimSpace(in.Detail), RegionCode: p.RegionCode, Owner: in.Owner,
		State: "open", Severity: in.Severity, Due: workday.Format(s.Calendar.AddWorkdays(now, in.Days)), NotifyDuty: in.NotifyDuty, CreatedBy: p.Username, CreatedAt: now}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, r, ""); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "security.record.create",
			ObjectType: "security_record", ObjectID: r.ID, Detail: map[string]any{"kind": r.Kind, "due": r.Due}})
	})
	return r, err
}

func (s *Service) insert(ctx context.Context, q db.Q, r Record, key string) error {
	duty := 0
	if r.NotifyDuty {
		duty = 1
	}
	_, err := q.ExecContext(ctx, `INSERT INTO security_records (id, kind, title, detail, region_code, owner, state, severity, due, notify_duty, signal, signal_key, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, r.ID, r.Kind, r.Title, r.Detail, r.RegionCode, r.Owner, r.State, r.Severity, r.Due, duty,
		r.Signal, key, r.CreatedBy, db.Millis(r.CreatedAt))
	return err
}

// Close closes a record with a note (what was done, the outcome).
func (s *Service) Close(ctx context.Context, p *authz.Principal, id, note string) (Record, error) {
	if !canWrite(p) {
		if canRead(p) {
			return Record{}, apperr.Forbidden // a reader (auditor, oversight) may see it, not close it
		}
		return Record{}, apperr.Hidden
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 4000 {
		return Record{}, apperr.Invalid.With(apperr.Field("note", "请写明处置情况（1–4000 字）", "describe what was done (1–4000 characters)"))
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE security_records SET state = 'closed', closed_by = $1, closed_at = $2, closing_note = $3 WHERE id = $4 AND state = 'open'",
			p.Username, db.Millis(s.Now()), note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotOpen
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "security.record.close",
			ObjectType: "security_record", ObjectID: id})
	})
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, p, id)
}

// ErrNotOpen: the record is closed already (or does not exist).
var ErrNotOpen = apperr.New(http.StatusConflict, "security_record_closed", "该记录已关闭或不存在", "the record is closed already or does not exist")

const cols = `id, kind, title, detail, region_code, owner, state, severity, due, notify_duty, signal, created_by, created_at, closed_by, closed_at, closing_note`

func scan(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var duty int
	var c, cl int64
	err := sc.Scan(&r.ID, &r.Kind, &r.Title, &r.Detail, &r.RegionCode, &r.Owner, &r.State, &r.Severity, &r.Due, &duty, &r.Signal, &r.CreatedBy, &c, &r.ClosedBy, &cl, &r.ClosingNote)
	r.NotifyDuty, r.CreatedAt = duty == 1, db.FromMillis(c)
	if cl > 0 {
		r.ClosedAt = db.FromMillis(cl)
	}
	return r, err
}

// Get returns one record (404 to those who may not read records).
func (s *Service) Get(ctx context.Context, p *authz.Principal, id string) (Record, error) {
	if !canRead(p) {
		return Record{}, apperr.Hidden
	}
	r, err := scan(s.DB.QueryRowContext(ctx, "SELECT "+cols+" FROM security_records WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, apperr.Hidden
	}
	return r, err
}

// List returns records, open first by due date, then the latest closed (at most limit ≤ 200).
func (s *Service) List(ctx context.Context, p *authz.Principal, kind string, limit int) ([]Record, error) {
	if !canRead(p) {
		return nil, apperr.Forbidden
	}
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+cols+" FROM security_records WHERE ($1 = '' OR kind = $1) ORDER BY state DESC, due, created_at DESC LIMIT $2", kind, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ---- incidents from the platform's signals ----

// Signals.
const (
	SignalShareAnomaly       = "share_anomaly"
	SignalLoginBurst         = "login_burst"
	SignalCheckpoint         = "checkpoint_mismatch"
	SignalRestoreDrill       = "restore_drill_failed"
	signalCursor             = "security.signal_cursor"
	signalScanLimit    int64 = 50000
)

// Open opens an incident for a signal occurrence once (key dedups it across runs and nodes);
// it reports whether it was new.
func (s *Service) Open(ctx context.Context, signal, key, title, detail, severity string) (bool, error) {
	now := s.Now()
	region := ""
	if s.Region != nil {
		region = s.Region(ctx)
	}
	r := Record{ID: ids.New(), Kind: "incident", Title: title, Detail: detail, RegionCode: region, State: "open", Severity: severity,
		Due: workday.Format(s.Calendar.AddWorkdays(now, 1)), NotifyDuty: severity == "high", Signal: signal, CreatedBy: "system", CreatedAt: now}
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM security_records WHERE signal_key = $1", signal+":"+key).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, r, signal+":"+key); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "security.incident.open",
			ObjectType: "security_record", ObjectID: r.ID, Detail: map[string]any{"signal": signal, "key": key}})
	})
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return false, nil // another node opened it
		}
		return false, err
	}
	if s.Notify != nil {
		rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id JOIN orgs o ON o.id = u.org_id
			WHERE r.role IN ('authority_admin', 'security_officer') AND o.kind = $1 LIMIT 100`, string(authz.KindAuthority))
		if err == nil {
			var users []string
			for rows.Next() {
				var id string
				if rows.Scan(&id) == nil {
					users = append(users, id)
				}
			}
			rows.Close()
			for _, u := range users {
				s.Notify.Send(ctx, s.DB, notify.Message{UserID: u, Kind: "flag", TitleZH: "平台发现安全事件：" + title, TitleEN: "Security incident opened by the platform",
					BodyZH: detail, BodyEN: "See the security operations page for the incident.", Link: "/security", ObjectType: "security_record", ObjectID: r.ID,
					DedupKey: "security:" + r.ID + ":" + u})
			}
		}
	}
	return true, nil
}

// ScanSignals reads the audit records since the last scan and opens incidents: one per unusual
// gateway volume alert, one per client address with LoginBurst or more failed logins, one per
// restore drill that did not pass; and one per day the audit checkpoint job reports the log
// rewritten. It returns how many incidents it opened.
func (s *Service) ScanSignals(ctx context.Context) (int, error) {
	if err := s.Audit.Flush(ctx); err != nil {
		return 0, err
	}
	var cursor int64
	var raw string
	if err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", signalCursor).Scan(&raw); err == nil {
		fmt.Sscan(raw, &cursor)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, at, action, object_id, client_ip, result, detail FROM audit_log WHERE seq > $1
		AND (action IN ('share.grant.anomaly', 'backup.drill') OR (action = 'identity.login' AND result = 'denied')) ORDER BY seq LIMIT $2`, cursor, signalScanLimit)
	if err != nil {
		return 0, err
	}
	type rec struct {
		seq                                   int64
		at                                    int64
		action, object, ip, result, detailRaw string
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.seq, &r.at, &r.action, &r.object, &r.ip, &r.result, &r.detailRaw); err != nil {
			rows.Close()
			return 0, err
		}
		recs = append(recs, r)
	}
	rows.Close()
	opened := 0
	open := func(signal, key, title, detail, sev string) error {
		n, err := s.Open(ctx, signal, key, title, detail, sev)
		if n {
			opened++
		}
		return err
	}
	burst := s.LoginBurst
	if burst <= 0 {
		burst = 20
	}
	fails := map[string][]int64{}
	last := cursor
	for _, r := range recs {
		last = r.seq
		switch r.action {
		case "share.grant.anomaly":
			if err := open(SignalShareAnomaly, fmt.Sprint(r.seq), "共享授权调用量异常 / unusual gateway volume", "授权 "+r.object+"："+r.detailRaw, "medium"); err != nil {
				return opened, err
			}
		case "backup.drill":
			if r.result != audit.OK {
				if err := open(SignalRestoreDrill, fmt.Sprint(r.seq), "恢复演练未通过 / restore drill failed", "备份 "+r.object+"："+r.detailRaw, "high"); err != nil {
					return opened, err
				}
			}
		case "identity.login":
			fails[r.ip] = append(fails[r.ip], r.at)
		}
	}
	for ip, ats := range fails {
		// A burst: burst failures within 10 minutes from one address.
		for i := burst - 1; i < len(ats); i++ {
			if ats[i]-ats[i-burst+1] <= int64(10*time.Minute/time.Millisecond) {
				day := workday.Format(db.FromMillis(ats[i]))
				if err := open(SignalLoginBurst, ip+":"+day, "登录失败集中出现 / burst of failed logins",
					fmt.Sprintf("地址 %s 在 10 分钟内登录失败 %d 次以上（%s）", ip, burst, day), "medium"); err != nil {
					return opened, err
				}
				break
			}
		}
	}
	if s.JobError != nil {
		if e := s.JobError(ctx, "audit.checkpoint"); strings.Contains(e, "audit_log_rewritten") || strings.Contains(e, "no longer matches") {
			if err := open(SignalCheckpoint, workday.Format(s.Now()), "审计日志与签名检查点不一致 / audit log does not match its checkpoint", e, "high"); err != nil {
				return opened, err
			}
		}
	}
	if last > cursor {
		if _, err := s.DB.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			signalCursor, fmt.Sprint(last)); err != nil {
			return opened, err
		}
	}
	return opened, nil
}
