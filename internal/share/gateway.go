package share

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/csvsafe"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/ingest"
	"pubdata/internal/mask"
	"pubdata/internal/workday"
)

// The gateway (共享网关, SHR-10, SEC-2) serves an entry's current data through one grant only.
// Every call: the grant row is read (so suspension, revocation and expiry take effect on the
// next call on every node), the caller is checked against it, only granted fields leave, masked
// unless the grant allows clear values, disputed records are flagged, and the call is written to
// the audit log durably before any data is returned. Every call counts against the grant's
// call rate and daily quota (limits.go). Per-grant statistics are counted in memory and added to
// the database at most a second later.

// Out is one record as the gateway returns it.
type Out struct {
	Values   map[string]string `json:"values"`
	Masked   []string          `json:"masked,omitempty"` // fields whose values are desensitized
	Disputed bool              `json:"disputed"`         // the record is under objection (异议, QUA-3)
	Version  int64             `json:"version"`
	// More holds the other records a lookup by ID number or credit code found, when the entry
	// is keyed by something else (a household with several water accounts).
	More []Out `json:"more,omitempty"`
}

type outField struct {
	name string
	kind catalog.FieldKind
	mask bool
}

// plan is what a grant lets out of its entry, computed once per grant revision.
type plan struct {
	rev      int64
	loaded   time.Time
	grant    Grant
	out      []outField
	masked   []string
	filter   map[string]bool              // fields a query may filter on (clear or key fields)
	compare  map[string]catalog.FieldKind // fields a verification may compare
	upperKey bool                         // the key is an ID number or credit code (case-folded)
	rules    mask.Rules                   // the entry's masking rules in force (region's, tightened by the entry's)
	// idFields are granted ID-number and credit-code fields other than a sole key: a
	// verification may name a person or organization by them when the entry is keyed otherwise
	// (a marriage record keyed by certificate number: "does this ID number hold a marriage
	// record?"; a social-insurance record keyed by ID number and insurance type).
	idFields []string
	read     []string // the fields a lookup reads from the database: those delivered
	// dateField is the entry's first date field: among a subject's records, the current one is
	// the one with the latest date in it (see currentRecord).
	dateField string
}

type statKey struct{ grant, day string }

type statDelta struct {
	org                    string
	calls, records, denied int64
	offhours               int64 // calls made outside working hours
	last                   int64
}

type gateway struct {
	mu     sync.RWMutex
	plans  map[string]*plan
	limits map[string]*limiter // per grant, on this node
	// noLimits switches the call limits off (BenchmarkWithoutCallLimits): only bench/gateway
	// sets it, to measure what the limits cost; no configuration reaches it.
	noLimits atomic.Bool

	smu      sync.Mutex
	stats    map[statKey]*statDelta
	flushed  time.Time
	flushing bool
	offDay   string // the day offHours was last decided for, and the hours it is off
	offHours [24]bool
}

func newGateway() *gateway {
	return &gateway{plans: map[string]*plan{}, limits: map[string]*limiter{}, stats: map[statKey]*statDelta{}, flushed: time.Now()}
}

func (g *gateway) get(id string) *plan {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.plans[id]
}

func (g *gateway) put(id string, p *plan) {
	g.mu.Lock()
	g.plans[id] = p
	g.mu.Unlock()
}

func (g *gateway) forget(id string) {
	g.mu.Lock()
	delete(g.plans, id)
	g.mu.Unlock()
}

