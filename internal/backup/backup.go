// Package backup makes encrypted, consistent backups of the platform database, writes them
// locally and off-site, keeps them by a retention rule, restores them onto a fresh node, and
// drills restores on a schedule (备份与恢复, SEC-5).
//
// A backup is two files named by its id: the snapshot, encrypted to a recipient public key
// (crypt.go), and a plain manifest (Manifest) listing the snapshot's hash, the row count of every
// table and the latest signed audit checkpoint. The manifest's SHA-256 goes into the audit log,
// so a manifest (and through it the snapshot) cannot be swapped unnoticed.
//
// Snapshots are consistent: SQLite through its online backup API (pages copied under a read
// snapshot while the platform keeps writing), PostgreSQL through pg_dump in custom format run on
// an exported snapshot, the same one the row counts are taken in.
package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Manifest describes one backup.
type Manifest struct {
	ID         string            `json:"id"`
	CreatedAt  time.Time         `json:"created_at"`
	Backend    string            `json:"backend"` // sqlite or postgres
	Format     string            `json:"format"`  // sqlite-database or pg_dump-custom
	Schema     string            `json:"schema,omitempty"`
	File       string            `json:"file"`
	Size       int64             `json:"size"`
	SHA256     string            `json:"sha256"` // of the encrypted file
	Encryption string            `json:"encryption"`
	Recipient  string            `json:"recipient"`
	Tables     map[string]int64  `json:"tables"`
	AuditAlgo  string            `json:"audit_algo"`
	Checkpoint *audit.Checkpoint `json:"checkpoint,omitempty"`
	DurationMS int64             `json:"duration_ms"`
}

// Progress reports long work: bytes (or pages) done of total (0 when unknown), and a stage.
type Progress func(stage string, done, total int64)

// Service makes and restores backups of one platform database.
type Service struct {
	DB    *db.DB
	DSN   string // the PostgreSQL DSN (pg_dump connects with it); unused for SQLite
	Audit *audit.Service
	Now   func() time.Time

	Dir       string // local backup directory
	Recipient string // public key text (age1… or SM2 PEM); required
	Offsite   *S3    // nil: local only
	Retention Retention
	// DrillIdentity is the private key the restore drill uses. It is configured only on the
	// node that runs drills (an isolated host); elsewhere the drill reports that it cannot run.
	DrillIdentity string
	// PGTools is where pg_dump and pg_restore are looked up ("" = PATH).
	PGTools string
}

// Errors.
var (
	ErrToolMissing = func(tool string) error {
		return apperr.New(http.StatusServiceUnavailable, "backup_tool_missing",
			fmt.Sprintf("PostgreSQL 备份需要 %s（Debian/Ubuntu：apt-get install postgresql-client），在 PATH 中未找到", tool),
			fmt.Sprintf("PostgreSQL backups need %s (Debian/Ubuntu: apt-get install postgresql-client); it is not on PATH", tool))
	}
	ErrTargetNotEmpty = apperr.New(http.StatusConflict, "backup_target_not_empty",
		"恢复目标不是空库：只恢复到新节点（空的数据目录或没有表的数据库），不覆盖现有数据",
		"the restore target is not empty: backups are restored onto a fresh node (an empty data directory or a database without tables), never over existing data")
	ErrNoBackup = apperr.New(http.StatusNotFound, "backup_not_found", "找不到该备份", "no such backup")
	ErrNoDir    = apperr.New(http.StatusBadRequest, "backup_no_dir", "未配置备份目录（--dir 或 PUBDATA_BACKUP_DIR）", "no backup directory is configured (--dir or PUBDATA_BACKUP_DIR)")
)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) ext() string {
	if encryptionOf(s.Recipient) == EncSM {
		return ".sm2"
	}
	return ".age"
}

