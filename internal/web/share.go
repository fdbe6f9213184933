package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/httpapi"
	"pubdata/internal/share"
	"pubdata/internal/workday"
)

// Sharing pages (共享): the request form with field picker, the provider's approval queue ordered
// by deadline with a countdown in working days, the request page with its progress and the
// actions the caller may take, the authority's overdue board, the grant page with credentials
// (shown once) and usage, and the demand / responsibility lists.
func init() {
	Register(map[string][2]string{
		"share.title":          {"数据共享", "Data sharing"},
		"share.new":            {"申请共享数据", "Request shared data"},
		"share.new_product":    {"申请数据产品（可用不可见）", "Request a data product (usable, not visible)"},
		"share.request":        {"共享申请", "Share request"},
		"share.grants":         {"共享授权", "Share grants"},
		"share.grant":          {"共享授权详情", "Share grant"},
		"share.overdue":        {"共享逾期督办", "Overdue sharing items"},
		"share.demands":        {"需求清单与责任清单", "Demand and responsibility lists"},
		"share.demand":         {"数据需求", "Data demand"},
		"share.demand_new":     {"提交数据需求", "File a data demand"},
		"nav.share":            {"数据共享", "Sharing"},
		"nav.share_overdue":    {"共享督办", "Sharing oversight"},
		"flash.share_filed":    {"共享申请已提交", "Share request filed"},
		"flash.share_done":     {"已办理", "Done"},
		"flash.share_reported": {"使用评价已提交", "Report filed"},
		"flash.demand_filed":   {"数据需求已提交", "Demand filed"},
	})
	AddNav(NavItem{Key: "nav.share", Href: "/share", Roles: []authz.Role{authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer,
		authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}, Order: 30},
		NavItem{Key: "nav.share_overdue", Href: "/share/overdue", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Oversight}, Order: 31})
}

// shareWeb is set by install (routes.go) so the workbench cards can reach the service.
var shareWeb *Web

func shareCards(r *http.Request, p *authz.Principal) []HomeCard {
	if shareWeb == nil || shareWeb.App.Share == nil {
		return nil
	}
	s := shareWeb.App.Share
	var out []HomeCard
	if p.Has(authz.AgencyApprover, authz.DataOfficer) && p.OrgID != "" {
		items, total, err := s.List(r.Context(), p, share.ListFilter{Box: "queue", Limit: 100})
		if err == nil {
			urgent := false
			for _, it := range items {
				if it.Overdue || (it.DueDate != "" && it.Remaining <= 1) {
					urgent = true
				}
			}
			out = append(out, HomeCard{TitleZH: "待办共享申请", TitleEN: "Share requests to handle", Value: strconv.Itoa(total), Href: "/share?box=queue", Urgent: urgent})
		}
	}
	if p.IsAuthority() || p.Has(authz.Oversight) {
		if items, err := s.Overdue(r.Context(), p); err == nil {
			out = append(out, HomeCard{TitleZH: "共享逾期督办", TitleEN: "Overdue sharing items", Value: strconv.Itoa(len(items)), Href: "/share/overdue", Urgent: len(items) > 0})
		}
	}
	return out
}

// reqRow is a request as lists show it: state and deadline in words.
type reqRow struct {
	share.Request
	StateZH, StateEN string
	DueZH, DueEN     string
	Urgent           bool
}

func rowOf(r share.Request) reqRow {
	n := share.StateNames[r.State]
	row := reqRow{Request: r, StateZH: n[0], StateEN: n[1]}
	row.DueZH, row.DueEN, row.Urgent = countdown(r.DueDate, r.Remaining, r.Overdue)
	return row
}

// countdown says how many working days are left (剩余) or overdue (逾期).
func countdown(due string, rem int, overdue bool) (zh, en string, urgent bool) {
	switch {
	case due == "":
		return "—", "—", false
	case overdue:
		return fmt.Sprintf("%s（已逾期 %d 个工作日）", due, -rem), fmt.Sprintf("%s (overdue by %d working days)", due, -rem), true
	case rem == 0:
		return due + "（今日到期）", due + " (due today)", true
	default:
		return fmt.Sprintf("%s（剩余 %d 个工作日）", due, rem), fmt.Sprintf("%s (%d working days left)", due, rem), rem <= 1
	}
}

// fieldRow is one data item in the field picker.
type fieldRow struct {
	catalog.Field
	Shared    bool // may be requested as data
	Masked    bool // delivered masked unless clear values are approved
	ShareType catalog.ShareType
	Checked   bool
	Clear     bool
}

func fieldRows(a *share.Service, e *catalog.Entry, checked, clear []string) []fieldRow {
	var out []fieldRow
	for _, f := range e.Fields {
		st := e.ShareType
		if f.ShareType == catalog.ShareNone || (f.ShareType == catalog.ShareConditional && st == catalog.ShareUnconditional) {
			st = f.ShareType
		}
		out = append(out, fieldRow{Field: f, ShareType: st, Shared: st != catalog.ShareNone, Masked: share.NeedsMask(e, &f, a.Rules),
			Checked: slices.Contains(checked, f.Name), Clear: slices.Contains(clear, f.Name)})
	}
	return out
}