// buildPlan decides, field by field, what a grant delivers from the entry as published now.
// A field the catalog has since put on the negative list is no longer delivered by data grants.
func (s *Service) buildPlan(g *Grant, e *catalog.Entry) *plan {
	pl := &plan{rev: g.Rev, loaded: time.Now(), grant: *g, filter: map[string]bool{}, compare: map[string]catalog.FieldKind{}, rules: e.MaskingRules()}
	if pl.rules == nil { // an entry read without its masking resolved: the service's rules
		pl.rules = s.Rules
	}
	for i := range e.Fields {
		f := &e.Fields[i]
		if !slices.Contains(g.Fields, f.Name) {
			continue
		}
		if s.comparable(e, f) { // never a masked field or one on the negative list (SHR-6)
			pl.compare[f.Name] = f.Kind
		}
		if f.Kind == catalog.KindCitizenID || f.Kind == catalog.KindCreditCode {
			pl.idFields = append(pl.idFields, f.Name)
		}
		if g.Kind == KindData && fieldShareType(e, f) == catalog.ShareNone {
			continue
		}
		m := !slices.Contains(g.ClearFields, f.Name) && NeedsMask(e, f, pl.rules)
		pl.out = append(pl.out, outField{name: f.Name, kind: f.Kind, mask: m})
		pl.read = append(pl.read, f.Name)
		if m {
			pl.masked = append(pl.masked, f.Name)
		}
		if (!m || f.IsKey) && filterable(g, f) {
			pl.filter[f.Name] = true
		}
	}
	keys := e.KeyFields()
	if len(keys) == 1 { // the sole key is looked up directly; no second query on it
		pl.idFields = slices.DeleteFunc(pl.idFields, func(n string) bool { return n == keys[0] })
	}
	for i := range e.Fields {
		if e.Fields[i].Type == catalog.TypeDate {
			pl.dateField = e.Fields[i].Name
			break
		}
	}
	pl.upperKey = len(keys) > 0
	for _, k := range keys {
		f, _ := e.Field(k)
		if f.Kind != catalog.KindCitizenID && f.Kind != catalog.KindCreditCode {
			pl.upperKey = false
		}
	}
	return pl
}

func (pl *plan) render(rules mask.Rules, rec Record) Out {
	vals := make(map[string]string, len(pl.out))
	for _, f := range pl.out {
		v := rec.Values[f.name]
		if f.mask {
			v = rules.Value(f.kind, v)
		}
		vals[f.name] = v
	}
	return Out{Values: vals, Masked: pl.masked, Disputed: rec.Disputed, Version: rec.Version}
}

// grantState is what every gateway call re-reads of its grant.
type grantState struct {
	status, end, consumer, reqID, cause string
	rev                                 int64
}

var grantStateColumns = []string{"status", "end_date", "rev", "consumer_org_id", "request_id", "suspend_cause"}

func (g *grantState) dest() []any {
	return []any{&g.status, &g.end, &g.rev, &g.consumer, &g.reqID, &g.cause}
}

const grantRowSQL = "SELECT status, end_date, rev, consumer_org_id, request_id, suspend_cause FROM share_grants WHERE id = $1"

// authorize checks a gateway caller against its grant and returns the grant's plan.
func (s *Service) authorize(ctx context.Context, p *authz.Principal) (*plan, error) {
	if p == nil || p.TokenID == "" || p.Subject == "" {
		return nil, ErrNeedGrant
	}
	if s.Data == nil {
		return nil, ErrEntryGone
	}
	var g grantState
	// A cached prepared statement: parsed once per connection, not once per call.
	err := s.DB.QueryRowFast(ctx, grantRowSQL, p.Subject).Scan(g.dest()...)
	return s.checkGrant(ctx, p, g, err)
}

// checkGrant decides on the grant state just read (readErr: how reading it went) and returns the
// grant's plan, rebuilt when the grant has changed since it was cached.
func (s *Service) checkGrant(ctx context.Context, p *authz.Principal, gs grantState, readErr error) (*plan, error) {
	if db.IsNoRows(readErr) {
		return nil, ErrNeedGrant
	}
	if readErr != nil {
		return nil, readErr
	}
	if err := authz.Share(p, authz.ShareUse, authz.ShareAttrs{ConsumerOrgID: gs.consumer, GrantID: p.Subject}); err != nil {
		return nil, err
	}
	switch GrantStatus(gs.status) {
	case GrantActive:
	case GrantSuspended:
		return nil, causeErr(gs.cause) // share.grant_suspended, or the catalog change's own code
	case GrantRevoked:
		return nil, ErrGrantRevoked
	case GrantExpired:
		return nil, ErrGrantExpired
	default:
		return nil, ErrGrantPending
	}
	if gs.end < s.today() {
		_ = s.expire(ctx, gs.reqID)
		return nil, ErrGrantExpired
	}
	if pl := s.cachedPlan(p.Subject); pl != nil && pl.rev == gs.rev {
		return pl, s.admit(ctx, pl)
	}
	g, err := s.loadGrant(ctx, s.DB, p.Subject)
	if err != nil {
		return nil, err
	}
	if g.Status != GrantActive {
		return nil, ErrGrantSusp
	}
	e, err := s.Catalog.Published(ctx, g.EntryID)
	ep := &e
	if err != nil {
		if apperr.As(err).Status >= 500 {
			return nil, ErrEntryGone.Wrap(err)
		}
		ep = nil // withdrawn: the rule says so below
	}
	// The grant must still fit its entry as published now (rule.go); a change the catalog hook
	// did not see suspends it here, with the same cause and code.
	if cause := s.grantCause(ep, &g); cause != "" {
		s.suspendNow(ctx, g.RequestID, cause)
		s.gw.forget(g.ID)
		return nil, causeErr(cause)
	}
	pl := s.buildPlan(&g, &e)
	s.gw.put(g.ID, pl)
	return pl, s.admit(ctx, pl)
}