// Create makes a backup now: snapshot, encrypt, write locally (and off-site), record.
func (s *Service) Create(ctx context.Context, by string, progress Progress) (_ Manifest, err error) {
	defer errs.Wrap(&err, "backup: Create")
	if strings.TrimSpace(s.Recipient) == "" {
		return Manifest{}, ErrNoRecipient
	}
	if s.Dir == "" {
		return Manifest{}, ErrNoDir
	}
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return Manifest{}, err
	}
	start := s.now()
	m := Manifest{ID: start.UTC().Format("20060102T150405Z") + "-" + ids.Token(4), CreatedAt: start, Backend: string(s.DB.Dialect),
		Encryption: encryptionOf(s.Recipient), Recipient: strings.TrimSpace(s.Recipient), AuditAlgo: s.Audit.Algo}
	if _, err := s.DB.ExecContext(ctx, "INSERT INTO backups (id, created_at, state, backend, encryption, started_by) VALUES ($1, $2, 'running', $3, $4, $5)",
		m.ID, db.Millis(start), m.Backend, m.Encryption, by); err != nil {
		return m, err
	}
	m, err = s.create(ctx, m, progress)
	if err != nil {
		s.DB.ExecContext(context.WithoutCancel(ctx), "UPDATE backups SET state = 'failed', error = $1, finished_at = $2 WHERE id = $3", clip(err.Error(), 500), db.Millis(s.now()), m.ID)
		s.Audit.Log(context.WithoutCancel(ctx), audit.Event{ActorName: by, Action: "backup.create", ObjectType: "backup", ObjectID: m.ID, Result: "error",
			Detail: map[string]any{"error": clip(err.Error(), 300)}})
		return m, err
	}
	return m, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func (s *Service) create(ctx context.Context, m Manifest, progress Progress) (Manifest, error) {
	// What the audit spool holds goes into the database first, so the snapshot has it.
	if err := s.Audit.Flush(ctx); err != nil {
		return m, err
	}
	if cp, err := s.Audit.LatestCheckpoint(ctx); err == nil {
		m.Checkpoint = &cp
	}
	m.File = m.ID + "." + m.Backend + s.ext()
	part := filepath.Join(s.Dir, m.File+".part")
	f, err := os.OpenFile(part, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return m, err
	}
	defer os.Remove(part)
	// The encrypted stream is hashed and written in 1 MiB blocks (the ciphers emit 64 KiB
	// chunks): one pass over the bytes, few system calls.
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	cw := &countWriter{w: bw}
	enc, err := encryptTo(cw, s.Recipient)
	if err != nil {
		f.Close()
		return m, err
	}
	// Progress of the running backup is kept in its row for the jobs page.
	stop := s.trackProgress(ctx, m.ID, &cw.n)
	switch s.DB.Dialect {
	case db.SQLite:
		m.Format = "sqlite-database"
		m.Tables, err = s.snapshotSQLite(ctx, enc, progress)
	default:
		m.Format = "pg_dump-custom"
		m.Tables, m.Schema, err = s.snapshotPG(ctx, enc, progress)
	}
	stop()
	if err == nil {
		err = enc.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, err
	}
	m.Size, m.SHA256 = cw.n.Load(), hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(part, filepath.Join(s.Dir, m.File)); err != nil {
		return m, err
	}
	m.DurationMS = s.now().Sub(m.CreatedAt).Milliseconds()
	mb, _ := json.MarshalIndent(m, "", "  ")
	mb = append(mb, '\n')
	if err := writeAtomic(filepath.Join(s.Dir, m.ID+".manifest.json"), mb); err != nil {
		return m, err
	}
	msum := sha256.Sum256(mb)
	offsite := ""
	if s.Offsite != nil {
		progress("offsite", 0, m.Size)
		if err := s.Offsite.Put(ctx, filepath.Join(s.Dir, m.File), m.File); err != nil {
			return m, fmt.Errorf("off-site copy: %w", err)
		}
		if err := s.Offsite.Put(ctx, filepath.Join(s.Dir, m.ID+".manifest.json"), m.ID+".manifest.json"); err != nil {
			return m, fmt.Errorf("off-site copy: %w", err)
		}
		offsite = s.Offsite.Bucket + "/" + s.Offsite.key(m.File)
		progress("offsite", m.Size, m.Size)
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE backups SET state = 'done', finished_at = $1, file = $2, size = $3, sha256 = $4, manifest_sha256 = $5, offsite = $6, bytes_done = $3
		WHERE id = $7`, db.Millis(s.now()), m.File, m.Size, m.SHA256, hex.EncodeToString(msum[:]), offsite, m.ID); err != nil {
		return m, err
	}
	by := ""
	s.DB.QueryRowContext(ctx, "SELECT started_by FROM backups WHERE id = $1", m.ID).Scan(&by)
	if err := s.Audit.Log(ctx, audit.Event{ActorName: by, Action: "backup.create", ObjectType: "backup", ObjectID: m.ID, Retention: audit.Retain3Y,
		Detail: map[string]any{"manifest_sha256": hex.EncodeToString(msum[:]), "file_sha256": m.SHA256, "size": m.Size, "tables": len(m.Tables),
			"encryption": m.Encryption, "offsite": offsite != ""}}); err != nil {
		return m, err
	}
	if _, err := s.Prune(ctx); err != nil {
		slog.Warn("backup retention", "err", err)
	}
	return m, nil
}

func (s *Service) trackProgress(ctx context.Context, id string, n *atomic.Int64) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				s.DB.ExecContext(ctx, "UPDATE backups SET bytes_done = $1 WHERE id = $2", n.Load(), id)
			}
		}
	}()
	return func() { close(done) }
}

type countWriter struct {
	w io.Writer
	n atomic.Int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// countTables counts the rows of every table of q's schema.
func countTables(ctx context.Context, q db.Q, dialect db.Dialect) (map[string]int64, error) {
	list := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if dialect == db.Postgres {
		list = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
	}
	rows, err := q.QueryContext(ctx, list)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	out := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			return nil, fmt.Errorf("count %s: %w", n, err)
		}
		out[n] = c
	}
	return out, nil
}

// ---- listing, retention ----

// Record is a backup as listed on the jobs page.
type Record struct {
	ID         string
	CreatedAt  time.Time
	FinishedAt time.Time
	State      string
	Backend    string
	Encryption string
	File       string
	Size       int64
	BytesDone  int64
	Manifest   string
	Offsite    string
	Error      string
}

// List returns the latest backups (at most limit, capped at 200).
func (s *Service) List(ctx context.Context, limit int) (_ []Record, err error) {
	defer errs.Wrap(&err, "backup: List")
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, created_at, finished_at, state, backend, encryption, file, size, bytes_done, manifest_sha256, offsite, error
		FROM backups ORDER BY created_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var c, f int64
		if err := rows.Scan(&r.ID, &c, &f, &r.State, &r.Backend, &r.Encryption, &r.File, &r.Size, &r.BytesDone, &r.Manifest, &r.Offsite, &r.Error); err != nil {
			return nil, err
		}
		r.CreatedAt = db.FromMillis(c)
		if f > 0 {
			r.FinishedAt = db.FromMillis(f)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Prune applies the retention rule to the finished backups: files (local and off-site) of those
// not kept are deleted and their rows marked pruned.
func (s *Service) Prune(ctx context.Context) (_ int, err error) {
	defer errs.Wrap(&err, "backup: Prune")
	rows, err := s.DB.QueryContext(ctx, "SELECT id, created_at, file, offsite FROM backups WHERE state = 'done' ORDER BY created_at DESC LIMIT 10000")
	if err != nil {
		return 0, err
	}
	type b struct {
		id, file, offsite string
		at                time.Time
	}
	var all []b
	for rows.Next() {
		var x b
		var at int64
		if err := rows.Scan(&x.id, &at, &x.file, &x.offsite); err != nil {
			rows.Close()
			return 0, err
		}
		x.at = db.FromMillis(at)
		all = append(all, x)
	}
	rows.Close()
	times := make([]time.Time, len(all))
	for i, x := range all {
		times[i] = x.at
	}
	keep := s.Retention.Keep(times)
	n := 0
	for i, x := range all {
		if keep[i] {
			continue
		}
		os.Remove(filepath.Join(s.Dir, x.file))
		os.Remove(filepath.Join(s.Dir, x.id+".manifest.json"))
		if s.Offsite != nil && x.offsite != "" {
			if err := s.Offsite.Remove(ctx, x.file); err != nil {
				return n, err
			}
			s.Offsite.Remove(ctx, x.id+".manifest.json")
		}
		if _, err := s.DB.ExecContext(ctx, "UPDATE backups SET state = 'pruned' WHERE id = $1", x.id); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Retention keeps the newest backup of each of the last Daily days, Weekly ISO weeks and
// Monthly months that have backups (grandfather-father-son). Zero values take the defaults 7, 4, 6.
type Retention struct {
	Daily, Weekly, Monthly int
	Location               *time.Location
}

// Keep says which of the backups taken at times (any order) to keep.
func (r Retention) Keep(times []time.Time) map[int]bool {
	d, w, mo := r.Daily, r.Weekly, r.Monthly
	if d <= 0 {
		d = 7
	}
	if w <= 0 {
		w = 4
	}
	if mo <= 0 {
		mo = 6
	}
	loc := r.Location
	if loc == nil {
		loc = time.Local
	}
	idx := make([]int, len(times))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return times[idx[a]].After(times[idx[b]]) })
	keep := map[int]bool{}
	bucket := func(n int, key func(time.Time) string) {
		seen := map[string]bool{}
		for _, i := range idx {
			k := key(times[i].In(loc))
			if seen[k] {
				continue
			}
			if len(seen) == n {
				return
			}
			seen[k] = true
			keep[i] = true
		}
	}
	bucket(d, func(t time.Time) string { return t.Format("2006-01-02") })
	bucket(w, func(t time.Time) string { y, wk := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, wk) })
	bucket(mo, func(t time.Time) string { return t.Format("2006-01") })
	return keep
}

// ReadManifest reads a manifest file.
func ReadManifest(path string) (Manifest, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.ID == "" || m.File == "" {
		return Manifest{}, nil, fmt.Errorf("%s 不是备份清单 / %s is not a backup manifest", path, path)
	}
	return m, b, nil
}

// Latest returns the manifest of the newest finished backup, read from the local directory or,
// when it is not there, from off-site.
func (s *Service) Latest(ctx context.Context) (_ Manifest, err error) {
	defer errs.Wrap(&err, "backup: Latest")
	var id string
	err = s.DB.QueryRowContext(ctx, "SELECT id FROM backups WHERE state = 'done' ORDER BY created_at DESC, id DESC LIMIT 1").Scan(&id)
	if db.IsNoRows(err) {
		return Manifest{}, ErrNoBackup
	}
	if err != nil {
		return Manifest{}, err
	}
	return s.Manifest(ctx, id)
}

// Manifest reads the manifest of backup id (fetching it from off-site when needed).
func (s *Service) Manifest(ctx context.Context, id string) (_ Manifest, err error) {
	defer errs.Wrap(&err, "backup: Manifest(%s)", id)
	p := filepath.Join(s.Dir, id+".manifest.json")
	if _, err := os.Stat(p); err != nil && s.Offsite != nil {
		if err := s.Offsite.Get(ctx, id+".manifest.json", p); err != nil {
			return Manifest{}, err
		}
	}
	m, _, err := ReadManifest(p)
	if os.IsNotExist(err) {
		return m, ErrNoBackup
	}
	return m, err
}

// open returns the backup's encrypted file, fetched from off-site when not local, after checking
// its hash against the manifest.
func (s *Service) open(ctx context.Context, m Manifest) (*os.File, error) {
	p := filepath.Join(s.Dir, m.File)
	if _, err := os.Stat(p); err != nil {
		if s.Offsite == nil {
			return nil, ErrNoBackup
		}
		if err := s.Offsite.Get(ctx, m.File, p); err != nil {
			return nil, err
		}
	}
	return OpenChecked(p, m)
}

// OpenChecked opens a backup file and checks its size and hash against the manifest.
func OpenChecked(path string, m Manifest) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if n != m.Size || hex.EncodeToString(h.Sum(nil)) != m.SHA256 {
		f.Close()
		return nil, ErrCorrupt
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// SHA256Hex is the hex SHA-256 of b (the manifest hash recorded in the audit log).
func SHA256Hex(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

var _ = sql.ErrNoRows
