package operate_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// browserLogout signs the current user out through the header's form.
func browserLogout(b *testutil.Browser) { b.Click(`header form[action="/logout"] button`) }

// productHref finds a product's page on the operation home (/operate) by its name.
func productHref(t *testing.T, b *testutil.Browser, name string) string {
	t.Helper()
	href := testutil.BrowserRun(b, "find product "+name, chromedp.Evaluate[string](
		`(() => { const a = [...document.querySelectorAll("#product-table a")].find(a => a.textContent.trim() === `+jsString(name)+`); return a ? a.getAttribute("href") : ""; })()`))
	if !strings.HasPrefix(href, "/operate/products/") {
		t.Fatalf("no link to product %s on /operate (got %q)", name, href)
	}
	return href
}

// formAction returns the action of the first form matching sel inside the first element matching
// rowSel whose text contains text and which holds such a form ("" when there is none).
func formAction(b *testutil.Browser, rowSel, text, sel string) string {
	return testutil.BrowserRun(b, "find a form in "+rowSel, chromedp.Evaluate[string](
		`(() => { const r = [...document.querySelectorAll(`+jsString(rowSel)+`)].find(r => r.textContent.includes(`+jsString(text)+`) && r.querySelector(`+jsString(sel)+`));
		 const f = r && r.querySelector(`+jsString(sel)+`); return f ? f.getAttribute("action") : ""; })()`))
}

func jsString(s string) string {
	return "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`", "$", "\\$").Replace(s) + "`"
}