// cachedPlan is the plan cached for a grant, if it is younger than PlanTTL.
func (s *Service) cachedPlan(grantID string) *plan {
	if pl := s.gw.get(grantID); pl != nil && time.Since(pl.loaded) < s.PlanTTL {
		return pl
	}
	return nil
}

// callEvent is the audit record of one gateway call.
func callEvent(p *authz.Principal, ip, action string, pl *plan, detail map[string]any) audit.Event {
	ev := audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "share.gateway." + action,
		ObjectType: "catalog_entry", ClientIP: ip, GrantID: p.Subject, Detail: detail}
	if pl != nil {
		ev.ObjectID, ev.Purpose = pl.grant.EntryID, pl.grant.Scenario
	}
	return ev
}

// refuse audits and counts a refused call, then returns its error.
func (s *Service) refuse(ctx context.Context, p *authz.Principal, ip, action string, pl *plan, cause error) error {
	e := apperr.As(cause)
	ev := callEvent(p, ip, action, pl, map[string]any{"code": e.Code})
	ev.Result = audit.Denied
	if e.Status >= 500 {
		ev.Result = audit.Failed
	}
	if p != nil && p.Subject != "" {
		s.count(p.Subject, p.OrgID, 0, 0, 1)
	}
	if err := s.Audit.Log(ctx, ev); err != nil {
		return err
	}
	return cause
}

// keyRef is how a looked-up key is kept in the audit log: masked for reading, and as a keyed
// hash (audit pseudonym, HMAC under the platform secret) for tracing a data subject's accesses —
// a subject's own key maps to the same value, and unlike a plain hash it cannot be reversed by
// trying every ID number.
func (s *Service) keyRef(ctx context.Context, key string) (map[string]any, error) {
	r := []rune(key)
	shown := key
	if len(r) > 6 {
		shown = string(r[:3]) + strings.Repeat("*", len(r)-5) + string(r[len(r)-2:])
	} else {
		shown = strings.Repeat("*", len(r))
	}
	ref, err := s.Audit.Pseudonym(ctx, key)
	return map[string]any{"key": shown, "key_hmac": ref}, err
}

// dataErr passes the data source's own user-facing errors (e.g. an entry without a key cannot
// be looked up by key) and hides anything else behind "internal".
func dataErr(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Status > 0 && ae.Status < 500 {
		return ae
	}
	return apperr.Internal.Wrap(err)
}

func isNotFound(err error) bool {
	if errors.Is(err, sql.ErrNoRows) {
		return true
	}
	var ae *apperr.Error
	return errors.As(err, &ae) && ae.Status == 404
}

// GatewayGrant describes the caller's own grant: what it may read and until when.
type GrantView struct {
	GrantID    string   `json:"grant_id"`
	Entry      string   `json:"entry_code"`
	EntryName  string   `json:"entry_name"`
	Kind       Kind     `json:"kind"`
	Mode       Mode     `json:"mode"`
	Fields     []string `json:"fields"`
	Masked     []string `json:"masked"`
	Filterable []string `json:"filterable"`
	Scenario   string   `json:"scenario"`
	EndDate    string   `json:"end_date"`
	Status     string   `json:"status"`
	// The grant's call limits (every call counts; over them the gateway answers 429).
	RatePerMinute int `json:"rate_per_minute"`
	DailyQuota    int `json:"daily_quota"`
}

