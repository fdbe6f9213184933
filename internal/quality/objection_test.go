package quality_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
)

// QUA-3 end to end: a citizen disputes their own record; it is marked disputed wherever it is
// served (ingest Lookup/Query); the provider verifies and corrects it with an answer; the mark
// clears and the citizen, the provider and every agency that received the record are told.
func TestObjectionFlow(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer, citizen, civil, market, admin := as(t, a, "officer"), as(t, a, "citizen"), as(t, a, "civil"), as(t, a, "market"), as(t, a, "admin")
		rs := residents(3)
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		me, other := rs[0], rs[1]
		if _, err := d.ExecContext(ctx, "UPDATE users SET id_number = $1 WHERE id = $2", me.id, citizen.UserID); err != nil {
			t.Fatal(err)
		}
		// The record went to the civil affairs and market agencies (sharing sets this hook).
		a.Quality.Receivers = func(ctx context.Context, entryID, key string) ([]string, error) {
			if entryID == demo.EntryPopulation && key == me.id {
				return []string{demo.OrgCivil, demo.OrgMarket}, nil
			}
			return nil, nil
		}

		in := quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: me.id, Kind: quality.ObjWrong, Fields: []string{"name"},
			Description: "姓名登记错误，应为“居民乙”", Proposed: "居民乙"}
		// Not about them: refused — with the same answer as for a record that does not exist, so
		// the refusal tells nothing about other people's records. Bad input: every field named.
		_, errOther := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: other.id, Kind: quality.ObjWrong, Description: "x"}, "")
		_, errNone := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: person("150102", "1999-01-01", 5), Kind: quality.ObjWrong, Description: "x"}, "")
		if !errors.Is(errOther, apperr.NotFound) || errOther.Error() != errNone.Error() {
			t.Fatalf("someone else's record: %v; a record that does not exist: %v", errOther, errNone)
		}
		// (The key may be empty: an objection about the entry as a whole; an over-long one is named.)
		_, err := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: strings.Repeat("1", 201), Kind: "bogus"}, "")
		if ae := apperr.As(err); ae.Code != apperr.Invalid.Code || len(ae.Fields) != 3 {
			t.Fatalf("bad input: %+v", ae)
		}
		// A data user (another agency's staff) is told plainly that a record does not exist.
		if _, err := a.Quality.Raise(ctx, civil, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: person("150102", "1999-01-01", 5), Kind: quality.ObjWrong, Description: "x"}, ""); apperr.As(err).Code != "quality.record_not_found" {
			t.Fatalf("objection to a record that does not exist: %v", err)
		}

		o, err := a.Quality.Raise(ctx, citizen, in, "10.0.0.9")
		if err != nil {
			t.Fatal(err)
		}
		if o.State != quality.ObjOpen || o.ObjectorKind != quality.ObjectorPerson || o.Due != "2026-10-13" || o.ProviderOrgID != demo.OrgPublicSec {
			t.Fatalf("raised: %+v", o)
		}
		if _, err := a.Quality.Raise(ctx, citizen, in, ""); apperr.As(err).Code != "quality.objection_exists" {
			t.Errorf("duplicate objection: %v", err)
		}
		// Disputed wherever served.
		rec, err := a.Ingest.Lookup(ctx, demo.EntryPopulation, me.id)
		if err != nil || !rec.Disputed {
			t.Fatalf("served record not marked disputed: %v %+v", err, rec)
		}
		if rec, _ := a.Ingest.Lookup(ctx, demo.EntryPopulation, other.id); rec.Disputed {
			t.Error("an undisputed record is marked disputed")
		}
		recs, _, err := a.Ingest.Query(ctx, demo.EntryPopulation, nil, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Disputed != (r.Key == me.id) {
				t.Errorf("query: %s disputed=%v", r.Key, r.Disputed)
			}
		}
		if !hasMessage(inbox(t, a, officer), o.ID, "flag") || !hasMessage(inbox(t, a, civil), o.ID, "flag") || !hasMessage(inbox(t, a, market), o.ID, "flag") {
			t.Error("provider and receivers were not told of the dispute")
		}

		// Only the provider handles it; only the objector withdraws.
		// (Those who may not even read it are answered as if it did not exist.)
		if _, err := a.Quality.ActOnObjection(ctx, civil, o.ID, quality.ObjectionAction{Event: "verify"}, ""); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another agency verified: %v", err)
		}
		if _, err := a.Quality.ActOnObjection(ctx, citizen, o.ID, quality.ObjectionAction{Event: "correct", Answer: "ok"}, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("the objector answered its own objection: %v", err)
		}
		if _, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "withdraw"}, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("the provider withdrew the objection: %v", err)
		}
		_, errMissing := a.Quality.Objection(ctx, as(t, a, "health"), "no-such-objection")
		if _, err := a.Quality.Objection(ctx, as(t, a, "health"), o.ID); !errors.Is(err, apperr.NotFound) || err.Error() != errMissing.Error() {
			t.Errorf("an unrelated agency reads the objection: %v", err)
		}
		v, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "verify"}, "")
		if err != nil || v.State != quality.ObjVerifying {
			t.Fatalf("verify: %v %s", err, v.State)
		}
		if _, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "reject"}, ""); !errors.Is(err, apperr.Invalid) {
			t.Errorf("a rejection without reasons: %v", err)
		}
		// "Corrected" before the data changed is refused; the objection stays open.
		if _, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "correct", Answer: "已更正"}, ""); apperr.As(err).Code != "quality.not_corrected" {
			t.Fatalf("corrected without a change: %v", err)
		}
		if still, _ := a.Quality.Objection(ctx, officer, o.ID); still.State != quality.ObjVerifying {
			t.Fatalf("after the refused answer the objection is %s", still.State)
		}
		// A reload with the same values changes nothing either.
		load(t, a, officer, demo.EntryPopulation, ingest.ModeUpsert, false, popFile(rs[:1]))
		if _, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "correct", Answer: "已更正"}, ""); apperr.As(err).Code != "quality.not_corrected" {
			t.Fatalf("corrected after an unchanged reload: %v", err)
		}
		// The provider corrects the record through a normal load, then answers.
		clock.Set("2026-10-09 11:00")
		fixed := rs
		fixed[0].name = "居民乙"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeUpsert, false, popFile(fixed[:1]))
		if rec, _ := a.Ingest.Lookup(ctx, demo.EntryPopulation, me.id); !rec.Disputed {
			t.Error("the mark cleared before the provider answered")
		}
		done, err := a.Quality.ActOnObjection(ctx, officer, o.ID, quality.ObjectionAction{Event: "correct", Answer: "经核实，姓名登记有误，已更正为“居民乙”。"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if done.State != quality.ObjCorrected || done.Decision != "correct" || done.AnsweredBy != "officer" || done.Disputed() {
			t.Fatalf("answered: %+v", done)
		}
		if rec, _ := a.Ingest.Lookup(ctx, demo.EntryPopulation, me.id); rec.Disputed || rec.Values["name"] != "居民乙" {
			t.Errorf("after the answer: %+v", rec)
		}
		citizenTold := false
		for _, m := range inbox(t, a, citizen) {
			citizenTold = citizenTold || (m.ObjectID == o.ID && strings.Contains(m.BodyZH, "已更正为"))
		}
		if !citizenTold {
			t.Error("the citizen did not get the answer")
		}
		for _, p := range []string{"civil", "market"} {
			told := 0
			for _, m := range inbox(t, a, as(t, a, p)) {
				if m.ObjectID == o.ID {
					told++
				}
			}
			if told != 2 { // the dispute, then the answer
				t.Errorf("%s (received the record) got %d messages, want 2", p, told)
			}
		}
		var evs []string
		for _, e := range done.History {
			evs = append(evs, e.Event)
		}
		if strings.Join(evs, ",") != "raise,verify,correct" {
			t.Errorf("history: %v", evs)
		}
		for _, act := range []string{"quality.objection.raise", "quality.objection.verify", "quality.objection.correct"} {
			if auditCount(t, d, act, o.ID) != 1 {
				t.Errorf("%s not audited once", act)
			}
		}
		// A finished objection takes no more steps.
		if _, err := a.Quality.ActOnObjection(ctx, citizen, o.ID, quality.ObjectionAction{Event: "withdraw"}, ""); apperr.As(err).Code != quality.ErrState.Code {
			t.Errorf("withdraw after the answer: %v", err)
		}
		// Lists: the citizen's own, the provider's queue; the authority sees the key masked.
		mine, _, err := a.Quality.Objections(ctx, citizen, quality.ObjectionFilter{Mine: true})
		if err != nil || !listed(mine, o.ID, me.id) {
			t.Errorf("mine: %v %+v", err, mine)
		}
		if _, _, err := a.Quality.Objections(ctx, citizen, quality.ObjectionFilter{}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("a citizen reads the provider queue: %v", err)
		}
		q, _, _ := a.Quality.Objections(ctx, admin, quality.ObjectionFilter{})
		if listed(q, o.ID, me.id) || !listed(q, o.ID, me.id[:6]+"********"+me.id[14:]) {
			t.Errorf("authority view (key masked): %+v", q)
		}
	})
}

