package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/httpapi"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
)

// Quality pages (数据质量): the overview (an agency's correction tasks; the authority's board of
// agencies), a correction task with its rows and history, an entry's rules editor and score
// trend, an agency's trend, and objections (异议): "我的数据异议" for citizens and data users,
// the provider's queue, and one objection with its answer.
func init() {
	Register(map[string][2]string{
		"quality.trend":          {"质量评分趋势", "Quality trend"},
		"quality.org_trend":      {"部门质量评分趋势", "Agency quality trend"},
		"quality.title":          {"数据质量", "Data quality"},
		"quality.task":           {"数据整改任务", "Correction task"},
		"quality.entry":          {"目录条目数据质量", "Entry data quality"},
		"quality.org":            {"部门数据质量", "Agency data quality"},
		"quality.objections":     {"数据异议", "Data objections"},
		"quality.objection":      {"数据异议详情", "Objection"},
		"nav.quality":            {"数据质量", "Quality"},
		"nav.objections":         {"数据异议", "Objections"},
		"flash.quality_rule":     {"质量规则已保存", "Quality rule saved"},
		"flash.quality_deleted":  {"质量规则已删除", "Quality rule deleted"},
		"flash.quality_done":     {"已办理", "Done"},
		"flash.record_corrected": {"记录已更正（新版本已入库）", "Record corrected (a new version is loaded)"},
		"flash.quality_settings": {"期限设置已保存", "Deadlines saved"},
		"flash.objection_raised": {"异议已提交，记录已标注为“有异议”", "Objection raised; the record is marked disputed"},
	})
	staff := []authz.Role{authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer, authz.AuthorityAdmin, authz.AuthorityReviewer,
		authz.Auditor, authz.Oversight, authz.Expert}
	AddNav(NavItem{Key: "nav.quality", Href: "/quality", Roles: staff, Order: 25},
		NavItem{Key: "nav.objections", Href: "/objections", Order: 26})
}

var qualityWeb *Web

func qualityCards(r *http.Request, p *authz.Principal) []HomeCard {
	if qualityWeb == nil || qualityWeb.App.Quality == nil {
		return nil
	}
	q := qualityWeb.App.Quality
	var out []HomeCard
	ctx := r.Context()
	if p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover) {
		ts, total, err := q.Tasks(ctx, p, quality.TaskFilter{State: "live", OrgID: p.OrgID, Limit: 200})
		if err == nil {
			urgent := false
			for _, t := range ts {
				urgent = urgent || t.State == quality.TaskOverdue || t.State == quality.TaskEscalated || t.DaysLeft <= 1
			}
			out = append(out, HomeCard{TitleZH: "待整改数据任务", TitleEN: "Correction tasks", Value: strconv.Itoa(total), Href: "/quality", Urgent: urgent})
		}
		if objs, total, err := q.Objections(ctx, p, quality.ObjectionFilter{State: "live", Limit: 200}); err == nil {
			urgent := false
			for _, o := range objs {
				urgent = urgent || o.State == quality.ObjOverdue || o.DaysLeft <= 1
			}
			out = append(out, HomeCard{TitleZH: "待答复数据异议", TitleEN: "Objections to answer", Value: strconv.Itoa(total), Href: "/objections?box=queue", Urgent: urgent})
		}
	}
	if p.IsAuthority() {
		if _, total, err := q.Tasks(ctx, p, quality.TaskFilter{State: quality.TaskEscalated, Limit: 1}); err == nil {
			out = append(out, HomeCard{TitleZH: "逾期未整改任务", TitleEN: "Escalated correction tasks", Value: strconv.Itoa(total), Href: "/quality?state=escalated", Urgent: total > 0})
		}
	}
	if p.Has(authz.PublicUser) {
		if _, total, err := q.Objections(ctx, p, quality.ObjectionFilter{Mine: true, State: "live", Limit: 1}); err == nil {
			out = append(out, HomeCard{TitleZH: "我的数据异议（办理中）", TitleEN: "My open objections", Value: strconv.Itoa(total), Href: "/objections"})
		}
	}
	return out
}