// GatewayInfo returns the caller's grant as the gateway applies it.
func (s *Service) GatewayInfo(ctx context.Context, p *authz.Principal, ip string) (_ GrantView, err error) {
	defer wrapErr(&err, "gateway info")
	pl, err := s.authorize(ctx, p)
	if err != nil {
		return GrantView{}, s.refuse(ctx, p, ip, "info", pl, err)
	}
	v := GrantView{GrantID: pl.grant.ID, Entry: pl.grant.EntryCode, EntryName: pl.grant.EntryName, Kind: pl.grant.Kind, Mode: pl.grant.Mode,
		Scenario: pl.grant.Scenario, EndDate: pl.grant.EndDate, Status: string(GrantActive), Masked: append([]string{}, pl.masked...), Fields: []string{}, Filterable: []string{}}
	v.RatePerMinute, v.DailyQuota = pl.grant.Limits.RatePerMinute, pl.grant.Limits.DailyQuota
	for _, f := range pl.out {
		v.Fields = append(v.Fields, f.name)
		if pl.filter[f.name] {
			v.Filterable = append(v.Filterable, f.name)
		}
	}
	if pl.grant.Kind == KindVerify {
		v.Fields = v.Fields[:0]
		for n := range pl.compare {
			v.Fields = append(v.Fields, n)
		}
		slices.Sort(v.Fields)
		v.Masked, v.Filterable = []string{}, []string{}
	}
	if err := s.Audit.Log(ctx, callEvent(p, ip, "info", pl, nil)); err != nil {
		return GrantView{}, err
	}
	return v, nil
}

// Lookup returns one record by its key (ID number, credit code or the entry's key). A key that is
// not in the entry is a plain not found, the same whatever exists elsewhere.
func (s *Service) Lookup(ctx context.Context, p *authz.Principal, ip, key string) (_ Out, err error) {
	defer wrapErr(&err, "gateway lookup")
	key = strings.TrimSpace(key)
	var recs []Record
	pl, read, err := s.lookupWithGrant(ctx, p, key)
	if pl == nil && err == nil {
		pl, err = s.authorize(ctx, p)
	}
	if err == nil && pl.grant.Kind == KindVerify {
		err = ErrVerifyOnly
	}
	if err == nil && pl.grant.Kind == KindProduct {
		err = ErrProductOnly
	}
	if err == nil && (key == "" || len(key) > 200) {
		err = apperr.Invalid.With(apperr.Field("key", "请提供查询键值", "give the key to look up"))
	}
	if err != nil {
		return Out{}, s.refuse(ctx, p, ip, "lookup", pl, err)
	}
	if pl.upperKey {
		key = strings.ToUpper(key)
	}
	// The entry's own key first; for an entry keyed by something else (account or certificate
	// number), an ID number or credit code finds the records whose granted identifier fields hold it.
	if read.found {
		recs = []Record{read.rec}
	} else if !read.ok || len(pl.idFields) > 0 {
		recs, err = s.verifyCandidates(ctx, pl, key)
	}
	if err != nil {
		return Out{}, s.refuse(ctx, p, ip, "lookup", pl, dataErr(err))
	}
	d, err := s.keyRef(ctx, key)
	if err != nil {
		return Out{}, err
	}
	d["found"] = len(recs) > 0
	if len(recs) > 1 {
		d["records"] = len(recs)
	}
	if err := s.Audit.Log(ctx, callEvent(p, ip, "lookup", pl, d)); err != nil {
		return Out{}, err
	}
	if len(recs) == 0 {
		s.count(pl.grant.ID, p.OrgID, 1, 0, 0)
		return Out{}, apperr.NotFound
	}
	s.count(pl.grant.ID, p.OrgID, 1, int64(len(recs)), 0)
	out := pl.render(pl.rules, recs[0])
	for _, r := range recs[1:] {
		out.More = append(out.More, pl.render(pl.rules, r))
	}
	return out, nil
}

// keyRead is a record read together with its grant.
type keyRead struct {
	ok    bool // the record was looked up by the entry's key
	found bool
	rec   Record
}

// lookupWithGrant is a lookup's fast path: when the grant's plan is cached, the grant's state and
// the record are read in one statement, and checked exactly as authorize checks them. It returns
// no plan and no error when the caller must authorize the usual way (no cached plan, a
// verification grant, an entry without a key, a key that is not plausible), and read.ok = false
// when the record must still be read (the grant changed and has a new plan).
func (s *Service) lookupWithGrant(ctx context.Context, p *authz.Principal, key string) (pl *plan, read keyRead, err error) {
	if p == nil || p.TokenID == "" || p.Subject == "" || s.Data == nil || key == "" || len(key) > 200 {
		return nil, read, nil
	}
	cached := s.cachedPlan(p.Subject)
	if cached == nil || cached.grant.Kind == KindVerify || cached.grant.Kind == KindProduct {
		return nil, read, nil
	}
	k := key
	if cached.upperKey {
		k = strings.ToUpper(k)
	}
	var gs grantState
	rec, found, lerr := s.Data.LookupAlongside(ctx, cached.grant.EntryID, k, ingest.Alongside{
		Table: "share_grants", Columns: grantStateColumns, ID: p.Subject, Dest: gs.dest(), Fields: cached.read})
	if lerr != nil && !db.IsNoRows(lerr) {
		return nil, read, nil // e.g. the entry has no key now: the usual path answers
	}
	pl, err = s.checkGrant(ctx, p, gs, lerr)
	if err != nil || pl != cached {
		return pl, keyRead{}, err // refused, or a new plan: the record is read again under it
	}
	return pl, keyRead{ok: true, found: found, rec: rec}, nil
}

