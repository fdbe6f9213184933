// Package openapply is conditional opening (有条件开放, OPN-3): a registered person or
// organization applies for a conditionally open dataset with the use scenario, the items, the
// provision method, the usage period and the security measures; the provider approves — only
// ever narrowing the request, by the same rule as share grants (share.Narrows, share.ModeWithin)
// — or refuses with reason and legal basis, by a working-day due day (reminded before, escalated
// to the authority once when late); the applicant follows the application on its page, signs
// the use agreement (versioned text; the version and its SHA-256 digest are kept) and receives
// an open API key limited to that dataset, the approved items and the approved period
// (open.IssueKey). The provider may end the use later (the key is revoked, open.RevokeKeysOf).
// Downloads and API calls of conditionally open data need such a key (authz.Open OpenRead).
//
// One state machine (machine.go); every step is audited in its transaction.
package openapply

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/open"
	"pubdata/internal/share"
	"pubdata/internal/workday"
)

// Application is one conditional-opening application (有条件开放申请, OpenApplication).
type Application struct {
	ID            string `json:"id"`
	Number        string `json:"number"` // 申请编号
	EntryID       string `json:"dataset_id"`
	DatasetTitle  string `json:"dataset_title"`
	ProviderOrgID string `json:"provider_org_id"`
	RegionCode    string `json:"region_code"`
	UserID        string `json:"applicant_id"`
	ApplicantKind string `json:"applicant_kind"` // natural | legal
	ApplicantName string `json:"applicant_name"`
	ApplicantOrg  string `json:"applicant_org_id,omitempty"`
	Contact       string `json:"contact"`

	Scenario string   `json:"scenario"` // 应用场景
	Fields   []string `json:"fields"`   // 申请的信息项
	Method   string   `json:"method"`   // 提供方式: api | file
	EndDate  string   `json:"end_date"` // 使用期限至 (YYYY-MM-DD)
	Security string   `json:"security"` // 安全保障措施

	State       State     `json:"state"`
	Due         string    `json:"due"` // the provider decides by this day (working days from filing)
	Provisional bool      `json:"due_provisional,omitempty"`
	EscalatedAt db.Stamp  `json:"escalated_at"`
	Approved    *Approval `json:"approved,omitempty"`
	Reason      string    `json:"reason,omitempty"`      // refusal or ending
	LegalBasis  string    `json:"legal_basis,omitempty"` // refusal
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   db.Stamp  `json:"decided_at"`

	AgreementVersion string   `json:"agreement_version,omitempty"`
	AgreementDigest  string   `json:"agreement_digest,omitempty"`
	SignedAt         db.Stamp `json:"signed_at"`
	KeyID            string   `json:"key_id,omitempty"`

	FiledAt   db.Stamp `json:"filed_at"`
	UpdatedAt db.Stamp `json:"updated_at"`
	ClosedAt  db.Stamp `json:"closed_at"`
	Events    []Event  `json:"events,omitempty"`
}

// Approval is what the provider approved: never wider than the request.
type Approval struct {
	Fields  []string `json:"fields"`
	Method  string   `json:"method"`
	EndDate string   `json:"end_date"`
	Use     string   `json:"use"` // the stated use (批准的用途)
}

// Event is one step of an application.
type Event struct {
	At        db.Stamp `json:"at"`
	ActorName string   `json:"actor_name"`
	Event     Ev       `json:"event"`
	From      State    `json:"from"`
	To        State    `json:"to"`
	Note      string   `json:"note,omitempty"`
}

// Agreement is a version of the open data use agreement (开放数据使用协议). Signing records the
// version and the digest of the text signed; a new version is a new entry here, and an
// applicant who read an older text is asked to read the new one.
type Agreement struct {
	Version string `json:"version"`
	TextZH  string `json:"text"`
	TextEN  string `json:"text_en"`
}

// Digest is the SHA-256 of the agreement's text (both languages), hex.
func (a Agreement) Digest() string {
	h := sha256.Sum256([]byte(a.Version + "\x00" + a.TextZH + "\x00" + a.TextEN))
	return hex.EncodeToString(h[:])
}

