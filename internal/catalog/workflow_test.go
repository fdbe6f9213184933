package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

func TestWorkflowDraftSubmitPublishRevise(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		officer, reviewer := who(t, a, "officer"), who(t, a, "reviewer")

		e, err := a.Catalog.Create(ctx, officer, popEntry())
		mustNoErr(t, err)
		if e.Status != catalog.StatusDraft || e.Version != 0 || e.RegionCode != "150000" {
			t.Fatalf("draft = %s v%d region %s", e.Status, e.Version, e.RegionCode)
		}
		if !strings.HasPrefix(e.Code, "101-") {
			t.Fatalf("code %q should start with classification code 101-", e.Code)
		}
		if _, err := a.Catalog.Published(ctx, e.ID); !errors.Is(err, catalog.ErrNotPublished) || apperr.As(err).Code != "catalog.not_published" {
			t.Fatalf("Published on a draft: %v", err)
		}
		// The authority cannot approve a draft that was not submitted.
		if err := a.Catalog.Approve(ctx, reviewer, e.ID, ""); apperr.As(err).Code != "catalog.invalid_state" {
			t.Fatalf("approve draft: %v", err)
		}
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		got, _ := a.Catalog.Get(ctx, e.ID)
		// Submitted on 2026-09-30, 5 working days across the National Day holiday: due 2026-10-13.
		if got.Status != catalog.StatusSubmitted || got.Review.ReviewDue != "2026-10-13" {
			t.Fatalf("submitted: %s due %q", got.Status, got.Review.ReviewDue)
		}
		// Editing is locked during review.
		if _, err := a.Catalog.Update(ctx, officer, got); apperr.As(err).Code != "catalog.invalid_state" {
			t.Fatalf("update while submitted: %v", err)
		}
		mustNoErr(t, a.Catalog.Return(ctx, reviewer, e.ID, "请补充共享条件"))
		got, _ = a.Catalog.Get(ctx, e.ID)
		if got.Status != catalog.StatusReturned || got.Review.ReturnReasons != "请补充共享条件" {
			t.Fatalf("returned: %+v", got.Review)
		}
		got.ShareCondition = "仅限履职需要，按最小必要原则"
		got, err = a.Catalog.Update(ctx, officer, got)
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		mustNoErr(t, a.Catalog.Approve(ctx, reviewer, e.ID, "同意发布"))
		pub, err := a.Catalog.Published(ctx, e.ID)
		mustNoErr(t, err)
		if pub.Version != 1 || pub.Status != catalog.StatusPublished || pub.ShareCondition != "仅限履职需要，按最小必要原则" {
			t.Fatalf("published v%d %s %q", pub.Version, pub.Status, pub.ShareCondition)
		}
		byCode, err := a.Catalog.GetByCode(ctx, "150000", e.Code)
		mustNoErr(t, err)
		if byCode.ID != e.ID {
			t.Fatal("GetByCode found another entry")
		}
		// A revision keeps version 1 in force until approved.
		rev := pub
		rev.Summary = "户籍人口的登记信息（修订）"
		rev.Fields = append(rev.Fields, catalog.Field{Name: "sex", Label: "性别", Kind: catalog.KindEnum, EnumValues: []string{"男", "女"}, Sensitivity: 2})
		_, err = a.Catalog.Update(ctx, officer, rev)
		mustNoErr(t, err)
		pub, _ = a.Catalog.Published(ctx, e.ID)
		if pub.Version != 1 || len(pub.Fields) != 3 {
			t.Fatalf("published copy changed during revision: v%d %d fields", pub.Version, len(pub.Fields))
		}
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		mustNoErr(t, a.Catalog.Approve(ctx, reviewer, e.ID, ""))
		pub, _ = a.Catalog.Published(ctx, e.ID)
		if pub.Version != 2 || len(pub.Fields) != 4 {
			t.Fatalf("v2: v%d %d fields", pub.Version, len(pub.Fields))
		}
		vs, err := a.Catalog.Versions(ctx, e.ID)
		mustNoErr(t, err)
		if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
			t.Fatalf("versions %+v", vs)
		}
		// Withdrawal (下线) needs the authority's approval.
		mustNoErr(t, a.Catalog.RequestWithdrawal(ctx, officer, e.ID, "职能调整"))
		if _, err := a.Catalog.Published(ctx, e.ID); err != nil {
			t.Fatalf("still published while withdrawal pending: %v", err)
		}
		mustNoErr(t, a.Catalog.Approve(ctx, reviewer, e.ID, "同意下线"))
		if _, err := a.Catalog.Published(ctx, e.ID); apperr.As(err).Code != "catalog.not_published" {
			t.Fatalf("after withdrawal: %v", err)
		}
		hist, _ := a.Catalog.History(ctx, e.ID)
		var evs []string
		for _, h := range hist {
			evs = append(evs, h.Event)
		}
		want := "create submit return update submit approve update submit approve withdraw withdraw_approve"
		if strings.Join(evs, " ") != want {
			t.Fatalf("history %v", evs)
		}
		recs, total, err := a.Audit.Search(ctx, auditFilter("catalog.entry.", e.ID))
		mustNoErr(t, err)
		if total != len(hist) || len(recs) == 0 {
			t.Fatalf("audit records %d, history %d", total, len(hist))
		}
	})
}