// shareRender renders a sharing page with the state, mode and event names every page uses, and a
// failed form's errors.
func (w *Web) shareRender(rw http.ResponseWriter, r *http.Request, title, page string, data map[string]any, ferr error) {
	v := w.NewView(rw, r, title)
	status := 200
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	data["States"] = share.StateNames
	data["DemandStates"] = share.DemandStateNames
	data["Modes"] = share.ModeNames
	modeStr := map[string][2]string{}
	for k, v := range share.ModeNames {
		modeStr[string(k)] = v
	}
	data["ModeStr"] = modeStr
	data["Events"] = share.EventNames
	data["Channels"] = share.Channels
	data["GrantStates"] = share.GrantStatusNames
	v.Data = data
	w.Render(rw, status, page, v)
}

// shareCan says whether p may take act on the request or grant.
func shareCan(p *authz.Principal, act authz.Action, at authz.ShareAttrs) bool {
	return authz.Share(p, act, at) == nil
}

// shareList lists share requests by box: mine, the provider's queue (by deadline), routing, region,
// all.
func (w *Web) shareList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	boxes := share.Boxes(p)
	if len(boxes) == 0 {
		return apperr.Forbidden
	}
	box := r.URL.Query().Get("box")
	if box == "" {
		box = boxes[0]
	}
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	items, total, err := s.List(r.Context(), p, share.ListFilter{Box: box, State: share.State(r.URL.Query().Get("state")), Limit: pg.Size, Offset: pg.Offset})
	if err != nil {
		return err
	}
	rows := make([]reqRow, len(items))
	for i, it := range items {
		rows[i] = rowOf(it)
	}
	w.shareRender(rw, r, "share.title", "share_list", map[string]any{"Box": box, "Boxes": boxes, "Rows": rows, "Total": total, "Page": pg,
		"HasNext": pg.Offset+len(items) < total, "CanFile": p.OrgKind.IsDataHolder() && p.Has(authz.DataOfficer, authz.AgencyApprover)}, nil)
	return nil
}

// shareNewForm renders the request form: step 1 finds a published entry, step 2 picks fields and
// scenario.
func (w *Web) shareNewForm(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in share.NewRequest, ferr error) error {
	s := w.App.Share
	data := map[string]any{"In": in, "Text": share.CommitmentText}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if in.EntryID != "" {
		e, err := w.App.Catalog.Published(r.Context(), in.EntryID)
		if err != nil {
			return apperr.Invalid.With(apperr.Field("entry_id", "该数据资源不存在或未发布，不能申请共享", "the catalog entry does not exist or is not published"))
		}
		modes := e.ShareModes
		if len(modes) == 0 {
			for _, m := range share.Modes {
				modes = append(modes, string(m))
			}
		}
		data["Entry"], data["Fields"], data["EntryModes"] = e, fieldRows(s, &e, in.Fields, in.ClearFields), modes
		data["NotShared"] = e.ShareType == catalog.ShareNone
	} else if q != "" {
		res, err := w.App.Catalog.Search(r.Context(), p, catalog.SearchQuery{Q: q, Status: string(catalog.StatusPublished), PageSize: 20})
		if err != nil {
			return err
		}
		data["Hits"] = res.Hits
	}
	data["Q"] = q
	w.shareRender(rw, r, "share.new", "share_new", data, ferr)
	return nil
}

// shareNew is the share request form, possibly prefilled from a demand.
func (w *Web) shareNew(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	if err := authz.Share(p, authz.Create, authz.ShareAttrs{ConsumerOrgID: p.OrgID}); err != nil {
		return err
	}
	in := share.NewRequest{EntryID: r.URL.Query().Get("entry"), Mode: share.ModeAPI}
	if did := r.URL.Query().Get("demand"); did != "" { // a completed demand's data, now cataloged
		pre, err := s.PrefillFromDemand(r.Context(), p, did)
		if err != nil {
			return err
		}
		in = pre
	}
	if r.URL.Query().Get("kind") == string(share.KindVerify) { // e.g. after a catalog change suspended a data grant
		in.Kind = share.KindVerify
	}
	if in.EntryID != "" {
		if e, err := w.App.Catalog.Published(r.Context(), in.EntryID); err == nil && e.ShareType == catalog.ShareNone {
			in.Kind = share.KindVerify
		}
	}
	return w.shareNewForm(rw, r, p, in, nil)
}

// shareFile files a share request.
func (w *Web) shareFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	r.ParseForm()
	f := r.PostForm
	in := share.NewRequest{Kind: share.Kind(f.Get("kind")), EntryID: f.Get("entry_id"), Fields: f["fields"], ClearFields: f["clear_fields"],
		Scenario: f.Get("scenario"), Purpose: f.Get("purpose"), LegalBasis: f.Get("legal_basis"), Mode: share.Mode(f.Get("mode")),
		EndDate: f.Get("end_date"), Authenticity: f.Get("commit_authenticity") == "1", Compliance: f.Get("commit_compliance") == "1", Security: f.Get("commit_security") == "1"}
	req, err := s.File(r.Context(), p, in)
	if err != nil {
		if ae := apperr.As(err); ae.Status >= 500 || in.EntryID == "" {
			return err
		}
		return w.shareNewForm(rw, r, p, in, err)
	}
	Redirect(rw, r, "/share/requests/"+req.ID, "flash.share_filed")
	return nil
}