// CurrentAgreement is the agreement applicants sign now.
var CurrentAgreement = Agreement{Version: "2026.1",
	TextZH: "一、仅在批准的应用场景和用途内使用数据，不得超出批准的信息项和使用期限。\n" +
		"二、落实申请时承诺的安全保障措施，不得向第三方提供、转让或公开原始数据。\n" +
		"三、不得试图重新识别个人或还原已脱敏的信息；发现数据涉及他人权益时立即停止使用并告知提供部门。\n" +
		"四、成果发布时注明数据来源；使用期限届满或被终止使用后，删除所获数据。\n" +
		"五、违反本协议的，提供部门可终止使用并撤销密钥，依法追究责任。",
	TextEN: "1. Use the data only for the approved scenario and use, within the approved items and period.\n" +
		"2. Keep the security measures promised in the application; do not pass, transfer or publish the raw data.\n" +
		"3. Do not try to re-identify persons or undo masking; stop and tell the provider if the data affects others' rights.\n" +
		"4. Cite the source when publishing results; delete the data when the period ends or use is ended.\n" +
		"5. On breach the provider may end the use and revoke the key; liability follows the law."}

// keyScope is the use of the key an approval issues, from the approved method of provision:
// "api" (per record) the open API only; "file" (bulk, the wider method, see Methods) downloads
// and the open API.
func keyScope(method string) []string {
	if method == "api" {
		return []string{open.ScopeAPI}
	}
	return []string{open.ScopeAPI, open.ScopeDownload}
}

// Methods of provision (提供方式): the share modes of the same name, so that "approval only
// narrows" measures them by share.ModeWithin (api, per record, is narrower than file, bulk).
var Methods = []string{"api", "file"}

// DefaultDays is the provider's deadline to decide, in working days from filing;
// DefaultRemindDays the working days before it that the provider is reminded.
const (
	DefaultDays       = 10
	DefaultRemindDays = 2
)

// Errors.
var (
	ErrNotFound  = apperr.New(http.StatusNotFound, "open_application.not_found", "申请不存在", "no such application")
	ErrNotCond   = apperr.New(http.StatusNotFound, "open_application.not_conditional", "只能申请有条件开放的数据集", "applications are for conditionally open datasets")
	ErrState     = apperr.New(http.StatusConflict, "open_application.invalid_state", "申请当前状态不允许此操作", "the application's state does not allow this")
	ErrAgreement = apperr.New(http.StatusConflict, "open_application.agreement_changed", "使用协议已更新，请阅读新版本后再签署", "the use agreement has changed; read the new version and sign again")
)

// Service runs the workflow.
type Service struct {
	DB         *db.DB
	Audit      *audit.Service
	Notify     *notify.Service
	Cal        *workday.Calendar
	Catalog    *catalog.Service
	Identity   *identity.Service
	Open       *open.Service
	Days       int
	RemindDays int
	Now        func() time.Time
}

// New makes the service.
func New(d *db.DB, a *audit.Service, n *notify.Service, cal *workday.Calendar, c *catalog.Service, id *identity.Service, o *open.Service) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Cal: cal, Catalog: c, Identity: id, Open: o, Days: DefaultDays, RemindDays: DefaultRemindDays, Now: time.Now}
}

// Input is what an applicant submits.
type Input struct {
	DatasetID string   `json:"dataset_id"`
	Scenario  string   `json:"scenario"`
	Fields    []string `json:"fields"`
	Method    string   `json:"method"`
	EndDate   string   `json:"end_date"`
	Security  string   `json:"security"`
	Contact   string   `json:"contact"`
}

