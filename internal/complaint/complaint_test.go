package complaint_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/complaint"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/harvest"
	"pubdata/internal/open"
	"pubdata/internal/testutil"
)

var ctx = context.Background()

// fakeSuspender stands for the opening package when it is not wired.
type fakeSuspender struct {
	mu  sync.Mutex
	in  map[string]string // suspension id → entry
	log []string
}

func (f *fakeSuspender) SuspendForComplaint(ctx context.Context, p *authz.Principal, entryID, reason, complaintID string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := "susp-" + complaintID
	f.in[id] = entryID
	f.log = append(f.log, "suspend "+entryID)
	return id, nil
}

func (f *fakeSuspender) RestoreForComplaint(ctx context.Context, p *authz.Principal, entryID, suspensionID, note string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.in[suspensionID] != entryID {
		return errors.New("no such suspension")
	}
	delete(f.in, suspensionID)
	f.log = append(f.log, "restore "+entryID)
	return nil
}

func (f *fakeSuspender) suspended(entryID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.in {
		if e == entryID {
			return true
		}
	}
	return false
}

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

func publish(t *testing.T, a *app.App, name string, open catalog.OpenType) catalog.Entry {
	t.Helper()
	en := catalog.Entry{Name: name, Summary: name, ProviderOrgID: demo.OrgPublicSec, Form: catalog.FormTable, ResourceAttr: catalog.AttrBase,
		Topic: "01", Grade: catalog.GradeGeneral, Level: 1, ShareType: catalog.ShareUnconditional, ShareModes: []string{"api"}, OpenType: open,
		Frequency: catalog.FreqMonthly, Fields: []catalog.Field{{Name: "station", Label: "站点编号", Type: catalog.TypeString, Kind: catalog.KindOther, Required: true, IsKey: true, Sensitivity: 1}}}
	if open == catalog.OpenNone {
		en.OpenReason, en.OpenBasis = catalog.ReasonPrivacy, "《中华人民共和国个人信息保护法》"
	}
	c, err := a.Catalog.Create(ctx, who(t, a, "officer"), en)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Catalog.Submit(ctx, who(t, a, "officer"), c.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.Catalog.Approve(ctx, who(t, a, "reviewer"), c.ID, ""); err != nil {
		t.Fatal(err)
	}
	return c
}

// setup wires the fake suspender, and the opening package's decision where it is not wired.
func setup(t *testing.T, d *db.DB) (*app.App, *testutil.Clock, *fakeSuspender) {
	clock := testutil.NewClock("2026-09-28 10:00")
	a := testutil.DirectoryApp(t, d, clock)
	f := &fakeSuspender{in: map[string]string{}}
	a.Complaints.Suspend = f
	if a.Complaints.Decide == nil {
		// Same rule as authz.Open's OpenSuspend / Read: the provider's approver or security
		// officer acts, the authority covering the region acts and reads.
		a.Complaints.Decide = func(p *authz.Principal, act bool, e *catalog.Entry) error {
			provider := p.OrgID == e.ProviderOrgID
			if act && provider && p.Has(authz.AgencyApprover, authz.SecurityOfficer) || p.IsAuthority() {
				return nil
			}
			if !act && (provider || p.Has(authz.Auditor)) {
				return nil
			}
			return apperr.Forbidden
		}
	}
	return a, clock, f
}

func filing(id string) complaint.Filing {
	return complaint.Filing{DatasetID: id, Kind: "personal_info", Records: "站点编号 S-001 一行含有住户姓名",
		Description: "该数据集公开了我的姓名和住址", Evidence: "下载文件第 12 行截图；身份证明", Name: "张三", Contact: "13800000000"}
}

func TestComplaintSuspendsAtOnceAndIsAnswered(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock, f := setup(t, d)
		e := publish(t, a, "公交站点", catalog.OpenUnconditional)

		// Anyone, not logged in, files; opening is suspended in the same call.
		rc, err := a.Complaints.File(ctx, &authz.Principal{}, filing(e.ID), "192.0.2.7")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rc.Complaint.Number, "TS20260928") || rc.Complaint.State != complaint.StateSuspended {
			t.Fatalf("receipt %+v", rc)
		}
		if !f.suspended(e.ID) {
			t.Fatal("filing did not suspend the dataset")
		}
		// 10 working days from Monday 2026-09-28 across the National Day holiday (10-01…10-07,
		// make-up day Saturday 10-10): 09-29, 09-30, 10-08, 10-09, 10-10, 10-12 … 10-16.
		if rc.Complaint.Due != "2026-10-16" {
			t.Fatalf("due %s", rc.Complaint.Due)
		}
		// The public status page never shows the complainant or the evidence.
		pub, err := a.Complaints.Status(ctx, strings.ToLower(rc.Complaint.Number))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(pub)
		if strings.Contains(string(b), "张三") || strings.Contains(string(b), "13800000000") || strings.Contains(string(b), "截图") {
			t.Fatalf("public status leaks: %s", b)
		}

		// The provider's approver sees it; another agency does not learn it exists.
		approver := who(t, a, "approver")
		list, err := a.Complaints.List(ctx, approver, complaint.ListQuery{})
		if err != nil || len(list) != 1 || list[0].Name != "张三" {
			t.Fatalf("provider list %v %+v", err, list)
		}
		if _, err := a.Complaints.Get(ctx, who(t, a, "civil_approver"), list[0].ID); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("other agency reads: %v", err)
		}
		if _, err := a.Complaints.Act(ctx, who(t, a, "civil_approver"), list[0].ID, complaint.Step{Event: complaint.EvVerify}); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("other agency acts: %v", err)
		}
		// The provider's data officer reads but may not decide.
		if _, err := a.Complaints.Act(ctx, who(t, a, "officer"), list[0].ID, complaint.Step{Event: complaint.EvVerify}); apperr.As(err).Status != 403 {
			t.Fatalf("officer acts: %v", err)
		}

		c, err := a.Complaints.Act(ctx, approver, list[0].ID, complaint.Step{Event: complaint.EvVerify})
		if err != nil || c.State != complaint.StateVerifying {
			t.Fatalf("verify: %v %s", err, c.State)
		}
		// Re-opening needs an answer to the complainant.
		if _, err := a.Complaints.Act(ctx, approver, c.ID, complaint.Step{Event: complaint.EvReopen}); apperr.As(err).Code != "invalid" {
			t.Fatalf("reopen without answer: %v", err)
		}
		clock.Advance(2 * time.Hour)
		c, err = a.Complaints.Act(ctx, approver, c.ID, complaint.Step{Event: complaint.EvReopen, Answer: "已删除住户姓名和住址两项并重新开放"})
		if err != nil || c.State != complaint.StateReopened || c.ClosedAt == 0 {
			t.Fatalf("reopen: %v %+v", err, c)
		}
		if f.suspended(e.ID) {
			t.Fatal("re-opening did not lift the complaint's suspension")
		}
		pub, _ = a.Complaints.Status(ctx, rc.Complaint.Number)
		if pub.State != complaint.StateReopened || !strings.Contains(pub.Answer, "已删除住户姓名") || len(pub.Events) != 3 {
			t.Fatalf("public status after closing: %+v", pub)
		}
		// Closed: no further step.
		if _, err := a.Complaints.Act(ctx, approver, c.ID, complaint.Step{Event: complaint.EvWithdraw, Answer: "x"}); !errors.Is(err, complaint.ErrState) {
			t.Fatalf("step on a closed complaint: %v", err)
		}
		// Every step is in the audit log.
		for _, act := range []string{"open.complaint.file", "open.complaint.verify", "open.complaint.reopen"} {
			recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: act, ObjectID: c.ID, Limit: 10})
			if err != nil || len(recs) != 1 {
				t.Fatalf("audit %s: %v %d", act, err, len(recs))
			}
		}
	})
}