// qDue says how many working days are left or how late, for tasks and objections.
func qDue(due string, left int, live bool) (zh, en string, urgent bool) {
	switch {
	case !live || due == "":
		return due, due, false
	case left < 0:
		return fmt.Sprintf("%s（已逾期 %d 个工作日）", due, -left), fmt.Sprintf("%s (overdue by %d working days)", due, -left), true
	case left == 0:
		return due + "（今日到期）", due + " (due today)", true
	}
	return fmt.Sprintf("%s（剩余 %d 个工作日）", due, left), fmt.Sprintf("%s (%d working days left)", due, left), left <= 1
}

type qTaskRow struct {
	quality.Task
	StateZH, StateEN string
	DueZH, DueEN     string
	Urgent, Live     bool
}

func qTask(t quality.Task) qTaskRow {
	n := quality.TaskStateNames[t.State]
	live := t.State != quality.TaskResolved && t.State != quality.TaskWaived
	r := qTaskRow{Task: t, StateZH: n[0], StateEN: n[1], Live: live}
	r.DueZH, r.DueEN, r.Urgent = qDue(t.Due, t.DaysLeft, live)
	if live && (t.State == quality.TaskOverdue || t.State == quality.TaskEscalated) {
		r.Urgent = true
	}
	return r
}

type qObjRow struct {
	quality.Objection
	StateZH, StateEN string
	KindZH, KindEN   string
	DueZH, DueEN     string
	Urgent           bool
}

func qObj(o quality.Objection) qObjRow {
	n, k := quality.ObjStateNames[o.State], quality.ObjKindNames[o.Kind]
	r := qObjRow{Objection: o, StateZH: n[0], StateEN: n[1], KindZH: k[0], KindEN: k[1]}
	r.DueZH, r.DueEN, r.Urgent = qDue(o.Due, o.DaysLeft, o.Disputed())
	return r
}

// QualityTrend renders an entry's (scope "entry") or agency's (scope "org") quality trend as an
// inline SVG for any page (e.g. the catalog entry page), or nothing if the caller may not see it.
func (w *Web) QualityTrend(ctx context.Context, p *authz.Principal, scope, id, period, lang string) template.HTML {
	q := w.App.Quality
	if q == nil {
		return ""
	}
	var pts []quality.ScorePoint
	var err error
	title := T(lang, "quality.trend")
	if scope == "org" {
		pts, err = q.OrgScores(ctx, p, id, period, 60)
		title = T(lang, "quality.org_trend")
	} else {
		pts, err = q.EntryScores(ctx, p, id, period, 60)
	}
	if err != nil {
		return ""
	}
	return template.HTML(quality.TrendSVG(pts, title, lang)) // every text in the SVG is escaped by TrendSVG
}

func qLines(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\r'
	})
	var out []string
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// qRuleInput reads the rule form.
func qRuleInput(r *http.Request) (quality.RuleInput, error) {
	f := r.PostFormValue
	in := quality.RuleInput{Name: f("name"), Kind: f("kind"), Dimension: f("dimension"), Note: f("note"), Blocking: f("blocking") == "1"}
	in.Params = quality.Params{IDField: f("id_field"), BirthField: f("birth_field"), SexField: f("sex_field"),
		MaleValues: qLines(f("male_values")), FemaleValues: qLines(f("female_values")),
		Before: f("before"), After: f("after"), Strict: f("strict") == "1",
		IfField: f("if_field"), IfValues: qLines(f("if_values")), ThenField: f("then_field"),
		Field: f("field"), Pattern: f("pattern"), MinDate: f("min_date"), MaxDate: f("max_date"), Values: qLines(f("values")),
		KeyField: f("key_field"), OtherEntryID: f("other_entry_id"), OtherField: strings.TrimSpace(f("other_field")), RequireMatch: f("require_match") == "1"}
	var fe []apperr.FieldError
	num := func(name string) *float64 {
		s := strings.TrimSpace(f(name))
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fe = append(fe, apperr.Field("params."+name, "请输入数字", "enter a number"))
			return nil
		}
		return &v
	}
	in.Params.Min, in.Params.Max = num("min"), num("max")
	return in, apperr.Validation(fe)
}

