package e2e_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/quality"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// rowsOf returns the visible text of each row of a list (table body rows, or list items).
func rowsOf(b *testutil.Browser, sel string) []string {
	return testutil.BrowserRun(b, "rows of "+sel, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(`+"`"+sel+"`"+`)).map(r => r.innerText.trim())`))
}

// The catalog's and the open portal's facets filter and their "下一页" shows the next entries;
// every paged list (audit log, inbox, quality tasks, objections, share requests, grants and
// escalations, the dashboard's drill-down, the public open-data demands) moves to its next page
// when "下一页" is clicked, keeping its other parameters. TestEveryPagerIsClicked keeps this list
// whole: every template with a pager is named here.
func TestFacetsAndNextPageChangeTheRows(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		ctx := context.Background()
		// A second objection of the demo citizen, so that their list has two pages of one.
		u, err := b.App.Identity.UserByName(ctx, "citizen")
		if err != nil {
			t.Fatal(err)
		}
		citizen, err := b.App.Identity.Principal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		var idNumber string
		if err := b.App.DB.QueryRowContext(ctx, "SELECT id_number FROM users WHERE id = $1", u.ID).Scan(&idNumber); err != nil {
			t.Fatal(err)
		}
		entries, err := b.App.Quality.ObjectionEntries(ctx, citizen)
		if err != nil {
			t.Fatal(err)
		}
		raised := false
		for _, e := range entries {
			if e.ID == demo.EntryPopulation {
				continue // the demo objection is there
			}
			if _, err := b.App.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: e.ID, Key: idNumber, Kind: quality.ObjMissing,
				Description: "我的记录缺失。"}, ""); err == nil {
				raised = true
				break
			}
		}
		if !raised {
			t.Fatal("the demo citizen can raise no second objection")
		}
		// A second overdue request, which the deadline job escalates beside the demo's one, so
		// that the escalations list has two pages of one.
		water, err := b.App.Identity.UserByName(ctx, "water")
		if err != nil {
			t.Fatal(err)
		}
		waterP, err := b.App.Identity.Principal(ctx, water)
		if err != nil {
			t.Fatal(err)
		}
		now := b.App.Now()
		if _, err := b.App.Share.WithClock(func() time.Time { return now.AddDate(0, 0, -30) }).File(ctx, waterP, share.NewRequest{EntryID: demo.EntryPopulation,
			Fields: []string{"citizen_id", "name"}, Scenario: "用水户身份核对", Purpose: "核对用水户身份", LegalBasis: "《城市供水条例》",
			Mode: share.ModeAPI, EndDate: now.AddDate(1, 0, 0).Format("2006-01-02"), Authenticity: true, Compliance: true, Security: true}); err != nil {
			t.Fatal(err)
		}
		if err := b.App.Share.Deadlines(ctx); err != nil {
			t.Fatal(err)
		}

		// The catalog, as a visitor: a facet narrows the results to its count.
		b.Visit("/catalog")
		total := b.Text("#results > p")
		before := rowsOf(b, "#results article.hit h2")
		link := `#facet-share_type li a:not([aria-label])`
		facetText := b.Text(link)
		b.Click(link)
		if q, _ := url.ParseQuery(strings.SplitN(b.Path()+"?", "?", 3)[1]); q.Get("share_type") == "" {
			t.Fatalf("facet %q led to %s", facetText, b.Path())
		}
		after := rowsOf(b, "#results article.hit h2")
		if got := b.Text("#results > p"); got == total || strings.Join(after, "|") == strings.Join(before, "|") {
			t.Fatalf("facet %q changed nothing: %q → %q", facetText, total, got)
		}
		if !b.Has(`#facet-share_type strong`) {
			t.Fatal("the chosen facet is not shown as chosen")
		}
		// Its export holds what the page lists.
		if href := testutil.BrowserRun(b, "export link", chromedp.Evaluate[string](`document.querySelector("#export-csv").getAttribute("href")`)); !strings.Contains(href, "share_type=") {
			t.Fatalf("the export ignores the facet: %s", href)
		}

		b.Visit("/catalog?page_size=5")
		nextPage(t, b, "#results article.hit h2", "page_size=5")

		// The open portal, as a visitor: a facet narrows the datasets, and its next page.
		b.Visit("/open")
		total = b.Text("#results > p")
		before = rowsOf(b, "#results article.hit h2")
		link = `#facet-agency li a:not([aria-label])`
		facetText = b.Text(link)
		b.Click(link)
		if q, _ := url.ParseQuery(strings.SplitN(b.Path()+"?", "?", 3)[1]); q.Get("agency") == "" {
			t.Fatalf("open facet %q led to %s", facetText, b.Path())
		}
		if got, after := b.Text("#results > p"), rowsOf(b, "#results article.hit h2"); got == total || strings.Join(after, "|") == strings.Join(before, "|") {
			t.Fatalf("open facet %q changed nothing: %q → %q", facetText, total, got)
		}
		b.Visit("/open?page_size=2")
		nextPage(t, b, "#results article.hit h2", "page_size=2")
		b.Visit("/open/demands?page_size=1")
		nextPage(t, b, "#demands tbody tr", "page_size=1")

		type list struct{ user, path, rows string }
		for _, l := range []list{
			{"admin", "/audit?page_size=5", "#audit-table tbody tr"},
			{"admin", "/inbox?page_size=1", "ul.inbox > li"},
			{"admin", "/quality?state=all&page_size=1", "#task-table tbody tr"},
			{"admin", "/share?box=region&page_size=1", "#share-requests tbody tr"},
			{"admin", "/share/grants?box=region&page_size=1", "#share-grants tbody tr"},
			{"admin", "/share/escalations?box=region&page_size=1", "#escalations tbody tr"},
			{"admin", "/supervise/dashboard/items?set=entries&page_size=2", "#items tbody tr"},
			{"citizen", "/objections?page_size=1", "#objection-table tbody tr"},
		} {
			if !b.Has("header .who") || !strings.Contains(b.Text("header .who"), displayName(l.user)) {
				if b.Has(`form[action="/logout"] button`) {
					b.Click(`form[action="/logout"] button`)
				}
				b.Login(l.user)
			}
			b.Visit(l.path)
			if b.Status != 200 {
				t.Fatalf("%s %s: HTTP %d", l.user, l.path, b.Status)
			}
			keep := strings.SplitN(l.path, "?", 2)[1]
			nextPage(t, b, l.rows, keep)
		}
	})
}

