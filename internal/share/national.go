package share

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// National-platform data (国家平台数据, NM 25 ¶2): an agency that needs data held on the national
// platform does not ask it directly; the region's data authority coordinates. The agency files a
// request (what, from which national department or system, for what purpose, on which legal
// basis); the province authority requests it from the national platform within ForwardDays
// working days and records the national request number, or declines with a reason; it then
// records the national platform's answer — received (with how it is delivered) or not provided
// (with the reason). The agency may withdraw while nothing has been sent.

// National request states.
const (
	NatFiled       = "filed"       // 待主管部门协调
	NatForwarded   = "forwarded"   // 已向国家平台申请
	NatReceived    = "received"    // 国家平台已提供
	NatUnavailable = "unavailable" // 国家平台未提供
	NatDeclined    = "declined"    // 主管部门不予转报
	NatWithdrawn   = "withdrawn"   // 已撤回
)

// NationalState is the vocabulary of national request states.
const NationalState = "share.national_state"

func init() {
	vocab.Register(NationalState, map[string][2]string{NatFiled: {"待主管部门协调", "Awaiting the authority"},
		NatForwarded: {"已向国家平台申请", "Requested from the national platform"}, NatReceived: {"国家平台已提供", "Provided by the national platform"},
		NatUnavailable: {"国家平台未提供", "Not provided by the national platform"}, NatDeclined: {"主管部门不予转报", "Declined by the authority"},
		NatWithdrawn: {"已撤回", "Withdrawn"}})
	vocab.Register(vocab.AuditAction, map[string][2]string{"share.national.file": {"申请国家平台数据", "National-platform data requested"},
		"share.national.forward": {"向国家平台申请数据", "Requested from the national platform"}, "share.national.answer": {"登记国家平台答复", "National platform's answer recorded"},
		"share.national.decline": {"不予转报国家平台", "Declined to request from the national platform"}, "share.national.withdraw": {"撤回国家平台数据申请", "National-platform request withdrawn"},
		"share.national.escalate": {"国家平台数据申请逾期督办", "National-platform request escalated"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"share.national": {"国家平台数据申请", "National-platform request"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"share_national": {"国家平台数据申请", "National-platform request"}})
	vocab.Register(vocab.JobName, map[string][2]string{"share.national": {"国家平台数据申请期限提醒", "National-platform request deadlines"}})
}

var errNationalNotFound = apperr.New(http.StatusNotFound, "share.national_not_found", "国家平台数据申请不存在", "national-platform request not found")

// NationalRequest is one request for national-platform data.
type NationalRequest struct {
	ID            string   `json:"id"`
	OrgID         string   `json:"org_id"`
	OrgName       string   `json:"org_name"`
	RegionCode    string   `json:"region_code"`
	AuthorityID   string   `json:"authority_id"`
	AuthorityName string   `json:"authority_name"`
	State         string   `json:"state"`
	DataWanted    string   `json:"data_wanted"`
	Source        string   `json:"source"`
	Purpose       string   `json:"purpose"`
	Basis         string   `json:"basis"`
	FiledBy       string   `json:"filed_by"`
	FiledAt       db.Stamp `json:"filed_at"`
	ForwardDue    string   `json:"forward_due"`
	WorkdaysLeft  int      `json:"workdays_left"`
	Overdue       bool     `json:"overdue"`
	NationalRef   string   `json:"national_ref,omitempty"`
	ForwardedAt   db.Stamp `json:"forwarded_at,omitempty"`
	Answer        string   `json:"answer,omitempty"`
	AnsweredBy    string   `json:"answered_by,omitempty"`
	AnsweredAt    db.Stamp `json:"answered_at,omitempty"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark
}

func (n NationalRequest) attrs() authz.NationalAttrs {
	return authz.NationalAttrs{OrgID: n.OrgID, RegionCode: n.RegionCode, AuthorityID: n.AuthorityID}
}

// NewNational is what an agency files.
type NewNational struct {
	DataWanted string `json:"data_wanted"`
	Source     string `json:"source"`
	Purpose    string `json:"purpose"`
	Basis      string `json:"basis"`
}

// NationalStep is the authority's (or the agency's) step on a request.
type NationalStep struct {
	Event       string `json:"event"` // forward | received | unavailable | decline | withdraw
	NationalRef string `json:"national_ref"`
	Note        string `json:"note"`
}

const nationalCols = `id, org_id, region_code, authority_id, state, data_wanted, source, purpose, basis, filed_by, filed_at, forward_due,
	national_ref, forwarded_at, answer, answered_by, answered_at`

func (s *Service) scanNational(sc scanner) (NationalRequest, error) {
	var n NationalRequest
	err := sc.Scan(&n.ID, &n.OrgID, &n.RegionCode, &n.AuthorityID, &n.State, &n.DataWanted, &n.Source, &n.Purpose, &n.Basis, &n.FiledBy,
		&n.FiledAt, &n.ForwardDue, &n.NationalRef, &n.ForwardedAt, &n.Answer, &n.AnsweredBy, &n.AnsweredAt)
	return n, err
}

func (s *Service) fillNational(ctx context.Context, n *NationalRequest) {
	n.OrgName, n.AuthorityName = orgName(ctx, s.DB, n.OrgID), orgName(ctx, s.DB, n.AuthorityID)
	if n.State == NatFiled {
		if due, err := workday.Parse(n.ForwardDue); err == nil {
			now := s.Now()
			n.Overdue, n.WorkdaysLeft = workday.Overdue(due, now), s.Calendar.Remaining(due, now)
			n.Mark = s.Calendar.Mark(n.ForwardDue, now)
		}
	}
}

// FileNational files a request for national-platform data; the province authority must act on
// it within ForwardDays working days.
func (s *Service) FileNational(ctx context.Context, p *authz.Principal, in NewNational) (_ NationalRequest, err error) {
	defer wrapErr(&err, "file national")
	region := p.RegionCode
	auth := authorityOrg(ctx, s.DB, provinceOf(region))
	if err := authz.NationalRequest(p, authz.Create, authz.NationalAttrs{OrgID: p.OrgID, RegionCode: region, AuthorityID: auth}); err != nil {
		return NationalRequest{}, err
	}
	var fe []apperr.FieldError
	for _, f := range []struct {
		name, val, zh, en string
	}{{"data_wanted", in.DataWanted, "请写明需要的数据", "say what data is needed"}, {"source", in.Source, "请写明国家部门或系统", "name the national department or system"},
		{"purpose", in.Purpose, "请写明用途", "state the purpose"}, {"basis", in.Basis, "请写明依据（法律法规或履职需要）", "state the legal basis"}} {
		if v := strings.TrimSpace(f.val); v == "" || len([]rune(v)) > 2000 {
			fe = append(fe, apperr.Field(f.name, f.zh+"（不超过 2000 字）", f.en+" (at most 2000 characters)"))
		}
	}
	if auth == "" {
		fe = append(fe, apperr.Field("org", "本地区没有公共数据主管部门，无法协调", "no data authority in this region can coordinate it"))
	}
	if err := apperr.Validation(fe); err != nil {
		return NationalRequest{}, err
	}
	now := s.Now()
	n := NationalRequest{ID: ids.New(), OrgID: p.OrgID, RegionCode: region, AuthorityID: auth, State: NatFiled,
		DataWanted: strings.TrimSpace(in.DataWanted), Source: strings.TrimSpace(in.Source), Purpose: strings.TrimSpace(in.Purpose),
		Basis: strings.TrimSpace(in.Basis), FiledBy: p.DisplayName, FiledAt: db.StampOf(now),
		ForwardDue: workday.Format(s.Calendar.AddWorkdays(now, s.ForwardDays))}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO share_national (id, org_id, region_code, authority_id, state, data_wanted, source, purpose, basis,
			filed_by, filed_at, forward_due) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
			n.ID, n.OrgID, n.RegionCode, n.AuthorityID, n.State, n.DataWanted, n.Source, n.Purpose, n.Basis, n.FiledBy, n.FiledAt, n.ForwardDue); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.DisplayName, OrgID: p.OrgID, Action: "share.national.file",
			ObjectType: "share_national", ObjectID: n.ID, Detail: map[string]any{"source": n.Source, "due": n.ForwardDue}}); err != nil {
			return err
		}
		_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: auth, Kind: "info", TitleZH: "国家平台数据申请：" + n.DataWanted,
			TitleEN: "National-platform data requested: " + n.DataWanted,
			BodyZH:  fmt.Sprintf("%s 申请国家平台数据（%s），请于 %s 前向国家平台申请或说明不予转报的理由。", orgName(ctx, tx, p.OrgID), n.Source, n.ForwardDue),
			BodyEN:  fmt.Sprintf("%s asks for national-platform data (%s); request it from the national platform, or decline with a reason, by %s.", orgName(ctx, tx, p.OrgID), n.Source, n.ForwardDue),
			Link:    nationalLink(n.ID), ObjectType: "share_national", ObjectID: n.ID})
		return err
	})
	if err != nil {
		return NationalRequest{}, err
	}
	return s.GetNational(ctx, p, n.ID)
}

func nationalLink(id string) string { return "/share/national/" + id }

// GetNational returns one request.
func (s *Service) GetNational(ctx context.Context, p *authz.Principal, id string) (_ NationalRequest, err error) {
	defer wrapErr(&err, "get national %s", id)
	n, err := s.scanNational(s.DB.QueryRowContext(ctx, "SELECT "+nationalCols+" FROM share_national WHERE id = $1", id))
	if db.IsNoRows(err) {
		return n, errNationalNotFound
	}
	if err != nil {
		return n, err
	}
	if err := authz.NationalRequest(p, authz.Read, n.attrs()); err != nil {
		return NationalRequest{}, err
	}
	s.fillNational(ctx, &n)
	return n, nil
}

// ListNational lists the requests p may read, newest first.
func (s *Service) ListNational(ctx context.Context, p *authz.Principal, limit, offset int) (_ []NationalRequest, _ int, err error) {
	defer wrapErr(&err, "list national")
	if err := authz.NationalRequest(p, authz.Read, authz.NationalAttrs{}); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+nationalCols+" FROM share_national ORDER BY filed_at DESC, id LIMIT 10000")
	if err != nil {
		return nil, 0, err
	}
	var all []NationalRequest
	for rows.Next() {
		n, err := s.scanNational(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		if authz.NationalRequest(p, authz.Read, n.attrs()) == nil {
			all = append(all, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	total := len(all)
	offset = min(max(offset, 0), total)
	page := all[offset:min(total, offset+limit)]
	for i := range page {
		s.fillNational(ctx, &page[i])
	}
	return page, total, nil
}

// nationalMachine is the workflow: (state, event) → state.
var nationalMachine = map[string]map[string]string{
	NatFiled:     {"forward": NatForwarded, "decline": NatDeclined, "withdraw": NatWithdrawn},
	NatForwarded: {"received": NatReceived, "unavailable": NatUnavailable},
}

// StepNational takes one step: the authority forwards (with the national request number),
// records the answer (received or unavailable) or declines (with a reason); the agency
// withdraws while the request is still filed. The agency is told of every step.
func (s *Service) StepNational(ctx context.Context, p *authz.Principal, id string, in NationalStep) (_ NationalRequest, err error) {
	defer wrapErr(&err, "step national %s", id)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := s.scanNational(tx.QueryRowContext(ctx, "SELECT "+nationalCols+" FROM share_national WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return errNationalNotFound
		}
		if err != nil {
			return err
		}
		act := authz.Review
		if in.Event == "withdraw" {
			act = authz.Update
		}
		if err := authz.NationalRequest(p, act, n.attrs()); err != nil {
			return err
		}
		to, ok := nationalMachine[n.State][in.Event]
		if !ok {
			return apperr.Conflict.With(apperr.Field("event", "当前状态下不能执行此操作", "this step is not possible in the request's current state"))
		}
		note := strings.TrimSpace(in.Note)
		now := db.Millis(s.Now())
		switch in.Event {
		case "forward":
			ref := strings.TrimSpace(in.NationalRef)
			if ref == "" || len(ref) > 100 {
				return apperr.Invalid.With(apperr.Field("national_ref", "请填写国家平台的申请编号", "give the national platform's request number"))
			}
			_, err = tx.ExecContext(ctx, "UPDATE share_national SET state = $1, national_ref = $2, forwarded_at = $3 WHERE id = $4", to, ref, now, id)
		case "received", "unavailable", "decline":
			if note == "" {
				return apperr.Invalid.With(apperr.Field("note", "请写明答复内容或理由", "give the answer or the reason"))
			}
			_, err = tx.ExecContext(ctx, "UPDATE share_national SET state = $1, answer = $2, answered_by = $3, answered_at = $4 WHERE id = $5",
				to, note, p.DisplayName, now, id)
		default:
			_, err = tx.ExecContext(ctx, "UPDATE share_national SET state = $1, answer = $2, answered_at = $3 WHERE id = $4", to, note, now, id)
		}
		if err != nil {
			return err
		}
		action := "share.national." + in.Event
		if in.Event == "received" || in.Event == "unavailable" {
			action = "share.national.answer"
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.DisplayName, OrgID: p.OrgID, Action: action,
			ObjectType: "share_national", ObjectID: id, Detail: map[string]any{"from": n.State, "to": to, "national_ref": in.NationalRef, "note": note}}); err != nil {
			return err
		}
		target := n.OrgID
		if in.Event == "withdraw" {
			target = n.AuthorityID
		}
		zh, en := vocab.Label("zh", NationalState, to), vocab.Label("en", NationalState, to)
		_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: target, Kind: "info", TitleZH: "国家平台数据申请" + zh + "：" + n.DataWanted,
			TitleEN: "National-platform request — " + en + ": " + n.DataWanted, BodyZH: note, BodyEN: note, Link: nationalLink(id),
			ObjectType: "share_national", ObjectID: id})
		return err
	})
	if err != nil {
		return NationalRequest{}, err
	}
	return s.GetNational(ctx, p, id)
}

// RunNationalDeadlines reminds the coordinating authority before a request's forwarding
// deadline and escalates it to the authority's oversight when overdue; each message once.
func (s *Service) RunNationalDeadlines(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrapErr(&err, "national request deadlines")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+nationalCols+" FROM share_national WHERE state = 'filed' ORDER BY forward_due LIMIT 1000")
	if err != nil {
		return 0, err
	}
	var open []NationalRequest
	for rows.Next() {
		n, err := s.scanNational(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		open = append(open, n)
	}
	rows.Close()
	sent := 0
	for _, n := range open {
		due, err := workday.Parse(n.ForwardDue)
		if err != nil {
			continue
		}
		var msgs []notify.Message
		if workday.Overdue(due, now) {
			for _, org := range append([]string{n.AuthorityID}, s.superiors(ctx, s.DB, n.RegionCode)...) {
				msgs = append(msgs, notify.Message{OrgID: org, Kind: "escalation", TitleZH: "国家平台数据申请逾期未协调：" + n.DataWanted,
					TitleEN: "National-platform request overdue: " + n.DataWanted,
					BodyZH:  fmt.Sprintf("%s 的国家平台数据申请应于 %s 前向国家平台申请或说明理由，已逾期。", orgName(ctx, s.DB, n.OrgID), n.ForwardDue),
					BodyEN:  fmt.Sprintf("The national-platform request of %s was due to be forwarded or declined by %s.", orgName(ctx, s.DB, n.OrgID), n.ForwardDue),
					Link:    nationalLink(n.ID), ObjectType: "share_national", ObjectID: n.ID, DedupKey: "share.national.escalate:" + n.ID + ":" + org})
			}
		} else if left := s.Calendar.Remaining(due, now); left <= s.RemindDays {
			msgs = append(msgs, notify.Message{OrgID: n.AuthorityID, Kind: "reminder", TitleZH: "国家平台数据申请即将到期：" + n.DataWanted,
				TitleEN: "National-platform request due soon: " + n.DataWanted,
				BodyZH:  fmt.Sprintf("请于 %s 前向国家平台申请或说明不予转报的理由（剩余 %d 个工作日）。", n.ForwardDue, left),
				BodyEN:  fmt.Sprintf("Forward it or decline with a reason by %s (%d working days left).", n.ForwardDue, left),
				Link:    nationalLink(n.ID), ObjectType: "share_national", ObjectID: n.ID, DedupKey: "share.national.remind:" + n.ID})
		}
		for _, m := range msgs {
			err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
				ok, err := s.Notify.Send(ctx, tx, m)
				if err != nil || !ok {
					return err
				}
				sent++
				if m.Kind != "escalation" {
					return nil
				}
				return s.Audit.Record(ctx, tx, audit.Event{ActorID: authz.System.UserID, ActorName: authz.System.Username, Action: "share.national.escalate",
					ObjectType: "share_national", ObjectID: n.ID, Detail: map[string]any{"to_org": m.OrgID, "due": n.ForwardDue}})
			})
			if err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}