// qualityRender renders a quality page with the event and dimension names every page uses, and a
// failed form's errors.
func (w *Web) qualityRender(rw http.ResponseWriter, r *http.Request, title, page string, data map[string]any, ferr error) {
	v := w.NewView(rw, r, title)
	status := 200
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	data["Events"] = quality.EventNames
	data["Dims"] = quality.Dimensions
	data["DimNames"] = quality.DimensionNames
	v.Data = data
	w.Render(rw, status, page, v)
}

// qualityOrgName is an organization's name, or its id when it cannot be found.
func (w *Web) qualityOrgName(ctx context.Context, id string) string {
	if o, err := w.App.Identity.Org(ctx, id); err == nil {
		return o.Name
	}
	return id
}

// qualityHome is the quality overview: the agency's tasks; for the authority also the board of
// agencies and the settings.
func (w *Web) qualityHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	state := r.URL.Query().Get("state")
	if state == "" {
		state = "live"
	}
	if state == "all" {
		state = ""
	}
	ts, total, err := q.Tasks(r.Context(), p, quality.TaskFilter{State: state, Limit: pg.Size, Offset: pg.Offset})
	if err != nil {
		return err
	}
	rows := make([]qTaskRow, len(ts))
	for i, t := range ts {
		rows[i] = qTask(t)
	}
	data := map[string]any{"Tasks": rows, "Total": total, "Page": pg, "HasNext": pg.Offset+len(ts) < total, "State": r.URL.Query().Get("state"),
		"States": quality.TaskStateNames, "Settings": q.Settings(r.Context()), "CanSettings": authz.QualitySettings(p, authz.Update) == nil}
	if sm, err := q.Summaries(r.Context(), p); err == nil {
		data["Summaries"] = sm
	}
	if p.OrgID != "" && authz.QualityScores(p, authz.Read, authz.QualityAttrs{ProviderOrgID: p.OrgID}) == nil && !p.IsAuthority() {
		data["OwnOrg"] = p.OrgID
		data["Trend"] = w.QualityTrend(r.Context(), p, "org", p.OrgID, quality.PeriodDay, Lang(r))
	}
	w.qualityRender(rw, r, "quality.title", "quality_home", data, nil)
	return nil
}

// qualitySettings saves the correction and objection deadlines.
func (w *Web) qualitySettings(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	atoi := func(k string) int { n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(k))); return n }
	if err := q.SetSettings(r.Context(), p, quality.Settings{CorrectionWorkdays: atoi("correction_workdays"), EscalateAfter: atoi("escalate_after"),
		ObjectionWorkdays: atoi("objection_workdays")}); err != nil {
		return err
	}
	Redirect(rw, r, "/quality", "flash.quality_settings")
	return nil
}