func displayName(user string) string {
	for _, a := range demo.Accounts {
		if a.Username == user {
			return a.Name
		}
	}
	return user
}

// nextPage clicks "下一页" and checks that the page number rose, the other parameters stayed
// and the rows changed.
func nextPage(t *testing.T, b *testutil.Browser, rows, keep string) {
	t.Helper()
	from := b.Path()
	before := rowsOf(b, rows)
	if len(before) == 0 {
		t.Fatalf("%s: no rows", from)
	}
	if got := b.Text(`.pager a[rel="next"]`); got != "下一页" && got != "Next" {
		t.Fatalf("%s: the next-page link reads %q", from, got)
	}
	b.Click(`.pager a[rel="next"]`)
	to := b.Path()
	q, err := url.ParseQuery(strings.SplitN(to+"?", "?", 3)[1])
	if err != nil || q.Get("page") != "2" {
		t.Fatalf("%s: next page led to %s", from, to)
	}
	want, _ := url.ParseQuery(keep)
	for k := range want {
		if q.Get(k) != want.Get(k) {
			t.Fatalf("%s: next page %s lost %s=%s", from, to, k, want.Get(k))
		}
	}
	after := rowsOf(b, rows)
	if len(after) == 0 || strings.Join(after, "|") == strings.Join(before, "|") {
		t.Fatalf("%s → %s: the rows did not change: %q", from, to, after)
	}
	if !b.Has(`.pager a[rel="prev"]`) {
		t.Fatalf("%s: page 2 has no previous-page link", to)
	}
}
