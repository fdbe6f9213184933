package main

// These tests run the real binary (built once into a temporary directory), so they see exactly
// what an operator sees: exit status, standard output and standard error.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pubdata-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "pubdata")
	// go test puts its own GOROOT/bin first on the PATH of the test binary.
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "no go tool on PATH:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	build := exec.Command(goTool, "build", "-buildvcs=false", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building pubdata:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
}

// pubdata runs the binary in dir (a temporary directory when "") with a time limit.
func pubdata(t *testing.T, dir string, args ...string) result {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PUBDATA_DB=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("running pubdata %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("pubdata %v did not finish in time:\n%v", args, r)
	}
	return r
}

// dbArgs names the test database the way an operator would: --data DIR for SQLite (the file
// is DIR/pubdata.db), --db DSN for PostgreSQL.
func dbArgs(d *db.DB) []string {
	if d.IsPG() {
		return []string{"--db", testutil.DSN(d)}
	}
	return []string{"--data", filepath.Dir(testutil.DSN(d))}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAuditVerifyCommand(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, nil)
		ctx := context.Background()
		for _, act := range []string{"identity.login", "catalog.entry.submit", "share.request.create", "share.gateway.lookup"} {
			if err := a.Audit.Log(ctx, audit.Event{ActorID: "u1", ActorName: "officer", OrgID: "org-ps", Action: act, ObjectID: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		// The CLI is another process: it reads the table, into which the running platform's
		// spool inserts within a few milliseconds; here, at once.
		if err := a.Audit.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		verify := func() result { return pubdata(t, "", append(dbArgs(d), "audit", "verify")...) }

		r := verify()
		n := count(t, d, "SELECT COUNT(*) FROM audit_log")
		if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("audit chain intact: %d records", n)) {
			t.Fatalf("intact chain of %d records:\n%v", n, r)
		}
		if n < 4 {
			t.Fatalf("only %d audit records", n)
		}

		// Alter one row directly in the database: verify exits non-zero and names it.
		if _, err := d.ExecContext(ctx, "UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 3"); err != nil {
			t.Fatal(err)
		}
		r = verify()
		if r.code == 0 || !strings.Contains(r.stdout, "chain broken at position 3") || !strings.Contains(r.stdout, "record 3 was altered") {
			t.Fatalf("altered row:\n%v", r)
		}
		d.ExecContext(ctx, "UPDATE audit_log SET actor_name = 'officer' WHERE seq = 3")
		if r := verify(); r.code != 0 {
			t.Fatalf("restored chain:\n%v", r)
		}

		// Reorder two rows (swap their positions).
		for _, q := range []string{"UPDATE audit_log SET seq = -2 WHERE seq = 2", "UPDATE audit_log SET seq = 2 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = -2"} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		r = verify()
		if r.code == 0 || !strings.Contains(r.stdout, "chain broken at position 2") {
			t.Fatalf("reordered rows:\n%v", r)
		}
		for _, q := range []string{"UPDATE audit_log SET seq = -2 WHERE seq = 2", "UPDATE audit_log SET seq = 2 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = -2"} {
			d.ExecContext(ctx, q)
		}
		if r := verify(); r.code != 0 {
			t.Fatalf("chain after undoing the swap:\n%v", r)
		}

		// Remove the last row: the head no longer matches.
		if _, err := d.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = $1", n); err != nil {
			t.Fatal(err)
		}
		r = verify()
		if r.code == 0 || !strings.Contains(r.stdout, fmt.Sprintf("position %d", n)) || !strings.Contains(r.stdout, "removed") {
			t.Fatalf("removed last row:\n%v", r)
		}
	})
}