// In a real browser: a new company registers an account with its unified social credit code (a
// wrong check character is caught as it is typed), registers as an application unit, the
// operator qualifies it, the unit applies for a statistics product and a verification product
// with scenario, items, period and security controls, the operator approves, both sides sign the
// agreements, and the unit runs a grouped statistics query and a verification on the product
// pages and sees the answers (issue #14 items 1, 2).
func TestBrowserUnitFromRegistrationToAnswers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		b := testutil.NewBrowserForApp(t, a)
		const (
			user     = "bt_huimin"
			pass     = "Huimin@2026pass"
			orgName  = "包头惠民信用服务有限公司"
			scenario = "普惠信贷区域客群分析与企业身份核验"
		)
		good := validate.MakeCreditCode('9', '1', demo.RegionCityB, "MA0HM0001")
		bad := good[:17] + "0"
		if bad == good {
			bad = good[:17] + "1"
		}

		// 1. The company registers an account as a legal person.
		b.Visit("/register")
		b.ClickStay(`input[name=person_kind][value=legal]`)
		b.Fill("#username", user)
		b.Fill("#display_name", "惠民信用数据专员")
		b.Fill("#password", pass)
		b.Fill("#org_name", orgName)
		b.Fill("#phone", "13904720001")
		b.Do("type a wrong credit code", chromedp.SendKeys(chromedp.CSS("#credit_code"), bad, chromedp.NodeReady))
		if got := b.Text("#credit_code + .hint"); !strings.Contains(got, "校验位错误") {
			t.Fatalf("a wrong check character reads %q", got)
		}
		testutil.BrowserRun(b, "clear the credit code", chromedp.Evaluate[bool](`(() => { const el = document.querySelector("#credit_code"); el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`))
		b.Do("type the credit code", chromedp.SendKeys(chromedp.CSS("#credit_code"), good, chromedp.NodeReady))
		b.Click(`#register-form button[type=submit]`)
		if p := b.Path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("registration led to %s: %.300s", p, b.Text("main"))
		}
		u, err := a.Identity.UserByName(ctx, user)
		must(t, err)
		org := u.OrgID

		// 2. It registers as an application unit; the platform checks the credit code.
		b.LoginWith(user, pass)
		b.Visit("/operate")
		b.Fill("#unit-contact", "李经理 13904720001")
		b.Click(`#unit-register button[type=submit]`)
		if got := b.Text("#unit-table"); !strings.Contains(got, orgName) || !strings.Contains(got, good) {
			t.Fatalf("the unit table after registering: %q", got)
		}
		browserLogout(b)

		// 3. The operator qualifies it.
		b.Login("operator")
		b.Visit("/operate")
		if !b.Has(`#ua-` + org + ` option[value=approve]`) {
			t.Fatalf("the operator is not offered to qualify the pending unit: %q", b.Text("#unit-table"))
		}
		b.Fill("#ur-"+org, "资质材料齐全")
		b.Click(`form[action="/operate/units/` + org + `/decide"] button[type=submit]`)
		if !b.Has(`#ua-` + org + ` option[value=suspend]`) {
			t.Fatalf("the unit is not active after qualification: %q", b.Text("#unit-table"))
		}
		browserLogout(b)

		// 4. The unit applies for two products.
		b.LoginWith(user, pass)
		b.Visit("/operate")
		popHref := productHref(t, b, demo.DemoProductPopulation)
		verHref := productHref(t, b, demo.DemoProductVerify)
		for _, href := range []string{popHref, verHref} {
			b.Visit(href)
			b.Fill("#ap-sc", scenario)
			b.Fill("#ap-start", a.Now().Format("2006-01-02"))
			b.Fill("#ap-end", a.Now().AddDate(0, 6, 0).Format("2006-01-02"))
			b.Fill("#ap-sec", "专人专岗、结果不外传、访问留痕")
			b.Click("#apply-submit")
			if b.Status != 200 || b.Has("#use") {
				t.Fatalf("after applying for %s: status %d, use form shown %v", href, b.Status, b.Has("#use"))
			}
		}
		b.Visit("/operate")
		if got := b.Text("#app-table"); strings.Count(got, orgName) != 2 {
			t.Fatalf("the unit's applications: %q", got)
		}
		browserLogout(b)

		// 5. The operator approves both applications and signs the agreements; 杨运营 decided,
		// so his colleague 柏签约 signs for the operator.
		b.Login("operator")
		b.Visit("/operate")
		for i := 0; i < 2; i++ {
			act := formAction(b, "#app-table tbody tr", orgName, `form[action^="/operate/applications/"]`)
			if act == "" {
				t.Fatalf("application %d of the unit has no decision form: %q", i+1, b.Text("#app-table"))
			}
			b.Fill(`form[action="`+act+`"] input[name=note]`, "场景合规，期限合理")
			b.Click(`form[action="` + act + `"] button[name=approve][value="1"]`)
		}
		browserLogout(b)
		sign := func(who string) {
			t.Helper()
			acts := strings.Fields(testutil.BrowserRun(b, "find the agreements to sign", chromedp.Evaluate[string](
				`[...document.querySelectorAll("#agreements details.agreement")].filter(d => d.querySelector("summary").textContent.includes(`+jsString(orgName)+`)).map(d => { const f = d.querySelector('form[action$="/sign"]'); return f ? f.getAttribute("action") : ""; }).join(" ")`)))
			if len(acts) != 2 {
				t.Fatalf("%s: %d agreements of the unit to sign, want 2: %q", who, len(acts), b.Text("#agreements"))
			}
			for _, act := range acts {
				// the agreement's text and its signing button are folded in a <details>
				testutil.BrowserRun(b, "open the agreement", chromedp.Evaluate[bool](`(() => { const d = document.querySelector('form[action="`+act+`"]').closest("details"); d.open = true; return true; })()`))
				if got := b.Text(`#agreements details[open] pre.agreement-body`); !strings.Contains(got, scenario) || !strings.Contains(got, a.Now().AddDate(0, 6, 0).Format("2006-01-02")) {
					t.Fatalf("%s: the agreement text does not state the purpose and period applied for: %.300q", who, got)
				}
				b.Click(`form[action="` + act + `"] button[type=submit]`)
				if b.Status != 200 {
					t.Fatalf("%s: signing %s answered %d: %.300q", who, act, b.Status, b.Text("main"))
				}
			}
		}
		b.Login("operator2")
		b.Visit("/operate")
		sign("operator2")
		browserLogout(b)
		b.LoginWith(user, pass)
		b.Visit("/operate")
		sign("unit")

		// 6. The unit queries: statistics grouped by sex, then a verification.
		b.Visit(popHref)
		if !b.Has("#stats-form") {
			t.Fatalf("no statistics form once both sides signed: %.400s", b.Text("main"))
		}
		b.ClickStay(`#stats-form input[name=group_by][value=sex]`)
		b.Click("#stats-submit")
		if got := b.Text("#answer-table"); !strings.Contains(got, "男") || !strings.Contains(got, "女") {
			t.Fatalf("statistics answer %q", got)
		}
		if got := b.Text("#stats-answer"); !strings.Contains(got, "本次消耗隐私预算") {
			t.Fatalf("statistics answer note %q", got)
		}
		ents, _, err := a.Ingest.Query(ctx, demo.EntryEnterprise, nil, 1, 0)
		must(t, err)
		b.Visit(verHref)
		b.Fill("#subject", ents[0].Key)
		b.Fill("#claim-name", ents[0].Values["name"])
		b.Fill("#claim-status", ents[0].Values["status"])
		b.Click("#subject-submit")
		if got := b.Text("#verify-answer"); !strings.Contains(got, "核验一致") {
			t.Fatalf("verification answer %q", got)
		}
		b.Visit(verHref)
		if b.Has("#verify-answer") {
			t.Fatal("a reload of the product page shows the answer again")
		}
	})
}