// shareProductForm renders the product request form.
//
// The product request form (SHR-12): a released verification or statistics product instead
// of records; the product fixes the entry, the fields it reads and the API mode.
func (w *Web) shareProductForm(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in share.NewRequest, ferr error) error {
	zh, en, _ := strings.Cut(share.CommitmentText, " / ")
	data := map[string]any{"In": in, "TextZH": zh, "TextEN": en}
	if w.App.Operate != nil {
		ps, err := w.App.Operate.ShareableProducts(r.Context())
		if err != nil {
			return err
		}
		data["Products"] = ps
	}
	w.shareRender(rw, r, "share.new_product", "share_new_product", data, ferr)
	return nil
}

// shareNewProduct is the data product request form.
func (w *Web) shareNewProduct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.Share(p, authz.Create, authz.ShareAttrs{ConsumerOrgID: p.OrgID}); err != nil {
		return err
	}
	return w.shareProductForm(rw, r, p, share.NewRequest{Kind: share.KindProduct, ProductID: r.URL.Query().Get("product")}, nil)
}

// shareFileProduct files a data product request.
func (w *Web) shareFileProduct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	r.ParseForm()
	f := r.PostForm
	in := share.NewRequest{Kind: share.KindProduct, ProductID: f.Get("product_id"), Scenario: f.Get("scenario"), Purpose: f.Get("purpose"),
		LegalBasis: f.Get("legal_basis"), EndDate: f.Get("end_date"),
		Authenticity: f.Get("commit_authenticity") == "1", Compliance: f.Get("commit_compliance") == "1", Security: f.Get("commit_security") == "1"}
	if v := strings.TrimSpace(f.Get("budget_milli")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return w.shareProductForm(rw, r, p, in, apperr.Invalid.With(apperr.Field("budget_milli", "隐私预算须为整数（千分之一 ε）", "the privacy budget must be a whole number (thousandths of ε)")))
		}
		in.BudgetMilli = n
	}
	req, err := s.File(r.Context(), p, in)
	if err != nil {
		if ae := apperr.As(err); ae.Status >= 500 {
			return err
		}
		return w.shareProductForm(rw, r, p, in, err)
	}
	Redirect(rw, r, "/share/requests/"+req.ID, "flash.share_filed")
	return nil
}

// shareRequestPage renders one request: details, deadline, progress, and the forms for the caller's
// next steps.
func (w *Web) shareRequestPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, ferr error) error {
	s := w.App.Share
	req, err := s.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	hist, err := s.History(r.Context(), p, id)
	if err != nil {
		return err
	}
	dls, err := s.Deliveries(r.Context(), p, id)
	if err != nil {
		return err
	}
	at := req.Authz()
	data := map[string]any{"R": rowOf(req), "History": hist, "Deliveries": dls}
	// The item names beside their codes wherever the page lists fields (never a bare code).
	labels := map[string]string{}
	if e, err := w.App.Catalog.Get(r.Context(), req.EntryID); err == nil {
		for _, f := range e.Fields {
			labels[f.Name] = f.Label
		}
	}
	data["FieldLabels"] = labels
	if es, err := s.EscalationsOf(r.Context(), p, "share_request", req.ID); err == nil {
		data["Escalations"], data["EscStates"] = es, share.EscStateNames
	}
	if req.GrantID != "" {
		if g, err := s.GetGrant(r.Context(), p, req.GrantID); err == nil {
			data["Grant"] = g
		}
	}
	switch req.State {
	case share.StatePending:
		data["CanDecide"] = shareCan(p, authz.ShareDecide, at)
		data["Limits"] = s.Limits // defaults and the region's caps for the call limits
		data["CanWithdraw"] = shareCan(p, authz.ShareWithdraw, at)
		if e, err := w.App.Catalog.Published(r.Context(), req.EntryID); err == nil {
			data["Fields"] = fieldRows(s, &e, req.Fields, req.ClearFields)
			// Only the modes an approval may choose: the one asked, or a narrower one offered.
			var ms []share.Mode
			for _, m := range share.Modes {
				if share.ModeWithin(m, req.Mode, e.ShareModes) && (req.Kind == share.KindData || m == share.ModeAPI) {
					ms = append(ms, m)
				}
			}
			data["ApproveModes"] = ms
		}
	case share.StateRouting:
		data["CanForward"] = shareCan(p, authz.ShareForward, at)
		data["CanWithdraw"] = shareCan(p, authz.ShareWithdraw, at)
	case share.StateApproved, share.StateActive:
		if g, ok := data["Grant"].(share.Grant); ok && g.Mode == share.ModeOffline {
			data["CanDeliver"] = shareCan(p, authz.ShareDeliver, at)
		}
	}
	w.shareRender(rw, r, "share.request", "share_request", data, ferr)
	return nil
}

