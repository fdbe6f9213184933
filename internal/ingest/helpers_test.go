package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/ingest"
	"pubdata/internal/validate"
)

var ctx = context.Background()

// who returns the principal of a demo account.
func who(t testing.TB, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// person makes the i-th synthetic resident: a valid ID number and matching columns.
func person(i int) (id, name, sex, birth, addr, phone, region string) {
	regions := []string{"150102", "150105", "150202", "150203"}
	region = regions[i%len(regions)]
	b := time.Date(1950+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
	seq := (i / 4) % 1000
	id = validate.MakeCitizenID(region, b, seq)
	sex = "女"
	if seq%2 == 1 {
		sex = "男"
	}
	return id, fmt.Sprintf("测试%d", i), sex, b.Format("2006-01-02"), "内蒙古自治区包头市昆都仑区钢铁大街" + fmt.Sprint(i) + "号",
		fmt.Sprintf("139%08d", i), region
}

// popCSV renders rows of the demo population entry (citizen_id, name, sex, birth_date,
// address, phone, region_code) with a header.
func popCSV(from, n int, extra ...string) string {
	var b strings.Builder
	b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
	for i := from; i < from+n; i++ {
		id, name, sex, birth, addr, phone, region := person(i)
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", id, name, sex, birth, addr, phone, region)
	}
	for _, e := range extra {
		b.WriteString(e)
		b.WriteString("\n")
	}
	return b.String()
}

func lines(err error) []int {
	var out []int
	if ae := asApp(err); ae != nil {
		for _, f := range ae.Fields {
			out = append(out, f.Line)
		}
	}
	return out
}

func problemAt(res *ingest.LoadResult, line int, rule string) bool {
	for _, p := range res.Report.Problems {
		if p.Line == line && p.Rule == rule {
			return true
		}
	}
	return false
}

func asApp(err error) *apperr.Error {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func auditFilter(action string) audit.Filter { return audit.Filter{Action: action, Limit: 100} }