// A data user (another agency) may dispute any record; an unanswered objection goes overdue
// after five working days and is escalated to the authority, still disputed. The objector may
// withdraw it, which clears the mark.
func TestObjectionOverdueAndWithdraw(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer, civil, admin, citizen := as(t, a, "officer"), as(t, a, "civil"), as(t, a, "admin"), as(t, a, "citizen")
		rs := residents(2)
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		o, err := a.Quality.Raise(ctx, civil, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: rs[1].id, Kind: quality.ObjWrong, Description: "与我厅婚姻登记信息中的姓名不一致"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if o.ObjectorKind != quality.ObjectorUser {
			t.Errorf("objector kind %s", o.ObjectorKind)
		}
		// A citizen may not dispute someone else's record (answered as not found).
		if _, err := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: rs[0].id, Kind: quality.ObjWrong, Description: "x"}, ""); !errors.Is(err, apperr.NotFound) {
			t.Errorf("citizen without a matching ID number: %v", err)
		}
		clock.Set("2026-10-14 09:00")
		if err := a.Quality.CheckDeadlines(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := a.Quality.Objection(ctx, admin, o.ID)
		if err != nil || got.State != quality.ObjOverdue {
			t.Fatalf("after the deadline: %v %s", err, got.State)
		}
		if !hasMessage(inbox(t, a, admin), o.ID, "escalation") {
			t.Error("the authority was not told")
		}
		if rec, _ := a.Ingest.Lookup(ctx, demo.EntryPopulation, rs[1].id); !rec.Disputed {
			t.Error("an overdue objection no longer marks the record")
		}
		if _, err := a.Quality.ActOnObjection(ctx, civil, o.ID, quality.ObjectionAction{Event: "withdraw", Answer: "已与公安厅核对一致"}, ""); err != nil {
			t.Fatal(err)
		}
		if rec, _ := a.Ingest.Lookup(ctx, demo.EntryPopulation, rs[1].id); rec.Disputed {
			t.Error("a withdrawn objection still marks the record")
		}
	})
}