func actorName(p *authz.Principal) string {
	if p == nil {
		return ""
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

func attrs(e *catalog.Entry) authz.OpenAttrs {
	return authz.OpenAttrs{OpenType: string(e.OpenType), ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}
}

// openItems are the entry's items that may leave at the conditional level (not "not open").
func openItems(e *catalog.Entry) []string {
	var out []string
	for i := range e.Fields {
		if ot := catalog.FieldOpen(e, &e.Fields[i]); ot == catalog.OpenConditional || ot == catalog.OpenUnconditional {
			out = append(out, e.Fields[i].Name)
		}
	}
	return out
}

// checkItems names items that are unknown or not open, a repeated item, or none at all.
func checkItems(e *catalog.Entry, fields []string) []apperr.FieldError {
	var fe []apperr.FieldError
	if len(fields) == 0 {
		return []apperr.FieldError{apperr.Field("fields", "请至少选择一个信息项", "choose at least one item")}
	}
	ok := openItems(e)
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f] {
			fe = append(fe, apperr.Field("fields", fmt.Sprintf("信息项 %q 重复", f), fmt.Sprintf("item %q is repeated", f)))
		}
		seen[f] = true
		if !slices.Contains(ok, f) {
			fe = append(fe, apperr.Field("fields", fmt.Sprintf("信息项 %q 不存在或不开放", f), fmt.Sprintf("item %q does not exist or is not open", f)))
		}
	}
	return fe
}

// checkEnd checks a usage end date: a real date after today, at most the key's maximum
// validity ahead.
func (s *Service) checkEnd(end string) []apperr.FieldError {
	d, err := workday.Parse(end)
	if err != nil {
		return []apperr.FieldError{apperr.Field("end_date", "使用期限的格式应为 YYYY-MM-DD", "the end date must be YYYY-MM-DD")}
	}
	today := workday.Date(s.Now())
	maxDays := open.DefaultLimits.MaxKeyDays
	if s.Open != nil {
		maxDays = s.Open.Limits.MaxKeyDays
	}
	if !d.After(today) || d.After(today.AddDate(0, 0, maxDays)) {
		return []apperr.FieldError{apperr.Field("end_date", fmt.Sprintf("使用期限应在明天至 %d 天内", maxDays), fmt.Sprintf("the end date must be from tomorrow to %d days ahead", maxDays))}
	}
	return nil
}

func (s *Service) days() int {
	if s.Days > 0 {
		return s.Days
	}
	return DefaultDays
}