func TestComplaintRefusalAndEscalation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock, f := setup(t, d)
		e := publish(t, a, "公交站点", catalog.OpenUnconditional)
		citizen := who(t, a, "citizen")
		rc, err := a.Complaints.File(ctx, citizen, filing(e.ID), "")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := a.Complaints.Mine(ctx, citizen)
		if err != nil || len(mine) != 1 || mine[0].Number != rc.Complaint.Number {
			t.Fatalf("mine %v %+v", err, mine)
		}

		// Past the due day the job escalates once to the authority.
		clock.Set("2026-10-16 17:00") // the due day itself is not late
		if n, _ := a.Complaints.Escalate(ctx, clock.Now()); n != 0 {
			t.Fatalf("escalated on the due day: %d", n)
		}
		clock.Set("2026-10-19 09:00")
		n, err := a.Complaints.Escalate(ctx, clock.Now())
		if err != nil || n != 1 {
			t.Fatalf("escalate: %v %d", err, n)
		}
		if n, _ := a.Complaints.Escalate(ctx, clock.Now()); n != 0 {
			t.Fatalf("escalated twice: %d", n)
		}
		admin := who(t, a, "admin")
		msgs, _, err := a.Notify.Inbox(ctx, admin, false, 50, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range msgs {
			found = found || strings.Contains(m.TitleZH, "权益投诉逾期未答复")
		}
		if !found {
			t.Fatalf("authority inbox: %+v", msgs)
		}

		// Restoring (the complaint does not hold) needs a reason and the legal basis; the
		// complainant's inbox gets the answer.
		list, _ := a.Complaints.List(ctx, who(t, a, "approver"), complaint.ListQuery{})
		if _, err := a.Complaints.Act(ctx, who(t, a, "approver"), list[0].ID, complaint.Step{Event: complaint.EvRestore, Answer: "经核实，数据不含个人信息"}); apperr.As(err).Code != "invalid" {
			t.Fatalf("restore without legal basis: %v", err)
		}
		c, err := a.Complaints.Act(ctx, who(t, a, "approver"), list[0].ID, complaint.Step{Event: complaint.EvRestore, Answer: "经核实，数据不含个人信息", LegalBasis: "《公共数据管理办法》第二十八条"})
		if err != nil || c.State != complaint.StateRestored || f.suspended(e.ID) {
			t.Fatalf("restore: %v %+v", err, c)
		}
		msgs, _, _ = a.Notify.Inbox(ctx, citizen, false, 50, 0)
		if len(msgs) == 0 || !strings.Contains(msgs[0].BodyZH, "经核实") {
			t.Fatalf("complainant inbox: %+v", msgs)
		}
	})
}

func TestComplaintBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _, f := setup(t, d)
		closed := publish(t, a, "户籍人口", catalog.OpenNone)
		bad := filing("")
		bad.Evidence, bad.Kind = "", "gossip"
		_, err := a.Complaints.File(ctx, &authz.Principal{}, bad, "")
		var fields []string
		for _, fe := range apperr.As(err).Fields {
			fields = append(fields, fe.Field)
		}
		if apperr.As(err).Code != "invalid" || strings.Join(fields, ",") != "dataset_id,kind,evidence" {
			t.Fatalf("bad filing: %v %v", err, fields)
		}
		if _, err := a.Complaints.File(ctx, &authz.Principal{}, filing("no-such-dataset"), ""); !errors.Is(err, complaint.ErrNotOpen) {
			t.Fatalf("unknown dataset: %v", err)
		}
		if _, err := a.Complaints.File(ctx, &authz.Principal{}, filing(closed.ID), ""); !errors.Is(err, complaint.ErrNotOpen) {
			t.Fatalf("not-open dataset: %v", err)
		}
		if len(f.log) != 0 {
			t.Fatalf("a refused filing suspended something: %v", f.log)
		}
		if _, err := a.Complaints.Status(ctx, "TS000"); !errors.Is(err, complaint.ErrNotFound) {
			t.Fatalf("unknown number: %v", err)
		}
	})
}

