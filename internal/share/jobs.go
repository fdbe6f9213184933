package share

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/csvsafe"
	"pubdata/internal/db"
	"pubdata/internal/jobs"
	"pubdata/internal/workday"
)

// Jobs returns the background jobs of sharing, to register with the scheduler.
func (s *Service) Jobs() []jobs.Job {
	return []jobs.Job{
		{Name: "share.deadlines", Every: 10 * time.Minute, Run: func(ctx context.Context, _ time.Time) error { return s.Deadlines(ctx) }},
		{Name: "share.expire", Every: 10 * time.Minute, Run: func(ctx context.Context, _ time.Time) error { return s.ExpireDue(ctx) }},
		{Name: "share.usage.push", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error { return s.PushUsage(ctx) }},
		{Name: "share.anomaly", Every: 5 * time.Minute, Run: func(ctx context.Context, _ time.Time) error { return s.Anomalies(ctx) }},
		{Name: "share.grant_ending", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error { return s.RemindEnding(ctx) }},
		{Name: "share.use_reports", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error { return s.UseReportDeadlines(ctx) }},
		{Name: "share.national", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			_, err := s.RunNationalDeadlines(ctx, now)
			return err
		}},
	}
}

// dueItem is a running deadline found by the deadline job.
type dueItem struct {
	typ, id, title, state, dueKind, due, responsible, superviseRegion, link string
	escalated                                                               int64
}