// Submit files an application (the applicant: a registered public user).
func (s *Service) Submit(ctx context.Context, p *authz.Principal, in Input) (Application, error) {
	e, err := s.Catalog.Published(ctx, strings.TrimSpace(in.DatasetID))
	if err != nil || (e.OpenType != catalog.OpenConditional && e.OpenType != catalog.OpenUnconditional) {
		return Application{}, ErrNotCond
	}
	if err := authz.Open(p, authz.OpenApply, attrs(&e)); err != nil {
		if p.Authenticated() && p.Has(authz.PublicUser) && p.TokenID == "" {
			return Application{}, ErrNotCond // an unconditionally open dataset needs no application
		}
		return Application{}, err
	}
	var fe []apperr.FieldError
	in.Scenario = apperr.Text(&fe, "scenario", in.Scenario, 2000, true, "应用场景", "scenario")
	in.Security = apperr.Text(&fe, "security", in.Security, 2000, true, "安全保障措施", "security measures")
	in.Contact = apperr.Text(&fe, "contact", in.Contact, 200, true, "联系方式", "contact")
	in.EndDate = strings.TrimSpace(in.EndDate)
	if len(in.Fields) > 200 {
		fe = append(fe, apperr.Field("fields", "信息项过多", "too many items"))
	} else {
		fe = append(fe, checkItems(&e, in.Fields)...)
	}
	if !slices.Contains(Methods, in.Method) {
		fe = append(fe, apperr.Field("method", "提供方式须为接口调用或文件下载", "method must be api or file"))
	}
	fe = append(fe, s.checkEnd(in.EndDate)...)
	if err := apperr.Validation(fe); err != nil {
		return Application{}, err
	}
	u, err := s.Identity.User(ctx, p.UserID)
	if err != nil {
		return Application{}, err
	}
	kind, applicant := "natural", u.DisplayName
	if u.PersonKind == "legal" {
		kind = "legal"
		if o, err := s.Identity.Org(ctx, u.OrgID); err == nil {
			applicant = o.Name
		}
	}
	if applicant == "" {
		applicant = u.Username
	}
	now := s.Now()
	dl := s.Cal.Deadline(now, s.days())
	a := Application{ID: ids.New(), EntryID: e.ID, DatasetTitle: e.Name, ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode,
		UserID: p.UserID, ApplicantKind: kind, ApplicantName: applicant, ApplicantOrg: u.OrgID, Contact: in.Contact,
		Scenario: in.Scenario, Fields: in.Fields, Method: in.Method, EndDate: in.EndDate, Security: in.Security,
		State: StateSubmitted, Due: dl.Due.Format("2006-01-02"), Provisional: dl.Provisional(),
		FiledAt: db.StampOf(now), UpdatedAt: db.StampOf(now)}
	fs, _ := json.Marshal(a.Fields)
	err = db.RetryUnique(20, func() error {
		return s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			if a.Number, err = db.NextNumber(ctx, tx, "open_applications", "number", "KF"+now.In(workday.Location).Format("20060102"), 4); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO open_applications (id, number, entry_id, dataset_title, provider_org_id, region_code, user_id,
			applicant_kind, applicant_name, applicant_org_id, contact, scenario, fields, method, end_date, security, state, due, due_since, filed_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
				a.ID, a.Number, a.EntryID, a.DatasetTitle, a.ProviderOrgID, a.RegionCode, a.UserID, a.ApplicantKind, a.ApplicantName, a.ApplicantOrg,
				a.Contact, a.Scenario, string(fs), a.Method, a.EndDate, a.Security, string(a.State), a.Due, int64(a.FiledAt), int64(a.FiledAt), int64(a.UpdatedAt)); err != nil {
				return err
			}
			if err := s.event(ctx, tx, p, a.ID, EvSubmit, StateNew, StateSubmitted, ""); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.application.submit",
				ObjectType: "open_application", ObjectID: a.ID, Detail: map[string]any{"number": a.Number, "dataset": a.EntryID, "fields": a.Fields,
					"method": a.Method, "end_date": a.EndDate, "due": a.Due}}); err != nil {
				return err
			}
			if s.Notify != nil {
				_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: a.ProviderOrgID, Kind: "flag",
					TitleZH: "收到有条件开放申请：" + a.DatasetTitle, TitleEN: "Conditional-opening application: " + a.DatasetTitle,
					BodyZH: fmt.Sprintf("申请编号 %s，申请人 %s。请于 %s 前审核（批准只能缩小范围；不予开放须说明理由和法律依据）。", a.Number, a.ApplicantName, a.Due),
					BodyEN: fmt.Sprintf("Application %s by %s. Decide by %s (approval may only narrow; a refusal needs a reason and legal basis).", a.Number, a.ApplicantName, a.Due),
					Link:   "/open/applications/" + a.ID, ObjectType: "open_application", ObjectID: a.ID})
				return err
			}
			return nil
		})
	})
	if err != nil {
		return Application{}, err
	}
	return s.Get(ctx, p, a.ID)
}

func (s *Service) event(ctx context.Context, q db.Q, p *authz.Principal, id string, ev Ev, from, to State, note string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO open_application_events (id, application_id, at, actor_id, actor_name, event, from_state, to_state, note)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, ids.New(), id, db.Millis(s.Now()), p.UserID, actorName(p), string(ev), string(from), string(to), note)
	return err
}

const cols = `id, number, entry_id, dataset_title, provider_org_id, region_code, user_id, applicant_kind, applicant_name, applicant_org_id,
	contact, scenario, fields, method, end_date, security, state, due, escalated_at, approved_fields, approved_method, approved_end,
	approved_use, reason, legal_basis, decided_by, decided_at, agreement_version, agreement_digest, signed_at, key_id, filed_at, updated_at, closed_at`

func scan(sc interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var st, fs, afs string
	var ap Approval
	err := sc.Scan(&a.ID, &a.Number, &a.EntryID, &a.DatasetTitle, &a.ProviderOrgID, &a.RegionCode, &a.UserID, &a.ApplicantKind, &a.ApplicantName,
		&a.ApplicantOrg, &a.Contact, &a.Scenario, &fs, &a.Method, &a.EndDate, &a.Security, &st, &a.Due, &a.EscalatedAt, &afs, &ap.Method,
		&ap.EndDate, &ap.Use, &a.Reason, &a.LegalBasis, &a.DecidedBy, &a.DecidedAt, &a.AgreementVersion, &a.AgreementDigest, &a.SignedAt,
		&a.KeyID, &a.FiledAt, &a.UpdatedAt, &a.ClosedAt)
	if err != nil {
		return a, err
	}
	a.State = State(st)
	json.Unmarshal([]byte(fs), &a.Fields)
	if ap.Method != "" {
		json.Unmarshal([]byte(afs), &ap.Fields)
		a.Approved = &ap
	}
	return a, nil
}

