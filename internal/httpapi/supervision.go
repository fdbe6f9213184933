package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// Agency supervision (SUP-2, SUP-4, SUP-5, SUP-6): notices to agencies and the government's
// supervision list, reports of illegal use (filed by anyone), dishonesty records — thin handlers
// over supervise.Service.
// The routes are listed in routes.go.

// supervisionNotices answers a page of notices (state, source, org_id); escalated picks the
// government's supervision list.
func (api *API) supervisionNotices(r *http.Request, p *authz.Principal, escalated bool) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, total, err := api.App.Supervise.ListNotices(r.Context(), p, supervise.NoticeFilter{State: q.Get("state"), Source: q.Get("source"),
		OrgID: q.Get("org_id"), Escalated: escalated, Limit: pg.Size, Offset: pg.Offset})
	return NewPaged(items, pg, total), err
}

// supervisionListNotices serves GET /api/v1/supervision/notices: Supervision notices.
func (api *API) supervisionListNotices(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.supervisionNotices(r, p, false)
}

// supervisionListEscalated serves GET /api/v1/supervision/escalated: The government's supervision list.
func (api *API) supervisionListEscalated(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.supervisionNotices(r, p, true)
}

// supervisionRecordNotice serves POST /api/v1/supervision/notices: Record a violation and issue a notice.
func (api *API) supervisionRecordNotice(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in supervise.NewNotice
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	n, err := api.App.Supervise.Record(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{n}, nil
}

// supervisionDetect serves POST /api/v1/supervision/detect: Run the detectors and escalation now.
func (api *API) supervisionDetect(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if !supervise.CanIssue(p) {
		return nil, authz.Supervision(p, authz.Create, authz.SanctionAttrs{Region: p.RegionCode})
	}
	now := api.App.Supervise.Now()
	opened, err := api.App.Supervise.Detect(r.Context(), now)
	if err != nil {
		return nil, err
	}
	escalated, err := api.App.Supervise.EscalateOverdue(r.Context(), now)
	return SupervisionDetected{Opened: opened, Escalated: escalated}, err
}

// supervisionGetNotice serves GET /api/v1/supervision/notices/{id}: A notice and its history.
func (api *API) supervisionGetNotice(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.GetNotice(r.Context(), p, r.PathValue("id"))
}

// supervisionStepNotice serves POST /api/v1/supervision/notices/{id}/events: Act on a notice.
func (api *API) supervisionStepNotice(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in SupervisionStep
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Supervise.FireNotice(r.Context(), p, r.PathValue("id"), supervise.NoticeEvent(in.Event), in.Text)
}

// supervisionFileReport serves POST /api/v1/supervision/reports: Report illegal use (no login needed).
func (api *API) supervisionFileReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in supervise.Filing
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rc, err := api.App.Supervise.FileReport(r.Context(), p, in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{rc}, nil
}

// supervisionReportStatus serves GET /api/v1/supervision/report-status/{number}: Report status and answer by number.
func (api *API) supervisionReportStatus(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.ReportStatus(r.Context(), r.PathValue("number"))
}

// supervisionListReports serves GET /api/v1/supervision/reports: Reports of illegal use.
func (api *API) supervisionListReports(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Supervise.ListReports(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// supervisionGetReport serves GET /api/v1/supervision/reports/{id}: A report.
func (api *API) supervisionGetReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.GetReport(r.Context(), p, r.PathValue("id"))
}

// supervisionHandleReport serves POST /api/v1/supervision/reports/{id}/events: Handle, answer or turn a report into a notice.
func (api *API) supervisionHandleReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in supervise.ReportStep
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Supervise.HandleReport(r.Context(), p, r.PathValue("id"), in)
}

// supervisionListDishonesty serves GET /api/v1/supervision/dishonesty: Dishonesty records.
func (api *API) supervisionListDishonesty(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Supervise.ListDishonesty(r.Context(), p, pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// supervisionRecordDishonesty serves POST /api/v1/supervision/dishonesty: Enter a dishonesty record.
func (api *API) supervisionRecordDishonesty(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in supervise.NewDishonesty
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Supervise.RecordDishonesty(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// supervisionGetDishonesty serves GET /api/v1/supervision/dishonesty/{id}: A dishonesty record.
func (api *API) supervisionGetDishonesty(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.GetDishonesty(r.Context(), p, r.PathValue("id"))
}

// supervisionStepDishonesty serves POST /api/v1/supervision/dishonesty/{id}/events: Publish or withdraw a record.
func (api *API) supervisionStepDishonesty(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in SupervisionStep
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Supervise.StepDishonesty(r.Context(), p, r.PathValue("id"), in.Event, in.Text)
}
