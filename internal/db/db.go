// Package db opens the platform's database — embedded SQLite (default) or PostgreSQL
// (production, several stateless nodes) — applies the versioned migrations of each dialect and
// gives the domain packages one transaction helper. SQL is written once with $1 placeholders,
// which both backends accept; the few dialect differences are methods on DB.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite" // SQLite driver "sqlite", pure Go (cgo-free cross builds)
)

// Dialect names a backend.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Q is what both *sql.DB and *sql.Tx offer; services accept it so a caller can run them inside
// its own transaction.
type Q interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open platform database.
type DB struct {
	*sql.DB
	Dialect Dialect
	// Where is a printable location (file path or DSN without password).
	Where string

	stmts sync.Map // SQL text → *sql.Stmt, for hot paths (see Prepared)
}

//go:embed migrations
var migrations embed.FS

// IsPostgresDSN tells whether a DSN selects PostgreSQL.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn; an empty dsn means the SQLite file pubdata.db inside
// dataDir (created if missing). It pings the database so a bad DSN fails here, clearly.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	if IsPostgresDSN(dsn) {
		sqldb, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("数据库连接串无效 / invalid database DSN: %w", err)
		}
		sqldb.SetMaxOpenConns(32)
		sqldb.SetMaxIdleConns(16)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := sqldb.PingContext(pctx); err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("无法连接 PostgreSQL / cannot reach PostgreSQL at %s: %w", redact(dsn), err)
		}
		return &DB{DB: sqldb, Dialect: Postgres, Where: redact(dsn)}, nil
	}
	path := dsn
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if path == "" {
		if dataDir == "" {
			dataDir = "pubdata-data"
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("无法创建数据目录 / cannot create data directory %s: %w", dataDir, err)
		}
		if err := checkWritable(dataDir); err != nil {
			return nil, err
		}
		path = filepath.Join(dataDir, "pubdata.db")
	} else if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(20000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(FULL)")
	// Statement journals and temporary b-trees in memory, and the database file mapped into
	// memory: readers then reach pages without a system call each, which matters because every
	// commit (the audit log commits constantly) resets other connections' page caches.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "mmap_size(268435456)")
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	sqldb.SetMaxOpenConns(8)
	// Keep every connection: closing idle ones throws away their prepared statements and page
	// cache, and reopening costs far more than holding a handful of SQLite connections.
	sqldb.SetMaxIdleConns(8)
	sqldb.SetConnMaxIdleTime(0)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("无法打开 SQLite 数据库 / cannot open SQLite database %s: %w", path, err)
	}
	return &DB{DB: sqldb, Dialect: SQLite, Where: path}, nil
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("数据目录不可写 / data directory %s is not writable: %w", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String()
}

// Migrate applies every pending migration of this dialect. Each migration runs in its own
// transaction, so a failing one leaves the database as it was before it.
func (d *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+string(d.Dialect))
	if err != nil {
		return err
	}
	return d.MigrateFS(ctx, sub)
}

// MigrateFS applies the goose migrations in fsys (NNNNN_name.sql at its root) the way Migrate
// applies the embedded ones; tests use it to check that a broken migration changes nothing.
func (d *DB) MigrateFS(ctx context.Context, fsys fs.FS) error {
	gd := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
	if d.Dialect == Postgres {
		gd = goose.DialectPostgres
		// Several nodes may start at once on one database: an advisory lock (one per schema)
		// lets one migrate while the others wait, instead of all racing to create the same
		// tables. (SQLite has no such lock; a concurrent migrator is handled by the retry below.)
		var schema string
		if err := d.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			return fmt.Errorf("数据库迁移失败 / migration failed: %w", err)
		}
		h := fnv.New64a()
		h.Write([]byte("pubdata-migrate:" + schema))
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 600))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(gd, d.DB, fsys, opts...)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		before, _ := p.GetDBVersion(ctx)
		_, err := p.Up(ctx)
		if err == nil {
			return nil
		}
		// Another process migrating the same SQLite file (a CLI command while the server
		// starts) makes our copy of a migration fail with "already exists" after its copy
		// committed. Each failed migration rolled back, so when the version moved on under us,
		// simply go on from there.
		if after, verr := p.GetDBVersion(ctx); verr == nil && after > before && attempt < 50 {
			continue
		}
		return fmt.Errorf("数据库迁移失败 / migration failed: %w", err)
	}
}

