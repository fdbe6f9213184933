package share_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/notify"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// escOf finds the live escalation of a subject as the authority sees it.
func escOf(t *testing.T, es []share.Escalation, subjectID string) share.Escalation {
	t.Helper()
	for _, e := range es {
		if e.SubjectID == subjectID {
			return e
		}
	}
	t.Fatalf("no escalation for %s among %d", subjectID, len(es))
	return share.Escalation{}
}

func titled(ms []notify.Message, prefix, objectID string) int {
	n := 0
	for _, m := range ms {
		if strings.HasPrefix(m.TitleZH, prefix) && (objectID == "" || m.ObjectID == objectID) {
			n++
		}
	}
	return n
}

// The authority takes an overdue request from its board through urging, coordination and the
// expert committee to a decision the parties see; every step is audited and the decision's date
// becomes the request's deadline again.
func TestEscalationUrgeCoordinateExpertsDecide(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin, expert, btAdmin := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin"), who(t, a, "expert"), who(t, a, "bt_admin")
		r, err := a.Share.File(ctx, civil, popRequest("督办测试"))
		must(t, err)
		if r.DueDate != "2026-10-13" {
			t.Fatalf("due %s; want 2026-10-13 (after National Day)", r.DueDate)
		}
		// Not overdue yet: the authority cannot escalate it.
		if _, err := a.Share.OpenEscalation(ctx, admin, "share_request", r.ID); !errors.Is(err, share.ErrNotOverdue) {
			t.Fatalf("escalating a request on time: %v", err)
		}
		clock.Set("2026-10-14 08:00")
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		es, _, err := a.Share.ListEscalations(ctx, admin, "region", 50, 0)
		must(t, err)
		e := escOf(t, es, r.ID)
		if e.State != share.EscOpen || e.DueKind != "handle" || e.DueDate != "2026-10-21" || e.ResponsibleID != demo.OrgPublicSec || e.RequesterID != demo.OrgCivil {
			t.Fatalf("opened escalation: %+v", e)
		}
		// Opening it from the board again returns the same one.
		again, err := a.Share.OpenEscalation(ctx, admin, "share_request", r.ID)
		must(t, err)
		if again.ID != e.ID {
			t.Fatalf("a second escalation %s beside %s", again.ID, e.ID)
		}
		// Agencies and another region's authority cannot act; the parties read it, others get 404.
		if _, err := a.Share.UrgeEscalation(ctx, approver, e.ID, share.Urge{DueDate: "2026-10-16"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("agency urging: %v", err)
		}
		if _, err := a.Share.GetEscalation(ctx, btAdmin, e.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("Baotou authority reading a provincial escalation: %v", err)
		}
		if _, err := a.Share.GetEscalation(ctx, civil, e.ID); err != nil {
			t.Fatalf("the requester reading its escalation: %v", err)
		}

		// 催办 with a new date: a working day after today.
		_, err = a.Share.UrgeEscalation(ctx, admin, e.ID, share.Urge{DueDate: "2026-10-14"})
		wantFields(t, err, "due_date")
		_, err = a.Share.UrgeEscalation(ctx, admin, e.ID, share.Urge{DueDate: "2026-10-17"}) // a Saturday
		wantFields(t, err, "due_date")
		e, err = a.Share.UrgeEscalation(ctx, admin, e.ID, share.Urge{DueDate: "2026-10-16", Note: "请于10月16日前审批"})
		must(t, err)
		if e.State != share.EscUrged || e.DueKind != "urged" || e.DueDate != "2026-10-16" || e.UrgeCount != 1 {
			t.Fatalf("urged: %+v", e)
		}
		if n := titled(inbox(t, a, approver), "主管部门催办", e.ID); n != 1 {
			t.Fatalf("the late agency was urged %d times", n)
		}
		clock.Set("2026-10-15 09:00")
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		if n := titled(inbox(t, a, approver), "催办期限提醒", e.ID); n != 1 {
			t.Fatalf("reminders of the urged date: %d", n)
		}
		clock.Set("2026-10-19 09:00") // the urged date passed: the authority hears of it, once
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		if n := titled(inbox(t, a, admin), "督办事项逾期", e.ID); n != 1 {
			t.Fatalf("authority told of the missed urged date %d times", n)
		}

		// Coordination: its own deadline (10 working days), meetings with outcomes.
		e, err = a.Share.CoordinateEscalation(ctx, admin, e.ID, "召集民政厅、公安厅协调")
		must(t, err)
		if e.State != share.EscCoordinating || e.DueKind != "coordinate" || e.DueDate != "2026-11-02" {
			t.Fatalf("coordinating: %s %s %s; want due 2026-11-02", e.State, e.DueKind, e.DueDate)
		}
		_, err = a.Share.RecordMeeting(ctx, admin, e.ID, share.NewMeeting{HeldOn: "2026-10-20"})
		wantFields(t, err, "held_on", "participants", "outcome")
		e, err = a.Share.RecordMeeting(ctx, admin, e.ID, share.NewMeeting{HeldOn: "2026-10-19", Participants: "民政厅吴专员、公安厅李处长",
			Outcome: "公安厅认为地址项涉及个人隐私，双方未达成一致"})
		must(t, err)
		if n := titled(inbox(t, a, civil), "主管部门协调", e.ID); n < 2 {
			t.Fatalf("the requester heard of the coordination %d times", n)
		}

		// The expert committee: experts cannot act before the referral; a decision needs an opinion.
		if _, err := a.Share.GiveOpinion(ctx, expert, e.ID, "意见"); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("expert before the referral: %v", err)
		}
		_, err = a.Share.ReferEscalation(ctx, admin, e.ID, "")
		wantFields(t, err, "note")
		e, err = a.Share.ReferEscalation(ctx, admin, e.ID, "地址项能否在脱敏后共享用于低保核对")
		must(t, err)
		if e.State != share.EscExperts || e.DueKind != "experts" || e.DueDate != "2026-11-02" {
			t.Fatalf("referred: %+v", e)
		}
		if n := titled(inbox(t, a, expert), "请出具专家意见", e.ID); n != 1 {
			t.Fatalf("experts asked %d times", n)
		}
		if _, err := a.Share.DecideEscalation(ctx, admin, e.ID, share.EscDecision{Decision: "同意共享", LegalBasis: "NM 23"}); !errors.Is(err, share.ErrNoOpinions) {
			t.Fatalf("deciding without an opinion: %v", err)
		}
		if _, err := a.Share.GiveOpinion(ctx, approver, e.ID, "反对"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a party giving an expert opinion: %v", err)
		}
		_, err = a.Share.GiveOpinion(ctx, expert, e.ID, "")
		wantFields(t, err, "opinion")
		_, err = a.Share.GiveOpinion(ctx, expert, e.ID, "地址项脱敏至区县后共享，可满足低保核对需要")
		must(t, err)

		// The decision: the parties see it in the inbox and on the request; its date is the
		// request's deadline again.
		_, err = a.Share.DecideEscalation(ctx, admin, e.ID, share.EscDecision{ComplyBy: "2026-10-24"})
		wantFields(t, err, "decision", "legal_basis", "comply_by")
		e, err = a.Share.DecideEscalation(ctx, admin, e.ID, share.EscDecision{Decision: "公安厅应同意共享，地址项脱敏后提供",
			LegalBasis: "《内蒙古自治区公共数据管理办法》第二十三条", ComplyBy: "2026-10-23"})
		must(t, err)
		if e.State != share.EscDecided || e.DecidedAt.IsZero() || e.ComplyBy != "2026-10-23" || e.DueDate != "" {
			t.Fatalf("decided: %+v", e)
		}
		for _, p := range []string{"civil", "approver"} {
			if n := titled(inbox(t, a, who(t, a, p)), "督办决定", e.ID); n != 1 {
				t.Fatalf("%s told of the decision %d times", p, n)
			}
		}
		seen, err := a.Share.EscalationsOf(ctx, civil, "share_request", r.ID)
		must(t, err)
		if len(seen) != 1 || seen[0].Decision != "公安厅应同意共享，地址项脱敏后提供" {
			t.Fatalf("the request page shows %+v", seen)
		}
		r, err = a.Share.Get(ctx, civil, r.ID)
		must(t, err)
		if r.DueDate != "2026-10-23" || !r.EscalatedAt.IsZero() || r.Overdue {
			t.Fatalf("request after the decision: due %s escalated %v overdue %v", r.DueDate, r.EscalatedAt, r.Overdue)
		}
		if _, err := a.Share.UrgeEscalation(ctx, admin, e.ID, share.Urge{DueDate: "2026-10-26"}); !errors.Is(err, share.ErrState) {
			t.Fatalf("urging a decided escalation: %v", err)
		}
		det, err := a.Share.EscalationDetails(ctx, admin, e.ID)
		must(t, err)
		if len(det.Meetings) != 1 || len(det.Opinions) != 1 || len(det.History) < 7 {
			t.Fatalf("details: %d meetings %d opinions %d steps", len(det.Meetings), len(det.Opinions), len(det.History))
		}
		for _, act := range []string{"escalate", "urge", "coordinate", "meeting", "refer", "opinion", "decide", "overdue"} {
			recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.escalation." + act, ObjectID: e.ID})
			must(t, err)
			if len(recs) != 1 {
				t.Fatalf("share.escalation.%s audited %d times", act, len(recs))
			}
		}
		// Missing the decision's date escalates the request again, with a new escalation.
		clock.Set("2026-10-26 09:00")
		must(t, a.Share.Deadlines(ctx))
		es, _, err = a.Share.ListEscalations(ctx, admin, "region", 50, 0)
		must(t, err)
		n := 0
		for _, x := range es {
			if x.SubjectID == r.ID && x.State == share.EscOpen {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("after the decision's date passed: %d open escalations", n)
		}
	})
}

