package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/workday"
)

// Demo data of quality (QUA): a few configurable rules, loads that break them so correction
// tasks are open with problem rows (besides the tasks the aggregation demo's deliberately bad
// rows opened), one open objection from the demo citizen — whose ID number is set to a resident
// of the demo population — and two weeks of daily scores so the trend charts have a shape.
func loadQuality(ctx context.Context, a *app.App) error {
	if a.Quality == nil || a.Ingest == nil || a.Catalog == nil {
		return nil
	}
	who := func(name string) (*authz.Principal, error) {
		u, err := a.Identity.UserByName(ctx, name)
		if err != nil {
			return nil, err
		}
		return a.Identity.Principal(ctx, u)
	}
	officer, err := who("officer")
	if err != nil {
		return err
	}
	civil, err := who("civil")
	if err != nil {
		return err
	}
	citizen, err := who("citizen")
	if err != nil {
		return err
	}
	if _, err := a.Catalog.Published(ctx, EntryPopulation); err != nil {
		return nil // no demo catalog
	}

	// Rules.
	rules := []struct {
		p     *authz.Principal
		entry string
		in    quality.RuleInput
	}{
		{officer, EntryPopulation, quality.RuleInput{Name: "身份号码与出生日期、性别一致", Kind: quality.KindIDConsistency,
			Params: quality.Params{IDField: "citizen_id", BirthField: "birth_date", SexField: "sex"}, Note: "GB 11643 编码的出生日期和性别须与对应字段一致"}},
		{officer, EntryPopulation, quality.RuleInput{Name: "出生日期不早于1900年", Kind: quality.KindRange, Dimension: quality.Accuracy,
			Params: quality.Params{Field: "birth_date", MinDate: "1900-01-01"}}},
		{civil, EntryMarriage, quality.RuleInput{Name: "当事人姓名与常住人口一致", Kind: quality.KindCrossSource,
			Params: quality.Params{KeyField: "citizen_id", Field: "name", OtherEntryID: EntryPopulation, OtherField: "name"}, Note: "多源校核：以公安厅常住人口信息为准"}},
		{civil, EntryMarriage, quality.RuleInput{Name: "结婚登记须有配偶身份号码", Kind: quality.KindConditionalRequired,
			Params: quality.Params{IfField: "reg_type", IfValues: []string{"结婚"}, ThenField: "spouse_citizen_id"}}},
	}
	for _, r := range rules {
		if _, err := a.Quality.CreateRule(ctx, r.p, r.entry, r.in); err != nil {
			return fmt.Errorf("demo quality rule %q: %w", r.in.Name, err)
		}
	}

	// Residents from the loaded population (ordered by ID number, so the demo is stable).
	people, _, err := a.Ingest.Query(ctx, EntryPopulation, nil, 8, 0)
	if err != nil || len(people) < 8 {
		return nil // the aggregation demo did not load residents
	}
	val := func(i int, f string) string { return people[i].Values[f] }

	// Two residents whose sex and birth date columns disagree with their ID numbers, resent by
	// public security: loaded (the rule is advisory) and sent back for correction.
	var b strings.Builder
	b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
	for i := 0; i < 2; i++ {
		sex, birth := val(i, "sex"), val(i, "birth_date")
		if i == 0 {
			sex = map[string]string{"男": "女", "女": "男"}[sex]
		} else if t, err := time.Parse("2006-01-02", birth); err == nil {
			birth = t.AddDate(0, 0, 1).Format("2006-01-02")
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", val(i, "citizen_id"), val(i, "name"), sex, birth, val(i, "address"), val(i, "phone"), val(i, "region_code"))
	}
	if err := demoLoad(ctx, a, EntryPopulation, OrgPublicSec, "常住人口-增量-0930.csv", b.String()); err != nil {
		return err
	}

	// Marriage registrations between residents; one party's name disagrees with the population
	// registry (多源校核), one marriage lacks the spouse's ID number.
	b.Reset()
	b.WriteString("cert_no,citizen_id,name,spouse_citizen_id,spouse_name,reg_type,reg_date,reg_region\n")
	fmt.Fprintf(&b, "J150102-2024-000101,%s,%s,%s,%s,结婚,2024-05-20,150102\n", val(2, "citizen_id"), val(2, "name"), val(3, "citizen_id"), val(3, "name"))
	typo := string([]rune(val(4, "name"))[:1]) + "建军" // the population registry has another given name
	if typo == val(4, "name") {
		typo = string([]rune(val(4, "name"))[:1]) + "建民"
	}
	fmt.Fprintf(&b, "J150102-2024-000102,%s,%s,%s,%s,结婚,2024-08-08,150102\n", val(4, "citizen_id"), typo, val(5, "citizen_id"), val(5, "name"))
	fmt.Fprintf(&b, "J150202-2025-000031,%s,%s,,%s,结婚,2025-02-14,150202\n", val(6, "citizen_id"), val(6, "name"), val(7, "name"))
	if err := demoLoad(ctx, a, EntryMarriage, OrgCivil, "婚姻登记-2025.csv", b.String()); err != nil {
		return err
	}

	// The demo citizen is resident no. 8; they dispute their registered address.
	me := people[len(people)-1]
	if _, err := a.DB.ExecContext(ctx, "UPDATE users SET id_number = $1 WHERE id = $2", me.Key, citizen.UserID); err != nil {
		return err
	}
	// The authority verified their real name (实名核验) at its service hall, so they may object to
	// a record about themselves.
	admin, err := who("admin")
	if err != nil {
		return err
	}
	if _, err := a.Identity.SetVerified(ctx, admin, citizen.UserID, true, "演示：已在政务服务大厅查验居民身份证原件 / demo: ID card checked in person"); err != nil {
		return fmt.Errorf("demo verification: %w", err)
	}
	if _, err := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: EntryPopulation, Key: me.Key, Kind: quality.ObjWrong, Fields: []string{"address"},
		Description: "我已于今年 6 月迁居，常住人口信息中的住址仍是旧址，请核实更正。", Proposed: "内蒙古自治区呼和浩特市赛罕区昭乌达路 88 号"}, ""); err != nil {
		return fmt.Errorf("demo objection: %w", err)
	}

	// Two weeks of daily scores, so the trends show a history (synthetic, gently improving).
	if err := a.Quality.SnapshotDaily(ctx, a.Now()); err != nil {
		return err
	}
	return demoScoreHistory(ctx, a, 14)
}

