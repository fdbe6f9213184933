package share_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// Each of the three catalog changes — a granted field moved to the negative list, the entry made
// not shared, the entry withdrawn — answers the grant's gateway calls over HTTP with a 4xx and
// its own stable code (never 503, never 200 with empty values), and tells the consumer's data
// officer and approver in their inbox, in both languages, with the cause and the way on
// (verification).
func TestEveryCatalogCauseAnswers4xxAndTellsTheConsumer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		h, _, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		key := person(4)[0]
		withPhone, _, tokPhone := grantFor(t, a, "联系核对 原因", share.KindData, []string{"citizen_id", "name", "phone"}, nil, share.ModeAPI)
		noPhone, _, tokName := grantFor(t, a, "身份核对 原因", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		if st, code, _ := call429(t, "GET", srv.URL+"/api/v1/gateway/records/"+key, tokName, ""); st != 200 {
			t.Fatalf("before any change: HTTP %d %s", st, code)
		}
		told := func(r share.Request, cause string) {
			t.Helper()
			n := share.CauseNames[cause]
			for _, u := range []string{"civil", "civil_approver"} {
				found := false
				for _, m := range inbox(t, a, who(t, a, u)) {
					found = found || (m.ObjectID == r.ID && strings.Contains(m.BodyZH, n[0]) && strings.Contains(m.BodyEN, n[1]) &&
						strings.Contains(m.BodyZH, "核验比对") && strings.Contains(m.Link, "kind=verify"))
				}
				if !found {
					t.Fatalf("%s was not told that %s (%s) suspended grant %s", u, cause, n[0], r.GrantID)
				}
			}
		}
		answers := func(tok, code string) {
			t.Helper()
			for _, path := range []string{"/records/" + key, "/records?citizen_id=" + key, "/grant"} {
				st, got, _ := call429(t, "GET", srv.URL+"/api/v1/gateway"+path, tok, "")
				if st < 400 || st >= 500 || got != code {
					t.Fatalf("GET %s: HTTP %d %s; want a 4xx %s", path, st, got, code)
				}
			}
		}

		// 1. phone to the negative list.
		reviseEntry(t, a, demo.EntryPopulation, func(e *catalog.Entry) {
			for i := range e.Fields {
				if e.Fields[i].Name == "phone" {
					e.Fields[i].ShareType, e.Fields[i].Reason, e.Fields[i].LegalBasis = catalog.ShareNone, "联系电话不再共享", "《中华人民共和国个人信息保护法》第六条"
				}
			}
		})
		answers(tokPhone, "share.field_not_shared")
		told(withPhone, share.CauseField)
		if st, code, _ := call429(t, "GET", srv.URL+"/api/v1/gateway/records/"+key, tokName, ""); st != 200 {
			t.Fatalf("the grant without phone: HTTP %d %s", st, code)
		}

		// 2. The entry not shared.
		reviseEntry(t, a, demo.EntryPopulation, func(e *catalog.Entry) {
			e.ShareType, e.ShareCondition, e.ShareReason = catalog.ShareNone, "", "依法不再共享原始数据"
			e.ShareBasis = "《中华人民共和国个人信息保护法》第十三条"
			e.ShareModes = nil
		})
		answers(tokName, "share.entry_not_shared")
		told(noPhone, share.CauseNotShared)

		// 3. The entry withdrawn: both grants now answer its code, and the consumer hears of it.
		must(t, a.Catalog.RequestWithdrawal(ctx, who(t, a, "officer"), demo.EntryPopulation, "职能调整"))
		must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), demo.EntryPopulation, "同意下线"))
		answers(tokName, "share.entry_withdrawn")
		answers(tokPhone, "share.entry_withdrawn")
		told(noPhone, share.CauseWithdrawn)
	})
}