func (s *Service) load(ctx context.Context, q db.Q, id string, lock bool) (Application, error) {
	suffix := ""
	if lock {
		suffix = s.DB.ForUpdate()
	}
	a, err := scan(q.QueryRowContext(ctx, "SELECT "+cols+" FROM open_applications WHERE id = $1"+suffix, id))
	if db.IsNoRows(err) {
		return a, ErrNotFound
	}
	return a, err
}

func (s *Service) events(ctx context.Context, id string) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor_name, event, from_state, to_state, note FROM open_application_events WHERE application_id = $1 ORDER BY at, id LIMIT 200", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var ev, from, to string
		if err := rows.Scan(&e.At, &e.ActorName, &ev, &from, &to, &e.Note); err != nil {
			return nil, err
		}
		e.Event, e.From, e.To = Ev(ev), State(from), State(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// entryOf is the application's entry as published now (for the decision), or its last known
// attributes.
func (s *Service) entryOf(ctx context.Context, a *Application) *catalog.Entry {
	if e, err := s.Catalog.Published(ctx, a.EntryID); err == nil {
		return &e
	}
	return &catalog.Entry{ID: a.EntryID, ProviderOrgID: a.ProviderOrgID, RegionCode: a.RegionCode, OpenType: catalog.OpenConditional}
}

// sees tells whether p may read a: the applicant, or those authz.Open Read lets read the
// dataset's opening (the provider, the authority covering the region, auditors, oversight).
func (s *Service) sees(p *authz.Principal, a *Application, e *catalog.Entry) bool {
	if p.Authenticated() && p.UserID == a.UserID {
		return true
	}
	return authz.Open(p, authz.Read, attrs(e)) == nil
}

// Get returns an application with its steps, for its applicant, the provider, the authority,
// auditors and oversight; anyone else gets the same answer as for a missing one.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id string) (Application, error) {
	a, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return a, err
	}
	if !s.sees(p, &a, s.entryOf(ctx, &a)) {
		return Application{}, ErrNotFound
	}
	if a.State == StateSubmitted {
		a.Provisional = len(s.Cal.ProvisionalDue(a.Due, s.Now())) > 0
	}
	a.Events, err = s.events(ctx, a.ID)
	return a, err
}

// ListQuery filters the list.
type ListQuery struct {
	State string
	Limit int
}