// An organization disputes its own record in the legal-person (市场主体) entry by its credit
// code; a "missing" objection needs no record.
func TestObjectionByOrganization(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		var credit string
		if err := d.QueryRowContext(ctx, "SELECT credit_code FROM orgs WHERE id = $1", demo.OrgAppUnit).Scan(&credit); err != nil {
			t.Fatal(err)
		}
		appunit := as(t, a, "appunit") // 应用单位 user: its organization's credit code
		in := quality.ObjectionInput{EntryID: demo.EntryEnterprise, Key: strings.ToLower(credit), Kind: quality.ObjMissing, Description: "本单位的市场主体登记信息未归集"}
		// Not verified yet: refused, with how to get verified; the entry as a whole is fine.
		if _, err := a.Quality.Raise(ctx, appunit, in, ""); apperr.As(err).Code != "quality.identity_unverified" || !strings.Contains(apperr.As(err).ZH, "实名核验") {
			t.Fatalf("an unverified organization user disputed a record: %v", err)
		}
		whole, err := a.Quality.Raise(ctx, appunit, quality.ObjectionInput{EntryID: demo.EntryEnterprise, Kind: quality.ObjWrong, Description: "目录中的经营范围字段定义不清"}, "")
		if err != nil || whole.Key != "" || whole.ObjectorKind != quality.ObjectorUser {
			t.Fatalf("an objection about the entry: %+v %v", whole, err)
		}
		if _, err := a.Identity.SetVerified(ctx, as(t, a, "admin"), appunit.UserID, true, "查验营业执照原件"); err != nil {
			t.Fatal(err)
		}
		o, err := a.Quality.Raise(ctx, appunit, in, "")
		if err != nil {
			t.Fatal(err)
		}
		if o.ObjectorKind != quality.ObjectorOrg || o.Key != credit || o.ProviderOrgID != demo.OrgMarket {
			t.Fatalf("raised: %+v", o)
		}
		// Someone else's credit code: refused.
		other := strings.Replace(credit, credit[10:11], map[bool]string{true: "1", false: "2"}[credit[10] != '1'], 1)
		if _, err := a.Quality.Raise(ctx, appunit, quality.ObjectionInput{EntryID: demo.EntryEnterprise, Key: other, Kind: quality.ObjMissing, Description: "x"}, ""); !errors.Is(err, apperr.NotFound) {
			t.Errorf("an organization disputed another's record: %v", err)
		}
		dis, err := a.Quality.IsDisputed(ctx, demo.EntryEnterprise, []string{credit, other})
		if err != nil || !dis[credit] || dis[other] {
			t.Errorf("IsDisputed: %v %v", err, dis)
		}
	})
}

