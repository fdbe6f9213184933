package open_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/validate"
)

var ctx = context.Background()

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

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	if got := apperr.As(err).Code; got != code {
		t.Fatalf("error %v has code %q; want %q", err, got, code)
	}
}

// reportEntry is an unconditionally open entry of the market agency with one item of every
// opening treatment: clear (credit_code, company, district), masked (legal_rep: a name at L2),
// not open (rep_id), conditionally open (contact_phone) and a count (employees).
func reportEntry(open catalog.OpenType) catalog.Entry {
	e := catalog.Entry{
		Name: "测试企业年度报告", Summary: "企业年度报告公示信息", ProviderOrgID: demo.OrgMarket,
		Form: catalog.FormTable, ResourceAttr: catalog.AttrSubject, Topic: "14", Grade: catalog.GradeGeneral,
		ShareType: catalog.ShareUnconditional, OpenType: open, Frequency: catalog.FreqYearly, Tags: []string{"年报", "企业"},
		Fields: []catalog.Field{
			{Name: "credit_code", Label: "统一社会信用代码", Type: catalog.TypeString, Kind: catalog.KindCreditCode, IsKey: true, Required: true},
			{Name: "company", Label: "企业名称", Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 1},
			{Name: "legal_rep", Label: "法定代表人", Type: catalog.TypeString, Kind: catalog.KindName, Sensitivity: 2},
			{Name: "rep_id", Label: "法定代表人身份号码", Type: catalog.TypeString, Kind: catalog.KindCitizenID, Sensitivity: 3,
				OpenType: catalog.OpenNone, OpenReason: catalog.ReasonPrivacy, LegalBasis: "《中华人民共和国个人信息保护法》第二十八条", Reason: "个人敏感信息"},
			{Name: "contact_phone", Label: "联系电话", Type: catalog.TypeString, Kind: catalog.KindPhone, Sensitivity: 3,
				OpenType: catalog.OpenConditional, Condition: "仅向经批准的申请人开放"},
			{Name: "employees", Label: "从业人数", Type: catalog.TypeInteger, Kind: catalog.KindNumber, Sensitivity: 1},
			{Name: "district", Label: "所在区县", Type: catalog.TypeString, Kind: catalog.KindRegionCode, Sensitivity: 1},
		},
	}
	if open == catalog.OpenConditional {
		e.OpenCondition = "用于信用服务研究，须签署使用协议"
	}
	return e
}

// publish creates, submits and approves an entry as the market agency.
func publish(t testing.TB, a *app.App, e catalog.Entry) catalog.Entry {
	t.Helper()
	officer, reviewer := who(t, a, "market"), who(t, a, "reviewer")
	got, err := a.Catalog.Create(ctx, officer, e)
	if err != nil {
		t.Fatalf("create: %v %+v", err, apperr.As(err).Fields)
	}
	if err := a.Catalog.Submit(ctx, officer, got.ID); err != nil {
		t.Fatalf("submit: %v %+v", err, apperr.As(err).Fields)
	}
	must(t, a.Catalog.Approve(ctx, reviewer, got.ID, "同意"))
	pub, err := a.Catalog.Published(ctx, got.ID)
	must(t, err)
	return pub
}

// creditCode makes a valid unified social credit code for row i.
func creditCode(i int) string {
	const cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	w := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	body := fmt.Sprintf("91150102%09d", i)
	b := []byte(body)
	b[8] = 'M' // subject id may hold letters; keep one to exercise the charset
	sum := 0
	for k, c := range b {
		sum += strings.IndexByte(cs, c) * w[k]
	}
	return string(b) + string(cs[(31-sum%31)%31])
}

// reportRows returns n CSV rows of the report entry.
func reportRows(n int) string {
	var b strings.Builder
	b.WriteString("credit_code,company,legal_rep,rep_id,contact_phone,employees,district\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s,测试企业%03d有限公司,张%s,%s,1380000%04d,%d,150102\n",
			creditCode(i), i, []string{"伟", "芳", "建国"}[i%3], validate.MakeCitizenID("150102", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), i%1000), i, i%12)
	}
	return b.String()
}

// load loads CSV data into a published entry as its provider.
func load(t testing.TB, a *app.App, e catalog.Entry, body string) {
	t.Helper()
	_, err := a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "test", Name: "test", OrgID: e.ProviderOrgID}, &e, ingest.LoadRequest{
		EntryID: e.ID, Channel: ingest.ChannelDemo, Format: ingest.FormatCSV, FileName: "t.csv", Partial: true, Body: strings.NewReader(body)})
	must(t, err)
}