// List returns the applications p may see, newest first (at most 200): a public user's own;
// the provider's, the authority's region's, or (auditors, oversight) all.
func (s *Service) List(ctx context.Context, p *authz.Principal, q ListQuery) ([]Application, error) {
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 200
	}
	where, args := "1=1", []any{}
	if q.State != "" {
		args = append(args, q.State)
		where += fmt.Sprintf(" AND state = $%d", len(args))
	}
	if p.Has(authz.PublicUser) && !p.Has(authz.Auditor, authz.Oversight) && !p.IsAuthority() {
		args = append(args, p.UserID)
		where += fmt.Sprintf(" AND user_id = $%d", len(args))
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+cols+" FROM open_applications WHERE "+where+" ORDER BY filed_at DESC, id DESC LIMIT 2000", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, err
		}
		e := &catalog.Entry{ID: a.EntryID, ProviderOrgID: a.ProviderOrgID, RegionCode: a.RegionCode, OpenType: catalog.OpenConditional}
		if len(out) < q.Limit && s.sees(p, &a, e) {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// Step is an action on an application.
type Step struct {
	Event Ev `json:"event"`
	// approve: the approved scope (empty: as requested) and the stated use.
	Fields  []string `json:"fields,omitempty"`
	Method  string   `json:"method,omitempty"`
	EndDate string   `json:"end_date,omitempty"`
	Use     string   `json:"use,omitempty"`
	// refuse, revoke, withdraw: why; refuse: the legal basis too.
	Reason     string `json:"reason,omitempty"`
	LegalBasis string `json:"legal_basis,omitempty"`
	// sign: the agreement version read, and consent.
	AgreementVersion string `json:"agreement_version,omitempty"`
	Agree            bool   `json:"agree,omitempty"`
}

// Result is an application after a step; Key carries the key's secret once, after signing.
type Result struct {
	Application Application `json:"application"`
	Key         *open.Key   `json:"key,omitempty"`
}

// Act applies a step. The applicant signs or withdraws; the provider's approver (or the
// authority of the region) approves, refuses or ends the use. Authorization comes first, then
// the input, then the state.
func (s *Service) Act(ctx context.Context, p *authz.Principal, id string, st Step) (Result, error) {
	a, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return Result{}, err
	}
	e := s.entryOf(ctx, &a)
	if !s.sees(p, &a, e) {
		return Result{}, ErrNotFound
	}
	switch {
	case st.Event == EvSubmit || st.Event == EvEscalate:
		return Result{}, ErrState
	case applicantStep(st.Event):
		if p.UserID != a.UserID || p.TokenID != "" {
			return Result{}, apperr.Forbidden
		}
	default:
		if err := authz.Open(p, authz.OpenDecide, attrs(e)); err != nil {
			return Result{}, err
		}
	}
	var fe []apperr.FieldError
	var ap Approval
	switch st.Event {
	case EvApprove:
		ap = Approval{Fields: st.Fields, Method: strings.TrimSpace(st.Method), EndDate: strings.TrimSpace(st.EndDate)}
		if len(ap.Fields) == 0 {
			ap.Fields = a.Fields
		}
		if ap.Method == "" {
			ap.Method = a.Method
		}
		if ap.EndDate == "" {
			ap.EndDate = a.EndDate
		}
		ap.Use = apperr.Text(&fe, "use", st.Use, 2000, false, "批准的用途", "approved use")
		if ap.Use == "" {
			ap.Use = a.Scenario
		}
		// Approval only narrows (OPN-3, as SHR-4): the share rule measures items and period
		// against the request, and the method by breadth (api ⊂ file).
		fe = append(fe, share.Narrows(a.Fields, ap.Fields, a.EndDate, ap.EndDate, "fields")...)
		if !slices.Contains(Methods, ap.Method) || !share.ModeWithin(share.Mode(ap.Method), share.Mode(a.Method), Methods) {
			fe = append(fe, apperr.Field("method", "批准的提供方式不能宽于申请的方式（接口调用窄于文件下载）", "the approved method cannot be wider than the requested one (api is narrower than file)"))
		}
		fe = append(fe, checkItems(e, ap.Fields)...)
		if ap.EndDate <= a.EndDate {
			fe = append(fe, s.checkEnd(ap.EndDate)...)
		}
	case EvRefuse:
		st.Reason = apperr.Text(&fe, "reason", st.Reason, 2000, true, "不予开放的理由", "reason")
		st.LegalBasis = apperr.Text(&fe, "legal_basis", st.LegalBasis, 1000, true, "法律依据", "legal basis")
	case EvRevoke:
		st.Reason = apperr.Text(&fe, "reason", st.Reason, 2000, true, "终止使用的理由", "reason")
	case EvWithdraw:
		st.Reason = apperr.Text(&fe, "reason", st.Reason, 2000, false, "撤回说明", "note")
	case EvSign:
		if !st.Agree {
			fe = append(fe, apperr.Field("agree", "请阅读并同意使用协议", "read and accept the use agreement"))
		}
	default:
		fe = append(fe, apperr.Field("event", "不支持的操作", "unknown step"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Result{}, err
	}
	if st.Event == EvSign && st.AgreementVersion != CurrentAgreement.Version {
		return Result{}, ErrAgreement
	}
	now := s.Now()
	var cur Application
	var to State
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if cur, err = s.load(ctx, tx, id, true); err != nil {
			return err
		}
		var ok bool
		if to, ok = Next(cur.State, st.Event); !ok {
			return ErrState
		}
		closed := int64(cur.ClosedAt)
		if to.Final() {
			closed = db.Millis(now)
		}
		note := st.Reason
		detail := map[string]any{"number": cur.Number, "from": string(cur.State), "to": string(to), "dataset": cur.EntryID}
		switch st.Event {
		case EvApprove:
			afs, _ := json.Marshal(ap.Fields)
			narrowed := len(ap.Fields) < len(cur.Fields) || ap.Method != cur.Method || ap.EndDate != cur.EndDate
			if _, err := tx.ExecContext(ctx, `UPDATE open_applications SET approved_fields = $1, approved_method = $2, approved_end = $3, approved_use = $4,
				decided_by = $5, decided_at = $6 WHERE id = $7`, string(afs), ap.Method, ap.EndDate, ap.Use, actorName(p), db.Millis(now), id); err != nil {
				return err
			}
			note = ap.Use
			detail["fields"], detail["method"], detail["end_date"], detail["narrowed"] = ap.Fields, ap.Method, ap.EndDate, narrowed
		case EvRefuse:
			if _, err := tx.ExecContext(ctx, "UPDATE open_applications SET reason = $1, legal_basis = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
				st.Reason, st.LegalBasis, actorName(p), db.Millis(now), id); err != nil {
				return err
			}
			note = st.Reason + " · " + st.LegalBasis
			detail["legal_basis"] = st.LegalBasis
		case EvRevoke:
			if _, err := tx.ExecContext(ctx, "UPDATE open_applications SET reason = $1 WHERE id = $2", st.Reason, id); err != nil {
				return err
			}
		case EvSign:
			if _, err := tx.ExecContext(ctx, "UPDATE open_applications SET agreement_version = $1, agreement_digest = $2, signed_at = $3 WHERE id = $4",
				CurrentAgreement.Version, CurrentAgreement.Digest(), db.Millis(now), id); err != nil {
				return err
			}
			note = "协议版本 / agreement " + CurrentAgreement.Version
			detail["agreement_version"], detail["agreement_digest"] = CurrentAgreement.Version, CurrentAgreement.Digest()
		}
		if _, err := tx.ExecContext(ctx, "UPDATE open_applications SET state = $1, updated_at = $2, closed_at = $3 WHERE id = $4",
			string(to), db.Millis(now), closed, id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, st.Event, cur.State, to, note); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID,
			Action: "open.application." + string(st.Event), ObjectType: "open_application", ObjectID: id, Detail: detail})
	})
	if err != nil {
		return Result{}, err
	}
	var res Result
	switch st.Event {
	case EvSign:
		// The key: this dataset, the approved items, until the end of the approved last day.
		appr, _ := s.load(ctx, s.DB, id, false)
		end, _ := workday.Parse(appr.Approved.EndDate)
		k, err := s.Open.IssueKey(ctx, p, appr.UserID, appr.ApplicantOrg, "有条件开放 "+appr.Number, []string{appr.EntryID},
			map[string][]string{appr.EntryID: appr.Approved.Fields}, end.AddDate(0, 0, 1), appr.ID, keyScope(appr.Approved.Method)...)
		if err != nil {
			// Undo the step so that signing can be tried again (the audit keeps both).
			s.DB.ExecContext(ctx, "UPDATE open_applications SET state = $1, signed_at = 0 WHERE id = $2 AND state = $3", string(StateApproved), id, string(StateActive))
			return Result{}, err
		}
		if _, err := s.DB.ExecContext(ctx, "UPDATE open_applications SET key_id = $1 WHERE id = $2", k.ID, id); err != nil {
			return Result{}, err
		}
		res.Key = &k
	case EvRevoke:
		if _, err := s.Open.RevokeKeysOf(ctx, p, id, st.Reason); err != nil {
			return Result{}, err
		}
	}
	s.tell(ctx, cur, to, st)
	res.Application, err = s.Get(ctx, p, id)
	return res, err
}

