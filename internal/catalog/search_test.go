package catalog_test

import (
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

func names(r catalog.SearchResult) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Name)
	}
	return out
}

// TestSearchQuality runs the Chinese fixture of the issue over the demo catalog.
func TestSearchQuality(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		anon := &authz.Principal{}
		cases := []struct {
			q     string
			first []string // these must be the first hits, in any order
		}{
			{"户籍", []string{"户籍迁移登记信息"}},
			{"婚姻登记", []string{"婚姻登记信息"}},
			{"企业", []string{"企业用电信息"}},
			{"常住人口", []string{"常住人口基本信息"}},
			{"公积金", []string{"住房公积金缴存信息", "住房公积金贷款信息"}},
			{"水", []string{"供水用户信息", "居民用水量信息", "供水水质公示信息"}},
			{"population", []string{"常住人口基本信息"}},
			{"社保", []string{"社会保险参保信息"}},
		}
		for _, c := range cases {
			r, err := a.Catalog.Search(ctx, anon, catalog.SearchQuery{Q: c.q})
			mustNoErr(t, err)
			got := names(r)
			if len(got) < len(c.first) {
				t.Errorf("%q: %d hits %v, want at least %v first", c.q, len(got), got, c.first)
				continue
			}
			head := map[string]bool{}
			for _, n := range got[:len(c.first)] {
				head[n] = true
			}
			for _, w := range c.first {
				if !head[w] {
					t.Errorf("%q: first hits %v, want %v first", c.q, got[:len(c.first)], c.first)
					break
				}
			}
		}
		// 企业 also finds the enterprise registration entry by its tags and fields.
		r, _ := a.Catalog.Search(ctx, anon, catalog.SearchQuery{Q: "企业", PageSize: 100})
		found := false
		for _, h := range r.Hits {
			found = found || h.ID == demo.EntryEnterprise
		}
		if !found {
			t.Errorf("企业 does not find 市场主体登记信息: %v", names(r))
		}
		// Facets count all matches; a facet filter narrows them.
		all, _ := a.Catalog.Search(ctx, anon, catalog.SearchQuery{})
		if all.Total < 50 {
			t.Fatalf("browse total %d", all.Total)
		}
		sum := 0
		for _, f := range all.Facets["share_type"] {
			sum += f.Count
		}
		if sum != all.Total || len(all.Facets["share_type"]) != 3 {
			t.Fatalf("share_type facet %+v total %d", all.Facets["share_type"], all.Total)
		}
		none, _ := a.Catalog.Search(ctx, anon, catalog.SearchQuery{Share: "none"})
		for _, h := range none.Hits {
			if h.ShareType != catalog.ShareNone {
				t.Fatalf("share filter let through %s", h.Name)
			}
		}
		bt, _ := a.Catalog.Search(ctx, anon, catalog.SearchQuery{Region: demo.RegionCityB})
		if bt.Total == 0 || bt.Total >= all.Total {
			t.Fatalf("region filter 150200: %d of %d", bt.Total, all.Total)
		}
		for _, h := range bt.Hits {
			if h.RegionCode[:4] != "1502" {
				t.Fatalf("region filter let through %s (%s)", h.Name, h.RegionCode)
			}
		}
	})
}

// TestSearchVisibility: drafts are seen only by their agency and the authority; a revision
// shows its published version to everyone else, and changes are seen at once.
func TestSearchVisibility(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		health, reviewer, civil := who(t, a, "health"), who(t, a, "reviewer"), who(t, a, "civil")
		anon := &authz.Principal{}
		q := catalog.SearchQuery{Q: "家庭医生"}
		for _, c := range []struct {
			p    *authz.Principal
			want int
		}{{health, 1}, {reviewer, 1}, {who(t, a, "auditor"), 1}, {civil, 0}, {anon, 0}, {who(t, a, "bt_admin"), 0}} {
			r, err := a.Catalog.Search(ctx, c.p, q)
			mustNoErr(t, err)
			if r.Total != c.want {
				t.Errorf("%s sees %d drafts named 家庭医生, want %d", c.p.Username, r.Total, c.want)
			}
		}
		// A revision of a published entry: the agency sees its working copy, others the published one.
		e, _ := a.Catalog.Get(ctx, demo.EntryDibao)
		e.Name = "城乡低保对象信息"
		_, err := a.Catalog.Update(ctx, civil, e)
		mustNoErr(t, err)
		mine, _ := a.Catalog.Search(ctx, civil, catalog.SearchQuery{Q: "低保"})
		theirs, _ := a.Catalog.Search(ctx, health, catalog.SearchQuery{Q: "低保"})
		if len(mine.Hits) != 1 || mine.Hits[0].Name != "城乡低保对象信息" || !mine.Hits[0].Working {
			t.Fatalf("agency sees %v", names(mine))
		}
		if len(theirs.Hits) != 1 || theirs.Hits[0].Name != "最低生活保障对象信息" || theirs.Hits[0].Working {
			t.Fatalf("others see %v", names(theirs))
		}
		// A second node (another connection pool, another index) sees the same.
		a2 := testutil.NewApp(t, testutil.Reopen(t, d), nil)
		r2, _ := a2.Catalog.Search(ctx, health, catalog.SearchQuery{Q: "低保"})
		if len(r2.Hits) != 1 || r2.Hits[0].Name != "最低生活保障对象信息" {
			t.Fatalf("second node sees %v", names(r2))
		}
		mustNoErr(t, a.Catalog.Submit(ctx, civil, demo.EntryDibao))
		mustNoErr(t, a.Catalog.Approve(ctx, reviewer, demo.EntryDibao, ""))
		r2, _ = a2.Catalog.Search(ctx, health, catalog.SearchQuery{Q: "城乡低保"})
		if len(r2.Hits) != 1 || r2.Hits[0].Version != 2 {
			t.Fatalf("second node after publication sees %+v", r2.Hits)
		}
	})
}
