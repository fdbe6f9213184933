package backup

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // pg_restore targets are checked through database/sql

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Target is where a backup is restored: a SQLite file that must not exist yet, or a PostgreSQL
// database (DSN, optionally with search_path) whose schema holds no tables.
type Target struct {
	SQLitePath string
	DSN        string
	PGTools    string
}

// Restore decrypts the backup read from r with identity and restores it onto target. A wrong
// key is refused (ErrWrongKey) before the target is touched; a damaged file is ErrCorrupt.
func Restore(ctx context.Context, m Manifest, r io.Reader, identity string, t Target, progress Progress) error {
	if progress == nil {
		progress = func(string, int64, int64) {}
	}
	plain, err := decryptWith(bufio.NewReaderSize(r, 1<<20), identity, m.Encryption)
	if err != nil {
		return err
	}
	pr := &progressReader{r: plain, total: m.Size, stage: "restore", fn: progress}
	switch m.Backend {
	case string(db.SQLite):
		return restoreSQLite(t.SQLitePath, pr)
	case string(db.Postgres):
		return restorePG(ctx, m, t, pr)
	}
	return fmt.Errorf("backup: unknown backend %q", m.Backend)
}

func restoreSQLite(path string, r io.Reader) error {
	if path == "" {
		return errors.New("backup: no SQLite target")
	}
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); err == nil {
			return ErrTargetNotEmpty
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	part := path + ".restore-" + ids.Token(4)
	f, err := os.OpenFile(part, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(part)
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		if errors.Is(err, ErrCorrupt) || strings.Contains(err.Error(), "chacha20poly1305") || strings.Contains(err.Error(), "age:") {
			return ErrCorrupt
		}
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(part, path)
}

func restorePG(ctx context.Context, m Manifest, t Target, r io.Reader) error {
	tool := "pg_restore"
	p := filepath.Join(t.PGTools, tool)
	if t.PGTools == "" {
		var err error
		if p, err = exec.LookPath(tool); err != nil {
			return ErrToolMissing(tool)
		}
	} else if _, err := os.Stat(p); err != nil {
		return ErrToolMissing(tool)
	}
	conn, schema, err := pgConn(t.DSN)
	if err != nil {
		return err
	}
	if m.Schema != "" {
		schema = m.Schema
	}
	if schema == "" {
		schema = "public"
	}
	check, err := sql.Open("pgx", t.DSN)
	if err != nil {
		return err
	}
	var n int
	err = check.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1", schema).Scan(&n)
	check.Close()
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrTargetNotEmpty
	}
	cmd := exec.CommandContext(ctx, p, "--no-owner", "--no-privileges", "--exit-on-error", "--dbname="+conn)
	cmd.Stdin = r
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %v: %s", err, clip(stderr.String(), 500))
	}
	return nil
}

// MarkRestored completes, in a database just restored from backup m, that backup's own row: the
// snapshot was taken while the backup was running, so the restored row says "running" with no
// file or hashes. It is set done with what the manifest records (file, size, file and manifest
// hashes, finishing time), and the restored audit log records that this node was restored from
// the backup, with the manifest's hash (the source's own record of it, written after the
// snapshot, is not in the backup). Call it after Check: the record it appends is not counted in
// the manifest.
func MarkRestored(ctx context.Context, restored *db.DB, m Manifest, manifest []byte, by string) (err error) {
	defer errs.Wrap(&err, "backup: MarkRestored(%s)", m.ID)
	msum := SHA256Hex(manifest)
	finished := m.CreatedAt.Add(time.Duration(m.DurationMS) * time.Millisecond)
	if _, err := restored.ExecContext(ctx, `UPDATE backups SET state = 'done', finished_at = $1, file = $2, size = $3, sha256 = $4,
		manifest_sha256 = $5, bytes_done = $3, error = '' WHERE id = $6 AND state = 'running'`,
		db.Millis(finished), m.File, m.Size, m.SHA256, msum, m.ID); err != nil {
		return err
	}
	return audit.New(restored, m.AuditAlgo).Log(ctx, audit.Event{ActorName: by, Action: "backup.restore", ObjectType: "backup", ObjectID: m.ID,
		Retention: audit.Retain3Y, Detail: map[string]any{"manifest_sha256": msum, "file_sha256": m.SHA256, "backup_created_at": m.CreatedAt.UTC().Format(time.RFC3339)}})
}