// tell informs the applicant of the provider's step (inbox; the page shows it too).
func (s *Service) tell(ctx context.Context, a Application, to State, st Step) {
	if s.Notify == nil || applicantStep(st.Event) {
		return
	}
	body := map[State][2]string{
		StateApproved: {"请在申请页面阅读并签署使用协议，签署后即可取得密钥。", "Read and sign the use agreement on the application page to receive your key."},
		StateRefused:  {"理由：" + st.Reason + "；法律依据：" + st.LegalBasis, "Reason: " + st.Reason + "; legal basis: " + st.LegalBasis},
		StateRevoked:  {"理由：" + st.Reason + "。密钥已撤销。", "Reason: " + st.Reason + ". The key is revoked."},
	}[to]
	s.Notify.Send(ctx, s.DB, notify.Message{UserID: a.UserID, Kind: "info",
		TitleZH: fmt.Sprintf("有条件开放申请 %s：%s", a.Number, StateNames[to][0]), TitleEN: fmt.Sprintf("Application %s: %s", a.Number, StateNames[to][1]),
		BodyZH: a.DatasetTitle + "。" + body[0], BodyEN: a.DatasetTitle + ". " + body[1],
		Link: "/open/applications/" + a.ID, ObjectType: "open_application", ObjectID: a.ID, DedupKey: "openapply-" + string(to) + "-" + a.ID})
}

