package ingest_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// Pull sources may not be on this host, a link-local or a metadata address (as webhooks); the
// private ranges agencies use stay allowed, and an allow-list narrows them.
func TestSourceAddresses(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		s := a.Ingest
		reg := func(dsn string) error {
			_, err := s.RegisterSource(ctx, officer, demo.EntryPopulation, ingest.SourceInput{Name: "户籍库", DSN: dsn, Table: "persons"}, "")
			return err
		}
		for _, dsn := range []string{
			"postgres://u:p@127.0.0.1:5432/hj", "postgres://u:p@localhost/hj", "postgres://u:p@[::1]:5432/hj",
			"postgres://u:p@169.254.169.254/hj", "mysql://u:p@100.100.100.200:3306/hj", "u:p@tcp(127.0.0.1:3306)/hj",
			"postgres://u:p@10.1.1.1,127.0.0.1/hj", "postgres://u:p@0.0.0.0/hj", "postgres://u:p@db.example/hj?host=/var/run/postgresql",
		} {
			err := reg(dsn)
			if e := apperr.As(err); e.Code != "invalid" || len(e.Fields) != 1 || e.Fields[0].Field != "dsn" || !strings.Contains(e.Fields[0].ZH, "本机") {
				t.Errorf("%s: %v", dsn, err)
			}
		}
		// Local sockets are not even a valid DSN form.
		for _, dsn := range []string{"postgres:///hj?host=/var/run/postgresql", "u:p@unix(/tmp/mysql.sock)/hj"} {
			if e := apperr.As(reg(dsn)); e.Code != "invalid" || e.Fields[0].Field != "dsn" {
				t.Errorf("%s: %v", dsn, e)
			}
		}
		for _, dsn := range []string{"postgres://u:p@10.20.30.40:5432/hj", "mysql://u:p@192.168.5.6:3306/hj", "postgres://u:p@db.gaj.nmg.gov.cn/hj"} {
			if err := reg(dsn); err != nil {
				t.Errorf("%s refused: %v", dsn, err)
			}
		}
		s.SourceAllow = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		if err := reg("mysql://u:p@192.168.5.6:3306/hj"); apperr.As(err).Code != "invalid" {
			t.Errorf("outside the allow-list: %v", err)
		}
		if err := reg("postgres://u:p@10.20.30.41:5432/hj"); err != nil {
			t.Errorf("inside the allow-list: %v", err)
		}
		// A source registered while allowed is still refused at pull time once it is not:
		// the check runs on every connection.
		s.SourceAllow = nil
		s.AllowLoopbackSources = true
		src, err := s.RegisterSource(ctx, officer, demo.EntryPopulation, ingest.SourceInput{Name: "本机库", DSN: "postgres://u:p@127.0.0.1:5432/hj", Table: "persons"}, "")
		must(t, err)
		s.AllowLoopbackSources = false
		s.PullRetry = []time.Duration{time.Millisecond}
		if _, err := s.PullNow(ctx, officer, src.ID, ""); !errors.Is(err, ingest.ErrSourceDown) {
			t.Fatalf("pull from a refused address: %v", err)
		}
		srcs, _ := s.Sources(ctx, officer, demo.EntryPopulation)
		for _, x := range srcs {
			if x.ID == src.ID && !strings.Contains(x.LastError, "address refused") {
				t.Fatalf("last error %q", x.LastError)
			}
		}
	})
}