// ---- restore drills ----

// Drill is one restore drill.
type Drill struct {
	ID         string        `json:"id"`
	BackupID   string        `json:"backup_id"`
	StartedAt  time.Time     `json:"started_at"`
	FinishedAt time.Time     `json:"finished_at"`
	OK         bool          `json:"ok"`
	RPO        time.Duration `json:"rpo"` // age of the backup when the drill began
	RTO        time.Duration `json:"rto"` // restore and check
	Tables     int           `json:"tables"`
	AuditSize  int64         `json:"audit_size"`
	Detail     string        `json:"detail"`
}

// ErrNoDrillKey: the drill needs the backup's private key, configured on the drill host only.
var ErrNoDrillKey = apperr.New(http.StatusServiceUnavailable, "backup_no_drill_key",
	"本节点未配置恢复演练私钥（PUBDATA_BACKUP_DRILL_IDENTITY），无法演练恢复",
	"this node has no restore drill private key (PUBDATA_BACKUP_DRILL_IDENTITY); it cannot drill a restore")

// ErrDrillFailed is how the drill job reports a drill that did not pass.
func ErrDrillFailed(d Drill) error {
	return apperr.New(http.StatusInternalServerError, "backup_drill_failed",
		"恢复演练未通过："+d.Detail, "the restore drill did not pass: "+d.Detail)
}

// RunDrill restores the latest backup into a scratch database, checks it (every table's row
// count against the manifest, the audit chain, the latest checkpoint against this platform's
// published keys) and records the measured recovery point and time. A failed check is a drill
// that did not pass (OK false, recorded), not an error.
func (s *Service) RunDrill(ctx context.Context) (_ Drill, err error) {
	defer errs.Wrap(&err, "backup: RunDrill")
	if strings.TrimSpace(s.DrillIdentity) == "" {
		return Drill{}, ErrNoDrillKey
	}
	start := s.now()
	d := Drill{ID: ids.New(), StartedAt: start}
	m, err := s.Latest(ctx)
	if err != nil {
		return d, err
	}
	d.BackupID = m.ID
	d.RPO = start.Sub(m.CreatedAt)
	t0 := time.Now()
	problems, err := s.drill(ctx, m, &d)
	d.RTO = time.Since(t0)
	d.FinishedAt = s.now()
	if err != nil {
		problems = append(problems, err.Error())
	}
	d.OK = len(problems) == 0
	d.Detail = clip(strings.Join(problems, "; "), 1000)
	ok := 0
	if d.OK {
		ok = 1
	}
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO backup_drills (id, backup_id, started_at, finished_at, ok, rpo_ms, rto_ms, tables, audit_size, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, d.ID, d.BackupID, db.Millis(d.StartedAt), db.Millis(d.FinishedAt), ok, d.RPO.Milliseconds(), d.RTO.Milliseconds(),
		d.Tables, d.AuditSize, d.Detail); err != nil {
		return d, err
	}
	res := audit.OK
	if !d.OK {
		res = "error"
	}
	s.Audit.Log(ctx, audit.Event{ActorName: "jobs", Action: "backup.drill", ObjectType: "backup", ObjectID: m.ID, Result: res,
		Detail: map[string]any{"rpo_s": int64(d.RPO.Seconds()), "rto_ms": d.RTO.Milliseconds(), "tables": d.Tables, "problems": d.Detail}})
	return d, nil
}

func (s *Service) drill(ctx context.Context, m Manifest, d *Drill) ([]string, error) {
	f, err := s.open(ctx, m)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var scratch *db.DB
	switch m.Backend {
	case string(db.SQLite):
		dir, err := os.MkdirTemp("", "pubdata-drill-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		if err := Restore(ctx, m, f, s.DrillIdentity, Target{SQLitePath: filepath.Join(dir, "pubdata.db")}, nil); err != nil {
			return nil, err
		}
		if scratch, err = db.Open(ctx, "", dir); err != nil {
			return nil, err
		}
	default:
		dsn, drop, err := s.scratchPG(ctx)
		if err != nil {
			return nil, err
		}
		defer drop()
		if err := Restore(ctx, m, f, s.DrillIdentity, Target{DSN: dsn, PGTools: s.PGTools}, nil); err != nil {
			return nil, err
		}
		if scratch, err = db.Open(ctx, dsn, ""); err != nil {
			return nil, err
		}
	}
	defer scratch.Close()
	return s.Check(ctx, m, scratch, d, nil)
}