// In a real browser: the demo citizen authorizes the demo application unit on "my data" for the
// name item, the unit verifies the citizen on the identity product's page, the citizen sees the
// unit's access, revokes the authorization, and the unit's next verification is refused
// (issue #14 item 5).
func TestBrowserCitizenAuthorizesAndRevokes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		b := testutil.NewBrowserForApp(t, a)
		cu, err := a.Identity.UserByName(ctx, "citizen")
		must(t, err)
		rec, err := a.Ingest.Lookup(ctx, demo.EntryPopulation, cu.IDNumber)
		must(t, err)
		unitName := "包头智信科技有限公司"

		b.Login("citizen")
		b.Visit("/me/data")
		b.Fill("#cs-unit", demo.OrgAppUnit)
		b.ClickStay(`#consent-form input[name=items][value=name]`)
		b.Fill("#cs-purpose", "个人消费贷款身份核验")
		b.Click("#consent-submit")
		if got := b.Text("#consent-table"); !strings.Contains(got, unitName) || !strings.Contains(got, "个人消费贷款身份核验") {
			t.Fatalf("authorizations after authorizing: %q", got)
		}
		browserLogout(b)

		verify := func() {
			t.Helper()
			b.Login("appunit")
			b.Visit("/operate")
			b.Visit(productHref(t, b, demo.DemoProductIdentity))
			b.Fill("#subject", cu.IDNumber)
			b.Fill("#claim-name", rec.Values["name"])
			b.Click("#subject-submit")
		}
		verify()
		if got := b.Text("#verify-answer"); !strings.Contains(got, "核验一致") {
			t.Fatalf("verification answer %q", got)
		}
		browserLogout(b)

		b.Login("citizen")
		b.Visit("/me/data")
		if got := b.Text("#access-table"); !strings.Contains(got, unitName) || !strings.Contains(got, "核验产品调用") {
			t.Fatalf("the citizen's access list: %q", got)
		}
		b.Click("#consent-table button.revoke")
		if b.Has("#consent-table button.revoke") {
			t.Fatalf("the authorization is still revocable after revoking: %q", b.Text("#consent-table"))
		}
		browserLogout(b)

		verify()
		if got := b.Text("main"); !strings.Contains(got, "未授权") {
			t.Fatalf("verification after revocation reads %.400q", got)
		}
		if b.Has("#verify-answer") {
			t.Fatal("an answer was shown after revocation")
		}
	})
}