// Deadlines reminds the provider of applications falling due (RemindDays working days before)
// and escalates, once, every application past its due day to the authority of its region (a
// job; now is its tick). Safe on every node: messages carry dedup keys, the escalation mark is
// set by one row update.
func (s *Service) Deadlines(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+cols+" FROM open_applications WHERE state = $1 AND escalated_at = 0 LIMIT 2000", string(StateSubmitted))
	if err != nil {
		return 0, err
	}
	var items []Application
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, a)
	}
	rows.Close()
	n := 0
	for _, a := range items {
		due, err := workday.Parse(a.Due)
		if err != nil {
			continue
		}
		rem := s.Cal.Remaining(due, now)
		if rem >= 0 {
			if rem <= s.RemindDays && s.Notify != nil {
				if _, err := s.Notify.Send(ctx, s.DB, notify.Message{OrgID: a.ProviderOrgID, Kind: "reminder",
					TitleZH: fmt.Sprintf("有条件开放申请审核期限提醒：%s（%s 到期，剩余 %d 个工作日）", a.DatasetTitle, a.Due, rem),
					TitleEN: fmt.Sprintf("Conditional-opening decision due %s: %s (%d working days left)", a.Due, a.DatasetTitle, rem),
					BodyZH:  "申请编号 " + a.Number + "。请按期办理，逾期将报主管部门督办。", BodyEN: "Application " + a.Number + ". Please decide in time; overdue items are escalated to the authority.",
					Link: "/open/applications/" + a.ID, ObjectType: "open_application", ObjectID: a.ID, DedupKey: "openapply:remind:" + a.ID + ":" + a.Due}); err != nil {
					return n, err
				}
			}
			continue
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE open_applications SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0 AND state = $3", db.Millis(now), a.ID, string(StateSubmitted))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n++
			note := fmt.Sprintf("审核逾期 %d 个工作日（应于 %s 前） / decision overdue by %d working days (due %s)", -rem, a.Due, -rem, a.Due)
			if err := s.event(ctx, tx, authz.System, a.ID, EvEscalate, a.State, a.State, note); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "open.application.escalate", ObjectType: "open_application",
				ObjectID: a.ID, Detail: map[string]any{"number": a.Number, "due": a.Due, "workdays_overdue": -rem}}); err != nil {
				return err
			}
			if s.Notify == nil {
				return nil
			}
			for _, org := range []string{authorityOrg(ctx, tx, a.RegionCode), a.ProviderOrgID} {
				if org == "" {
					continue
				}
				if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: org, Kind: "escalation",
					TitleZH: "有条件开放申请逾期未审核：" + a.DatasetTitle, TitleEN: "Conditional-opening application overdue: " + a.DatasetTitle,
					BodyZH: "申请编号 " + a.Number + "。" + note, BodyEN: "Application " + a.Number + ". " + note,
					Link: "/open/applications/" + a.ID, ObjectType: "open_application", ObjectID: a.ID, DedupKey: "openapply:escalate:" + org + ":" + a.ID}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// authorityOrg is the data authority of a region, its city's or its province's.
func authorityOrg(ctx context.Context, q db.Q, region string) string {
	if len(region) != 6 {
		return ""
	}
	for _, r := range []string{region, region[:4] + "00", region[:2] + "0000"} {
		var id string
		if err := q.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", r).Scan(&id); err == nil {
			return id
		}
	}
	return ""
}