// listed tells whether the objection is in the list with this (possibly masked) key.
func listed(os []quality.Objection, id, key string) bool {
	for _, o := range os {
		if o.ID == id && o.Key == key {
			return true
		}
	}
	return false
}

// No existence oracle (issue #9 item 8): a data user whose agency received none of an entry's
// records, and who may not read its aggregated data, cannot learn from an objection whether a
// key is there — an objection about an existing record is answered exactly like one about a
// record that does not exist ("wrong": the same refusal; "missing": accepted alike). A data user
// whose agency received the data is answered as before.
func TestObjectionsRevealNothingToDataUsersWithoutTheData(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer, civil, health := as(t, a, "officer"), as(t, a, "civil"), as(t, a, "health")
		rs := residents(3)
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		a.Quality.Receivers = func(ctx context.Context, entryID, key string) ([]string, error) {
			return []string{demo.OrgCivil}, nil // the civil affairs agency received the data; health did not
		}
		nobody := person("150102", "1999-01-01", 5)
		raise := func(p *authz.Principal, key, kind string) (quality.Objection, error) {
			return a.Quality.Raise(ctx, p, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: key, Kind: kind, Description: "核对"}, "")
		}
		_, errThere := raise(health, rs[0].id, quality.ObjWrong)
		_, errNone := raise(health, nobody, quality.ObjWrong)
		if errThere == nil || errNone == nil {
			t.Fatalf("health disputed a value it cannot see: %v / %v", errThere, errNone)
		}
		ja, _ := json.Marshal(apperr.As(errThere))
		jb, _ := json.Marshal(apperr.As(errNone))
		if string(ja) != string(jb) || apperr.As(errThere).Status != apperr.As(errNone).Status {
			t.Fatalf("an existing record and a missing one are answered differently:\n%s\n%s", ja, jb)
		}
		oThere, err1 := raise(health, rs[1].id, quality.ObjMissing)
		oNone, err2 := raise(health, person("150102", "1999-01-02", 7), quality.ObjMissing)
		if err1 != nil || err2 != nil || oThere.State != oNone.State || oThere.ObjectorKind != oNone.ObjectorKind || oThere.Kind != oNone.Kind ||
			oThere.Due != oNone.Due || oThere.Disputed() != oNone.Disputed() {
			t.Fatalf("\"missing\" about an existing record and about a missing one differ: %+v %v / %+v %v", oThere, err1, oNone, err2)
		}
		// The agency that received the data: an existing record can be disputed, a missing one
		// is named missing.
		if _, err := raise(civil, rs[0].id, quality.ObjWrong); err != nil {
			t.Fatalf("a receiving agency disputing a record: %v", err)
		}
		if _, err := raise(civil, nobody, quality.ObjWrong); apperr.As(err).Code != "quality.record_not_found" {
			t.Fatalf("a receiving agency, record not there: %v", err)
		}
	})
}
