package backup

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"

	"pubdata/internal/db"
	"pubdata/internal/ids"
)

// snapshotSQLite copies the live database through SQLite's online backup API into a file beside
// it (same disk, same protection as the database itself; removed at once), counts its tables,
// and streams it into w.
func (s *Service) snapshotSQLite(ctx context.Context, w io.Writer, progress Progress) (map[string]int64, error) {
	snap := s.DB.Where + ".backup-" + ids.Token(6)
	defer os.Remove(snap)
	defer os.Remove(snap + "-journal")
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	err = conn.Raw(func(dc any) error {
		bk, ok := dc.(interface {
			NewBackup(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("backup: the SQLite driver offers no online backup")
		}
		b, err := bk.NewBackup(snap)
		if err != nil {
			return err
		}
		// One step under one read snapshot: in WAL mode writers go on meanwhile, and the copy
		// is the database as of the step's start (a stepwise copy restarts on every write).
		progress("snapshot", 0, 0)
		if _, err := b.Step(-1); err != nil {
			b.Finish()
			return err
		}
		return b.Finish()
	})
	conn.Close()
	if err != nil {
		return nil, fmt.Errorf("backup: snapshot: %w", err)
	}
	// The row counts are taken from the snapshot while it is encrypted (two cores, two jobs).
	type countResult struct {
		counts map[string]int64
		err    error
	}
	done := make(chan countResult, 1)
	go func() {
		sdb, err := sql.Open("sqlite", "file:"+snap+"?mode=ro")
		if err != nil {
			done <- countResult{err: err}
			return
		}
		counts, err := countTables(ctx, sdb, db.SQLite)
		sdb.Close()
		done <- countResult{counts, err}
	}()
	f, err := os.Open(snap)
	if err != nil {
		<-done
		return nil, err
	}
	defer f.Close()
	st, _ := f.Stat()
	_, cerr := io.Copy(w, &progressReader{r: f, total: st.Size(), stage: "encrypt", fn: progress})
	c := <-done
	if cerr != nil {
		return nil, cerr
	}
	return c.counts, c.err
}

type progressReader struct {
	r           io.Reader
	done, total int64
	stage       string
	fn          Progress
	last        int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if p.done-p.last >= 4<<20 || err == io.EOF {
		p.fn(p.stage, p.done, p.total)
		p.last = p.done
	}
	return n, err
}

// pgConn splits a platform DSN into what libpq tools accept and the schema it selects
// (search_path, which libpq does not take as a URI parameter).
func pgConn(dsn string) (conn, schema string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", err
	}
	q := u.Query()
	schema = q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

func (s *Service) tool(name string) (string, error) {
	if s.PGTools != "" {
		p := filepath.Join(s.PGTools, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		return "", ErrToolMissing(name)
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", ErrToolMissing(name)
	}
	return p, nil
}

// snapshotPG exports a snapshot in a repeatable-read transaction, counts the tables in it, and
// runs pg_dump -Fc on the same snapshot into w.
func (s *Service) snapshotPG(ctx context.Context, w io.Writer, progress Progress) (map[string]int64, string, error) {
	pgDump, err := s.tool("pg_dump")
	if err != nil {
		return nil, "", err
	}
	conn, schema, err := pgConn(s.DSN)
	if err != nil {
		return nil, "", err
	}
	tx, err := s.DB.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	var snapID string
	if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapID); err != nil {
		return nil, "", err
	}
	counts, err := countTables(ctx, tx, db.Postgres)
	if err != nil {
		return nil, "", err
	}
	if schema == "" {
		tx.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema)
	}
	args := []string{"--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapID}
	if schema != "" && schema != "public" {
		args = append(args, "--schema="+schema)
	}
	args = append(args, "--dbname="+conn)
	cmd := exec.CommandContext(ctx, pgDump, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	_, cerr := io.Copy(w, &progressReader{r: bufio.NewReaderSize(out, 1<<20), stage: "dump", fn: progress})
	werr := cmd.Wait()
	if werr != nil {
		return nil, "", fmt.Errorf("pg_dump: %v: %s", werr, clip(stderr.String(), 500))
	}
	if cerr != nil {
		return nil, "", cerr
	}
	return counts, schema, nil
}