// shareRequest shows one share request.
func (w *Web) shareRequest(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.shareRequestPage(rw, r, p, r.PathValue("id"), nil)
}

// shareStep runs one step on a request and goes back to it; a refused step (422, 409) shows the
// request page with the error.
func (w *Web) shareStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal, do func(r *http.Request, p *authz.Principal, id string) error) error {
	r.ParseForm()
	id := r.PathValue("id")
	if err := do(r, p, id); err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 {
			return w.shareRequestPage(rw, r, p, id, err)
		}
		return err
	}
	Redirect(rw, r, "/share/requests/"+id, "flash.share_done")
	return nil
}

// shareApprove approves a request with the fields, mode, end date and call limits chosen.
func (w *Web) shareApprove(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		f := r.PostForm
		ap := share.Approval{Fields: f["fields"], ClearFields: f["clear_fields"], Mode: share.Mode(f.Get("mode")), EndDate: f.Get("end_date"), Note: f.Get("note")}
		if ap.ClearFields == nil {
			ap.ClearFields = []string{}
		}
		var fe []apperr.FieldError
		isProduct := f.Get("kind") == string(share.KindProduct)
		if len(ap.Fields) == 0 && !isProduct { // a product fixes its fields
			fe = append(fe, apperr.Field("fields", "至少保留一个信息项", "keep at least one field"))
		}
		if v := strings.TrimSpace(f.Get("budget_milli")); isProduct && v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				fe = append(fe, apperr.Field("budget_milli", "隐私预算须为非负整数（千分之一 ε）", "the privacy budget must be a whole number, not negative (thousandths of ε)"))
			}
			ap.BudgetMilli = n
		}
		// The call limits, as the API takes them (empty: the defaults); the service checks them
		// (above the defaults only with a reason, never above the region's caps).
		num := func(name, zh, en string) int {
			v := strings.TrimSpace(f.Get(name))
			if v == "" {
				return 0
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				fe = append(fe, apperr.Field("limits."+name, zh+"须为非负整数", en+" must be a whole number, not negative"))
			}
			return n
		}
		ap.Limits = share.GrantLimits{RatePerMinute: num("rate_per_minute", "每分钟调用次数", "calls per minute"),
			DailyQuota: num("daily_quota", "每日调用次数", "calls per day"), Reason: f.Get("limits_reason")}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		_, err := s.Approve(r.Context(), p, id, ap)
		return err
	})
}

// shareRefuse refuses a request with reason and legal basis.
func (w *Web) shareRefuse(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.Refuse(r.Context(), p, id, share.Refusal{Reason: r.PostFormValue("reason"), LegalBasis: r.PostFormValue("legal_basis")})
		return err
	})
}

// shareForward forwards a routed request to its provider.
func (w *Web) shareForward(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.Forward(r.Context(), p, id, r.PostFormValue("note"))
		return err
	})
}

// shareWithdraw withdraws a request.
func (w *Web) shareWithdraw(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.Withdraw(r.Context(), p, id, r.PostFormValue("note"))
		return err
	})
}

// shareDeliver records an offline delivery.
func (w *Web) shareDeliver(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		n, _ := strconv.ParseInt(r.PostFormValue("records"), 10, 64)
		_, err := s.Deliver(r.Context(), p, id, share.NewDelivery{Channel: r.PostFormValue("channel"), Items: r.PostFormValue("items"), Records: n,
			ReceivedBy: r.PostFormValue("received_by"), DeliveredOn: r.PostFormValue("delivered_on"), Note: r.PostFormValue("note")})
		return err
	})
}

// shareOverdue is the authority's overdue board (督办).
func (w *Web) shareOverdue(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	items, err := s.Overdue(r.Context(), p)
	if err != nil {
		return err
	}
	w.shareRender(rw, r, "share.overdue", "share_overdue", map[string]any{"Items": items, "DueNames": dueNamesWeb, "EscStates": share.EscStateNames,
		"CanHandle": p.IsAuthority()}, nil)
	return nil
}

// Grants.

// shareGrants lists grants by box.
func (w *Web) shareGrants(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	box := r.URL.Query().Get("box")
	var boxes []string
	if p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer) {
		boxes = append(boxes, "mine", "provided")
	}
	if p.IsAuthority() {
		boxes = append(boxes, "region")
	}
	if p.Has(authz.Auditor, authz.Oversight) {
		boxes = append(boxes, "all")
	}
	if len(boxes) == 0 {
		return apperr.Forbidden
	}
	if box == "" {
		box = boxes[0]
	}
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	items, total, err := s.ListGrants(r.Context(), p, box, pg.Size, pg.Offset)
	if err != nil {
		return err
	}
	// Each grant's items by name beside their codes (one catalog read per entry on the page).
	labels := map[string]map[string]string{}
	for _, g := range items {
		if _, ok := labels[g.EntryID]; ok {
			continue
		}
		m := map[string]string{}
		if e, err := w.App.Catalog.Get(r.Context(), g.EntryID); err == nil {
			for _, f := range e.Fields {
				m[f.Name] = f.Label
			}
		}
		labels[g.EntryID] = m
	}
	w.shareRender(rw, r, "share.grants", "share_grants", map[string]any{"Box": box, "Boxes": boxes, "Grants": items, "Total": total, "Page": pg,
		"HasNext": pg.Offset+len(items) < total, "FieldLabels": labels}, nil)
	return nil
}