// Tx runs fn inside a transaction, committing if fn returns nil and rolling back otherwise.
// fn's own error comes back as it is; a failure to begin or commit reads "db: begin: …" /
// "db: commit: …" (the cause stays reachable through errors.Is/errors.As).
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// ExecContext is sql.DB's ExecContext with the driver's error wrapped as
// "db: exec UPDATE share_requests: <cause>" — the operation and a short form of the statement
// (never its arguments). errors.Is/errors.As still find the cause (context.Canceled,
// *pgconn.PgError, *sqlite.Error), and IsUniqueViolation still recognizes a unique violation.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := d.DB.ExecContext(ctx, query, args...)
	if err != nil {
		return nil, wrapStmt("exec", query, err)
	}
	return res, nil
}

// QueryContext is sql.DB's QueryContext with the driver's error wrapped like ExecContext's.
// (QueryRowContext is sql.DB's own: its *sql.Row reports sql.ErrNoRows from Scan unwrapped, and
// the code compares that everywhere.)
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := d.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, wrapStmt("query", query, err)
	}
	return rows, nil
}

// wrapStmt wraps err with op and the statement's short form.
func wrapStmt(op, query string, err error) error {
	return fmt.Errorf("db: %s %s: %w", op, StmtSummary(query), err)
}

// StmtSummary is a short, argument-free form of a SQL statement for error messages: its verb
// and the table it works on ("UPDATE share_requests", "SELECT datasets", "INSERT INTO loads").
func StmtSummary(query string) string {
	f := strings.Fields(query)
	if len(f) == 0 {
		return "(empty)"
	}
	verb := strings.ToUpper(f[0])
	after := func(kw string) string {
		for i := 1; i+1 < len(f); i++ {
			// The first kw followed by a name (not a subquery) names the table.
			if tok := f[i+1]; strings.EqualFold(f[i], kw) && !strings.HasPrefix(tok, "(") {
				if j := strings.IndexAny(tok, "(),;"); j >= 0 {
					tok = tok[:j]
				}
				return tok
			}
		}
		return ""
	}
	var table string
	switch verb {
	case "SELECT", "DELETE":
		table = after("FROM")
	case "INSERT":
		if t := after("INTO"); t != "" {
			return "INSERT INTO " + t
		}
	case "UPDATE":
		if len(f) > 1 {
			table = f[1]
		}
	case "WITH":
		// The CTE's name says little; name the statement's main verb and table when found.
		for i := 1; i < len(f); i++ {
			switch v := strings.ToUpper(f[i]); v {
			case "UPDATE", "DELETE", "INSERT":
				return "WITH … " + StmtSummary(strings.Join(f[i:], " "))
			}
		}
		if t := after("FROM"); t != "" {
			return "WITH … SELECT " + t
		}
	}
	if table == "" {
		return verb
	}
	return verb + " " + table
}

// ForUpdate is the row-lock suffix for SELECTs that must serialize writers. SQLite needs none:
// its write transactions (BEGIN IMMEDIATE) are already exclusive.
func (d *DB) ForUpdate() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// IsPG tells whether this is PostgreSQL.
func (d *DB) IsPG() bool { return d.Dialect == Postgres }

// Like returns the case-insensitive LIKE operator of the dialect.
func (d *DB) Like() string {
	if d.Dialect == Postgres {
		return "ILIKE"
	}
	return "LIKE"
}

// IsUniqueViolation tells whether err is a unique-constraint violation on either backend. It looks
// through wrapping (errors.As) for the drivers' typed errors and falls back to their text.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) && (se.Code() == 2067 || se.Code() == 1555) {
		return true // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}

// ErrNoRows is sql.ErrNoRows, re-exported for callers that only import db.
var ErrNoRows = sql.ErrNoRows

// IsNoRows tells whether err is sql.ErrNoRows.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Millis converts a time to the stored form: Unix milliseconds (same on both backends).
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMillis converts the stored form back; 0 is the zero time.
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// Prepared returns a prepared statement for query, cached by its text for the life of the
// database handle. Hot read paths (token resolution, gateway lookups) use it so a call does not
// pay for parsing SQL every time; database/sql re-prepares it per connection as needed.
func (d *DB) Prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := d.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := d.PrepareContext(ctx, query)
	if err != nil {
		return nil, wrapStmt("prepare", query, err)
	}
	if v, loaded := d.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// QueryRowFast is QueryRowContext through a cached prepared statement, for short indexed
