// Command backup benchmarks `pubdata backup` (SEC-5) against the sqlite3 CLI's `.backup` of the
// same database file, side by side in one run.
//
// It builds a platform database (migrated, demo directory) holding one aggregated entry table of
// N population rows (ID number, name, sex, birth date, address, phone, region: the shape of
// bench/ingest's entry), then alternates rounds of
//
//   - ours: backup.Service.Create — SQLite online backup of the live database, table row counts,
//     age encryption (X25519 + ChaCha20-Poly1305) to a recipient key, SHA-256 of the file, fsync,
//     manifest, audit record;
//   - baseline: `sqlite3 FILE ".backup OUT"` — the CLI's online backup into a plain file.
//
// and prints `name ours baseline ratio` over the sums of the rounds.
//
//	go run ./bench/backup -rows 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/backup"
	"pubdata/internal/demo"
)

func main() {
	rows := flag.Int("rows", 1000000, "rows in the entry table")
	rounds := flag.Int("rounds", 3, "alternating rounds (baseline, ours)")
	dir := flag.String("dir", "", "working directory (default: a temporary one)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of our backups (not the baseline) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		defer f.Close()
		profile = f
	}
	if err := run(*rows, *rounds, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

var profile *os.File

func run(rows, rounds int, dir string) error {
	ctx := context.Background()
	if dir == "" {
		d, err := os.MkdirTemp("", "bench-backup-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		return fmt.Errorf("the baseline needs the sqlite3 CLI: %w", err)
	}
	data := filepath.Join(dir, "data")
	a, err := app.Open(ctx, app.Config{DataDir: data})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := demo.LoadDirectory(ctx, a); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := a.DB.ExecContext(ctx, `CREATE TABLE ing_bench_population (_from BIGINT NOT NULL, _to BIGINT NOT NULL DEFAULT 0,
		citizen_id TEXT, name TEXT, sex TEXT, birth_date TEXT, address TEXT, phone TEXT, region_code TEXT)`); err != nil {
		return err
	}
	// Generated in SQL: distinct 18-character ID numbers, names, addresses and phones.
	if _, err := a.DB.ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
		INSERT INTO ing_bench_population SELECT 1, 0,
			'15010219' || printf('%%010d', i),
			'张' || substr('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂', 1 + i %% 20, 1) || substr('伟芳娜敏静丽强磊军洋', 1 + i %% 10, 1),
			CASE i %% 2 WHEN 0 THEN '女' ELSE '男' END,
			(1950 + i %% 50) || '-' || printf('%%02d', 1 + i %% 12) || '-' || printf('%%02d', 1 + i %% 28),
			'内蒙古自治区呼和浩特市新城区' || (i %% 300) || '号街道' || (i %% 97) || '号楼' || (i %% 31) || '单元',
			'13' || printf('%%09d', i * 7919 %% 1000000000),
			'150102'
		FROM n`, rows)); err != nil {
		return err
	}
	if _, err := a.DB.ExecContext(ctx, "CREATE UNIQUE INDEX ing_bench_population_key ON ing_bench_population(citizen_id, _from)"); err != nil {
		return err
	}
	a.DB.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	st, _ := os.Stat(a.DB.Where)
	fmt.Fprintf(os.Stderr, "database: %d rows, %.1f MiB, built in %s\n", rows, float64(st.Size())/(1<<20), time.Since(t0).Round(time.Millisecond))

	rcpt, _, err := backup.GenerateKeyPair(false)
	if err != nil {
		return err
	}
	b := a.Backup
	b.Recipient = rcpt
	b.Dir = filepath.Join(dir, "backups")
	b.Retention = backup.Retention{Daily: 1000, Weekly: 1000, Monthly: 1000}

	var ours, base time.Duration
	var size int64
	for r := range rounds + 1 { // round 0 warms the page cache for both
		out := filepath.Join(dir, fmt.Sprintf("baseline-%d.db", r))
		t := time.Now()
		cmd := exec.Command(sqlite3, a.DB.Where, ".backup "+out)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("sqlite3 .backup: %v: %s", err, b)
		}
		bt := time.Since(t)
		os.Remove(out)

		if profile != nil && r == 1 {
			pprof.StartCPUProfile(profile)
		}
		t = time.Now()
		m, err := b.Create(ctx, "bench", nil)
		if err != nil {
			return err
		}
		ot := time.Since(t)
		if profile != nil && r == rounds {
			pprof.StopCPUProfile()
		}
		os.Remove(filepath.Join(b.Dir, m.File))
		size = m.Size
		if r > 0 {
			ours += ot
			base += bt
		}
		fmt.Fprintf(os.Stderr, "round %d: ours %s baseline %s\n", r, ot.Round(time.Millisecond), bt.Round(time.Millisecond))
	}
	fmt.Printf("name ours baseline ratio\n")
	fmt.Printf("sqlite_backup_vs_sqlite3_backup %.3fs %.3fs %.2f\n", ours.Seconds()/float64(rounds), base.Seconds()/float64(rounds), ours.Seconds()/base.Seconds())
	fmt.Fprintf(os.Stderr, "encrypted backup: %.1f MiB\n", float64(size)/(1<<20))
	return nil
}
