package backup

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"pubdata/internal/db"
)

// snapshotSQLite streams the live database into w in one pass: inside one read transaction
// (a consistent snapshot; in WAL mode writers go on meanwhile) it reads every page through the
// sqlite_dbpage table, in page order, which is the database file as of the transaction's start.
// Nothing is copied to a temporary file. While the pages stream, their b-tree headers are read
// (pagecount.go), so the row count of every table comes out of the same pass instead of a
// count(*) scan per table; only virtual tables (no pages of their own) are counted by SQL, in the
// same transaction. Reading pages and encrypting run on two goroutines (two cores, two jobs).
func (s *Service) snapshotSQLite(ctx context.Context, w io.Writer, progress Progress) (map[string]int64, error) {
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// A deferred BEGIN: the pool's transactions are IMMEDIATE (they take the write lock), a
	// backup only reads.
	if _, err := conn.ExecContext(ctx, "BEGIN DEFERRED"); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	tables, err := schemaTables(ctx, conn)
	if err != nil {
		return nil, err
	}
	var pageSize, pageCount int64
	if err := conn.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pageCount); err != nil {
		return nil, err
	}
	total := pageSize * pageCount
	progress("snapshot", 0, total)

	// Pages go to the encrypting goroutine in batches of about 1 MiB.
	const batch = 1 << 20
	bufs := make(chan []byte, 4)
	free := make(chan []byte, 4)
	for range 4 {
		free <- make([]byte, 0, batch+int(pageSize))
	}
	werr := make(chan error, 1)
	go func() {
		var err error
		for b := range bufs {
			if err == nil {
				_, err = w.Write(b)
			}
			free <- b[:0]
		}
		werr <- err
	}()
	pc := newPageCounter(int(pageSize), pageCount)
	rerr := func() error {
		rows, err := conn.QueryContext(ctx, "SELECT pgno, data FROM sqlite_dbpage('main')")
		if err != nil {
			return err
		}
		defer rows.Close()
		cur := <-free
		var done, want int64 = 0, 1
		for rows.Next() {
			var pgno int64
			var data sql.RawBytes
			if err := rows.Scan(&pgno, &data); err != nil {
				return err
			}
			if pgno != want || int64(len(data)) != pageSize {
				return fmt.Errorf("backup: page %d of %d bytes where page %d of %d was expected", pgno, len(data), want, pageSize)
			}
			want++
			pc.page(uint32(pgno), data)
			cur = append(cur, data...)
			if len(cur) >= batch {
				select {
				case bufs <- cur:
				case err := <-werr:
					werr <- err
					return err
				}
				done += int64(len(cur))
				progress("snapshot", done, total)
				cur = <-free
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if want-1 != pageCount {
			return fmt.Errorf("backup: %d pages read of %d", want-1, pageCount)
		}
		if len(cur) > 0 {
			bufs <- cur
			done += int64(len(cur))
		}
		progress("snapshot", done, total)
		return nil
	}()
	close(bufs)
	if err := <-werr; err != nil {
		return nil, err
	}
	if rerr != nil {
		return nil, rerr
	}
	counts := make(map[string]int64, len(tables))
	for _, t := range tables {
		if t.root == 0 { // a virtual table: counted by SQL in the same snapshot
			var c int64
			if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(t.name, `"`, `""`)+`"`).Scan(&c); err != nil {
				return nil, fmt.Errorf("count %s: %w", t.name, err)
			}
			counts[t.name] = c
			continue
		}
		c, err := pc.rows(uint32(t.root))
		if err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		counts[t.name] = c
	}
	return counts, nil
}

type schemaTable struct {
	name string
	root int64
}

// schemaTables lists the tables countTables counts, with their root pages.
func schemaTables(ctx context.Context, q db.Q) ([]schemaTable, error) {
	rows, err := q.QueryContext(ctx, "SELECT name, coalesce(rootpage, 0) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schemaTable
	for rows.Next() {
		var t schemaTable
		if err := rows.Scan(&t.name, &t.root); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
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