// Query returns a filtered page of records. Filters may name only fields the grant marks
// filterable, which are delivered in clear (or key fields): filtering on a masked value would
// reveal it. An API grant answers per record and cannot list its entry (SHR-10): a query
// without a filter, or with an empty value, is refused.
func (s *Service) Query(ctx context.Context, p *authz.Principal, ip string, filter map[string]string, limit, offset int) (_ []Out, _ int, err error) {
	defer wrapErr(&err, "gateway query")
	pl, err := s.authorize(ctx, p)
	if err == nil && pl.grant.Kind == KindVerify {
		err = ErrVerifyOnly
	}
	if err == nil && pl.grant.Kind == KindProduct {
		err = ErrProductOnly
	}
	perRecord := err == nil && pl.grant.Mode == ModeAPI
	if perRecord && len(filter) == 0 {
		err = ErrNeedFilter
	}
	if err == nil {
		var fe []apperr.FieldError
		for k, v := range filter {
			if !pl.filter[k] {
				fe = append(fe, apperr.Field("filter."+k, "不能按未授权、已脱敏或未列为可筛选的信息项筛选", "cannot filter on a field that is not granted, is masked or is not marked filterable"))
			} else if perRecord && strings.TrimSpace(v) == "" {
				fe = append(fe, apperr.Field("filter."+k, "请提供筛选值", "give a value to filter on"))
			}
		}
		if limit < 1 || limit > s.Limits.MaxPage {
			fe = append(fe, apperr.Field("page_size", "每页条数超出限制", "page size out of range"))
		}
		if offset < 0 {
			fe = append(fe, apperr.Field("page", "页码无效", "invalid page"))
		}
		err = apperr.Validation(fe)
	}
	if err != nil {
		return nil, 0, s.refuse(ctx, p, ip, "query", pl, err)
	}
	recs, total, err := s.Data.Query(ctx, pl.grant.EntryID, filter, limit, offset)
	if err != nil {
		return nil, 0, s.refuse(ctx, p, ip, "query", pl, dataErr(err))
	}
	fk := make([]string, 0, len(filter))
	for k := range filter {
		fk = append(fk, k)
	}
	slices.Sort(fk)
	if err := s.Audit.Log(ctx, callEvent(p, ip, "query", pl, map[string]any{"filter_fields": fk, "returned": len(recs), "offset": offset})); err != nil {
		return nil, 0, err
	}
	s.count(pl.grant.ID, p.OrgID, 1, int64(len(recs)), 0)
	out := make([]Out, len(recs))
	for i, r := range recs {
		out[i] = pl.render(pl.rules, r)
	}
	return out, total, nil
}

// Export is a bulk delivery in progress (table or file mode).
type Export struct {
	s      *Service
	pl     *plan
	p      *authz.Principal
	ip     string
	Format string // csv | json
}

// BeginExport checks a bulk delivery (批量交付) and records its start; Write streams it.
func (s *Service) BeginExport(ctx context.Context, p *authz.Principal, ip, format string) (_ *Export, err error) {
	defer wrapErr(&err, "begin export")
	pl, err := s.authorize(ctx, p)
	switch {
	case err != nil:
	case pl.grant.Kind == KindVerify:
		err = ErrVerifyOnly
	case pl.grant.Kind == KindProduct:
		err = ErrProductOnly
	case pl.grant.Mode != ModeTable && pl.grant.Mode != ModeFile:
		err = ErrModeBulk
	case format != "csv" && format != "json":
		err = apperr.Invalid.With(apperr.Field("format", "格式应为 CSV 或 JSON", "the format must be CSV or JSON"))
	}
	if err != nil {
		return nil, s.refuse(ctx, p, ip, "export", pl, err)
	}
	if err := s.Audit.Log(ctx, callEvent(p, ip, "export", pl, map[string]any{"format": format})); err != nil {
		return nil, err
	}
	return &Export{s: s, pl: pl, p: p, ip: ip, Format: format}, nil
}

