package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql" // MySQL / MariaDB source databases
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/netguard"
	"pubdata/internal/notify"
)

// Source is a registered source database of the table channel (库表抽取, AGG-1): the agency's own
// PostgreSQL or MySQL/MariaDB database, a table or a query, pulled in full or incrementally by a
// watermark column. The DSN is stored encrypted and never shown again (only a hint).
type Source struct {
	ID            string        `json:"id"`
	EntryID       string        `json:"entry_id"`
	OrgID         string        `json:"org_id"`
	Name          string        `json:"name"`
	Driver        string        `json:"driver"`   // postgres | mysql
	DSNHint       string        `json:"dsn_hint"` // host and database, no credentials
	Query         string        `json:"query"`
	Mode          string        `json:"mode"` // full | incremental
	WatermarkCol  string        `json:"watermark_column,omitempty"`
	Watermark     string        `json:"watermark,omitempty"`
	Every         time.Duration `json:"every"`
	Active        bool          `json:"active"`
	Failures      int64         `json:"failures"`
	LastError     string        `json:"last_error,omitempty"`
	LastPullAt    time.Time     `json:"last_pull_at,omitzero"`
	LastOKAt      time.Time     `json:"last_ok_at,omitzero"`
	NextAttemptAt time.Time     `json:"next_attempt_at,omitzero"`
	CreatedBy     string        `json:"created_by"`
	CreatedAt     time.Time     `json:"created_at"`
}

// Pull modes.
const (
	PullFull        = "full"        // 全量: the query's rows replace the version
	PullIncremental = "incremental" // 增量: rows past the watermark are upserted by key
)

// SourceInput registers a source.
type SourceInput struct {
	Name         string `json:"name"`
	DSN          string `json:"dsn"`   // postgres://… or mysql://user:pass@host:port/db (or user:pass@tcp(host:port)/db)
	Table        string `json:"table"` // a table name, or
	Query        string `json:"query"` // a SELECT
	Mode         string `json:"mode"`  // full | incremental
	Watermark    string `json:"watermark_column"`
	EveryMinutes int    `json:"every_minutes"` // 0 = from the entry's update frequency
}