// With the opening package wired (no fakes): filing suspends the dataset, so the next records
// call and the CKAN datastore_search are refused with the reason; re-opening lifts it.
func TestComplaintSuspendsThroughOpen(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, testutil.NewClock("2026-09-28 10:00"))
		e := publish(t, a, "公交站点", catalog.OpenUnconditional)
		rc, err := a.Complaints.File(ctx, &authz.Principal{}, filing(e.ID), "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Open.Records(ctx, &open.Caller{Principal: &authz.Principal{}}, e.ID, open.RecordsQuery{})
		if ae := apperr.As(err); ae.Code != "open.suspended" || !strings.Contains(ae.Error(), rc.Complaint.Number) {
			t.Fatalf("records after filing: %v", err)
		}
		status, body := a.Harvest.Do(ctx, harvest.Call{Action: "datastore_search", Params: harvest.Params{"resource_id": e.ID}, Principal: &authz.Principal{}})
		env := body.(harvest.Envelope)
		if status != 403 || env.Success || !strings.Contains(fmt.Sprint(env.Error), rc.Complaint.Number) {
			t.Fatalf("datastore_search after filing: %d %+v", status, env)
		}
		status, body = a.Harvest.Do(ctx, harvest.Call{Action: "package_show", Params: harvest.Params{"id": e.ID}})
		if b, _ := json.Marshal(body); status != 200 || !strings.Contains(string(b), `"suspended"`) {
			t.Fatalf("package_show of a suspended dataset: %s", b)
		}
		list, _ := a.Complaints.List(ctx, who(t, a, "approver"), complaint.ListQuery{})
		if _, err := a.Complaints.Act(ctx, who(t, a, "approver"), list[0].ID, complaint.Step{Event: complaint.EvReopen, Answer: "已处理"}); err != nil {
			t.Fatal(err)
		}
		if sus, _ := a.Open.Suspended(ctx, e.ID); len(sus) != 0 {
			t.Fatalf("still suspended after re-opening: %+v", sus)
		}
		// Harvesters learn of both from the Atom feeds, the dataset's and the portal's (#13 item 7).
		for _, id := range []string{e.ID, ""} {
			feed, err := a.Harvest.Feed(ctx, "https://data.example.cn", id)
			if err != nil {
				t.Fatal(err)
			}
			f := string(feed)
			sus, res := strings.Index(f, `term="suspended"`), strings.Index(f, `term="restored"`)
			if sus < 0 || res < 0 || res > sus || !strings.Contains(f, rc.Complaint.Number) || !strings.Contains(f, "已处理") {
				t.Fatalf("feed %q lacks the suspension and restoration, newest first:\n%s", id, f)
			}
		}
	})
}

// A complaint suspends a dataset at once, so one address may file only PerHour complaints an
// hour: the next is refused with 429 and a Retry-After, and suspends nothing; another address,
// or the same one an hour later, may file again.
func TestComplaintThrottledPerAddress(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock, f := setup(t, d)
		a.Complaints.PerHour = 3
		ds := publish(t, a, "空气质量监测", catalog.OpenUnconditional)
		for i := 0; i < 3; i++ {
			if _, err := a.Complaints.File(ctx, &authz.Principal{}, filing(ds.ID), "203.0.113.7"); err != nil {
				t.Fatalf("complaint %d: %v", i+1, err)
			}
		}
		before := len(f.log)
		_, err := a.Complaints.File(ctx, &authz.Principal{}, filing(ds.ID), "203.0.113.7")
		e := apperr.As(err)
		if !errors.Is(err, complaint.ErrThrottled) || e.Status != 429 || e.RetryAfter <= 0 || !strings.Contains(e.ZH, "一小时") {
			t.Fatalf("fourth complaint from one address: %v (status %d, retry %d)", err, e.Status, e.RetryAfter)
		}
		if len(f.log) != before {
			t.Fatalf("a throttled complaint suspended the dataset: %v", f.log[before:])
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "open.complaint.file", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		denied := 0
		for _, r := range recs {
			if r.Result == audit.Denied {
				denied++
			}
		}
		if denied != 1 {
			t.Fatalf("throttled filing audited %d times, want 1", denied)
		}
		if _, err := a.Complaints.File(ctx, &authz.Principal{}, filing(ds.ID), "198.51.100.9"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		clock.Advance(61 * time.Minute)
		if _, err := a.Complaints.File(ctx, &authz.Principal{}, filing(ds.ID), "203.0.113.7"); err != nil {
			t.Fatalf("same address an hour later: %v", err)
		}
	})
}

// Complaints filed at the same moment each get their own public number (the number is drawn in
// the filing's transaction; a collision on the unique number is retried, never answered 500).
func TestComplaintsFiledTogetherGetDistinctNumbers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _, _ := setup(t, d)
		ds := publish(t, a, "公交站点", catalog.OpenUnconditional)
		const n = 8
		var wg sync.WaitGroup
		numbers := make([]string, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				r, err := a.Complaints.File(ctx, &authz.Principal{}, filing(ds.ID), fmt.Sprintf("192.0.2.%d", i+1))
				numbers[i], errs[i] = r.Complaint.Number, err
			}(i)
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Fatalf("complaint %d: %v", i, errs[i])
			}
			if seen[numbers[i]] || !strings.HasPrefix(numbers[i], "TS") {
				t.Fatalf("numbers %v: %q repeated or malformed", numbers, numbers[i])
			}
			seen[numbers[i]] = true
		}
	})
}