// modesWithin lists the modes a renewal may keep or narrow to from m (the same, or one of lower
// breadth; the service checks that the entry offers it).
func modesWithin(m share.Mode) []share.Mode {
	var out []share.Mode
	for _, x := range share.Modes {
		if x == m || x.Breadth() < m.Breadth() {
			out = append(out, x)
		}
	}
	return out
}

// formList is a repeated form field as a list; a form that showed the field (its marker sent)
// with nothing ticked gives an empty list, not nil (nil keeps what there was).
func formList(r *http.Request, name string) []string {
	if r.PostFormValue(name+"_shown") == "" {
		return nil
	}
	return append([]string{}, r.PostForm[name]...)
}

// shareGrantPage renders one grant: credentials, usage, reports, renewals.
func (w *Web) shareGrantPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id, secret string, ferr error) error {
	s := w.App.Share
	g, err := s.GetGrant(r.Context(), p, id)
	if err != nil {
		return err
	}
	creds, err := s.Credentials(r.Context(), p, g.ID)
	if err != nil {
		return err
	}
	stats, err := s.Stats(r.Context(), p, g.ID)
	if err != nil {
		return err
	}
	usage, total, err := s.UsageLog(r.Context(), p, g.ID, 20, 0)
	if err != nil {
		return err
	}
	reps, err := s.Reports(r.Context(), p, g.ID)
	if err != nil {
		return err
	}
	renewals, err := s.Renewals(r.Context(), p, g.ID)
	if err != nil {
		return err
	}
	sched, err := s.ScheduledReports(r.Context(), p, g.ID)
	if err != nil {
		return err
	}
	at := g.Authz()
	pendingRenewal := false
	approveModes := map[string][]share.Mode{} // per pending renewal: the modes the provider may grant
	for _, n := range renewals {
		pendingRenewal = pendingRenewal || n.State == share.RenewalPending
		if n.State == share.RenewalPending {
			approveModes[n.ID] = modesWithin(n.Mode)
		}
	}
	data := map[string]any{"G": g, "Creds": creds, "Stats": stats, "Usage": usage, "UsageTotal": total, "Reports": reps, "Secret": secret,
		"Renewals": renewals, "Scheduled": sched, "RenewModes": modesWithin(g.Mode), "ApproveModes": approveModes,
		"CanRenew":           shareCan(p, authz.ShareWithdraw, at) && g.Status == share.GrantActive && !pendingRenewal,
		"CanWithdrawRenewal": shareCan(p, authz.ShareWithdraw, at), "CanDecideRenewal": shareCan(p, authz.ShareDecide, at),
		"CanAnswer": shareCan(p, authz.ShareDeliver, at),
		"CanIssue":  shareCan(p, authz.ShareIssue, at) && g.Status == share.GrantActive && g.Mode != share.ModeOffline,
		"CanReport": shareCan(p, authz.ShareReport, at), "CanSuspend": shareCan(p, authz.ShareSuspend, at), "CanRevoke": shareCan(p, authz.ShareRevoke, at),
		"Today": workdayToday(s), "Base": platformBase(r, w.Secure), "Now": s.Now(),
		"CanChangeLimits": shareCan(p, authz.ShareDecide, at) && (g.Status == share.GrantActive || g.Status == share.GrantSuspended),
		"Limits":          s.Limits}
	if secret != "" {
		// Shown only when it is one of this grant's credentials (the cookie came back from
		// the issue below, not from anywhere else).
		delete(data, "Secret")
		for _, c := range creds {
			if c.Prefix != "" && strings.HasPrefix(secret, "pd_"+c.Prefix+"_") {
				data["Secret"], data["NewCred"] = secret, c
				data["ValidAsGrant"] = workday.Format(c.ExpiresAt.Add(-time.Second)) == g.EndDate
				break
			}
		}
	}
	if e, err := w.App.Catalog.Published(r.Context(), g.EntryID); err == nil {
		data["Fields"] = fieldRows(s, &e, g.Fields, g.ClearFields)
	}
	w.shareRender(rw, r, "share.grant", "share_grant", data, ferr)
	return nil
}

// shareOnceCookie is the cookie that carries a just-issued secret to the grant page, once.
//
// Issuing a credential answers with a redirect to the grant page (a reload issues nothing),
// which shows the secret once: it travels in a cookie scoped to that page (HttpOnly,
// SameSite=Strict, two minutes) that the page reads and clears.
func (w *Web) shareOnceCookie(id, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: credentialCookie, Value: value, Path: "/share/grants/" + id, MaxAge: maxAge,
		HttpOnly: true, Secure: w.Secure, SameSite: http.SameSiteStrictMode}
}