// Check compares a restored database with its manifest: every table's row count, the audit
// chain, and the manifest's checkpoint, whose signing key must be one of trusted (nil: this
// platform's published checkpoint keys).
func (s *Service) Check(ctx context.Context, m Manifest, restored *db.DB, d *Drill, trusted []string) (_ []string, err error) {
	defer errs.Wrap(&err, "backup: Check")
	var problems []string
	counts, err := countTables(ctx, restored, restored.Dialect)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(m.Tables))
	for n := range m.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if got, ok := counts[n]; !ok {
			problems = append(problems, fmt.Sprintf("表 %s 缺失 / table %s missing", n, n))
		} else if got != m.Tables[n] {
			problems = append(problems, fmt.Sprintf("表 %s 有 %d 行，清单为 %d / table %s has %d rows, the manifest says %d", n, got, m.Tables[n], n, got, m.Tables[n]))
		}
	}
	if d != nil {
		d.Tables = len(counts)
	}
	ra := audit.New(restored, m.AuditAlgo)
	v, err := ra.Verify(ctx)
	if err != nil {
		return nil, err
	}
	if d != nil {
		d.AuditSize = v.Count
	}
	if !v.OK {
		problems = append(problems, "审计哈希链断裂 / audit chain broken: "+v.Reason)
	}
	if m.Checkpoint != nil {
		if trusted == nil {
			keys, err := s.Audit.PublicKeys(ctx)
			if err != nil {
				return nil, err
			}
			for _, k := range keys {
				trusted = append(trusted, k.PublicKey)
			}
		}
		res, err := ra.VerifyCheckpoint(ctx, *m.Checkpoint, trusted)
		if err != nil {
			problems = append(problems, "检查点无效 / checkpoint invalid: "+err.Error())
		} else if !res.Prefix {
			problems = append(problems, "恢复的审计日志不含最新检查点 / the restored log does not hold the latest checkpoint: "+res.Reason)
		}
	}
	return problems, nil
}

// scratchPG creates an empty database beside the platform's for a drill, and drops it after.
func (s *Service) scratchPG(ctx context.Context) (string, func(), error) {
	u, err := url.Parse(s.DSN)
	if err != nil {
		return "", nil, err
	}
	name := "pubdata_drill_" + strings.ToLower(strings.ReplaceAll(ids.Token(6), "-", ""))
	if _, err := s.DB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("恢复演练需要建库权限（CREATEDB）/ the restore drill needs the CREATEDB privilege: %w", err)
	}
	v := *u
	v.Path = "/" + name
	drop := func() {
		s.DB.ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return v.String(), drop, nil
}

// Drills lists the latest drills (at most limit, capped at 100).
func (s *Service) Drills(ctx context.Context, limit int) (_ []Drill, err error) {
	defer errs.Wrap(&err, "backup: Drills")
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, backup_id, started_at, finished_at, ok, rpo_ms, rto_ms, tables, audit_size, detail
		FROM backup_drills ORDER BY started_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Drill
	for rows.Next() {
		var d Drill
		var st, fi, rpo, rto int64
		var ok int
		if err := rows.Scan(&d.ID, &d.BackupID, &st, &fi, &ok, &rpo, &rto, &d.Tables, &d.AuditSize, &d.Detail); err != nil {
			return nil, err
		}
		d.StartedAt, d.FinishedAt, d.OK = db.FromMillis(st), db.FromMillis(fi), ok == 1
		d.RPO, d.RTO = time.Duration(rpo)*time.Millisecond, time.Duration(rto)*time.Millisecond
		out = append(out, d)
	}
	return out, rows.Err()
}

// RestoreLatest restores the newest backup (or backup id) onto target with identity.
func (s *Service) RestoreID(ctx context.Context, id, identity string, t Target, progress Progress) (_ Manifest, err error) {
	defer errs.Wrap(&err, "backup: RestoreID(%s)", id)
	m, err := s.Manifest(ctx, id)
	if err != nil {
		return m, err
	}
	f, err := s.open(ctx, m)
	if err != nil {
		return m, err
	}
	defer f.Close()
	return m, Restore(ctx, m, f, identity, t, progress)
}
