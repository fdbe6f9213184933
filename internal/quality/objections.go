package quality

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

// Objection states (异议处理状态).
const (
	ObjOpen      = "open"      // 待核实
	ObjVerifying = "verifying" // 核实中
	ObjOverdue   = "overdue"   // 逾期未答复（已上报主管部门）
	ObjCorrected = "corrected" // 已更正并答复
	ObjRejected  = "rejected"  // 不予更正，已说明理由
	ObjWithdrawn = "withdrawn" // 异议人已撤回
)

// ObjStateNames gives each state's Chinese and English name.
var ObjStateNames = map[string][2]string{
	ObjOpen:      {"待核实", "Open"},
	ObjVerifying: {"核实中", "Verifying"},
	ObjOverdue:   {"逾期未答复", "Overdue"},
	ObjCorrected: {"已更正", "Corrected"},
	ObjRejected:  {"不予更正", "Rejected"},
	ObjWithdrawn: {"已撤回", "Withdrawn"},
}

// Objection kinds (异议类型, QUA-3).
const (
	ObjWrong      = "wrong"      // 数据错误
	ObjMissing    = "missing"    // 数据遗漏
	ObjInfringing = "infringing" // 侵犯商业秘密、个人隐私
)

// ObjKindNames gives each kind's Chinese and English name.
var ObjKindNames = map[string][2]string{
	ObjWrong:      {"数据错误", "Wrong"},
	ObjMissing:    {"数据遗漏", "Missing"},
	ObjInfringing: {"侵犯商业秘密或个人隐私", "Infringes secrets or privacy"},
}

// Objector kinds.
const (
	ObjectorPerson = "person"       // 数据主体：自然人（本人公民身份号码）
	ObjectorOrg    = "organization" // 数据主体：法人或组织（本单位统一社会信用代码）
	ObjectorUser   = "data_user"    // 数据使用方：其他部门或运营单位
)

// disputedStates are the states in which a record is marked disputed wherever it is served.
var disputedStates = []string{ObjOpen, ObjVerifying, ObjOverdue}

type objCall struct {
	p      *authz.Principal
	attrs  authz.ObjectionAttrs
	system bool
	text   string
}

func objSystem(c objCall) error {
	if c.system {
		return nil
	}
	return apperr.Forbidden
}

func objProvider(c objCall) error {
	if c.system {
		return apperr.Forbidden
	}
	return authz.Objection(c.p, authz.Review, c.attrs)
}

func objObjector(c objCall) error {
	if c.system {
		return apperr.Forbidden
	}
	return authz.Objection(c.p, authz.Delete, c.attrs)
}

func needAnswer(g func(objCall) error) func(objCall) error {
	return func(c objCall) error {
		if err := g(c); err != nil {
			return err
		}
		if strings.TrimSpace(c.text) == "" {
			return apperr.Invalid.With(apperr.Field("answer", "请填写答复意见和理由", "an answer with reasons is required"))
		}
		return nil
	}
}

func eitherParty(c objCall) error {
	if objProvider(c) == nil || objObjector(c) == nil {
		if strings.TrimSpace(c.text) == "" {
			return apperr.Invalid.With(apperr.Field("answer", "请填写说明", "a note is required"))
		}
		return nil
	}
	return authz.Objection(c.p, authz.Review, c.attrs)
}

// objMachine is the objection workflow (异议处理), QUA-3:
//
//	open ──verify──▶ verifying
//	open, verifying, overdue ──correct (with answer)──▶ corrected
//	open, verifying, overdue ──reject (with reasons)──▶ rejected
//	open, verifying, overdue ──withdraw (objector)──▶ withdrawn
//	open, verifying ──overdue (job: no answer by the deadline; escalated)──▶ overdue
//	any live state ──note──▶ (unchanged)
var objMachine = machine[objCall]{
	name: "objection",
	rows: []transition[objCall]{
		{From: []string{ObjOpen}, Event: "verify", To: ObjVerifying, Guard: objProvider},
		{From: disputedStates, Event: "correct", To: ObjCorrected, Guard: needAnswer(objProvider)},
		{From: disputedStates, Event: "reject", To: ObjRejected, Guard: needAnswer(objProvider)},
		{From: disputedStates, Event: "withdraw", To: ObjWithdrawn, Guard: objObjector},
		{From: []string{ObjOpen, ObjVerifying}, Event: "overdue", To: ObjOverdue, Guard: objSystem},
		{From: disputedStates, Event: "note", To: "", Guard: eitherParty},
	},
	final: []string{ObjCorrected, ObjRejected, ObjWithdrawn},
}