// shareGrant shows one grant, with a just-issued secret once.
func (w *Web) shareGrant(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	id, secret := r.PathValue("id"), ""
	if c, err := r.Cookie(credentialCookie); err == nil {
		secret = c.Value
		http.SetCookie(rw, w.shareOnceCookie(id, "", -1))
	}
	return w.shareGrantPage(rw, r, p, id, secret, nil)
}

// shareIssueCredential issues a gateway credential and redirects to the grant page that shows it
// once.
func (w *Web) shareIssueCredential(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	id := r.PathValue("id")
	secret, _, err := s.IssueCredential(r.Context(), p, id)
	if err != nil {
		return err
	}
	http.SetCookie(rw, w.shareOnceCookie(id, secret, 120))
	Redirect(rw, r, "/share/grants/"+id+"#credential-once", "")
	return nil
}

// shareGrantStep runs one step on a grant and goes back to it; a refused step shows the grant page
// with the error.
func (w *Web) shareGrantStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal, do func(r *http.Request, p *authz.Principal, id string) error) error {
	r.ParseForm()
	id := r.PathValue("id")
	if err := do(r, p, id); err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 {
			return w.shareGrantPage(rw, r, p, id, "", err)
		}
		return err
	}
	Redirect(rw, r, "/share/grants/"+id, "flash.share_done")
	return nil
}

// shareSuspend suspends a grant.
func (w *Web) shareSuspend(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareGrantStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.Suspend(r.Context(), p, id, r.PostFormValue("reason"))
		return err
	})
}

// shareResume resumes a suspended grant.
func (w *Web) shareResume(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareGrantStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.Resume(r.Context(), p, id, r.PostFormValue("reason"))
		return err
	})
}

// shareRevoke revokes a grant.
func (w *Web) shareRevoke(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareGrantStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.Revoke(r.Context(), p, id, r.PostFormValue("reason"))
		return err
	})
}

// shareChangeLimits changes a grant's call limits (the provider's approver, with a reason).
func (w *Web) shareChangeLimits(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareGrantStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		var fe []apperr.FieldError
		num := func(name, zh, en string) int {
			v := strings.TrimSpace(r.PostFormValue(name))
			if v == "" {
				return 0
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				fe = append(fe, apperr.Field("limits."+name, zh+"须为非负整数", en+" must be a whole number, not negative"))
			}
			return n
		}
		in := share.LimitsChange{RatePerMinute: num("rate_per_minute", "每分钟调用次数", "calls per minute"),
			DailyQuota: num("daily_quota", "每日调用次数", "calls per day"), Reason: r.PostFormValue("limits_reason")}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		_, err := s.ChangeLimits(r.Context(), p, id, in)
		return err
	})
}

// shareReport files a use report on a grant.
func (w *Web) shareReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareGrantStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.FileReport(r.Context(), p, id, share.NewReport{PeriodFrom: r.PostFormValue("period_from"), PeriodTo: r.PostFormValue("period_to"),
			Use: r.PostFormValue("use"), Effect: r.PostFormValue("effect"), Problems: r.PostFormValue("problems")})
		return err
	})
}

// shareRenewalStep runs one step on a renewal and goes back to its grant page.
//
// Renewals and scheduled use reports act from the grant page and return to it.
func (w *Web) shareRenewalStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal, do func(r *http.Request, p *authz.Principal, id string) error) error {
	s := w.App.Share
	r.ParseForm()
	n, err := s.GetRenewal(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := do(r, p, n.ID); err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 {
			return w.shareGrantPage(rw, r, p, n.GrantID, "", err)
		}
		return err
	}
	Redirect(rw, r, "/share/grants/"+n.GrantID+"#renewals", "flash.share_done")
	return nil
}

// shareRenewal redirects to the renewal on its grant page.
func (w *Web) shareRenewal(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	n, err := s.GetRenewal(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	Redirect(rw, r, "/share/grants/"+n.GrantID+"#renewals", "")
	return nil
}

// shareRequestRenewal requests a grant's renewal.
func (w *Web) shareRequestRenewal(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareGrantStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.RequestRenewal(r.Context(), p, id, share.NewRenewal{EndDate: r.PostFormValue("end_date"), Fields: r.PostForm["fields"],
			ClearFields: formList(r, "clear_fields"), Mode: share.Mode(r.PostFormValue("mode")), Reason: r.PostFormValue("reason")})
		return err
	})
}

// shareApproveRenewal approves a renewal.
func (w *Web) shareApproveRenewal(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareRenewalStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.ApproveRenewal(r.Context(), p, id, share.RenewalApproval{EndDate: r.PostFormValue("end_date"), Fields: r.PostForm["fields"],
			ClearFields: formList(r, "clear_fields"), Mode: share.Mode(r.PostFormValue("mode")), Note: r.PostFormValue("note")})
		return err
	})
}

// shareRefuseRenewal refuses a renewal.
func (w *Web) shareRefuseRenewal(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareRenewalStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.RefuseRenewal(r.Context(), p, id, share.Refusal{Reason: r.PostFormValue("reason"), LegalBasis: r.PostFormValue("legal_basis")})
		return err
	})
}

// shareWithdrawRenewal withdraws a renewal request.
func (w *Web) shareWithdrawRenewal(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareRenewalStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.WithdrawRenewal(r.Context(), p, id, r.PostFormValue("note"))
		return err
	})
}