// Deadlines reminds whoever must act before a deadline falls due and escalates overdue items to
// the authority's supervision list (督办, SHR-5, SHR-7, NM 49(2)): the escalation is recorded on
// the item, in its history and in the audit log, and the authority and the late agency are told.
// Safe to run on any node at any time: messages carry dedup keys, escalation happens once per
// deadline.
func (s *Service) Deadlines(ctx context.Context) (err error) {
	defer wrapErr(&err, "request deadlines")
	var items []dueItem
	rows, err := s.DB.QueryContext(ctx, `SELECT id, entry_name, state, due_kind, due_date, provider_org_id, routed_via, entry_region, consumer_region, escalated_at
		FROM share_requests WHERE state IN ('routing','pending','approved') AND due_date <> ''`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var it dueItem
		var provider, routed, entryRegion, consumerRegion string
		if err := rows.Scan(&it.id, &it.title, &it.state, &it.dueKind, &it.due, &provider, &routed, &entryRegion, &consumerRegion, &it.escalated); err != nil {
			rows.Close()
			return err
		}
		it.typ, it.responsible, it.superviseRegion = "share_request", provider, entryRegion
		if it.state == string(StateRouting) {
			it.responsible, it.superviseRegion = routed, provinceOf(consumerRegion)
		}
		items = append(items, it)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT id, title, state, due_kind, due_date, assigned_org_id, region_code, escalated_at
		FROM share_demands WHERE state IN ('submitted','assigned','accepted') AND due_date <> ''`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var it dueItem
		var assigned, region string
		if err := rows.Scan(&it.id, &it.title, &it.state, &it.dueKind, &it.due, &assigned, &region, &it.escalated); err != nil {
			rows.Close()
			return err
		}
		it.typ, it.responsible, it.superviseRegion = "share_demand", assigned, region
		if it.state == string(DemandSubmitted) {
			it.responsible, it.superviseRegion = "", provinceOf(region)
		}
		items = append(items, it)
	}
	rows.Close()
	// Renewals awaiting the provider's decision (续期审批) run like requests.
	rows, err = s.DB.QueryContext(ctx, `SELECT n.id, g.entry_name, n.due_date, g.provider_org_id, g.entry_region, n.escalated_at, n.grant_id
		FROM share_renewals n JOIN share_grants g ON g.id = n.grant_id WHERE n.state = 'pending' AND n.due_date <> ''`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var it dueItem
		var grant string
		if err := rows.Scan(&it.id, &it.title, &it.due, &it.responsible, &it.superviseRegion, &it.escalated, &grant); err != nil {
			rows.Close()
			return err
		}
		it.typ, it.state, it.dueKind, it.link = "share_renewal", string(RenewalPending), "renew", "/share/grants/"+grant+"#renewals"
		it.title = "续期 / renewal: " + it.title
		items = append(items, it)
	}
	rows.Close()
	var firstErr error
	for _, it := range items {
		if err := s.deadline(ctx, it); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if err := s.EscalationDeadlines(ctx); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
}

func provinceOf(r string) string {
	if len(r) != 6 {
		return r
	}
	return r[:2] + "0000"
}

var dueNames = map[string][2]string{
	"forward":       {"转报", "routing"},
	"decide":        {"审批答复", "decision"},
	"deliver":       {"完成交付", "delivery"},
	"review":        {"需求审核", "review"},
	"answer":        {"责任清单答复", "answer"},
	"complete":      {"办理完成", "completion"},
	"renew":         {"续期审批", "renewal decision"},
	"report":        {"提交使用评价", "use report"},
	"report_answer": {"确认使用评价", "use report answer"},
}

func (s *Service) deadline(ctx context.Context, it dueItem) error {
	rem, overdue := s.remaining(it.due)
	link := "/share/requests/" + it.id
	if it.typ == "share_demand" {
		link = "/share/demands/" + it.id
	}
	if it.link != "" {
		link = it.link
	}
	dn := dueNames[it.dueKind]
	responsible := it.responsible
	if responsible == "" {
		responsible = authorityOrg(ctx, s.DB, it.superviseRegion)
	}
	if !overdue {
		if rem > s.RemindDays {
			return nil
		}
		return s.sendOrg(ctx, s.DB, responsible, "reminder",
			fmt.Sprintf("%s期限提醒：%s（%s 到期，剩余 %d 个工作日）", dn[0], it.title, it.due, rem),
			fmt.Sprintf("%s due %s: %s (%d working days left)", dn[1], it.due, it.title, rem),
			"请按期办理，逾期将报主管部门督办。", "Please act in time; overdue items are escalated to the authority.",
			link, it.typ, it.id, "share:remind:"+it.id+":"+it.dueKind+":"+it.due)
	}
	if it.escalated != 0 {
		return nil
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Mark first; a concurrent run finds the mark and stops (the row update serializes).
		tbl := subjectTables[it.typ]
		res, err := tx.ExecContext(ctx, "UPDATE "+tbl+" SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0 AND due_date = $3", db.Millis(s.Now()), it.id, it.due)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		late := -rem
		note := fmt.Sprintf("%s逾期 %d 个工作日（应于 %s 前）", dn[0], late, it.due)
		if err := s.history(ctx, tx, authz.System, it.typ, it.id, "escalate", it.state, it.state, note); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: it.typ[len("share_"):] + ".escalate",
			ObjectType: it.typ, ObjectID: it.id, Detail: map[string]any{"due": it.due, "due_kind": it.dueKind, "responsible": responsible, "workdays_overdue": late}}); err != nil {
			return err
		}
		sup := authorityOrg(ctx, tx, it.superviseRegion)
		if err := s.sendOrg(ctx, tx, sup, "escalation", "逾期督办："+it.title, "Overdue, for supervision: "+it.title, note,
			fmt.Sprintf("%s overdue by %d working days (due %s)", dn[1], late, it.due), "/share/overdue", it.typ, it.id, "share:escalate:"+it.id+":"+it.due); err != nil {
			return err
		}
		if responsible != sup {
			if err := s.sendOrg(ctx, tx, responsible, "escalation", "已逾期并报主管部门督办："+it.title, "Overdue and escalated: "+it.title, note,
				fmt.Sprintf("%s overdue by %d working days (due %s)", dn[1], late, it.due), link, it.typ, it.id, "share:overdue:"+it.id+":"+it.due); err != nil {
				return err
			}
		}
		// The escalation (督办件) the authority acts on: urge, coordinate, refer, decide.
		_, err = s.openEsc(ctx, tx, authz.System, it.typ, it.id)
		return err
	})
}

// ExpireDue ends every grant whose end date has passed (SHR-10); the gateway refuses them anyway
// from the day after the end date, this makes the state visible.
func (s *Service) ExpireDue(ctx context.Context) (err error) {
	defer wrapErr(&err, "expire due")
	rows, err := s.DB.QueryContext(ctx, "SELECT request_id, id FROM share_grants WHERE status IN ('active','suspended','pending') AND end_date < $1", s.today())
	if err != nil {
		return err
	}
	var reqs, grants []string
	for rows.Next() {
		var r, g string
		if err := rows.Scan(&r, &g); err != nil {
			rows.Close()
			return err
		}
		reqs, grants = append(reqs, r), append(grants, g)
	}
	rows.Close()
	for i, id := range reqs {
		if err := s.expire(ctx, id); err != nil {
			return err
		}
		s.gw.forget(grants[i])
	}
	_, err = s.DB.ExecContext(ctx, "DELETE FROM share_rate WHERE expires < $1", db.Millis(s.Now()))
	return err
}

// PushUsage sends each consumer agency a summary of yesterday's gateway use of its grants (SEC-4:
// usage logs are pushed to the agency they concern), once per agency and day.
func (s *Service) PushUsage(ctx context.Context) (err error) {
	defer wrapErr(&err, "push usage")
	s.FlushStats(ctx)
	day := workday.Format(workday.Date(s.Now()).AddDate(0, 0, -1))
	rows, err := s.DB.QueryContext(ctx, `SELECT g.consumer_org_id, COUNT(DISTINCT st.grant_id), SUM(st.calls), SUM(st.records), SUM(st.denied)
		FROM share_stats st JOIN share_grants g ON g.id = st.grant_id WHERE st.day = $1 GROUP BY g.consumer_org_id`, day)
	if err != nil {
		return err
	}
	type sum struct {
		org                            string
		grants, calls, records, denied int64
	}
	var sums []sum
	for rows.Next() {
		var x sum
		if err := rows.Scan(&x.org, &x.grants, &x.calls, &x.records, &x.denied); err != nil {
			rows.Close()
			return err
		}
		sums = append(sums, x)
	}
	rows.Close()
	for _, x := range sums {
		if err := s.sendOrg(ctx, s.DB, x.org, "info", "共享数据使用日志 "+day, "Shared data usage log "+day,
			fmt.Sprintf("%s 本单位通过共享网关调用 %d 次（%d 项授权），获取记录 %d 条，被拒绝 %d 次。明细可在授权页面查看和导出。", day, x.calls, x.grants, x.records, x.denied),
			fmt.Sprintf("On %s your agency made %d gateway calls under %d grants, received %d records, %d calls refused. See and export the details on each grant page.", day, x.calls, x.grants, x.records, x.denied),
			"/share/grants", "share_usage", x.org+":"+day, "share:usage:"+x.org+":"+day); err != nil {
			return err
		}
	}
	return nil
}

// BoardItem is one overdue item on the authority's supervision board (督办清单).
type BoardItem struct {
	Type           string    `json:"type"` // share_request | share_demand | share_renewal | share_use_report
	ID             string    `json:"id"`
	Title          string    `json:"title"`
	State          State     `json:"state"`
	ResponsibleOrg string    `json:"responsible_org_id"`
	Responsible    string    `json:"responsible_org"`
	Requester      string    `json:"requester_org"`
	DueKind        string    `json:"due_kind"`
	DueDate        string    `json:"due_date"`
	WorkdaysLate   int       `json:"workdays_overdue"`
	EscalatedAt    time.Time `json:"escalated_at,omitzero"`
	Link           string    `json:"link"`
	// The live escalation (督办件) of the item, when there is one.
	EscalationID    string `json:"escalation_id,omitempty"`
	EscalationState State  `json:"escalation_state,omitempty"`
}

// Overdue lists the overdue requests and demands an authority supervises (its region and
// below), most overdue first; oversight bodies (and authz.System) see every region.
func (s *Service) Overdue(ctx context.Context, p *authz.Principal) (_ []BoardItem, err error) {
	defer wrapErr(&err, "overdue board")
	if p != authz.System { // the platform itself (CLI, jobs) sees the whole board
		if err := authz.Share(p, authz.ShareSupervise, authz.ShareAttrs{}); err != nil {
			return nil, err
		}
	}
	pre := "%"
	if p != authz.System && !p.Has(authz.Oversight) {
		pre = regionPrefix(p.RegionCode)
	}
	today := s.today()
	var out []BoardItem
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.entry_name, r.state, r.due_kind, r.due_date, r.escalated_at,
		CASE WHEN r.state = 'routing' THEN r.routed_via ELSE r.provider_org_id END, COALESCE(co.name,'')
		FROM share_requests r LEFT JOIN orgs co ON co.id = r.consumer_org_id
		WHERE r.state IN ('routing','pending','approved') AND r.due_date <> '' AND r.due_date < $1
		AND (r.entry_region LIKE $2 OR r.consumer_region LIKE $2)`, today, pre)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b BoardItem
		var esc int64
		var st string
		if err := rows.Scan(&b.ID, &b.Title, &st, &b.DueKind, &b.DueDate, &esc, &b.ResponsibleOrg, &b.Requester); err != nil {
			rows.Close()
			return nil, err
		}
		b.Type, b.State, b.EscalatedAt, b.Link = "share_request", State(st), db.FromMillis(esc), "/share/requests/"+b.ID
		out = append(out, b)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT d.id, d.title, d.state, d.due_kind, d.due_date, d.escalated_at, d.assigned_org_id, COALESCE(ro.name,'')
		FROM share_demands d LEFT JOIN orgs ro ON ro.id = d.requester_org_id
		WHERE d.state IN ('submitted','assigned','accepted') AND d.due_date <> '' AND d.due_date < $1 AND d.region_code LIKE $2`, today, pre)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b BoardItem
		var esc int64
		var st string
		if err := rows.Scan(&b.ID, &b.Title, &st, &b.DueKind, &b.DueDate, &esc, &b.ResponsibleOrg, &b.Requester); err != nil {
			rows.Close()
			return nil, err
		}
		b.Type, b.State, b.EscalatedAt, b.Link = "share_demand", State(st), db.FromMillis(esc), "/share/demands/"+b.ID
		out = append(out, b)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT n.id, g.entry_name, n.due_date, n.escalated_at, g.provider_org_id, COALESCE(co.name,'')
		FROM share_renewals n JOIN share_grants g ON g.id = n.grant_id LEFT JOIN orgs co ON co.id = g.consumer_org_id
		WHERE n.state = 'pending' AND n.due_date <> '' AND n.due_date < $1 AND (g.entry_region LIKE $2 OR g.consumer_region LIKE $2)`, today, pre)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b BoardItem
		var esc int64
		if err := rows.Scan(&b.ID, &b.Title, &b.DueDate, &esc, &b.ResponsibleOrg, &b.Requester); err != nil {
			rows.Close()
			return nil, err
		}
		b.Type, b.State, b.DueKind, b.EscalatedAt, b.Link = "share_renewal", StatePending, "renew", db.FromMillis(esc), "/share/renewals/"+b.ID
		b.Title = "续期 / renewal: " + b.Title
		out = append(out, b)
	}
	rows.Close()
	// Use reports: overdue from the consumer, or submitted and the provider's answer overdue.
	rows, err = s.DB.QueryContext(ctx, `SELECT u.id, u.grant_id, g.entry_name, u.state, u.due_date, u.escalated_at, g.consumer_org_id, g.provider_org_id,
		COALESCE(co.name,''), COALESCE(po.name,'')
		FROM share_use_reports u JOIN share_grants g ON g.id = u.grant_id LEFT JOIN orgs co ON co.id = g.consumer_org_id LEFT JOIN orgs po ON po.id = g.provider_org_id
		WHERE u.state IN ('due','reminded','questioned','overdue','submitted') AND u.due_date <> '' AND u.due_date < $1
		AND (g.entry_region LIKE $2 OR g.consumer_region LIKE $2)`, today, pre)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b BoardItem
		var esc int64
		var grant, st, consumer, provider, consumerName, providerName string
		if err := rows.Scan(&b.ID, &grant, &b.Title, &st, &b.DueDate, &esc, &consumer, &provider, &consumerName, &providerName); err != nil {
			rows.Close()
			return nil, err
		}
		b.Type, b.State, b.EscalatedAt, b.Link = "share_use_report", State(st), db.FromMillis(esc), "/share/grants/"+grant+"#reports"
		b.Title = "使用评价 / use report: " + b.Title
		b.DueKind, b.ResponsibleOrg, b.Requester = "report", consumer, providerName
		if st == string(ReportSubmitted) {
			b.DueKind, b.ResponsibleOrg, b.Requester = "report_answer", provider, consumerName
		}
		out = append(out, b)
	}
	rows.Close()
	for i := range out {
		rem, _ := s.remaining(out[i].DueDate)
		out[i].WorkdaysLate = -rem
		var eid, est string
		if err := s.DB.QueryRowContext(ctx, "SELECT id, state FROM escalations WHERE subject_type = $1 AND subject_id = $2 AND live = 1",
			out[i].Type, out[i].ID).Scan(&eid, &est); err == nil {
			out[i].EscalationID, out[i].EscalationState = eid, State(est)
		}
		if out[i].ResponsibleOrg != "" {
			out[i].Responsible = orgName(ctx, s.DB, out[i].ResponsibleOrg)
		} else {
			out[i].Responsible = "主管部门 / authority"
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DueDate != out[j].DueDate {
			return out[i].DueDate < out[j].DueDate
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// UsageLog returns the gateway calls made under a grant (its usage log), newest first, to the
// consumer agency, the provider and those who supervise (SEC-4).
func (s *Service) UsageLog(ctx context.Context, p *authz.Principal, grantID string, limit, offset int) (_ []audit.Record, _ int, err error) {
	defer wrapErr(&err, "usage log of grant %s", grantID)
	g, err := s.GetGrant(ctx, p, grantID)
	if err != nil {
		return nil, 0, err
	}
	return s.Audit.Search(ctx, audit.Filter{GrantID: g.ID, Action: "share.gateway.", Limit: limit, Offset: offset})
}

// ExportUsage writes a grant's whole usage log as CSV (UTF-8 with BOM, for spreadsheet tools);
// the export itself is audited.
func (s *Service) ExportUsage(ctx context.Context, p *authz.Principal, ip, grantID string, w io.Writer) (_ int, err error) {
	defer wrapErr(&err, "export usage of grant %s", grantID)
	g, err := s.GetGrant(ctx, p, grantID)
	if err != nil {
		return 0, err
	}
	ev := auditEvent(p, "share.usage.export", "share_grant", g.ID, nil)
	ev.GrantID, ev.Purpose, ev.ClientIP = g.ID, g.Scenario, ip
	if err := s.Audit.Log(ctx, ev); err != nil {
		return 0, err
	}
	io.WriteString(w, "\uFEFF")
	cw := csvsafe.NewWriter(w)
	cw.Write([]string{"序号 seq", "时间 time", "调用人 actor", "单位 org", "操作 action", "结果 result", "场景 scenario", "地址 ip", "详情 detail"})
	n := 0
	// Paged by position, not offset: calls made while the export runs (newer positions) would
	// otherwise shift the pages and repeat rows.
	var before int64
	for {
		recs, _, err := s.Audit.Search(ctx, audit.Filter{GrantID: g.ID, Action: "share.gateway.", Limit: 1000, BeforeSeq: before})
		if err != nil {
			return n, err
		}
		for _, r := range recs {
			before = r.Seq
			cw.Write([]string{strconv.FormatInt(r.Seq, 10), r.At.In(workday.Location).Format("2006-01-02 15:04:05"), r.ActorName, r.OrgID,
				r.Action, r.Result, r.Purpose, r.ClientIP, r.DetailJSON})
			n++
		}
		if len(recs) < 1000 {
			break
		}
	}
	cw.Flush()
	return n, cw.Error()
}

// RemindEnding tells each consumer, once per grant and end date, that a grant ends within
// GrantEndNoticeDays working days (SHR-10, SHR-4): time to ask for a renewal before the gateway
// stops answering.
func (s *Service) RemindEnding(ctx context.Context) (err error) {
	defer wrapErr(&err, "remind ending")
	today := s.today()
	rows, err := s.DB.QueryContext(ctx, `SELECT g.id, g.consumer_org_id, g.entry_name, g.end_date FROM share_grants g
		WHERE g.status IN ('active','suspended','pending') AND g.end_date >= $1 ORDER BY g.end_date, g.id LIMIT 5000`, today)
	if err != nil {
		return err
	}
	type ending struct{ id, org, name, end string }
	var list []ending
	for rows.Next() {
		var e ending
		if err := rows.Scan(&e.id, &e.org, &e.name, &e.end); err != nil {
			rows.Close()
			return err
		}
		list = append(list, e)
	}
	rows.Close()
	now := s.Now()
	for _, e := range list {
		end, err := workday.Parse(e.end)
		if err != nil {
			continue
		}
		rem := s.Calendar.Remaining(end, now)
		if rem > s.GrantEndNoticeDays {
			continue
		}
		if err := s.sendOrg(ctx, s.DB, e.org, "reminder",
			fmt.Sprintf("共享授权即将到期：%s（%s 到期）", e.name, e.end), fmt.Sprintf("Share grant ending: %s (ends %s)", e.name, e.end),
			fmt.Sprintf("该授权还剩 %d 个工作日到期，到期后共享网关停止响应。如需继续使用，请在到期前在授权页申请续期，由提供部门审批。", rem),
			fmt.Sprintf("%d working days are left; after the end date the gateway stops answering. To keep using the data, ask for a renewal on the grant page before then; the provider decides it.", rem),
			"/share/grants/"+e.id, "share_grant", e.id, "share:grant_end:"+e.id+":"+e.end); err != nil {
			return err
		}
	}
	return nil
}