// Objection is a dispute about one record (异议).
type Objection struct {
	ID            string   `json:"id"`
	EntryID       string   `json:"entry_id"`
	EntryName     string   `json:"entry_name"`
	Key           string   `json:"key"`
	Kind          string   `json:"kind"`
	Fields        []string `json:"fields,omitempty"`
	Description   string   `json:"description"`
	Proposed      string   `json:"proposed,omitempty"`
	ObjectorKind  string   `json:"objector_kind"`
	ObjectorID    string   `json:"objector_user_id"`
	ObjectorName  string   `json:"objector_name"`
	ObjectorOrgID string   `json:"objector_org_id,omitempty"`
	ProviderOrgID string   `json:"provider_org_id"`
	RegionCode    string   `json:"region_code"`
	State         string   `json:"state"`
	Due           string   `json:"due"`
	DaysLeft      int      `json:"days_left"`
	// DeadlineProvisional: Due runs into a year without a holiday table (see Task).
	DeadlineProvisional bool      `json:"deadline_provisional,omitempty"`
	MissingYears        []int     `json:"deadline_missing_years,omitempty"`
	Decision            string    `json:"decision,omitempty"`
	Answer              string    `json:"answer,omitempty"`
	AnsweredBy          string    `json:"answered_by,omitempty"`
	AnsweredAt          time.Time `json:"answered_at,omitzero"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
	History             []Event   `json:"history,omitempty"`
	Actions             []string  `json:"actions,omitempty"`
}

// Disputed tells whether the record is marked disputed by this objection.
func (o Objection) Disputed() bool { return slices.Contains(disputedStates, o.State) }

func (o *Objection) attrs() authz.ObjectionAttrs {
	return authz.ObjectionAttrs{ProviderOrgID: o.ProviderOrgID, RegionCode: o.RegionCode, ObjectorUserID: o.ObjectorID}
}

const objCols = `id, entry_id, entry_name, record_key, kind, fields, description, proposed, objector_kind, objector_user_id, objector_name,
	objector_org_id, provider_org_id, region_code, state, due, decision, answer, answered_by, answered_at, created_at, updated_at`

func (s *Service) scanObjection(sc interface{ Scan(...any) error }) (Objection, error) {
	var o Objection
	var fj string
	var aa, c, u int64
	if err := sc.Scan(&o.ID, &o.EntryID, &o.EntryName, &o.Key, &o.Kind, &fj, &o.Description, &o.Proposed, &o.ObjectorKind, &o.ObjectorID,
		&o.ObjectorName, &o.ObjectorOrgID, &o.ProviderOrgID, &o.RegionCode, &o.State, &o.Due, &o.Decision, &o.Answer, &o.AnsweredBy, &aa, &c, &u); err != nil {
		return o, err
	}
	_ = json.Unmarshal([]byte(fj), &o.Fields)
	o.AnsweredAt, o.CreatedAt, o.UpdatedAt = db.FromMillis(aa), db.FromMillis(c), db.FromMillis(u)
	if due, err := workday.Parse(o.Due); err == nil && o.Disputed() {
		o.DaysLeft = s.Cal.Remaining(due, s.Now())
		o.MissingYears = s.Cal.ProvisionalYears(due, s.Now())
		o.DeadlineProvisional = len(o.MissingYears) > 0
	}
	return o, nil
}

// ObjectionInput is what raising an objection takes.
type ObjectionInput struct {
	EntryID     string   `json:"entry_id"`
	Key         string   `json:"key"` // the record's key, e.g. the citizen ID number in the population entry
	Kind        string   `json:"kind"`
	Fields      []string `json:"fields,omitempty"` // the disputed data items, if known
	Description string   `json:"description"`
	Proposed    string   `json:"proposed,omitempty"` // what the data should be
}

var (
	errNoRecord = apperr.New(422, "quality.record_not_found", "该目录中没有此记录；如为数据遗漏，请选择“数据遗漏”", "there is no such record in the entry; choose \"missing\" if the data is missing").
			With(apperr.Field("key", "找不到该记录", "no such record"))
	errDuplicate = apperr.New(409, "quality.objection_exists", "您对该记录已有未办结的异议", "you already have an open objection to this record")
	// ErrNotCorrected: "corrected" is the answer only once a newer version changed the disputed value.
	ErrNotCorrected = apperr.New(409, "quality.not_corrected", "记录中有异议的数据项尚未更改：请先通过数据归集更正后再答复“已更正”，或答复“不予更正”并说明理由",
		"the disputed values have not changed: load the corrected data first, or answer \"not corrected\" with reasons")
	// errNotYours answers a data subject's objection to a record that is not about it — or does
	// not exist: alike, so that the answer reveals nothing about other people's records.
	errNotYours = apperr.Hidden.With(apperr.Field("key", "找不到与您本人有关的该记录", "no record about you with this key"))
)

// callerSubjects are the identifiers the caller is the data subject of: its own citizen ID
// number (users.id_number) and its organization's credit code (orgs.credit_code).
//
// verified tells whether the caller's real-name identity is verified (users.verified_at), read
// from the database on every call so that a withdrawal takes effect at once.
func (s *Service) callerSubjects(ctx context.Context, p *authz.Principal) (idNumber, creditCode string, verified bool, err error) {
	if !p.Authenticated() {
		return "", "", false, apperr.Unauthenticated
	}
	var at int64
	err = s.DB.QueryRowContext(ctx, "SELECT id_number, verified_at FROM users WHERE id = $1", p.UserID).Scan(&idNumber, &at)
	if err != nil && !db.IsNoRows(err) {
		return "", "", false, err
	}
	if p.OrgID != "" {
		if err := s.DB.QueryRowContext(ctx, "SELECT credit_code FROM orgs WHERE id = $1", p.OrgID).Scan(&creditCode); err != nil && !db.IsNoRows(err) {
			return "", "", false, err
		}
	}
	return validate.NormalizeCitizenID(idNumber), validate.NormalizeCreditCode(creditCode), at != 0, nil
}

// recordSubjects are the persons and organizations a record is about: the values of its
// citizen-ID and credit-code fields (and of its key, when the record is missing).
func recordSubjects(e *catalog.Entry, key string, values map[string]string, found bool) (persons, orgs []string) {
	addKind := func(kind catalog.FieldKind, v string) {
		switch kind {
		case catalog.KindCitizenID:
			if v = validate.NormalizeCitizenID(v); v != "" {
				persons = append(persons, v)
			}
		case catalog.KindCreditCode:
			if v = validate.NormalizeCreditCode(v); v != "" {
				orgs = append(orgs, v)
			}
		}
	}
	if found {
		for _, f := range e.Fields {
			addKind(f.Kind, values[f.Name])
		}
		return
	}
	if ks := e.KeyFields(); len(ks) == 1 {
		f, _ := e.Field(ks[0])
		addKind(f.Kind, key)
	}
	return
}

// readsRecords tells whether p may read the records of entry e: its agency holds a live grant of
// the entry (it received the data, Receivers), or it may read the aggregated data itself
// (authz.Ingest ingest.read_data: the provider's and source agency's staff, covering authority
// administrators).
func (s *Service) readsRecords(ctx context.Context, p *authz.Principal, e *catalog.Entry, key string) bool {
	if authz.Ingest(p, authz.IngestReadData, authz.IngestAttrs{EntryID: e.ID, ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}) == nil {
		return true
	}
	if s.Receivers == nil || p.OrgID == "" {
		return false
	}
	orgs, err := s.Receivers(ctx, e.ID, key)
	return err == nil && slices.Contains(orgs, p.OrgID)
}

// MySubjects returns the caller's own citizen ID number and its organization's credit code
// (either may be empty), to prefill the objection form.
func (s *Service) MySubjects(ctx context.Context, p *authz.Principal) (idNumber, creditCode string, err error) {
	defer errs.Wrap(&err, "quality: MySubjects")
	idNumber, creditCode, _, err = s.callerSubjects(ctx, p)
	return
}

// CallerVerified tells whether p's real-name identity is verified (the objection form says so).
func (s *Service) CallerVerified(ctx context.Context, p *authz.Principal) bool {
	_, _, v, err := s.callerSubjects(ctx, p)
	return err == nil && v
}

// ObjectionEntries lists the published entries a record can be disputed in, by name: those
// holding a citizen ID number or a credit code (records about persons or organizations), or,
// for data users, every published entry.
func (s *Service) ObjectionEntries(ctx context.Context, p *authz.Principal) (_ []catalog.Entry, err error) {
	defer errs.Wrap(&err, "quality: ObjectionEntries")
	if s.ListPublished == nil {
		return nil, nil
	}
	all, err := s.ListPublished(ctx)
	if err != nil {
		return nil, err
	}
	user := p.OrgID != "" && ((p.OrgKind.IsDataHolder() && p.Has(authz.DataOfficer, authz.AgencyApprover)) || p.Has(authz.OperatorStaff))
	var out []catalog.Entry
	for _, e := range all {
		if e.ProviderOrgID == p.OrgID && p.OrgID != "" {
			continue
		}
		keep := user
		for _, f := range e.Fields {
			keep = keep || f.Kind == catalog.KindCitizenID || f.Kind == catalog.KindCreditCode
		}
		if keep {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// PublishedEntries lists every published entry by name (the other entry of a cross-source rule).
func (s *Service) PublishedEntries(ctx context.Context) (_ []catalog.Entry, err error) {
	defer errs.Wrap(&err, "quality: PublishedEntries")
	if s.ListPublished == nil {
		return nil, nil
	}
	all, err := s.ListPublished(ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all, nil
}

// canonicalKey normalizes a key typed by a person the way single identifier keys are stored.
func canonicalKey(e *catalog.Entry, key string) string {
	key = strings.TrimSpace(key)
	if ks := e.KeyFields(); len(ks) == 1 {
		f, _ := e.Field(ks[0])
		return normalizeKey(f.Kind, key)
	}
	return key
}

// Raise records an objection to a record and marks the record disputed until it is answered.
// The provider is told, with a deadline in working days; so is every agency that received it.
func (s *Service) Raise(ctx context.Context, p *authz.Principal, in ObjectionInput, clientIP string) (_ Objection, err error) {
	defer errs.Wrap(&err, "quality: Raise")
	if !p.Authenticated() {
		return Objection{}, apperr.Unauthenticated
	}
	var fe []apperr.FieldError
	add := func(field, zh, en string) { fe = append(fe, apperr.Field(field, zh, en)) }
	in.Description, in.Proposed = strings.TrimSpace(in.Description), strings.TrimSpace(in.Proposed)
	if strings.TrimSpace(in.EntryID) == "" {
		add("entry_id", "请选择目录条目", "choose a catalog entry")
	}
	if k := strings.TrimSpace(in.Key); utf8.RuneCountInString(k) > 200 {
		add("key", "记录标识（如公民身份号码）不超过 200 个字符", "the record's key (e.g. the citizen ID number) has at most 200 characters")
	}
	if _, ok := ObjKindNames[in.Kind]; !ok {
		add("kind", "异议类型须为数据错误、数据遗漏或侵犯商业秘密/个人隐私", "kind must be wrong, missing or infringing")
	}
	if n := utf8.RuneCountInString(in.Description); n == 0 || n > 2000 {
		add("description", "请填写异议说明（不超过 2000 字）", "describe the objection (at most 2000 characters)")
	}
	if utf8.RuneCountInString(in.Proposed) > 2000 {
		add("proposed", "更正建议不超过 2000 字", "the proposed correction must have at most 2000 characters")
	}
	if err := apperr.Validation(fe); err != nil {
		return Objection{}, err
	}
	e, err := s.published(ctx, in.EntryID)
	if err != nil {
		if apperr.As(err).Code == ErrNoEntry.Code {
			return Objection{}, ErrNoEntry.With(apperr.Field("entry_id", "目录条目不存在", "no such entry"))
		}
		return Objection{}, err
	}
	in.Fields = cleanList(in.Fields)
	for _, f := range in.Fields {
		if _, ok := e.Field(f); !ok {
			return Objection{}, apperr.Invalid.With(apperr.Field("fields", "目录条目中没有该信息项："+f, "the entry has no data item "+f))
		}
	}
	// Authorize before looking the record up (no existence oracle): a data user may dispute any
	// record; a data subject only records about itself and only once verified; anyone the entry
	// as a whole (empty key).
	idNum, credit, verified, err := s.callerSubjects(ctx, p)
	if err != nil {
		return Objection{}, err
	}
	provider := providerOf(e)
	at := authz.ObjectionAttrs{ProviderOrgID: provider, RegionCode: e.RegionCode, Record: strings.TrimSpace(in.Key) != "", Verified: verified, AboutCaller: true}
	if err := authz.Objection(p, authz.Create, at); err != nil {
		return Objection{}, err
	}
	kind, key := ObjectorUser, ""
	if at.Record {
		key = canonicalKey(e, in.Key)
		rec, found, err := s.lookup(ctx, e.ID, key)
		if err != nil {
			return Objection{}, err
		}
		if found && rec.Key != "" {
			key = rec.Key
		}
		persons, orgs := recordSubjects(e, key, rec.Values, found)
		switch {
		case idNum != "" && slices.Contains(persons, idNum):
			kind = ObjectorPerson
		case credit != "" && slices.Contains(orgs, credit):
			kind = ObjectorOrg
		}
		at.AboutCaller = kind != ObjectorUser
		if err := authz.Objection(p, authz.Create, at); err != nil {
			// Not about the caller: the same answer whether or not the record exists.
			return Objection{}, errNotYours
		}
		if kind == ObjectorUser && found && !s.readsRecords(ctx, p, e, key) {
			// A data user that may not read the entry's records (its agency received none of
			// them, and it may not read the aggregated data) is answered exactly as for a record
			// that does not exist: its objection must not tell it which keys are there.
			found, key = false, canonicalKey(e, in.Key)
		}
		if !found && in.Kind != ObjMissing {
			return Objection{}, errNoRecord
		}
	}
	var disputed string
	if at.Record {
		if rec, found, err := s.lookup(ctx, e.ID, key); err == nil && found {
			disputed = disputedHash(rec.Values, in.Fields)
		}
	}
	o := Objection{ID: ids.New(), EntryID: e.ID, EntryName: e.Name, Key: key, Kind: in.Kind, Fields: in.Fields, Description: in.Description,
		Proposed: in.Proposed, ObjectorKind: kind, ObjectorID: p.UserID, ObjectorName: orOr(p.DisplayName, p.Username), ObjectorOrgID: p.OrgID,
		ProviderOrgID: provider, RegionCode: e.RegionCode, State: ObjOpen}
	var receivers []string
	if s.Receivers != nil {
		if receivers, err = s.Receivers(ctx, e.ID, key); err != nil {
			return Objection{}, err
		}
	}
	now := s.Now()
	o.Due = workday.Format(s.Cal.AddWorkdays(now, s.Settings(ctx).ObjectionWorkdays))
	o.CreatedAt, o.UpdatedAt = now, now
	fj, _ := json.Marshal(nonNilStrings(o.Fields))
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var dup int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_objections WHERE objector_user_id = $1 AND entry_id = $2 AND record_key = $3 AND state IN ($4, $5, $6)",
			p.UserID, e.ID, key, ObjOpen, ObjVerifying, ObjOverdue).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return errDuplicate
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO quality_objections ("+objCols+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)",
			o.ID, o.EntryID, o.EntryName, o.Key, o.Kind, string(fj), o.Description, o.Proposed, o.ObjectorKind, o.ObjectorID, o.ObjectorName,
			o.ObjectorOrgID, o.ProviderOrgID, o.RegionCode, o.State, o.Due, "", "", "", int64(0), db.Millis(now), db.Millis(now)); err != nil {
			return err
		}
		if disputed != "" {
			if _, err := tx.ExecContext(ctx, "UPDATE quality_objections SET disputed_hash = $1 WHERE id = $2", disputed, o.ID); err != nil {
				return err
			}
		}
		if err := s.addEvent(ctx, tx, "quality_objection", o.ID, p, p.OrgID, "raise", "", ObjOpen, "",
			map[string]any{"entry_id": e.ID, "kind": o.Kind, "objector_kind": kind, "due": o.Due, "fields": o.Fields}, clientIP); err != nil {
			return err
		}
		kindZH, kindEN := ObjKindNames[o.Kind][0], ObjKindNames[o.Kind][1]
		if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: o.ProviderOrgID, Kind: "flag",
			TitleZH: "数据异议待核实：《" + e.Name + "》", TitleEN: "Objection to verify: " + orEN(e),
			BodyZH: bodyZH(o.Key == "", "目录条目整体被提出异议（"+kindZH+"）。", "有一条记录被提出异议（"+kindZH+"），已标注为“有异议”。") + "请于 " + o.Due + " 前核实、处理并答复。",
			BodyEN: bodyZH(o.Key == "", "The catalog entry as a whole was disputed ("+kindEN+"). ", "A record was disputed ("+kindEN+") and is marked disputed. ") + "Verify, handle and answer by " + o.Due + ".",
			Link:   "/objections/" + o.ID, ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.raise:" + o.ID}); err != nil {
			return err
		}
		for _, r := range receivers {
			if r == o.ProviderOrgID {
				continue
			}
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: r, Kind: "flag",
				TitleZH: "您获取的数据被提出异议：《" + e.Name + "》", TitleEN: "Data you received is disputed: " + orEN(e),
				BodyZH: "您单位获取的一条记录被提出异议，处理完毕前请审慎使用。", BodyEN: "A record your agency received is disputed; use it with care until it is answered.",
				ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.raise:" + o.ID + ":" + r}); err != nil {
				return err
			}
		}
		return nil
	})
	s.disputed.Clear() // objections changed: served records re-read their flag
	if err != nil {
		return Objection{}, err
	}
	return s.Objection(ctx, p, o.ID)
}

// bodyZH picks the entry-level or the record-level wording of a message.
func bodyZH(entryLevel bool, entry, record string) string {
	if entryLevel {
		return entry
	}
	return record
}

func orOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// Objection returns one objection with its history and the caller's possible actions. The
// record key is masked for readers who are neither the objector nor the provider.
func (s *Service) Objection(ctx context.Context, p *authz.Principal, id string) (_ Objection, err error) {
	defer errs.Wrap(&err, "quality: Objection(%s)", id)
	o, err := s.scanObjection(s.DB.QueryRowContext(ctx, "SELECT "+objCols+" FROM quality_objections WHERE id = $1", id))
	if db.IsNoRows(err) {
		return Objection{}, apperr.Hidden
	}
	if err != nil {
		return o, err
	}
	if err := authz.Objection(p, authz.Read, o.attrs()); err != nil {
		return Objection{}, apperr.Hidden // as if it did not exist
	}
	if o.History, err = s.history(ctx, "quality_objection", id); err != nil {
		return o, err
	}
	o.Actions = objMachine.events(o.State, objCall{p: p, attrs: o.attrs(), text: "-"})
	s.maskFor(ctx, p, &o)
	return o, nil
}

func (s *Service) maskFor(ctx context.Context, p *authz.Principal, o *Objection) {
	if p.UserID == o.ObjectorID || (p.OrgID != "" && p.OrgID == o.ProviderOrgID) {
		return
	}
	if e, err := s.entry(ctx, o.EntryID); err == nil {
		if ks := e.KeyFields(); len(ks) == 1 {
			o.Key = s.maskValue(e, ks[0], o.Key)
			return
		}
	}
	o.Key = s.Mask.Value(catalog.KindText, o.Key)
}

// ObjectionFilter selects objections.
type ObjectionFilter struct {
	Mine    bool   // raised by the caller
	State   string // a state, or "live" for the disputed states
	EntryID string
	Limit   int
	Offset  int
}

// Objections lists objections, newest first: the caller's own (Mine), or the queue it may see:
// its agency's as provider, its region's for the authority, all for auditors and oversight.
func (s *Service) Objections(ctx context.Context, p *authz.Principal, f ObjectionFilter) (_ []Objection, _ int, err error) {
	defer errs.Wrap(&err, "quality: Objections")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	if !p.Scoped("read") {
		return nil, 0, apperr.Forbidden
	}
	where, args := []string{"1=1"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch {
	case f.Mine:
		where = append(where, "objector_user_id = "+arg(p.UserID))
	case p.Has(authz.Auditor, authz.Oversight):
	case p.IsAuthority():
		where = append(where, "region_code LIKE "+arg(regionPrefix(p.RegionCode)+"%"))
	case p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer):
		where = append(where, "provider_org_id = "+arg(p.OrgID))
	default:
		return nil, 0, apperr.Forbidden
	}
	switch f.State {
	case "":
	case "live":
		where = append(where, "state IN ("+arg(ObjOpen)+","+arg(ObjVerifying)+","+arg(ObjOverdue)+")")
	default:
		where = append(where, "state = "+arg(f.State))
	}
	if f.EntryID != "" {
		where = append(where, "entry_id = "+arg(f.EntryID))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_objections WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+objCols+" FROM quality_objections WHERE "+cond+
		fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	var out []Objection
	for rows.Next() {
		o, err := s.scanObjection(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	for i := range out {
		s.maskFor(ctx, p, &out[i])
	}
	return out, total, nil
}

// ObjectionAction is an event a person fires on an objection.
type ObjectionAction struct {
	Event  string `json:"event"` // verify | correct | reject | withdraw | note
	Answer string `json:"answer,omitempty"`
}

// ActOnObjection fires an event through the objection state machine, audited. Answering
// (correct, reject) clears the disputed mark and tells the objector, the provider and every
// agency that received the record.
func (s *Service) ActOnObjection(ctx context.Context, p *authz.Principal, id string, in ObjectionAction, clientIP string) (_ Objection, err error) {
	defer errs.Wrap(&err, "quality: ActOnObjection(%s)", id)
	in.Answer = strings.TrimSpace(in.Answer)
	if utf8.RuneCountInString(in.Answer) > 4000 {
		return Objection{}, apperr.Invalid.With(apperr.Field("answer", "答复不超过 4000 字", "the answer must have at most 4000 characters"))
	}
	if in.Event == "overdue" {
		return Objection{}, ErrBadEvent.With(apperr.Field("event", "此操作由系统执行", "this action is taken by the system"))
	}
	var o Objection
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = s.scanObjection(tx.QueryRowContext(ctx, "SELECT "+objCols+" FROM quality_objections WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if err := authz.Objection(p, authz.Read, o.attrs()); err != nil {
			return apperr.Hidden // as if it did not exist
		}
		to, err := objMachine.next(o.State, in.Event, objCall{p: p, attrs: o.attrs(), text: in.Answer})
		if err != nil {
			return err
		}
		if in.Event == "correct" && o.Key != "" {
			if err := s.changedSinceRaised(ctx, tx, &o); err != nil {
				return err
			}
		}
		now := s.Now()
		answered := in.Event == "correct" || in.Event == "reject"
		if answered {
			_, err = tx.ExecContext(ctx, "UPDATE quality_objections SET state = $1, decision = $2, answer = $3, answered_by = $4, answered_at = $5, updated_at = $5 WHERE id = $6",
				to, in.Event, in.Answer, actorName(p), db.Millis(now), id)
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE quality_objections SET state = $1, updated_at = $2 WHERE id = $3", to, db.Millis(now), id)
		}
		if err != nil {
			return err
		}
		if err := s.addEvent(ctx, tx, "quality_objection", id, p, o.ProviderOrgID, in.Event, o.State, to, in.Answer, nil, clientIP); err != nil {
			return err
		}
		from := o.State
		o.State = to
		switch {
		case answered:
			return s.notifyAnswer(ctx, tx, &o, in.Event, in.Answer)
		case in.Event == "withdraw":
			_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: o.ProviderOrgID, Kind: "info",
				TitleZH: "异议已撤回：《" + o.EntryName + "》", TitleEN: "Objection withdrawn: " + o.EntryName,
				BodyZH: "异议人已撤回异议，记录的“有异议”标注已解除。", BodyEN: "The objector withdrew the objection; the disputed mark is cleared.",
				Link: "/objections/" + id, ObjectType: "quality_objection", ObjectID: id})
			return err
		case in.Event == "note" && p.UserID != o.ObjectorID:
			_, err := s.Notify.Send(ctx, tx, notify.Message{UserID: o.ObjectorID, Kind: "info",
				TitleZH: "异议处理进展：《" + o.EntryName + "》", TitleEN: "Progress on your objection: " + o.EntryName,
				BodyZH: in.Answer, BodyEN: in.Answer, Link: "/objections/" + id, ObjectType: "quality_objection", ObjectID: id})
			return err
		case in.Event == "verify" && from == ObjOpen:
			_, err := s.Notify.Send(ctx, tx, notify.Message{UserID: o.ObjectorID, Kind: "info",
				TitleZH: "异议已受理核实：《" + o.EntryName + "》", TitleEN: "Your objection is being verified: " + o.EntryName,
				BodyZH: "数据提供部门正在核实您的异议，答复期限为 " + o.Due + "。", BodyEN: "The provider is verifying your objection; the answer is due by " + o.Due + ".",
				Link: "/objections/" + id, ObjectType: "quality_objection", ObjectID: id})
			return err
		}
		return nil
	})
	s.disputed.Clear() // objections changed: served records re-read their flag
	if err != nil {
		return Objection{}, err
	}
	return s.Objection(ctx, p, id)
}

// notifyAnswer tells the objector, the provider and every agency that received the record.
func (s *Service) notifyAnswer(ctx context.Context, tx *sql.Tx, o *Objection, decision, answer string) error {
	dzh, den := "已更正", "corrected"
	if decision == "reject" {
		dzh, den = "不予更正", "not corrected"
	}
	link := "/objections/" + o.ID
	if _, err := s.Notify.Send(ctx, tx, notify.Message{UserID: o.ObjectorID, Kind: "info",
		TitleZH: "异议答复（" + dzh + "）：《" + o.EntryName + "》", TitleEN: "Answer to your objection (" + den + "): " + o.EntryName,
		BodyZH: answer, BodyEN: answer, Link: link, ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.answer:" + o.ID}); err != nil {
		return err
	}
	if s.Receivers == nil {
		return nil
	}
	receivers, err := s.Receivers(ctx, o.EntryID, o.Key)
	if err != nil {
		return err
	}
	for _, r := range receivers {
		if r == o.ProviderOrgID {
			continue
		}
		if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: r, Kind: "info",
			TitleZH: "您获取的数据异议已处理（" + dzh + "）：《" + o.EntryName + "》", TitleEN: "Objection to data you received answered (" + den + "): " + o.EntryName,
			BodyZH:     "提供部门答复：" + answer + (map[bool]string{true: "。请重新获取更正后的数据。", false: ""})[decision == "correct"],
			BodyEN:     "The provider answered: " + answer + (map[bool]string{true: ". Fetch the corrected data again.", false: ""})[decision == "correct"],
			ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.answer:" + o.ID + ":" + r}); err != nil {
			return err
		}
	}
	return nil
}

// disputedSet is an entry's open-objection keys as read at a moment. The gateway asks on every
// call, so the set is kept for up to a second; this node clears it whenever an objection
// changes, other nodes see the change within the second.
type disputedSet struct {
	keys []string
	at   time.Time
}

// IsDisputed tells which of the keys of an entry carry an open objection (the loader's
// IsDisputed hook: served records are marked disputed, 标注为有异议).
func (s *Service) IsDisputed(ctx context.Context, entryID string, keys []string) (_ map[string]bool, err error) {
	defer errs.Wrap(&err, "quality: IsDisputed(%s)", entryID)
	out := make(map[string]bool, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var disputed []string
	if v, ok := s.disputed.Load(entryID); ok && time.Since(v.(disputedSet).at) < time.Second {
		disputed = v.(disputedSet).keys
	} else {
		rows, err := s.DB.QueryFast(ctx, "SELECT DISTINCT record_key FROM quality_objections WHERE entry_id = $1 AND state IN ($2, $3, $4)",
			entryID, ObjOpen, ObjVerifying, ObjOverdue)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			disputed = append(disputed, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		s.disputed.Store(entryID, disputedSet{keys: disputed, at: time.Now()})
	}
	if len(disputed) == 0 {
		return out, nil
	}
	set := make(map[string]bool, len(disputed))
	for _, k := range disputed {
		set[k] = true
	}
	for _, k := range keys {
		if set[k] {
			out[k] = true
		}
	}
	return out, nil
}

func (s *Service) objectionDeadlines(ctx context.Context, now time.Time) error {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+objCols+" FROM quality_objections WHERE state IN ($1, $2) ORDER BY due, id", ObjOpen, ObjVerifying)
	if err != nil {
		return err
	}
	var os []Objection
	for rows.Next() {
		o, err := s.scanObjection(rows)
		if err != nil {
			rows.Close()
			return err
		}
		os = append(os, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	sys := authz.System
	for _, o := range os {
		due, err := workday.Parse(o.Due)
		if err != nil {
			continue
		}
		if !workday.Overdue(due, now) {
			if s.Cal.Remaining(due, now) <= 1 {
				if _, err := s.Notify.Send(ctx, s.DB, notify.Message{OrgID: o.ProviderOrgID, Kind: "reminder",
					TitleZH: "异议即将到期：《" + o.EntryName + "》", TitleEN: "Objection due soon: " + o.EntryName,
					BodyZH: "异议答复期限为 " + o.Due + "。", BodyEN: "The answer is due by " + o.Due + ".",
					Link: "/objections/" + o.ID, ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.remind:" + o.ID + ":" + o.Due}); err != nil {
					return err
				}
			}
			continue
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var state string
			if err := tx.QueryRowContext(ctx, "SELECT state FROM quality_objections WHERE id = $1"+s.DB.ForUpdate(), o.ID).Scan(&state); err != nil {
				return err
			}
			to, err := objMachine.next(state, "overdue", objCall{p: sys, attrs: o.attrs(), system: true})
			if err != nil {
				return nil // answered meanwhile
			}
			if _, err := tx.ExecContext(ctx, "UPDATE quality_objections SET state = $1, updated_at = $2 WHERE id = $3", to, db.Millis(now), o.ID); err != nil {
				return err
			}
			auths, err := s.authorityOrgs(ctx, tx, o.RegionCode)
			if err != nil {
				return err
			}
			if err := s.addEvent(ctx, tx, "quality_objection", o.ID, sys, o.ProviderOrgID, "overdue", state, to,
				"答复期限 "+o.Due+" 已过，上报主管部门 / past the deadline, escalated", map[string]any{"authorities": auths}, ""); err != nil {
				return err
			}
			for _, a := range auths {
				if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: a, Kind: "escalation",
					TitleZH: "数据异议逾期未答复：《" + o.EntryName + "》", TitleEN: "Objection not answered in time: " + o.EntryName,
					BodyZH: "答复期限 " + o.Due + " 已过，提供部门尚未答复，请督办。", BodyEN: "The answer was due by " + o.Due + "; please follow up with the provider.",
					Link: "/objections/" + o.ID, ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.escalate:" + o.ID + ":" + a}); err != nil {
					return err
				}
			}
			_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: o.ProviderOrgID, Kind: "reminder",
				TitleZH: "数据异议已逾期：《" + o.EntryName + "》", TitleEN: "Objection overdue: " + o.EntryName,
				BodyZH: "答复期限 " + o.Due + " 已过，已上报主管部门，请尽快答复。", BodyEN: "The deadline " + o.Due + " has passed and the authority was told; answer soon.",
				Link: "/objections/" + o.ID, ObjectType: "quality_objection", ObjectID: o.ID, DedupKey: "quality.objection.overdue:" + o.ID})
			return err
		})
		s.disputed.Clear() // objections changed: served records re-read their flag
		if err != nil {
			return err
		}
	}
	return nil
}

// disputedHash digests the disputed values of a record (all of them when no data item was named).
func disputedHash(values map[string]string, fields []string) string {
	if len(fields) == 0 {
		for k := range values {
			fields = append(fields, k)
		}
	}
	fields = slices.Clone(fields)
	slices.Sort(fields)
	h := sha256.New()
	for _, f := range fields {
		v, ok := values[f]
		fmt.Fprintf(h, "%q=%t:%q;", f, ok, v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// changedSinceRaised holds "corrected" back until the data shows the correction: a missing
// record must now exist; a disputed one must have changed in a disputed item (or be gone).
func (s *Service) changedSinceRaised(ctx context.Context, q db.Q, o *Objection) error {
	var was string
	if err := q.QueryRowContext(ctx, "SELECT disputed_hash FROM quality_objections WHERE id = $1", o.ID).Scan(&was); err != nil {
		return err
	}
	rec, found, err := s.lookup(ctx, o.EntryID, o.Key)
	if err != nil {
		return err
	}
	switch {
	case o.Kind == ObjMissing && was == "":
		if !found {
			return ErrNotCorrected
		}
	case was == "": // raised before the digest was kept
	case found && disputedHash(rec.Values, o.Fields) == was:
		return ErrNotCorrected
	}
	return nil
}