// shareReportStep runs one step on a scheduled use report and goes back to its grant page.
func (w *Web) shareReportStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal, do func(r *http.Request, p *authz.Principal, id string) error) error {
	s := w.App.Share
	r.ParseForm()
	grantID, err := s.UseReportGrant(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := do(r, p, r.PathValue("id")); err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 {
			return w.shareGrantPage(rw, r, p, grantID, "", err)
		}
		return err
	}
	Redirect(rw, r, "/share/grants/"+grantID+"#reports", "flash.share_done")
	return nil
}

// shareUseReport shows a scheduled use report where it lives: in its grant's reports (the link
// of an escalated use report).
func (w *Web) shareUseReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	grantID, err := w.App.Share.UseReportGrant(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	http.Redirect(rw, r, "/share/grants/"+grantID+"#use-report-"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// shareSubmitUseReport submits a scheduled use report.
func (w *Web) shareSubmitUseReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareReportStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.SubmitScheduled(r.Context(), p, id, share.NewReport{Use: r.PostFormValue("use"), Effect: r.PostFormValue("effect"), Problems: r.PostFormValue("problems")})
		return err
	})
}

// shareAnswerUseReport accepts or returns a scheduled use report.
func (w *Web) shareAnswerUseReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareReportStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.AnswerScheduled(r.Context(), p, id, share.AnswerReport{Accept: r.PostFormValue("answer") == "accept", Reason: r.PostFormValue("reason")})
		return err
	})
}