// reads: it does not let the request's cancellation interrupt the statement (the SQLite driver
// starts a watcher goroutine per statement for a cancellable context, which costs more than
// such a read).
func (d *DB) QueryRowFast(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	st, err := d.Prepared(ctx, query)
	if err != nil {
		return d.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// QueryFast is QueryContext through a cached prepared statement, for short indexed reads
// (not interrupted by the request's cancellation, like QueryRowFast).
func (d *DB) QueryFast(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	st, err := d.Prepared(ctx, query)
	if err != nil {
		return d.QueryContext(ctx, query, args...)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, wrapStmt("query", query, err)
	}
	return rows, nil
}

// ScanAll reads every row with scan and closes rows: the loop every list query repeats. scan
// takes the rows as any row-scanner interface the calling package uses (S).
func ScanAll[T any, S interface{ Scan(...any) error }](rows *sql.Rows, err error, scan func(S) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sc := any(rows).(S)
	var out []T
	for rows.Next() {
		v, err := scan(sc)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Stamp is a moment kept as the tables keep it — Unix milliseconds — that the API shows as an
// RFC 3339 string (one API shape: every timestamp in JSON is RFC 3339). The zero Stamp is "never":
// null in JSON, left out under omitempty. It reads back RFC 3339, and numbers for old clients.
type Stamp int64

// StampOf is the Stamp of t (0 for the zero time).
func StampOf(t time.Time) Stamp { return Stamp(Millis(t)) }

// Time is the moment as a time.Time (the zero time for 0).
func (s Stamp) Time() time.Time { return FromMillis(int64(s)) }

// MarshalJSON writes an RFC 3339 string with milliseconds, or null.
func (s Stamp) MarshalJSON() ([]byte, error) {
	if s == 0 {
		return []byte("null"), nil
	}
	return []byte(`"` + time.UnixMilli(int64(s)).Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

// UnmarshalJSON reads an RFC 3339 string, null, or Unix milliseconds.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	str := string(b)
	switch {
	case str == "null" || str == `""`:
		*s = 0
		return nil
	case len(str) > 1 && str[0] == '"':
		t, err := time.Parse(time.RFC3339, str[1:len(str)-1])
		if err != nil {
			return err
		}
		*s = StampOf(t)
		return nil
	}
	n, err := strconv.ParseInt(str, 10, 64)
	*s = Stamp(n)
	return err
}

// NextNumber draws the next public serial number (e.g. complaint TS202612070001) for prefix in
// table's column col: the highest number already issued under the prefix plus one, zero-padded to
// width digits. Numbers are never reused even when rows are deleted in between. Two transactions
// may draw the same number at once; the column's UNIQUE index refuses the second, and the caller
// retries through RetryUnique. table and col are code constants, never user input.
func NextNumber(ctx context.Context, q Q, table, col, prefix string, width int) (string, error) {
	var last sql.NullString
	if err := q.QueryRowContext(ctx, "SELECT MAX("+col+") FROM "+table+" WHERE "+col+" >= $1 AND "+col+" < $2",
		prefix, prefix+"~").Scan(&last); err != nil {
		return "", fmt.Errorf("next number in %s: %w", table, err)
	}
	n := 0
	if last.Valid {
		if v, err := strconv.Atoi(strings.TrimPrefix(last.String, prefix)); err == nil {
			n = v
		}
	}
	return fmt.Sprintf("%s%0*d", prefix, width, n+1), nil
}

// RetryUnique runs fn, again (up to tries times in all) while it fails on a unique violation:
// for writes that draw a serial number inside their transaction (NextNumber) and may race
// another node or request for it. fn must be a whole transaction, so a retry starts clean.
func RetryUnique(tries int, fn func() error) error {
	var err error
	for i := 0; i < tries; i++ {
		if i > 0 {
			// Callers that filed at the same moment collided on the same number: spread them
			// out a little, so that they do not collide again on the next one.
			time.Sleep(time.Duration(rand.IntN(2*i+1)) * time.Millisecond)
		}
		if err = fn(); !IsUniqueViolation(err) {
			return err
		}
	}
	return err
}