// qualityTask shows a correction task.
func (w *Web) qualityTask(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	t, err := q.Task(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.qualityRender(rw, r, "quality.task", "quality_task", map[string]any{"T": qTask(t), "OrgName": w.qualityOrgName(r.Context(), t.OrgID), "States": quality.TaskStateNames}, nil)
	return nil
}

// qualityTaskAct takes a step on a correction task.
func (w *Web) qualityTaskAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	n, _ := strconv.Atoi(r.PostFormValue("workdays"))
	if _, err := q.ActOnTask(r.Context(), p, r.PathValue("id"), quality.TaskAction{Event: r.PostFormValue("event"), Note: r.PostFormValue("note"), Workdays: n}, httpapi.ClientIP(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/quality/tasks/"+r.PathValue("id"), "flash.quality_done")
	return nil
}

// qualityEntryPage renders an entry's quality page: trend, rules (with the editor), tasks.
func (w *Web) qualityEntryPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, ferr error) error {
	q := w.App.Quality
	id := r.PathValue("id")
	rules, err := q.Rules(r.Context(), p, id)
	canRead := err == nil
	if err != nil && !errors.Is(err, apperr.Forbidden) && !errors.Is(err, apperr.NotFound) { // may see the entry, not its rules
		return err
	}
	e, err := w.App.Catalog.Get(r.Context(), id)
	if err != nil {
		return err
	}
	period := r.URL.Query().Get("period")
	pts, serr := q.EntryScores(r.Context(), p, id, period, 60)
	if !canRead && serr != nil {
		return serr
	}
	attrs := authz.QualityAttrs{ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}
	kindNames := map[string][2]string{}
	for _, k := range quality.Kinds {
		kindNames[k.Kind] = [2]string{k.ZH, k.EN}
	}
	data := map[string]any{"E": e, "Rules": rules, "CanRules": canRead, "CanEdit": authz.QualityRule(p, authz.Create, attrs) == nil,
		"Kinds": quality.Kinds, "KindNames": kindNames, "Points": pts, "Period": period, "Trend": w.QualityTrend(r.Context(), p, "entry", id, period, Lang(r))}
	if cur, ok, err := q.CurrentScore(r.Context(), p, id); err == nil && ok {
		data["Current"] = cur
	}
	if ts, _, err := q.Tasks(r.Context(), p, quality.TaskFilter{EntryID: id, Limit: 20}); err == nil {
		rows := make([]qTaskRow, len(ts))
		for i, t := range ts {
			rows[i] = qTask(t)
		}
		data["Tasks"] = rows
	}
	if others, err := q.PublishedEntries(r.Context()); err == nil {
		data["Others"] = others
	}
	w.qualityRender(rw, r, "quality.entry", "quality_entry", data, ferr)
	return nil
}

// qualityEntry shows an entry's quality page.
func (w *Web) qualityEntry(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.qualityEntryPage(rw, r, p, nil)
}

// qualityCreateRule adds a quality rule to an entry.
func (w *Web) qualityCreateRule(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	in, err := qRuleInput(r)
	if err == nil {
		_, err = q.CreateRule(r.Context(), p, r.PathValue("id"), in)
	}
	if err != nil {
		if ae := apperr.As(err); ae.Status == http.StatusUnprocessableEntity || ae.Status == http.StatusConflict {
			return w.qualityEntryPage(rw, r, p, err)
		}
		return err
	}
	Redirect(rw, r, "/quality/entries/"+r.PathValue("id"), "flash.quality_rule")
	return nil
}

// qualityToggleRule switches a quality rule on or off.
func (w *Web) qualityToggleRule(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	rule, err := q.Rule(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	on := !rule.Enabled
	if _, err := q.UpdateRule(r.Context(), p, rule.ID, quality.RuleInput{Name: rule.Name, Kind: rule.Kind, Dimension: rule.Dimension, Params: rule.Params,
		Enabled: &on, Blocking: rule.Blocking, Note: rule.Note}); err != nil {
		return err
	}
	Redirect(rw, r, "/quality/entries/"+rule.EntryID, "flash.quality_rule")
	return nil
}

// qualityDeleteRule deletes a quality rule.
func (w *Web) qualityDeleteRule(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	rule, err := q.Rule(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := q.DeleteRule(r.Context(), p, rule.ID); err != nil {
		return err
	}
	Redirect(rw, r, "/quality/entries/"+rule.EntryID, "flash.quality_deleted")
	return nil
}

// qualityOrg shows an agency's quality trend and tasks.
func (w *Web) qualityOrg(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	id := r.PathValue("id")
	period := r.URL.Query().Get("period")
	pts, err := q.OrgScores(r.Context(), p, id, period, 60)
	if err != nil {
		return err
	}
	data := map[string]any{"OrgID": id, "OrgName": w.qualityOrgName(r.Context(), id), "Points": pts, "Period": period,
		"Trend": w.QualityTrend(r.Context(), p, "org", id, period, Lang(r))}
	if ts, _, err := q.Tasks(r.Context(), p, quality.TaskFilter{OrgID: id, State: "live", Limit: 50}); err == nil {
		rows := make([]qTaskRow, len(ts))
		for i, t := range ts {
			rows[i] = qTask(t)
		}
		data["Tasks"] = rows
	}
	w.qualityRender(rw, r, "quality.org", "quality_org", data, nil)
	return nil
}

// qualityObjectionsPage renders the objection list (mine, with the form, or the provider's queue).
func (w *Web) qualityObjectionsPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in quality.ObjectionInput, ferr error) error {
	q := w.App.Quality
	box := r.URL.Query().Get("box")
	if box != "queue" {
		box = "mine"
	}
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	objs, total, err := q.Objections(r.Context(), p, quality.ObjectionFilter{Mine: box == "mine", State: r.URL.Query().Get("state"), Limit: pg.Size, Offset: pg.Offset})
	if err != nil {
		return err
	}
	rows := make([]qObjRow, len(objs))
	for i, o := range objs {
		rows[i] = qObj(o)
	}
	idn, credit, _ := q.MySubjects(r.Context(), p)
	verified, dataUser := q.CallerVerified(r.Context(), p), authz.ObjectionDataUser(p)
	if in.Key == "" && verified {
		in.Key = idn
		if in.Key == "" {
			in.Key = credit
		}
	}
	entries, _ := q.ObjectionEntries(r.Context(), p)
	canQueue := p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer)
	w.qualityRender(rw, r, "quality.objections", "quality_objections", map[string]any{"Box": box, "Rows": rows, "Total": total, "Page": pg,
		"HasNext": pg.Offset+len(objs) < total, "In": in, "Entries": entries, "Kinds": quality.ObjKindNames, "HasID": idn != "", "HasCredit": credit != "",
		"CanQueue": canQueue, "Verified": verified, "DataUser": dataUser}, ferr)
	return nil
}

// qualityObjections lists objections, with the form to raise one.
func (w *Web) qualityObjections(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.qualityObjectionsPage(rw, r, p, quality.ObjectionInput{EntryID: r.URL.Query().Get("entry_id"), Key: r.URL.Query().Get("key")}, nil)
}

// qualityRaiseObjection raises an objection to a record.
func (w *Web) qualityRaiseObjection(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	in := quality.ObjectionInput{EntryID: r.PostFormValue("entry_id"), Key: r.PostFormValue("key"), Kind: r.PostFormValue("kind"),
		Fields: qLines(strings.Join(r.PostForm["fields"], ",")), Description: r.PostFormValue("description"), Proposed: r.PostFormValue("proposed")}
	o, err := q.Raise(r.Context(), p, in, httpapi.ClientIP(r))
	if err != nil {
		ae := apperr.As(err)
		if ae.Status >= 500 {
			return err
		}
		return w.qualityObjectionsPage(rw, r, p, in, err)
	}
	Redirect(rw, r, "/objections/"+o.ID, "flash.objection_raised")
	return nil
}

// qualityObjection shows one objection.
func (w *Web) qualityObjection(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	o, err := q.Objection(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := map[string]any{"O": qObj(o), "ProviderName": w.qualityOrgName(r.Context(), o.ProviderOrgID)}
	if e, err := w.App.Catalog.Get(r.Context(), o.EntryID); err == nil {
		var labels []string
		var fixable [][2]string // disputed fields that a record correction may change: name, label
		keys := e.KeyFields()
		for _, f := range o.Fields {
			label := f
			if fd, ok := e.Field(f); ok && fd.Label != "" {
				label = fd.Label
			}
			labels = append(labels, label)
			if !slices.Contains(keys, f) {
				fixable = append(fixable, [2]string{f, label})
			}
		}
		data["FieldLabels"] = labels
		data["Fixable"] = fixable
	}
	w.qualityRender(rw, r, "quality.objection", "quality_objection", data, nil)
	return nil
}

// qualityCorrectRecord corrects the record an objection is about.
//
// A record correction from the objection (QUA-3): the provider corrects the disputed values
// of the record as a new version; the objection can then be answered "corrected".
func (w *Web) qualityCorrectRecord(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	o, err := q.Objection(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if w.App.Ingest == nil {
		return apperr.NotFound
	}
	r.ParseForm()
	vals := map[string]string{}
	for _, f := range o.Fields {
		if v, ok := r.PostForm["v_"+f]; ok && strings.TrimSpace(v[0]) != "" {
			vals[f] = v[0]
		}
	}
	if _, err := w.App.Ingest.CorrectRecord(r.Context(), p, o.EntryID, ingest.CorrectionInput{Key: o.Key, Values: vals, Reason: r.PostFormValue("reason")}, httpapi.ClientIP(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/objections/"+o.ID, "flash.record_corrected")
	return nil
}

// qualityObjectionAct takes a step on an objection.
func (w *Web) qualityObjectionAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := w.App.Quality
	if _, err := q.ActOnObjection(r.Context(), p, r.PathValue("id"), quality.ObjectionAction{Event: r.PostFormValue("event"), Answer: r.PostFormValue("answer")}, httpapi.ClientIP(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/objections/"+r.PathValue("id"), "flash.quality_done")
	return nil
}