// shareUsageCSV exports a grant's usage log as CSV.
func (w *Web) shareUsageCSV(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	if _, err := s.GetGrant(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="usage-`+r.PathValue("id")+`.csv"`)
	rw.Header().Set("Cache-Control", "no-store")
	_, err := s.ExportUsage(r.Context(), p, httpapi.ClientIP(r), r.PathValue("id"), rw)
	return err
}

// shareDemands is the demand list and responsibility list (SHR-7).
func (w *Web) shareDemands(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	boxes := share.DemandBoxes(p)
	if len(boxes) == 0 {
		return apperr.Forbidden
	}
	box := r.URL.Query().Get("box")
	if box == "" {
		box = boxes[0]
	}
	items, total, err := s.ListDemands(r.Context(), p, box, 100, 0)
	if err != nil {
		return err
	}
	type drow struct {
		share.Demand
		DueZH, DueEN string
		Urgent       bool
	}
	rows := make([]drow, len(items))
	for i, d := range items {
		rows[i].Demand = d
		rows[i].DueZH, rows[i].DueEN, rows[i].Urgent = countdown(d.DueDate, d.Remaining, d.Overdue)
	}
	w.shareRender(rw, r, "share.demands", "share_demands", map[string]any{"Box": box, "Boxes": boxes, "Rows": rows, "Total": total,
		"CanFile": authz.ShareDemand(p, authz.Create, authz.DemandAttrs{RequesterOrgID: p.OrgID, Region: p.RegionCode}) == nil}, nil)
	return nil
}

// shareNewDemand is the demand form.
func (w *Web) shareNewDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.ShareDemand(p, authz.Create, authz.DemandAttrs{RequesterOrgID: p.OrgID, Region: p.RegionCode}); err != nil {
		return err
	}
	w.shareRender(rw, r, "share.demand_new", "share_demand_new", map[string]any{"In": share.NewDemand{}, "FieldsText": ""}, nil)
	return nil
}

// shareFileDemand files a data demand.
func (w *Web) shareFileDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	r.ParseForm()
	in := share.NewDemand{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Scenario: r.PostFormValue("scenario"),
		Purpose: r.PostFormValue("purpose"), LegalBasis: r.PostFormValue("legal_basis")}
	text := r.PostFormValue("fields")
	in.Fields = strings.FieldsFunc(text, func(c rune) bool { return c == '\n' || c == ',' || c == '，' || c == '、' || c == '\r' })
	d, err := s.FileDemand(r.Context(), p, in)
	if err != nil {
		if apperr.As(err).Status >= 500 {
			return err
		}
		w.shareRender(rw, r, "share.demand_new", "share_demand_new", map[string]any{"In": in, "FieldsText": text}, err)
		return nil
	}
	Redirect(rw, r, "/share/demands/"+d.ID, "flash.demand_filed")
	return nil
}

// shareDemandPage renders one demand with its history and the caller's next steps.
func (w *Web) shareDemandPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, ferr error) error {
	s := w.App.Share
	d, err := s.GetDemand(r.Context(), p, id)
	if err != nil {
		return err
	}
	hist, err := s.DemandHistory(r.Context(), p, id)
	if err != nil {
		return err
	}
	at := d.Authz()
	dueZH, dueEN, urgent := countdown(d.DueDate, d.Remaining, d.Overdue)
	data := map[string]any{"D": d, "History": hist, "DueZH": dueZH, "DueEN": dueEN, "Urgent": urgent,
		"CanReview":   d.State == share.DemandSubmitted && authz.ShareDemand(p, authz.Review, at) == nil,
		"CanAnswer":   d.State == share.DemandAssigned && authz.ShareDemand(p, authz.ShareDecide, at) == nil,
		"CanComplete": d.State == share.DemandAccepted && authz.ShareDemand(p, authz.ShareDecide, at) == nil,
		"CanWithdraw": (d.State == share.DemandSubmitted || d.State == share.DemandAssigned) && authz.ShareDemand(p, authz.ShareWithdraw, at) == nil}
	if data["CanReview"] == true {
		var orgs []map[string]string
		for _, k := range []authz.OrgKind{authz.KindAgency, authz.KindUtility} {
			os, err := w.App.Identity.Orgs(r.Context(), k, "")
			if err != nil {
				return err
			}
			for _, o := range os {
				if o.ID != d.RequesterOrgID {
					orgs = append(orgs, map[string]string{"ID": o.ID, "Name": o.Name})
				}
			}
		}
		data["Orgs"] = orgs
	}
	if eid := s.ResultEntryID(r.Context(), &d); eid != "" && d.RequesterOrgID == p.OrgID && authz.Share(p, authz.Create, authz.ShareAttrs{ConsumerOrgID: p.OrgID}) == nil {
		data["RequestLink"] = "/share/new?demand=" + d.ID
	}
	if es, err := s.EscalationsOf(r.Context(), p, "share_demand", d.ID); err == nil {
		data["Escalations"], data["EscStates"] = es, share.EscStateNames
	}
	w.shareRender(rw, r, "share.demand", "share_demand", data, ferr)
	return nil
}

// shareDemand shows one demand.
func (w *Web) shareDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.shareDemandPage(rw, r, p, r.PathValue("id"), nil)
}

// shareDemandStep runs one step on a demand and goes back to it (or to the list when the caller may
// no longer see it).
func (w *Web) shareDemandStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal, do func(r *http.Request, p *authz.Principal, id string) (share.Demand, error)) error {
	r.ParseForm()
	id := r.PathValue("id")
	d, err := do(r, p, id)
	if err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 {
			return w.shareDemandPage(rw, r, p, id, err)
		}
		return err
	}
	if authz.ShareDemand(p, authz.Read, d.Authz()) != nil {
		Redirect(rw, r, "/share/demands", "flash.share_done")
		return nil
	}
	Redirect(rw, r, "/share/demands/"+id, "flash.share_done")
	return nil
}

// shareAssignDemand assigns a demand to a responsible organization.
func (w *Web) shareAssignDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.AssignDemand(r.Context(), p, id, r.PostFormValue("org_id"), r.PostFormValue("note"))
	})
}

// shareRejectDemand rejects a demand.
func (w *Web) shareRejectDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.RejectDemand(r.Context(), p, id, r.PostFormValue("reason"))
	})
}

// shareAcceptDemand accepts a demand (the responsibility list).
func (w *Web) shareAcceptDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.AnswerDemand(r.Context(), p, id, true, share.DemandAnswer{Note: r.PostFormValue("note"), NamedDate: r.PostFormValue("named_date")})
	})
}

// shareRefuseDemand refuses a demand with reason and legal basis.
func (w *Web) shareRefuseDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.AnswerDemand(r.Context(), p, id, false, share.DemandAnswer{Reason: r.PostFormValue("reason"), LegalBasis: r.PostFormValue("legal_basis")})
	})
}

// shareReturnDemand returns a demand to its requester.
func (w *Web) shareReturnDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.ReturnDemand(r.Context(), p, id, r.PostFormValue("reason"))
	})
}

// shareCompleteDemand completes a demand with its resulting entry.
func (w *Web) shareCompleteDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.CompleteDemand(r.Context(), p, id, r.PostFormValue("result_entry"), r.PostFormValue("note"))
	})
}

// shareWithdrawDemand withdraws a demand.
func (w *Web) shareWithdrawDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.shareDemandStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) (share.Demand, error) {
		return s.WithdrawDemand(r.Context(), p, id)
	})
}

var dueNamesWeb = map[string][2]string{
	"forward": {"转报", "Routing"}, "decide": {"审批答复", "Decision"}, "deliver": {"完成交付", "Delivery"},
	"review": {"需求审核", "Review"}, "answer": {"责任清单答复", "Answer"}, "complete": {"办理完成", "Completion"},
	"handle": {"督办处理", "Handling"}, "urged": {"催办期限", "Urged date"}, "coordinate": {"协调办结", "Coordination"},
	"experts": {"专家论证", "Expert opinions"}, "renew": {"续期审批", "Renewal decision"},
	"report": {"提交使用评价", "Use report"}, "report_answer": {"确认使用评价", "Use report answer"},
}

func workdayToday(s *share.Service) string { return workday.Format(s.Now()) }

// platformBase is the platform's address as the caller reached it (scheme and host), for
// examples people copy (curl).
// credentialCookie carries a just-issued gateway credential from the issue (POST) to the grant
// page that shows it once.
const credentialCookie = "pd_credential_once"

func platformBase(r *http.Request, secure bool) string {
	scheme := "http"
	if secure || r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
