package market_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/market"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

var ctx = context.Background()

func who(t *testing.T, a *app.App, name string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func productID(t *testing.T, a *app.App, name string) string {
	t.Helper()
	var id string
	must(t, a.DB.QueryRowContext(ctx, "SELECT id FROM opr_products WHERE name = $1", name).Scan(&id))
	return id
}

func code(err error) string {
	if err == nil {
		return "<nil>"
	}
	return apperr.As(err).Code
}

// MKT-1: an agency registers a data asset linked to its catalog entry (volume and quality taken
// from the platform's last load and quality score); the authority reviews — a refusal needs a
// reason, an approval issues a certificate number (region, year, sequence) that is never reused;
// the public register lists only approved assets; another region's authority and an outsider
// agency do not see the registration.
func TestAssetRegisterAndCertificates(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		s := a.Market
		mk, admin, water, bt := who(t, a, "market"), who(t, a, "admin"), who(t, a, "water"), who(t, a, "bt_admin")
		before, _, err := s.Register(ctx, 200, 0)
		must(t, err)

		if _, err := s.RegisterAsset(ctx, mk, market.AssetInput{Name: "人口", EntryID: demo.EntryPopulation, Cost: "x", Usage: "y"}); code(err) != "invalid" {
			t.Fatalf("another agency's entry linked: %v", err)
		}
		in := market.AssetInput{Name: "市场主体登记数据资产", EntryID: demo.EntryEnterprise, Cost: "系统建设与维护约 120 万元/年", Usage: "支撑企业登记核验产品与信用监管"}
		x, err := s.RegisterAsset(ctx, mk, in)
		must(t, err)
		if x.State != market.AssetSubmitted || x.Volume == "" || x.Frequency == "" || x.OrgID != demo.OrgMarket {
			t.Fatalf("registered: %+v", x)
		}
		// The platform's score of the entry as it stands now (the quality service's one definition).
		if score, ok := a.Quality.LatestScore(ctx, demo.EntryEnterprise); ok {
			if x.QualitySource != market.QualityPlatform || x.Quality != score {
				t.Fatalf("quality %v (%s), the platform's score is %v", x.Quality, x.QualitySource, score)
			}
		}
		for _, p := range []*authz.Principal{water, bt} {
			if _, err := s.Asset(ctx, p, x.ID); !errors.Is(err, apperr.Hidden) {
				t.Fatalf("%s read the registration: %v", p.Username, err)
			}
			if _, err := s.ReviewAsset(ctx, p, x.ID, true, ""); !errors.Is(err, apperr.Hidden) {
				t.Fatalf("%s reviewed the registration: %v", p.Username, err)
			}
		}
		if _, err := s.ReviewAsset(ctx, mk, x.ID, true, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the agency approved its own registration: %v", err)
		}
		if _, err := s.ReviewAsset(ctx, admin, x.ID, false, ""); code(err) != "invalid" {
			t.Fatalf("refused without a reason: %v", err)
		}
		x, err = s.ReviewAsset(ctx, admin, x.ID, true, "")
		must(t, err)
		if x.State != market.AssetApproved || !strings.HasPrefix(x.CertNo, "DA-"+demo.RegionProvince+"-2026-") {
			t.Fatalf("approved: %s %q", x.State, x.CertNo)
		}
		if _, err := s.ReviewAsset(ctx, admin, x.ID, false, "重复"); code(err) != "market_bad_state" {
			t.Fatalf("reviewed twice: %v", err)
		}
		// A second registration, refused: no number; a third, approved: the next number.
		y, err := s.RegisterAsset(ctx, mk, market.AssetInput{Name: "市场主体年报", EntryID: demo.EntryEnterprise, Volume: "约 50 万条", Cost: "30 万元", Usage: "年报公示"})
		must(t, err)
		y, err = s.ReviewAsset(ctx, admin, y.ID, false, "与已登记资产重复")
		must(t, err)
		if y.State != market.AssetRefused || y.CertNo != "" || y.Reason != "与已登记资产重复" {
			t.Fatalf("refused: %+v", y)
		}
		z, err := s.RegisterAsset(ctx, mk, market.AssetInput{Name: "企业变更登记数据", EntryID: demo.EntryEnterprise, Volume: "约 80 万条", Cost: "20 万元", Usage: "变更核验"})
		must(t, err)
		z, err = s.ReviewAsset(ctx, admin, z.ID, true, "")
		must(t, err)
		n1, n2 := x.CertNo[len(x.CertNo)-6:], z.CertNo[len(z.CertNo)-6:]
		if z.CertNo == x.CertNo || n2 <= n1 {
			t.Fatalf("certificate numbers %s then %s", x.CertNo, z.CertNo)
		}
		// The public register (no login): the approved ones only.
		reg, total, err := s.Register(ctx, 200, 0)
		must(t, err)
		if total != len(before)+2 {
			t.Fatalf("public register: %d, want %d", total, len(before)+2)
		}
		for _, r := range reg {
			if r.Name == y.Name {
				t.Fatal("a refused registration is on the public register")
			}
		}
		// The lists: the agency its own, the province authority its region's, Baotou none of these.
		mine, _, err := s.Assets(ctx, mk, "", 50, 0)
		must(t, err)
		theirs, _, err := s.Assets(ctx, bt, "", 50, 0)
		must(t, err)
		for _, r := range theirs {
			if r.OrgID == demo.OrgMarket {
				t.Fatal("Baotou's authority lists a province agency's asset")
			}
		}
		if len(mine) < 3 {
			t.Fatalf("the agency lists %d", len(mine))
		}
	})
}