func demoLoad(ctx context.Context, a *app.App, entry, org, file, body string) error {
	e, err := a.Catalog.Published(ctx, entry)
	if err != nil {
		return nil
	}
	_, err = a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "demo", Name: "演示数据 / demo", OrgID: org}, &e, ingest.LoadRequest{
		EntryID: entry, Mode: ingest.ModeUpsert, Channel: ingest.ChannelDemo, Format: ingest.FormatCSV, FileName: file, Partial: true, Body: strings.NewReader(body)})
	if err != nil {
		return fmt.Errorf("demo data %s: %w", entry, err)
	}
	return nil
}

// demoScoreHistory writes days daily scores before today for every entry and agency that has
// today's, each a little lower the further back (as if quality had been improving).
func demoScoreHistory(ctx context.Context, a *app.App, days int) error {
	today := workday.Format(a.Now())
	rows, err := a.DB.QueryContext(ctx, `SELECT scope, subject_id, completeness, accuracy, consistency, timeliness, availability, total
		FROM quality_daily_scores WHERE day = $1`, today)
	if err != nil {
		return err
	}
	type row struct {
		scope, id string
		s         [6]float64
	}
	var list []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.scope, &r.id, &r.s[0], &r.s[1], &r.s[2], &r.s[3], &r.s[4], &r.s[5]); err != nil {
			rows.Close()
			return err
		}
		list = append(list, r)
	}
	rows.Close()
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range list {
			if err := demoHistoryRows(ctx, tx, a, r.scope, r.id, r.s, days); err != nil {
				return err
			}
		}
		return nil
	})
}

func demoHistoryRows(ctx context.Context, tx *sql.Tx, a *app.App, scope, id string, today [6]float64, days int) error {
	for d := 1; d <= days; d++ {
		at := a.Now().AddDate(0, 0, -d)
		var v [6]float64
		for i := range v {
			drop := float64(d) * 0.6 * (1 + 0.5*math.Sin(float64(d+i+len(id))))
			v[i] = math.Round(math.Max(today[i]-drop, 40)*10) / 10
		}
		v[5] = math.Round((v[0]+v[1]+v[2]+v[3]+v[4])/5*10) / 10
		if _, err := tx.ExecContext(ctx, `INSERT INTO quality_daily_scores (scope, subject_id, day, at, completeness, accuracy, consistency, timeliness, availability, total)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (scope, subject_id, day) DO NOTHING`,
			scope, id, workday.Format(at), at.UnixMilli(), v[0], v[1], v[2], v[3], v[4], v[5]); err != nil {
			return err
		}
	}
	return nil
}
