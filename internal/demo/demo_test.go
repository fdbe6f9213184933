package demo_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// The demo region is believable: an autonomous region with two cities and their counties (three
// levels), a data authority at each level, at least ten agencies including the ones the platform
// foundation names, an operator, an application unit, and a user for every role who can log in.
func TestDemoRegion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DemoApp(t, d, nil)
		if !demo.Loaded(ctx, a) {
			t.Fatal("Loaded reports false after Load")
		}

		regions, err := a.Identity.Regions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]int{}
		perLevel := map[int]int{}
		for _, r := range regions {
			byCode[r.Code] = r.Level
			perLevel[r.Level]++
			if lvl, err := validate.RegionCode(r.Code); err != nil || lvl != r.Level {
				t.Errorf("region %s: level %d, code says %d (%v)", r.Code, r.Level, lvl, err)
			}
			if r.Level > 1 && byCode[r.ParentCode] != r.Level-1 {
				t.Errorf("region %s's parent %s is not one level up", r.Code, r.ParentCode)
			}
		}
		if perLevel[1] != 1 || perLevel[2] < 2 || perLevel[3] < 2 {
			t.Fatalf("regions per level: %v", perLevel)
		}

		orgs, err := a.Identity.Orgs(ctx, "", "")
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[authz.OrgKind]int{}
		sectors := map[string]bool{}
		authorityRegions := map[string]bool{}
		agencies := 0
		for _, o := range orgs {
			kinds[o.Kind]++
			sectors[o.Sector] = true
			if o.Kind == authz.KindAgency || o.Kind == authz.KindUtility {
				agencies++
			}
			if o.Kind == authz.KindAuthority {
				authorityRegions[o.RegionCode] = true
			}
			if _, ok := byCode[o.RegionCode]; !ok {
				t.Errorf("org %s is in unknown region %s", o.ID, o.RegionCode)
			}
			if err := validate.CreditCode(o.CreditCode); err != nil {
				t.Errorf("org %s has an invalid credit code %s: %v", o.ID, o.CreditCode, err)
			}
		}
		if agencies < 10 {
			t.Fatalf("%d agencies, want at least 10", agencies)
		}
		for _, s := range []string{"public_security", "civil_affairs", "health", "hrss", "market_regulation", "natural_resources", "education", "tax", "water", "power"} {
			if !sectors[s] {
				t.Errorf("no %s agency", s)
			}
		}
		if !authorityRegions[demo.RegionProvince] || !authorityRegions[demo.RegionCityA] || !authorityRegions[demo.RegionCityB] {
			t.Errorf("data authorities in %v, want the region and both cities", authorityRegions)
		}
		for _, k := range []authz.OrgKind{authz.KindOperator, authz.KindAppUnit, authz.KindOversight, authz.KindExpertCommittee, authz.KindPlatformService, authz.KindUtility} {
			if kinds[k] == 0 {
				t.Errorf("no organization of kind %s", k)
			}
		}

		// One user per role, each able to log in with the printed password.
		users, err := a.Identity.Users(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		roles := map[authz.Role]bool{}
		for _, u := range users {
			for _, r := range u.Roles {
				roles[r] = true
			}
		}
		for _, r := range authz.AllRoles {
			if !roles[r] {
				t.Errorf("no demo user holds role %s", r)
			}
		}
		if len(users) < len(demo.Accounts) {
			t.Fatalf("%d users for %d demo accounts", len(users), len(demo.Accounts))
		}
		for _, acc := range demo.Accounts {
			_, _, u, err := a.Identity.Login(ctx, acc.Username, demo.Password, "")
			if err != nil {
				t.Errorf("demo account %s cannot log in: %v", acc.Username, err)
				continue
			}
			// The account's role, plus the separated operator duties (BTO 16) the operation demo adds.
			if u.OrgID != acc.Org || !slices.Contains(u.Roles, acc.Role) || (len(u.Roles) > 1 && acc.Org != demo.OrgOperator) {
				t.Errorf("demo account %s: org %s roles %v, want %s %s", acc.Username, u.OrgID, u.Roles, acc.Org, acc.Role)
			}
		}

		// Loading again changes nothing.
		var before, after int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&before)
		if err := demo.Load(ctx, a); err != nil {
			t.Fatal(err)
		}
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs").Scan(&after)
		if before != after {
			t.Fatalf("second Load: %d orgs, then %d", before, after)
		}
		if res, err := a.Audit.Verify(ctx); err != nil || !res.OK {
			t.Fatalf("audit chain after the demo: %+v %v", res, err)
		}
	})
}

// The README's table of demo accounts lists every account (docs stay true to the code).
func TestReadmeListsDemoAccounts(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	if !strings.Contains(readme, "`"+demo.Password+"`") {
		t.Error("README does not give the demo password")
	}
	for _, acc := range demo.Accounts {
		if !strings.Contains(readme, "`"+acc.Username+"`") {
			t.Errorf("README does not list demo account %s", acc.Username)
		}
	}
	for _, cmd := range []string{"go run ./cmd/pubdata serve --demo", "go test ./..."} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks %q", cmd)
		}
	}
}