// ContentType is the MIME type of the export.
func (x *Export) ContentType() string {
	if x.Format == "csv" {
		return "text/csv; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// FileName is a download name for the export.
func (x *Export) FileName() string {
	return "share-" + x.pl.grant.EntryCode + "-" + x.s.today() + "." + x.Format
}

// Write streams every record of the grant's entry (filtered and masked) and records the delivery.
func (x *Export) Write(ctx context.Context, w io.Writer) (_ int64, err error) {
	defer wrapErr(&err, "write export")
	var n int64
	if x.Format == "csv" {
		cw := csvsafe.NewWriter(w)
		head := make([]string, 0, len(x.pl.out)+1)
		for _, f := range x.pl.out {
			head = append(head, f.name)
		}
		cw.Write(append(head, "disputed"))
		err = x.s.Data.Stream(ctx, x.pl.grant.EntryID, func(r Record) error {
			o := x.pl.render(x.pl.rules, r)
			row := make([]string, 0, len(head)+1)
			for _, f := range x.pl.out {
				row = append(row, o.Values[f.name])
			}
			disputed := "0"
			if o.Disputed {
				disputed = "1"
			}
			n++
			return cw.Write(append(row, disputed))
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	} else {
		io.WriteString(w, "[")
		enc := json.NewEncoder(w)
		err = x.s.Data.Stream(ctx, x.pl.grant.EntryID, func(r Record) error {
			if n > 0 {
				io.WriteString(w, ",")
			}
			n++
			return enc.Encode(x.pl.render(x.pl.rules, r))
		})
		io.WriteString(w, "]\n")
	}
	x.s.count(x.pl.grant.ID, x.p.OrgID, 1, n, 0)
	result := audit.OK
	if err != nil {
		result = audit.Failed
	}
	derr := x.s.DB.Tx(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
		d := Delivery{ID: ids.New(), RequestID: x.pl.grant.RequestID, GrantID: x.pl.grant.ID, Channel: "download", Items: x.Format + " " + strings.Join(fieldNames(x.pl), ","),
			Records: n, HandedByID: x.p.UserID, HandedBy: "共享网关 / gateway", ReceivedBy: actorName(x.p), DeliveredAt: x.s.Now()}
		if err != nil {
			d.Note = "incomplete"
		}
		if err := x.s.insertDelivery(ctx, tx, &d); err != nil {
			return err
		}
		ev := callEvent(x.p, x.ip, "export.done", x.pl, map[string]any{"records": n, "format": x.Format})
		ev.Result = result
		return x.s.Audit.Record(ctx, tx, ev)
	})
	if err == nil {
		err = derr
	}
	return n, err
}

func fieldNames(pl *plan) []string {
	out := make([]string, len(pl.out))
	for i, f := range pl.out {
		out[i] = f.name
	}
	return out
}

// VerifyItem is one value set to check: a key and optionally field values to compare.
type VerifyItem struct {
	Key    string            `json:"key"`
	Values map[string]string `json:"values,omitempty"`
}

// VerifyResult answers one item: whether a record with that key exists and, per submitted
// field, match or mismatch — never a stored value (SHR-6).
type VerifyResult struct {
	Exists bool              `json:"exists"`
	Match  bool              `json:"match"` // exists and every submitted field matches
	Fields map[string]string `json:"fields,omitempty"`
}

// Verify answers yes/no and match/mismatch for values the consumer submits (核验/比对). Batch
// size, per-minute and per-day volumes are limited per grant, counted in the database so the
// limits hold across nodes; the submitted values are not written to the audit log.
func (s *Service) Verify(ctx context.Context, p *authz.Principal, ip string, items []VerifyItem) (_ []VerifyResult, err error) {
	defer wrapErr(&err, "gateway verify")
	pl, err := s.authorize(ctx, p)
	if err == nil && pl.grant.Kind == KindProduct {
		err = ErrProductOnly // a product grant calls its product (/gateway/products/{id}/verify)
	}
	if err == nil && pl.grant.Kind != KindVerify {
		err = ErrVerifyGrant // verification is its own grant kind (SHR-6)
	}
	if err == nil {
		var fe []apperr.FieldError
		if len(items) == 0 || len(items) > s.Limits.MaxBatch {
			fe = append(fe, apperr.Field("items", "每次核验 1–"+itoa(s.Limits.MaxBatch)+" 条", "verify 1–"+itoa(s.Limits.MaxBatch)+" items per call"))
		}
		for i, it := range items {
			if strings.TrimSpace(it.Key) == "" {
				fe = append(fe, apperr.Field("items["+itoa(i)+"].key", "请提供核验键值", "the key is required"))
			}
			for k := range it.Values {
				if _, ok := pl.compare[k]; !ok {
					fe = append(fe, apperr.Field("items["+itoa(i)+"].values."+k, "该信息项不在授权的比对范围内（未授权、需脱敏或列入负面清单），不能比对",
						"this field cannot be compared: not in the grant, masked, or on the negative list"))
				}
			}
			if len(fe) > 20 {
				break
			}
		}
		err = apperr.Validation(fe)
	}
	if err == nil {
		err = s.take(ctx, pl.grant.ID, len(items))
	}
	if err != nil {
		return nil, s.refuse(ctx, p, ip, "verify", pl, err)
	}
	out := make([]VerifyResult, len(items))
	exists, matched := 0, 0
	for i, it := range items {
		recs, err := s.verifyCandidates(ctx, pl, it.Key)
		if err != nil {
			return nil, s.refuse(ctx, p, ip, "verify", pl, dataErr(err))
		}
		res := compareRecords(pl, recs, it.Values)
		if len(res.Fields) == 0 {
			res.Fields = nil
		}
		if res.Exists {
			exists++
		}
		if res.Match {
			matched++
		}
		out[i] = res
	}
	if err := s.Audit.Log(ctx, callEvent(p, ip, "verify", pl, map[string]any{"items": len(items), "exists": exists, "matched": matched})); err != nil {
		return nil, err
	}
	s.count(pl.grant.ID, p.OrgID, 1, int64(len(items)), 0)
	return out, nil
}

// maxVerifyCandidates bounds the records one ID number may name in a verification.
const maxVerifyCandidates = 50

// verifyCandidates finds the records a verification key names: the record with that entry key
// or, when there is none, the records whose granted ID-number or credit-code fields hold it.
func (s *Service) verifyCandidates(ctx context.Context, pl *plan, raw string) ([]Record, error) {
	key := strings.TrimSpace(raw)
	if pl.upperKey {
		key = strings.ToUpper(key)
	}
	rec, err := s.Data.Lookup(ctx, pl.grant.EntryID, key)
	if err == nil {
		return []Record{rec}, nil
	}
	if !isNotFound(err) && !errors.Is(err, ingest.ErrNoKey) {
		return nil, err
	}
	var out []Record
	seen := map[string]bool{}
	for _, f := range pl.idFields {
		recs, _, err := s.Data.Query(ctx, pl.grant.EntryID, map[string]string{f: strings.ToUpper(strings.TrimSpace(raw))}, maxVerifyCandidates, 0)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Key == "" || !seen[r.Key] {
				seen[r.Key] = true
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// compareRecords answers one verification item against its candidate records: it exists when
// there is one, and each submitted field is compared with the subject's current record only
// (currentRecord) — never with whichever historical record happens to match. Only match or
// mismatch comes back, never a stored value.
func compareRecords(pl *plan, recs []Record, values map[string]string) VerifyResult {
	res := VerifyResult{Exists: len(recs) > 0, Fields: map[string]string{}}
	best := currentRecord(pl, recs)
	res.Match = res.Exists
	for k, v := range values {
		if best >= 0 && sameValue(pl.compare[k], recs[best].Values[k], v) {
			res.Fields[k] = "match"
		} else {
			res.Fields[k] = "mismatch"
			res.Match = false
		}
	}
	return res
}

// currentRecord picks the subject's current record among the records a key names (-1: none):
// the one with the latest date in the entry's first date field (a divorce registered after the
// marriage), then the most recently loaded, then the greatest key — a rule fixed in advance,
// whatever the submitted values are.
func currentRecord(pl *plan, recs []Record) int {
	best := -1
	for i, r := range recs {
		if best < 0 {
			best = i
			continue
		}
		b := recs[best]
		d, bd := r.Values[pl.dateField], b.Values[pl.dateField]
		switch {
		case d != bd:
			if d > bd {
				best = i
			}
		case r.Version != b.Version:
			if r.Version > b.Version {
				best = i
			}
		case r.Key > b.Key:
			best = i
		}
	}
	return best
}

// sameValue compares a stored and a submitted value: trimmed, and case-insensitive for ID
// numbers and credit codes (a trailing x is an X).
func sameValue(kind catalog.FieldKind, stored, given string) bool {
	stored, given = strings.TrimSpace(stored), strings.TrimSpace(given)
	if stored == "" {
		return false
	}
	if kind == catalog.KindCitizenID || kind == catalog.KindCreditCode || kind == catalog.KindEmail {
		return strings.EqualFold(stored, given)
	}
	return stored == given
}

func itoa(n int) string {
	b := []byte{}
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// take counts n verification values against the grant's per-minute and per-day windows in the
// database and refuses when a window is full.
func (s *Service) take(ctx context.Context, grantID string, n int) error {
	now := s.Now()
	ms := db.Millis(now)
	wins := []struct {
		win   string
		limit int
		until int64
	}{
		{"m" + now.UTC().Format("200601021504"), s.Limits.PerMinute, ms + 2*60*1000},
		{"d" + s.today(), s.Limits.PerDay, ms + 3*24*3600*1000},
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, w := range wins {
			if _, err := tx.ExecContext(ctx, `INSERT INTO share_rate (grant_id, win, n, expires) VALUES ($1,$2,$3,$4)
				ON CONFLICT (grant_id, win) DO UPDATE SET n = share_rate.n + excluded.n`, grantID, w.win, n, w.until); err != nil {
				return err
			}
			var total int
			if err := tx.QueryRowContext(ctx, "SELECT n FROM share_rate WHERE grant_id = $1 AND win = $2", grantID, w.win).Scan(&total); err != nil {
				return err
			}
			if total > w.limit {
				return ErrTooMany
			}
		}
		return nil
	})
}

// count adds to a grant's statistics and flushes them when the last flush is a second old.
func (s *Service) count(grant, org string, calls, records, denied int64) {
	g := s.gw
	k := statKey{grant, s.today()}
	g.smu.Lock()
	d := g.stats[k]
	if d == nil {
		d = &statDelta{org: org}
		g.stats[k] = d
	}
	d.calls += calls
	d.records += records
	d.denied += denied
	now := s.Now()
	d.last = db.Millis(now)
	if calls > 0 && g.isOffHours(s, k.day, now) {
		d.offhours += calls
	}
	due := !g.flushing && time.Since(g.flushed) > time.Second
	if due {
		g.flushing = true
	}
	g.smu.Unlock()
	if due {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s.flush(ctx)
		}()
	}
}

// FlushStats writes the statistics counted on this node to the database now.
func (s *Service) FlushStats(ctx context.Context) (err error) {
	defer wrapErr(&err, "flush stats")
	g := s.gw
	g.smu.Lock()
	g.flushing = true
	g.smu.Unlock()
	return s.flush(ctx)
}

func (s *Service) flush(ctx context.Context) error {
	g := s.gw
	g.smu.Lock()
	batch := g.stats
	g.stats = map[statKey]*statDelta{}
	g.smu.Unlock()
	var err error
	if len(batch) > 0 {
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			for k, d := range batch {
				if _, err := tx.ExecContext(ctx, `INSERT INTO share_stats (grant_id, day, org_id, calls, records, denied, offhours, last_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
					ON CONFLICT (grant_id, day) DO UPDATE SET calls = share_stats.calls + excluded.calls, records = share_stats.records + excluded.records,
					denied = share_stats.denied + excluded.denied, offhours = share_stats.offhours + excluded.offhours, last_at = excluded.last_at`,
					k.grant, k.day, d.org, d.calls, d.records, d.denied, d.offhours, d.last); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.smu.Lock()
	if err != nil { // keep the counts for the next flush
		for k, d := range batch {
			if e := g.stats[k]; e != nil {
				e.calls, e.records, e.denied, e.offhours = e.calls+d.calls, e.records+d.records, e.denied+d.denied, e.offhours+d.offhours
			} else {
				g.stats[k] = d
			}
		}
	}
	g.flushed, g.flushing = time.Now(), false
	g.smu.Unlock()
	return err
}

// isOffHours tells whether now (on day) is outside working hours; the day's working-day status
// is looked up once per day. g.smu is held.
func (g *gateway) isOffHours(s *Service, day string, now time.Time) bool {
	if g.offDay != day {
		g.offDay = day
		d := workday.Date(now)
		for h := range g.offHours {
			g.offHours[h] = s.offHours(d.Add(time.Duration(h) * time.Hour))
		}
	}
	return g.offHours[now.In(workday.Location).Hour()]
}