var (
	sqlIdentRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$`)
	errSourceDSN = apperr.Invalid.With(apperr.Field("dsn", "连接串应为 postgres://… 或 mysql://用户:密码@主机:端口/库名", "the DSN must be postgres://… or mysql://user:pass@host:port/db"))
	// ErrSourceDown is returned when a source database cannot be reached after the retries.
	ErrSourceDown = apperr.New(http.StatusBadGateway, "ingest_source_down", "源数据库无法连接或查询失败，已按退避策略重试并记录", "the source database cannot be reached or the query failed; retried with back-off and recorded")
)

// errSourceAddress refuses a source database on this host, a link-local or a metadata address.
var errSourceAddress = apperr.Invalid.With(apperr.Field("dsn",
	"源数据库地址不能指向本机、链路本地或云元数据地址，也须在允许的地址范围内", "the source database may not be on this host, a link-local or a metadata address, and must be in the allowed ranges"))

// sourcePolicy is where pulls may connect: the webhook rule (netguard), narrowed by SourceAllow.
func (s *Service) sourcePolicy() netguard.Policy {
	return netguard.Policy{AllowLoopback: s.AllowLoopbackSources, Allow: s.SourceAllow}
}

// sourceHosts lists the hosts a DSN names (PostgreSQL may list fallbacks; a Unix socket is a
// path).
func sourceHosts(driver, dsn string) ([]string, error) {
	switch driver {
	case "pgx":
		cfg, err := pgconn.ParseConfig(dsn)
		if err != nil {
			return nil, errSourceDSN
		}
		hosts := []string{cfg.Host}
		for _, f := range cfg.Fallbacks {
			hosts = append(hosts, f.Host)
		}
		return hosts, nil
	case "mysql":
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, errSourceDSN
		}
		if cfg.Net == "unix" {
			return []string{"/" + strings.TrimPrefix(cfg.Addr, "/")}, nil
		}
		host, _, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			host = cfg.Addr
		}
		return []string{host}, nil
	}
	return nil, errSourceDSN
}

// checkSourceHosts refuses, at registration, a DSN naming a forbidden literal address or
// localhost; names are judged again on every connection (openSource).
func (s *Service) checkSourceHosts(driver, dsn string) error {
	hosts, err := sourceHosts(driver, dsn)
	if err != nil {
		return err
	}
	pol := s.sourcePolicy()
	for _, h := range hosts {
		if pol.ForbiddenHost(h) {
			return errSourceAddress
		}
	}
	return nil
}

// openSource opens a source database whose every connection goes through the address check.
func (s *Service) openSource(driver, dsn string) (*sql.DB, error) {
	if err := s.checkSourceHosts(driver, dsn); err != nil {
		return nil, fmt.Errorf("source address refused")
	}
	dial := s.sourcePolicy().DialContext(15 * time.Second)
	switch driver {
	case "pgx":
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		cfg.DialFunc = dial // fallback hosts are dialled through it too
		return stdlib.OpenDB(*cfg), nil
	case "mysql":
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, err
		}
		cfg.DialFunc = dial
		c, err := mysql.NewConnector(cfg)
		if err != nil {
			return nil, err
		}
		return sql.OpenDB(c), nil
	}
	return nil, errSourceDSN
}

// parseDSN returns the database/sql driver and DSN of a source, and a hint without credentials.
func parseDSN(in string) (driver, dsn, hint string, err error) {
	in = strings.TrimSpace(in)
	switch {
	case strings.HasPrefix(in, "postgres://") || strings.HasPrefix(in, "postgresql://"):
		u, err := url.Parse(in)
		if err != nil || u.Host == "" {
			return "", "", "", errSourceDSN
		}
		return "pgx", in, "postgres://" + u.Host + u.Path, nil
	case strings.HasPrefix(in, "mysql://"):
		u, err := url.Parse(in)
		if err != nil || u.Host == "" {
			return "", "", "", errSourceDSN
		}
		user := u.User.Username()
		if pw, ok := u.User.Password(); ok {
			user += ":" + pw
		}
		d := fmt.Sprintf("%s@tcp(%s)%s", user, u.Host, u.Path)
		if u.RawQuery != "" {
			d += "?" + u.RawQuery
		}
		return "mysql", d, "mysql://" + u.Host + u.Path, nil
	case strings.Contains(in, "@tcp(") || strings.HasPrefix(in, "tcp("):
		at := strings.LastIndex(in, "@")
		return "mysql", in, "mysql://" + in[at+1:], nil
	}
	return "", "", "", errSourceDSN
}

func driverName(d string) string {
	if d == "pgx" {
		return "postgres"
	}
	return d
}

// everyFor is the pull interval of an entry's update frequency.
func everyFor(f catalog.Frequency) time.Duration {
	switch f {
	case catalog.FreqRealtime:
		return 5 * time.Minute
	case catalog.FreqDaily:
		return 24 * time.Hour
	case catalog.FreqWeekly:
		return 7 * 24 * time.Hour
	case catalog.FreqMonthly:
		return 30 * 24 * time.Hour
	case catalog.FreqQuarterly:
		return 91 * 24 * time.Hour
	case catalog.FreqYearly:
		return 365 * 24 * time.Hour
	}
	return 0
}

const sourceCols = `id, entry_id, org_id, name, driver, dsn_hint, query, mode, watermark_col, watermark, every_ms, active, failures, last_error,
	last_pull_at, last_ok_at, next_attempt_at, created_by, created_at`

func scanSource(sc interface{ Scan(...any) error }) (Source, error) {
	var s Source
	var every, last, ok, next, created int64
	var active int
	err := sc.Scan(&s.ID, &s.EntryID, &s.OrgID, &s.Name, &s.Driver, &s.DSNHint, &s.Query, &s.Mode, &s.WatermarkCol, &s.Watermark, &every, &active,
		&s.Failures, &s.LastError, &last, &ok, &next, &s.CreatedBy, &created)
	s.Every, s.Active = time.Duration(every)*time.Millisecond, active != 0
	s.LastPullAt, s.LastOKAt, s.NextAttemptAt, s.CreatedAt = db.FromMillis(last), db.FromMillis(ok), db.FromMillis(next), db.FromMillis(created)
	return s, err
}

// RegisterSource registers a source database for an entry (agency data officer).
func (s *Service) RegisterSource(ctx context.Context, p *authz.Principal, entryID string, in SourceInput, clientIP string) (_ Source, err error) {
	defer errs.Wrap(&err, "ingest: RegisterSource(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Source{}, err
	}
	if err := authz.Ingest(p, authz.Manage, attrsOf(e)); err != nil {
		return Source{}, err
	}
	var fe []apperr.FieldError
	driver, dsn, hint, derr := parseDSN(in.DSN)
	if derr != nil {
		fe = append(fe, apperr.As(derr).Fields...)
	} else if err := s.checkSourceHosts(driver, dsn); err != nil {
		fe = append(fe, apperr.As(err).Fields...)
	}
	if strings.TrimSpace(in.Name) == "" {
		in.Name = e.Name
	}
	in.Table, in.Query = strings.TrimSpace(in.Table), strings.TrimSpace(in.Query)
	switch {
	case in.Table != "" && in.Query != "":
		fe = append(fe, apperr.Field("table", "表名和查询只能填一个", "give a table or a query, not both"))
	case in.Table != "":
		if !sqlIdentRE.MatchString(in.Table) {
			fe = append(fe, apperr.Field("table", "表名只能包含字母、数字和下划线（可带模式名）", "the table name may hold letters, digits and underscores (optionally schema.table)"))
		}
	case in.Query != "":
		q := strings.ToLower(in.Query)
		if !strings.HasPrefix(q, "select") || strings.Contains(q, ";") {
			fe = append(fe, apperr.Field("query", "查询应为单条 SELECT 语句", "the query must be a single SELECT statement"))
		}
	default:
		fe = append(fe, apperr.Field("table", "请填写表名或查询", "give a table or a query"))
	}
	if in.Mode == "" {
		in.Mode = PullFull
	}
	switch in.Mode {
	case PullFull:
	case PullIncremental:
		if !sqlIdentRE.MatchString(in.Watermark) || strings.Contains(in.Watermark, ".") {
			fe = append(fe, apperr.Field("watermark_column", "增量抽取需要水位列（如 updated_at）", "an incremental pull needs a watermark column (e.g. updated_at)"))
		}
		if len(e.KeyFields()) == 0 {
			fe = append(fe, apperr.Field("mode", "目录条目没有主键，不能增量抽取", "the entry has no key field; it cannot be pulled incrementally"))
		}
	default:
		fe = append(fe, apperr.Field("mode", "抽取方式应为全量或增量", "the mode must be full or incremental"))
	}
	if in.EveryMinutes < 0 || in.EveryMinutes > 525600 {
		fe = append(fe, apperr.Field("every_minutes", "抽取间隔应为 0–525600 分钟", "interval must be 0–525600 minutes"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Source{}, err
	}
	query := in.Query
	if in.Table != "" {
		query = "SELECT * FROM " + in.Table
	}
	every := time.Duration(in.EveryMinutes) * time.Minute
	if every == 0 {
		every = everyFor(e.Frequency)
	}
	now := s.now()
	src := Source{ID: ids.New(), EntryID: e.ID, OrgID: e.ProviderOrgID, Name: clip(strings.TrimSpace(in.Name), 100), Driver: driverName(driver), DSNHint: hint,
		Query: query, Mode: in.Mode, WatermarkCol: in.Watermark, Every: every, Active: true, CreatedBy: p.Username, CreatedAt: now}
	if every > 0 {
		src.NextAttemptAt = now
	}
	enc, err := s.sealDSN(ctx, src.ID, dsn)
	if err != nil {
		return Source{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_sources (id, entry_id, org_id, name, driver, dsn_enc, dsn_hint, query, mode, watermark_col,
			every_ms, active, next_attempt_at, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1,$12,$13,$14)`,
			src.ID, src.EntryID, src.OrgID, src.Name, driver, enc, hint, src.Query, src.Mode, src.WatermarkCol, every.Milliseconds(),
			db.Millis(src.NextAttemptAt), src.CreatedBy, db.Millis(now)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "ingest.source.register",
			ObjectType: "ingest_source", ObjectID: src.ID, ClientIP: clientIP,
			Detail: map[string]any{"entry_id": e.ID, "dsn": hint, "mode": src.Mode, "every_minutes": int(every.Minutes())}})
	})
	return src, err
}