// An urged agency that acts settles the escalation; the coordination deadline crosses the
// National Day holiday and, missed, goes up to the oversight bodies (a province authority has no
// authority above it).
func TestEscalationSettlesAndCoordinationGoesUp(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-14 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin, oversight := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin"), who(t, a, "oversight")
		r1, err := a.Share.File(ctx, civil, popRequest("督办办结测试"))
		must(t, err)
		r2, err := a.Share.File(ctx, civil, popRequest("协调逾期测试"))
		must(t, err)
		if r1.DueDate != "2026-09-20" { // Sunday 20 September is a make-up working day
			t.Fatalf("due %s; want 2026-09-20", r1.DueDate)
		}
		clock.Set("2026-09-21 09:00")
		must(t, a.Share.Deadlines(ctx))
		es, _, err := a.Share.ListEscalations(ctx, admin, "region", 50, 0)
		must(t, err)
		e1, e2 := escOf(t, es, r1.ID), escOf(t, es, r2.ID)
		if e1.DueDate != "2026-09-29" { // 25 September is a holiday
			t.Fatalf("handling due %s; want 2026-09-29", e1.DueDate)
		}
		_, err = a.Share.UrgeEscalation(ctx, admin, e1.ID, share.Urge{DueDate: "2026-09-23"})
		must(t, err)
		_, err = a.Share.Approve(ctx, approver, r1.ID, share.Approval{})
		must(t, err)
		must(t, a.Share.Deadlines(ctx))
		e1, err = a.Share.GetEscalation(ctx, admin, e1.ID)
		must(t, err)
		if e1.State != share.EscSettled {
			t.Fatalf("after the approval the escalation is %s", e1.State)
		}
		if n := titled(inbox(t, a, civil), "督办办结", e1.ID); n != 1 {
			t.Fatalf("requester told of the settlement %d times", n)
		}

		clock.Set("2026-09-24 10:00")
		e2, err = a.Share.CoordinateEscalation(ctx, admin, e2.ID, "")
		must(t, err)
		// 28, 29, 30 September, then 8, 9, 10 (make-up Saturday), 12 … 15 October.
		if e2.DueDate != "2026-10-15" {
			t.Fatalf("coordination due %s; want 2026-10-15", e2.DueDate)
		}
		clock.Set("2026-10-14 09:00")
		must(t, a.Share.Deadlines(ctx))
		if n := titled(inbox(t, a, admin), "协调办结期限提醒", e2.ID); n != 1 {
			t.Fatalf("authority reminded of the coordination %d times", n)
		}
		clock.Set("2026-10-15 18:00")
		must(t, a.Share.Deadlines(ctx))
		if n := titled(inbox(t, a, oversight), "督办事项逾期", e2.ID); n != 0 {
			t.Fatal("escalated on the due day")
		}
		clock.Set("2026-10-16 09:00")
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		if n := titled(inbox(t, a, oversight), "督办事项逾期", e2.ID); n != 1 {
			t.Fatalf("oversight told of the missed coordination %d times", n)
		}
		e2, err = a.Share.GetEscalation(ctx, admin, e2.ID)
		must(t, err)
		if !e2.Overdue || e2.EscalatedAt.IsZero() || e2.Remaining != -1 {
			t.Fatalf("overdue coordination: %+v", e2)
		}
	})
}