func TestCalendarCommands(t *testing.T) {
	// No database needed to compute a date, and none is created as a side effect.
	dir := t.TempDir()
	r := pubdata(t, dir, "calendar", "add", "--from", "2026-09-30", "--workdays", "5")
	if r.code != 0 || r.stdout != "2026-10-13\n" {
		t.Fatalf("calendar add:\n%v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "pubdata-data")); err == nil {
		t.Fatal("calendar add created a database in the working directory")
	}
	// Into a year without a table: the date on stdout, a warning naming the year on stderr.
	r = pubdata(t, dir, "calendar", "add", "--from", "2026-12-30", "--workdays", "2")
	if r.code != 0 || r.stdout != "2027-01-01\n" || !strings.Contains(r.stderr, "no 2027 holiday table") || !strings.Contains(r.stderr, "2027 年节假日表尚未导入") {
		t.Fatalf("calendar add into 2027 without its table:\n%v", r)
	}
	if r.stderr != "" && strings.Contains(pubdata(t, dir, "calendar", "add", "--from", "2026-09-30", "--workdays", "5").stderr, "warning") {
		t.Fatal("a deadline inside published years was warned about")
	}
	for _, args := range [][]string{
		{"calendar", "add", "--from", "2026-9-30", "--workdays", "5"},
		{"calendar", "add", "--from", "2026-09-30", "--workdays", "-1"},
		{"calendar", "add", "--workdays", "5"},
	} {
		if r := pubdata(t, dir, args...); r.code == 0 || r.stderr == "" {
			t.Errorf("%v accepted:\n%v", args, r)
		}
	}

	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		file := filepath.Join(t.TempDir(), "2027.csv")
		os.WriteFile(file, []byte("date,kind,name\n2027-01-01,off,元旦\n2027-02-06,休,春节\n2027-02-20,班,春节调休\n"), 0o644)
		r := pubdata(t, "", append(dbArgs(d), "calendar", "import", file)...)
		if r.code != 0 || !strings.Contains(r.stdout, "imported 3 days for [2027]") {
			t.Fatalf("import:\n%v", r)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.import'"); n != 1 {
			t.Fatalf("%d import audit records", n)
		}
		// The API (a node started after the import) shows the year.
		h := newServer(t, d)
		body := h.get(t, "/api/v1/calendar?year=2027")
		for _, want := range []string{`"2027-01-01"`, `"2027-02-06"`, `{"date":"2027-02-20","kind":"work","name":"春节调休"}`} {
			if !strings.Contains(body, want) {
				t.Fatalf("API calendar for 2027 lacks %s: %s", want, body)
			}
		}
		// With the 2027 table imported the same date is final: no warning, New Year's Day skipped.
		r = pubdata(t, "", append(dbArgs(d), "calendar", "add", "--from", "2026-12-30", "--workdays", "2")...)
		if r.code != 0 || r.stdout != "2027-01-04\n" || r.stderr != "" {
			t.Fatalf("calendar add into 2027 after its import:\n%v", r)
		}
		// The CLI counts the imported make-up day when it can see the database.
		r = pubdata(t, "", append(dbArgs(d), "calendar", "add", "--from", "2027-02-19", "--workdays", "1")...)
		if r.code != 0 || r.stdout != "2027-02-20\n" {
			t.Fatalf("calendar add over the database:\n%v", r)
		}
		r = pubdata(t, "", append(dbArgs(d), "calendar", "list", "--year", "2027")...)
		if r.code != 0 || strings.Count(r.stdout, "\n") != 3 || !strings.Contains(r.stdout, "2027-02-20\twork\t春节调休") {
			t.Fatalf("calendar list:\n%v", r)
		}
		// A bad file is refused as a whole, naming the lines, and changes nothing.
		bad := filepath.Join(t.TempDir(), "bad.csv")
		os.WriteFile(bad, []byte("2028-01-01,off\n2028-02-30,off\n2028-03-01,maybe\n"), 0o644)
		r = pubdata(t, "", append(dbArgs(d), "calendar", "import", bad)...)
		if r.code == 0 || !strings.Contains(r.stderr, "line 2") || !strings.Contains(r.stderr, "line 3") {
			t.Fatalf("bad file:\n%v", r)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM calendar_days WHERE day LIKE '2028-%'"); n != 0 {
			t.Fatalf("a refused file wrote %d days", n)
		}
	})
}