// Sources lists an entry's registered sources.
func (s *Service) Sources(ctx context.Context, p *authz.Principal, entryID string) (_ []Source, err error) {
	defer errs.Wrap(&err, "ingest: Sources(%s)", entryID)
	if err := authz.Ingest(p, authz.Read, s.attrsOfTable(ctx, entryID, "")); err != nil {
		return nil, err
	}
	return s.sourcesWhere(ctx, "entry_id = $1", entryID)
}

func (s *Service) sourcesWhere(ctx context.Context, cond string, args ...any) ([]Source, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+sourceCols+" FROM ingest_sources WHERE "+cond+" ORDER BY created_at", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Source{}
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

func (s *Service) source(ctx context.Context, id string) (Source, error) {
	src, err := scanSource(s.DB.QueryRowContext(ctx, "SELECT "+sourceCols+" FROM ingest_sources WHERE id = $1", id))
	if db.IsNoRows(err) {
		return src, apperr.NotFound
	}
	return src, err
}

// PullNow pulls a source on demand, retrying a source that is down after each PullRetry wait.
func (s *Service) PullNow(ctx context.Context, p *authz.Principal, sourceID, clientIP string) (_ *LoadResult, err error) {
	defer errs.Wrap(&err, "ingest: PullNow(%s)", sourceID)
	src, err := s.source(ctx, sourceID)
	if err != nil {
		return nil, err
	}
	e, err := s.entry(ctx, src.EntryID)
	if err != nil {
		return nil, err
	}
	if err := authz.Ingest(p, authz.IngestPull, attrsOf(e)); err != nil {
		return nil, err
	}
	act := ActorOf(p, clientIP)
	for attempt := 0; ; attempt++ {
		res, err := s.pullOnce(ctx, act, e, src)
		if err == nil || !errors.Is(err, ErrSourceDown) || attempt >= len(s.PullRetry) {
			return res, err
		}
		select {
		case <-time.After(s.PullRetry[attempt]):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if src, err = s.source(ctx, sourceID); err != nil {
			return nil, err
		}
	}
}

// PullDue pulls every active source whose next attempt is due (the ingest.pull job). Failures
// back off exponentially (1, 2, 4 … minutes, at most the source's interval or 6 hours).
func (s *Service) PullDue(ctx context.Context, now time.Time) (err error) {
	defer errs.Wrap(&err, "ingest: PullDue")
	srcs, err := s.sourcesWhere(ctx, "active = 1 AND every_ms > 0 AND next_attempt_at <= $1", db.Millis(now))
	if err != nil {
		return err
	}
	var errs []error
	for _, src := range srcs {
		e, err := s.entry(ctx, src.EntryID)
		if err != nil {
			continue
		}
		if _, err := s.pullOnce(ctx, Actor{ID: "system", Name: "system", OrgID: src.OrgID}, e, src); err != nil && !errors.Is(err, ErrSourceDown) {
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// backoff is the wait after the n-th consecutive failure.
func backoff(n int64, every time.Duration) time.Duration {
	d := time.Minute << min(n-1, 16)
	limit := 6 * time.Hour
	if every > 0 && every < limit {
		limit = every
	}
	return max(min(d, limit), time.Minute)
}

// pullOnce makes one attempt: connect, query, load (replace or upsert by key).
func (s *Service) pullOnce(ctx context.Context, act Actor, e *catalog.Entry, src Source) (*LoadResult, error) {
	now := s.now()
	var enc, driver string
	if err := s.DB.QueryRowContext(ctx, "SELECT dsn_enc, driver FROM ingest_sources WHERE id = $1", src.ID).Scan(&enc, &driver); err != nil {
		return nil, err
	}
	dsn, err := s.openDSN(ctx, src.ID, enc)
	if err != nil {
		return nil, s.sourceFailed(ctx, act, e, src, now, fmt.Errorf("cannot decrypt the stored DSN (secret key changed?)"))
	}
	res, loadErr, srcErr := s.pullLoad(ctx, act, e, src, driver, dsn)
	if srcErr != nil {
		return nil, s.sourceFailed(ctx, act, e, src, now, srcErr)
	}
	if loadErr != nil {
		return res, loadErr
	}
	return res, nil
}

// pullLoad runs the source query and loads its rows. srcErr reports the source being
// unreachable or the query failing; loadErr anything after (rejections, storage).
func (s *Service) pullLoad(ctx context.Context, act Actor, e *catalog.Entry, src Source, driver, dsn string) (res *LoadResult, loadErr, srcErr error) {
	sdb, err := s.openSource(driver, dsn)
	if err != nil {
		return nil, nil, err
	}
	defer sdb.Close()
	sdb.SetMaxOpenConns(1)
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	err = sdb.PingContext(cctx)
	cancel()
	if err != nil {
		return nil, nil, err
	}
	q := "SELECT * FROM (" + src.Query + ") src"
	var args []any
	wm := src.WatermarkCol
	if src.Mode == PullIncremental {
		col := `"` + wm + `"`
		ph := "$1"
		if driver == "mysql" {
			col, ph = "`"+wm+"`", "?"
		}
		if src.Watermark != "" {
			q += " WHERE " + col + " > " + ph
			args = append(args, src.Watermark)
		}
		q += " ORDER BY " + col
	}
	rows, err := sdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	sp, err := newSQLRowsParser(ctx, rows, e, wm)
	if err != nil {
		rows.Close()
		return nil, nil, err
	}
	pk := &peekParser{parser: sp}
	if err := pk.peek(); err != nil {
		sp.close()
		return nil, nil, err
	}
	now := s.now()
	if pk.empty {
		sp.close()
		if src.Mode == PullIncremental {
			// nothing new since the watermark: the source is up, the data current
			_, err := s.DB.ExecContext(ctx, `UPDATE ingest_sources SET failures = 0, last_error = '', last_pull_at = $2, last_ok_at = $2, next_attempt_at = $3 WHERE id = $1`,
				src.ID, db.Millis(now), db.Millis(now.Add(src.Every)))
			return &LoadResult{NoNewRows: true}, err, nil
		}
	}
	mode := ModeReplace
	if src.Mode == PullIncremental {
		mode = ModeUpsert
	}
	req := LoadRequest{EntryID: e.ID, Mode: mode, Channel: ChannelPull, FileName: src.Name, SourceID: src.ID, parser: pk}
	req.onCommit = func(ctx context.Context, tx *sql.Tx) error {
		w := src.Watermark
		if sp.lastWM != "" {
			w = sp.lastWM
		}
		_, err := tx.ExecContext(ctx, `UPDATE ingest_sources SET watermark = $2, failures = 0, last_error = '', last_pull_at = $3, last_ok_at = $3,
			next_attempt_at = $4 WHERE id = $1`, src.ID, w, db.Millis(now), db.Millis(now.Add(src.Every)))
		return err
	}
	res, err = s.LoadEntry(ctx, act, e, req)
	sp.close()
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) && ctx.Err() == nil {
			// the source broke mid-stream
			return res, nil, err
		}
		// a rejection: the source is up but its data is not acceptable
		s.DB.ExecContext(context.WithoutCancel(ctx), `UPDATE ingest_sources SET last_pull_at = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1`,
			src.ID, db.Millis(now), clip(apperr.As(err).ZH, 300), db.Millis(now.Add(src.Every)))
		return res, err, nil
	}
	return res, nil, nil
}

// sourceFailed records a failed attempt: back-off, the error on the source, a failed load row,
// and (once per outage) a message to the agency's inbox.
func (s *Service) sourceFailed(ctx context.Context, act Actor, e *catalog.Entry, src Source, now time.Time, cause error) error {
	ctx = context.WithoutCancel(ctx)
	msg := clip(scrub(cause.Error()), 300)
	n := src.Failures + 1
	next := now.Add(backoff(n, src.Every))
	slog.Warn("ingest: source down", "source", src.ID, "failures", n, "err", msg)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE ingest_sources SET failures = $2, last_error = $3, last_pull_at = $4, next_attempt_at = $5 WHERE id = $1`,
			src.ID, n, msg, db.Millis(now), db.Millis(next)); err != nil {
			return err
		}
		l := Load{ID: ids.New(), EntryID: e.ID, Status: StatusFailed, Channel: ChannelPull, Mode: ModeReplace, FileName: src.Name, SourceID: src.ID,
			ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, StartedAt: now, FinishedAt: s.now(),
			Error: "源数据库不可用 / source database unavailable: " + msg}
		if src.Mode == PullIncremental {
			l.Mode = ModeUpsert
		}
		rep := &Report{LoadID: l.ID, EntryID: e.ID, EntryName: e.Name, Status: StatusFailed, Channel: ChannelPull, Mode: l.Mode, FileName: src.Name,
			CreatedAt: now, Dimensions: []DimensionScore{}, Rules: []RuleResult{{Rule: "source.available", Dimension: DimAvailability,
				ZH: "源数据库无法连接或查询失败：" + msg, EN: "the source database cannot be reached or the query failed: " + msg, Failing: 1, Samples: []Sample{}}},
			Problems: []Problem{}}
		if err := s.insertLoad(ctx, tx, &l, rep); err != nil {
			return err
		}
		if s.Notify != nil {
			since := src.LastOKAt
			if since.IsZero() {
				since = src.CreatedAt
			}
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: src.OrgID, Kind: "flag", TitleZH: "源数据库不可用：" + src.Name,
				TitleEN: "Source database down: " + src.Name, BodyZH: "库表抽取失败，平台将按退避策略自动重试。错误：" + msg,
				BodyEN: "The table pull failed; the platform retries with back-off. Error: " + msg, Link: "/ingest/entries/" + e.ID,
				ObjectType: "ingest_source", ObjectID: src.ID, DedupKey: fmt.Sprintf("ingest.source.down:%s:%d", src.ID, db.Millis(since))}); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: "ingest.pull.fail",
			ObjectType: "ingest_source", ObjectID: src.ID, Result: audit.Failed, Detail: map[string]any{"entry_id": e.ID, "failures": n, "error": msg}})
	})
	if err != nil {
		return err
	}
	return ErrSourceDown.With(apperr.Field("source", "第 "+fmt.Sprint(n)+" 次连续失败："+msg, fmt.Sprintf("failure %d in a row: %s", n, msg)))
}

var pwRE = regexp.MustCompile(`(?i)(password|pwd)=\S+|://[^/@\s]+@`)

// scrub removes anything that looks like a credential from a driver error.
func scrub(s string) string { return pwRE.ReplaceAllString(s, "***") }

// peekParser reads the first row ahead so an empty result is known before a load starts.
type peekParser struct {
	parser
	first *rawRow
	empty bool
}

func (p *peekParser) peek() error {
	r, err := p.parser.next()
	if err == io.EOF {
		p.empty = true
		return nil
	}
	if err != nil {
		return err
	}
	p.first = &r
	return nil
}

func (p *peekParser) next() (rawRow, error) {
	if p.first != nil {
		r := *p.first
		p.first = nil
		return r, nil
	}
	if p.empty {
		return rawRow{}, io.EOF
	}
	return p.parser.next()
}