// MKT-2, MKT-3, MKT-4: rights recorded and transferred with their history; the listing refuses raw
// data and a party without a valid operation right; a trade needs both parties' verified
// identities and an active broker; reviews by the parties, ratings by the broker's clients;
// the assessment computes what the platform knows and keeps the assessor's figures for the rest.
func TestRightsListingsAndTrades(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		s := a.Market
		admin, op, unit, water, expert, auditor := who(t, a, "admin"), who(t, a, "operator"), who(t, a, "appunit"), who(t, a, "water"), who(t, a, "expert"), who(t, a, "auditor")
		// The power statistics product: the demo gives nobody a right on it (it does on the population one).
		pid := productID(t, a, demo.DemoProductPower)
		stmt := "数据来源于电力公司居民用电信息，经授权运营协议授权加工，原始数据不出域"

		// Listing: raw data refused; no operation right refused.
		if _, err := s.List(ctx, op, market.ListingInput{ObjectKind: "entry", ProductID: demo.EntryPopulation, SourceStatement: stmt}); !errors.Is(err, market.ErrRawData) {
			t.Fatalf("raw data listed (entry kind): %v", err)
		}
		if _, err := s.List(ctx, op, market.ListingInput{ProductID: demo.EntryPopulation, SourceStatement: stmt}); !errors.Is(err, market.ErrRawData) {
			t.Fatalf("raw data listed (entry id): %v", err)
		}
		_, err := s.List(ctx, op, market.ListingInput{ProductID: pid, SourceStatement: stmt})
		if !errors.Is(err, market.ErrNoOperationRight) {
			t.Fatalf("listed without the operation right: %v", err)
		}
		if e := apperr.As(err); e.Status != 403 || !strings.Contains(e.ZH, "经营权") || !strings.Contains(e.EN, "operation right") {
			t.Fatalf("the refusal: %d %q %q", e.Status, e.ZH, e.EN)
		}

		// Rights: only the authority records them; the three rights, then a transfer.
		rin := market.RightInput{ObjectKind: market.ObjectProduct, ObjectID: pid, Kind: market.RightOperation, HolderOrgID: demo.OrgAppUnit,
			BasisKind: market.BasisAuthorization, BasisRef: "内数管授〔2026〕1号", ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}
		if _, err := s.RecordRight(ctx, op, rin); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the operator recorded a right: %v", err)
		}
		if _, err := s.RecordRight(ctx, water, rin); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider recorded a right on a product it cannot see: %v", err)
		}
		// The product's data is the (provincial) power company's: Baotou's authority reads the
		// market but may not record rights on it.
		if _, err := s.RecordRight(ctx, who(t, a, "bt_admin"), rin); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("another region's authority recorded a right: %v", err)
		}
		for _, k := range []string{market.RightHolding, market.RightProcessing} {
			r := rin
			r.Kind, r.HolderOrgID = k, demo.OrgPublicSec
			if k == market.RightProcessing {
				r.HolderOrgID = demo.OrgOperator
			}
			_, err := s.RecordRight(ctx, admin, r)
			must(t, err)
		}
		first, err := s.RecordRight(ctx, admin, rin) // the operation right, first to the application unit
		must(t, err)
		if !first.Valid {
			t.Fatalf("a right valid today is not: %+v", first)
		}
		bad := rin
		bad.ValidTo = "2025-01-01"
		if _, err := s.RecordRight(ctx, admin, bad); code(err) != "invalid" {
			t.Fatalf("a period ending before it starts: %v", err)
		}
		if _, err := s.List(ctx, op, market.ListingInput{ProductID: pid, SourceStatement: stmt}); !errors.Is(err, market.ErrNoOperationRight) {
			t.Fatalf("listed under another party's operation right: %v", err)
		}
		second, err := s.TransferRight(ctx, admin, first.ID, market.RightInput{HolderOrgID: demo.OrgOperator, BasisKind: market.BasisAgreement,
			BasisRef: "运营协议 2026-07", ValidFrom: "2026-09-01", ValidTo: "2028-08-31", Note: "经营权转让给运营单位"})
		must(t, err)
		if _, err := s.TransferRight(ctx, admin, first.ID, market.RightInput{HolderOrgID: demo.OrgOperator, BasisKind: market.BasisAgreement,
			BasisRef: "x", ValidFrom: "2026-09-01", ValidTo: "2028-08-31"}); code(err) != "market_bad_state" {
			t.Fatalf("a transferred right transferred again: %v", err)
		}
		hist, err := s.Rights(ctx, op, market.ObjectProduct, pid)
		must(t, err)
		if len(hist) != 4 || hist[2].State != market.RightTransferred || hist[2].NextID != second.ID || hist[3].PrevID != first.ID || hist[3].HolderOrgID != demo.OrgOperator {
			t.Fatalf("history: %+v", hist)
		}
		if _, err := s.Rights(ctx, water, market.ObjectProduct, pid); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider read the rights: %v", err)
		}

		// Now the operator lists; a product not released is refused.
		if _, err := s.List(ctx, op, market.ListingInput{ProductID: pid, SourceStatement: "短"}); code(err) != "invalid" {
			t.Fatalf("no data-source statement: %v", err)
		}
		l, err := s.List(ctx, op, market.ListingInput{ProductID: pid, SourceStatement: stmt, PriceNote: "按次计费"})
		must(t, err)
		if l.RightID != second.ID || l.State != market.Listed {
			t.Fatalf("listing: %+v", l)
		}
		if _, err := s.Listing(ctx, water, l.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider read the listing: %v", err)
		}

		// Brokers: registered with a checked credit code; a suspended one takes part in no trade.
		if _, err := s.RegisterBroker(ctx, admin, market.BrokerInput{Kind: market.BrokerKind, Name: "某经纪", CreditCode: "91150100MA0000000X", Person: "李经纪"}); code(err) != "invalid" {
			t.Fatalf("a broker with a bad credit code: %v", err)
		}
		br, err := s.RegisterBroker(ctx, admin, market.BrokerInput{Kind: market.BrokerKind, Name: "内蒙古数据经纪有限公司", CreditCode: validCode(), Person: "李经纪", Scope: "撮合与合规咨询"})
		must(t, err)
		if _, err := s.RegisterBroker(ctx, op, market.BrokerInput{Kind: market.BrokerKind, Name: "x", CreditCode: validCode(), Person: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the operator registered a broker: %v", err)
		}

		// Trades: identities verified first.
		tin := market.TradeInput{BuyerOrgID: demo.OrgAppUnit, BuyerPerson: "朱应用", SellerPerson: "杨运营", BrokerID: br.ID, Price: "5000 元/年",
			Scope: "小微企业授信风控", PeriodFrom: "2026-10-01", PeriodTo: "2027-09-30", Delivery: "api"}
		noPerson := tin
		noPerson.BuyerPerson = ""
		if _, err := s.RecordTrade(ctx, op, l.ID, noPerson); !errors.Is(err, market.ErrIdentity) {
			t.Fatalf("a trade without the buyer's responsible person: %v", err)
		}
		var good string
		must(t, d.QueryRowContext(ctx, "SELECT credit_code FROM orgs WHERE id = $1", demo.OrgAppUnit).Scan(&good))
		_, err = d.ExecContext(ctx, "UPDATE orgs SET credit_code = $1 WHERE id = $2", good[:17]+flip(good[17]), demo.OrgAppUnit)
		must(t, err)
		if _, err := s.RecordTrade(ctx, op, l.ID, tin); !errors.Is(err, market.ErrIdentity) {
			t.Fatalf("a trade with the buyer's credit code failing its check: %v", err)
		}
		_, err = d.ExecContext(ctx, "UPDATE orgs SET credit_code = $1 WHERE id = $2", good, demo.OrgAppUnit)
		must(t, err)
		if _, err := s.RecordTrade(ctx, unit, l.ID, tin); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the buyer recorded the provider's trade: %v", err)
		}
		tr, err := s.RecordTrade(ctx, op, l.ID, tin)
		must(t, err)
		if tr.BuyerCreditCode != good || tr.SellerPerson != "杨运营" {
			t.Fatalf("trade: %+v", tr)
		}
		if _, err := s.Trade(ctx, water, tr.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider read the trade: %v", err)
		}
		// Reviews and ratings.
		if _, err := s.ReviewTrade(ctx, unit, tr.ID, market.ReviewInput{Rating: 5, Comment: "交付及时"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewTrade(ctx, unit, tr.ID, market.ReviewInput{Rating: 4}); code(err) != "conflict" {
			t.Fatalf("reviewed twice: %v", err)
		}
		if _, err := s.ReviewTrade(ctx, auditor, tr.ID, market.ReviewInput{Rating: 1}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the auditor reviewed a trade: %v", err)
		}
		if _, err := s.RateBroker(ctx, unit, br.ID, market.ReviewInput{TradeID: tr.ID, Rating: 4, Comment: "撮合专业"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RateBroker(ctx, expert, br.ID, market.ReviewInput{TradeID: tr.ID, Rating: 1}); !errors.Is(err, market.ErrNotClient) {
			t.Fatalf("a non-client rated the broker: %v", err)
		}
		got, err := s.Broker(ctx, op, br.ID)
		must(t, err)
		if got.Rating != 4 || got.Ratings != 1 {
			t.Fatalf("broker rating %v of %d", got.Rating, got.Ratings)
		}
		// Suspended on a violation: no new trade through it.
		if _, err := s.MoveBroker(ctx, admin, br.ID, "suspend", "违规撮合原始数据交易"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordTrade(ctx, op, l.ID, tin); !errors.Is(err, market.ErrBrokerSuspended) {
			t.Fatalf("a trade through a suspended broker: %v", err)
		}
		tin.BrokerID = ""
		if _, err := s.RecordTrade(ctx, op, l.ID, tin); err != nil {
			t.Fatalf("a direct trade: %v", err)
		}

		// MKT-3: the assessment computes the platform's figures; the assessor's fill the rest.
		span, cover := 400, int64(99)
		pid = productID(t, a, demo.DemoProductPopulation)
		as, err := s.Assess(ctx, expert, pid, market.AssessInput{TimeSpan: &span, Coverage: &cover, Mining: "high", Level: "general", Note: "人口分布需求旺盛"})
		must(t, err)
		var loads int
		must(t, d.QueryRowContext(ctx, "SELECT count(*) FROM ingest_loads WHERE entry_id = $1 AND status = 'committed'", demo.EntryPopulation).Scan(&loads))
		if loads == 0 || as.Sources["coverage"] != market.FromPlatform || as.Coverage == cover || as.Sources["time_span"] != market.FromPlatform {
			t.Fatalf("the platform's facts did not win: %+v (%d loads)", as, loads)
		}
		if as.Sources["mining"] != market.FromAssessor || as.Mining != "high" || as.Kind != "statistics" {
			t.Fatalf("assessment: %+v", as)
		}
		if _, err := s.Assess(ctx, op, pid, market.AssessInput{}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the operator assessed its own product: %v", err)
		}
		_, err = s.Assess(ctx, admin, pid, market.AssessInput{Mining: "medium"})
		must(t, err)
		hs, err := s.Assessments(ctx, unit, pid)
		must(t, err)
		if len(hs) != 2 || hs[0].Mining != "medium" || hs[1].Mining != "high" {
			t.Fatalf("assessment history: %+v", hs)
		}
	})
}

// validCode is a credit code that passes its check (for a broker).
func validCode() string { return validate.MakeCreditCode('9', '1', "150100", "MA0N00001") }

func flip(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}
