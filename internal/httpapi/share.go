package httpapi

import (
	"io"
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
	"pubdata/internal/share"
)

// Sharing between agencies (SHR) and the share gateway (SHR-10): thin handlers over share.Service.
// The routes are listed in routes.go.

// shareDecodeOpt reads an optional JSON body (steps like withdraw take none).
func shareDecodeOpt(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return Decode(r, v)
}

// note is the free text of a step (a note or a reason). The OpenAPI document names its schema
// after the type (httpapi.note.Input), so the name stays.
type note struct {
	Note   string `json:"note"`
	Reason string `json:"reason"`
}

// shareNoteText is a step's text: the reason when given, else the note.
func shareNoteText(n note) string {
	if n.Reason != "" {
		return n.Reason
	}
	return n.Note
}

// shareFileRequest serves POST /api/v1/share/requests: File a share request.
func (api *API) shareFileRequest(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewRequest
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	req, err := api.App.Share.File(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{req}, nil
}

// shareListRequests serves GET /api/v1/share/requests: Share requests.
func (api *API) shareListRequests(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, total, err := api.App.Share.List(r.Context(), p, share.ListFilter{Box: q.Get("box"), State: share.State(q.Get("state")), Limit: pg.Size, Offset: pg.Offset})
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// shareGetRequest serves GET /api/v1/share/requests/{id}: A share request and its progress.
func (api *API) shareGetRequest(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	req, err := api.App.Share.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	hist, err := api.App.Share.History(r.Context(), p, req.ID)
	if err != nil {
		return nil, err
	}
	dl, err := api.App.Share.Deliveries(r.Context(), p, req.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"request": req, "history": nonNil(hist), "deliveries": nonNil(dl)}, nil
}

// shareForwardRequest serves POST /api/v1/share/requests/{id}/forward: Route a cross-region request.
func (api *API) shareForwardRequest(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Forward(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareApproveRequest serves POST /api/v1/share/requests/{id}/approve: Approve (possibly narrower).
func (api *API) shareApproveRequest(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.Approval
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Approve(r.Context(), p, r.PathValue("id"), in)
}

// shareRefuseRequest serves POST /api/v1/share/requests/{id}/refuse: Refuse (reason and legal basis).
func (api *API) shareRefuseRequest(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.Refusal
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Refuse(r.Context(), p, r.PathValue("id"), in)
}

// shareWithdrawRequest serves POST /api/v1/share/requests/{id}/withdraw: Withdraw a request.
func (api *API) shareWithdrawRequest(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Withdraw(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareRecordDelivery serves POST /api/v1/share/requests/{id}/deliveries: Record an offline delivery.
func (api *API) shareRecordDelivery(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewDelivery
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	d, err := api.App.Share.Deliver(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{d}, nil
}

// shareOverdue serves GET /api/v1/share/overdue: Overdue items for supervision.
func (api *API) shareOverdue(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	items, err := api.App.Share.Overdue(r.Context(), p)
	return map[string]any{"items": nonNil(items)}, err
}

// shareListGrants serves GET /api/v1/share/grants: Share grants.
func (api *API) shareListGrants(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Share.ListGrants(r.Context(), p, r.URL.Query().Get("box"), pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// shareGetGrant serves GET /api/v1/share/grants/{id}: A grant, its credentials and statistics.
func (api *API) shareGetGrant(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	g, err := api.App.Share.GetGrant(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	creds, err := api.App.Share.Credentials(r.Context(), p, g.ID)
	if err != nil {
		return nil, err
	}
	stats, err := api.App.Share.Stats(r.Context(), p, g.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"grant": g, "credentials": nonNil(creds), "stats": nonNil(stats)}, nil
}

// shareIssueCredential serves POST /api/v1/share/grants/{id}/credentials: Issue a gateway credential (shown once).
func (api *API) shareIssueCredential(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	secret, c, err := api.App.Share.IssueCredential(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return Created{map[string]any{"token": secret, "credential": c}}, nil
}

// shareSuspendGrant serves POST /api/v1/share/grants/{id}/suspend: Suspend a grant.
func (api *API) shareSuspendGrant(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Suspend(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareResumeGrant serves POST /api/v1/share/grants/{id}/resume: Resume a grant.
func (api *API) shareResumeGrant(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Resume(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareRevokeGrant serves POST /api/v1/share/grants/{id}/revoke: Revoke a grant.
func (api *API) shareRevokeGrant(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.Revoke(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareGrantUsage serves GET /api/v1/share/grants/{id}/usage: A grant's usage log (format=csv to export).
func (api *API) shareGrantUsage(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if r.URL.Query().Get("format") == "csv" {
		if _, err := api.App.Share.GetGrant(r.Context(), p, r.PathValue("id")); err != nil {
			return nil, err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="usage-`+r.PathValue("id")+`.csv"`)
		w.Header().Set("Cache-Control", "no-store")
		if _, err := api.App.Share.ExportUsage(r.Context(), p, ClientIP(r), r.PathValue("id"), w); err != nil {
			return nil, err
		}
		return Raw{}, nil
	}
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	recs, total, err := api.App.Share.UsageLog(r.Context(), p, r.PathValue("id"), pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(recs, pg, total), nil
}

// shareListReports serves GET /api/v1/share/grants/{id}/reports: Use-and-effect reports.
func (api *API) shareListReports(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	reps, err := api.App.Share.Reports(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": nonNil(reps)}, err
}

// shareFileReport serves POST /api/v1/share/grants/{id}/reports: File a use-and-effect report.
func (api *API) shareFileReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewReport
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rep, err := api.App.Share.FileReport(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{rep}, nil
}

// shareListRenewals serves GET /api/v1/share/grants/{id}/renewals: A grant's renewals.
func (api *API) shareListRenewals(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	items, err := api.App.Share.Renewals(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": nonNil(items)}, err
}

// shareRequestRenewal serves POST /api/v1/share/grants/{id}/renewals: Ask for a renewal (never wider).
func (api *API) shareRequestRenewal(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewRenewal
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	n, err := api.App.Share.RequestRenewal(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{n}, nil
}

// shareGetRenewal serves GET /api/v1/share/renewals/{id}: A renewal.
func (api *API) shareGetRenewal(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Share.GetRenewal(r.Context(), p, r.PathValue("id"))
}

// shareApproveRenewal serves POST /api/v1/share/renewals/{id}/approve: Approve a renewal (possibly narrower).
func (api *API) shareApproveRenewal(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.RenewalApproval
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.ApproveRenewal(r.Context(), p, r.PathValue("id"), in)
}

// shareRefuseRenewal serves POST /api/v1/share/renewals/{id}/refuse: Refuse a renewal (reason and legal basis).
func (api *API) shareRefuseRenewal(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.Refusal
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.RefuseRenewal(r.Context(), p, r.PathValue("id"), in)
}

// shareWithdrawRenewal serves POST /api/v1/share/renewals/{id}/withdraw: Withdraw a renewal.
func (api *API) shareWithdrawRenewal(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.WithdrawRenewal(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareListUseReports serves GET /api/v1/share/grants/{id}/use-reports: A grant's scheduled use reports.
func (api *API) shareListUseReports(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	items, err := api.App.Share.ScheduledReports(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": nonNil(items)}, err
}

// shareSubmitUseReport serves POST /api/v1/share/use-reports/{id}/submit: Submit a period's use report.
func (api *API) shareSubmitUseReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewReport
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rep, err := api.App.Share.SubmitScheduled(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{rep}, nil
}

// shareAnswerUseReport serves POST /api/v1/share/use-reports/{id}/answer: The provider accepts or questions a use report.
func (api *API) shareAnswerUseReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.AnswerReport
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.AnswerScheduled(r.Context(), p, r.PathValue("id"), in)
}

// shareFileDemand serves POST /api/v1/share/demands: File a data demand.
func (api *API) shareFileDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewDemand
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	d, err := api.App.Share.FileDemand(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{d}, nil
}

// shareListDemands serves GET /api/v1/share/demands: Demand and responsibility lists.
func (api *API) shareListDemands(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Share.ListDemands(r.Context(), p, r.URL.Query().Get("box"), pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// shareGetDemand serves GET /api/v1/share/demands/{id}: A demand and its progress.
func (api *API) shareGetDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	d, err := api.App.Share.GetDemand(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	hist, err := api.App.Share.DemandHistory(r.Context(), p, d.ID)
	if err != nil {
		return nil, err
	}
	ans := DemandAnswer{Demand: d, History: nonNil(hist)}
	// Done means done: the requester of a completed demand is offered the share request.
	if d.State == share.DemandCompleted && d.RequesterOrgID == p.OrgID && authz.Share(p, authz.Create, authz.ShareAttrs{ConsumerOrgID: p.OrgID}) == nil {
		if in, err := api.App.Share.PrefillFromDemand(r.Context(), p, d.ID); err == nil {
			in.Fields, in.ClearFields = nonNil(in.Fields), nonNil(in.ClearFields)
			ans.ShareRequest = &in
		}
	}
	return ans, nil
}

// shareAssignDemand serves POST /api/v1/share/demands/{id}/assign: Review and assign a source agency.
func (api *API) shareAssignDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in DemandAssignInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.AssignDemand(r.Context(), p, r.PathValue("id"), in.OrgID, in.Note)
}

// shareRejectDemand serves POST /api/v1/share/demands/{id}/reject: Reject at review.
func (api *API) shareRejectDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.RejectDemand(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareAcceptDemand serves POST /api/v1/share/demands/{id}/accept: Accept (optionally naming a date).
func (api *API) shareAcceptDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.DemandAnswer
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.AnswerDemand(r.Context(), p, r.PathValue("id"), true, in)
}

// shareRefuseDemand serves POST /api/v1/share/demands/{id}/refuse: Refuse (reason and legal basis).
func (api *API) shareRefuseDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.DemandAnswer
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.AnswerDemand(r.Context(), p, r.PathValue("id"), false, in)
}

// shareReturnDemand serves POST /api/v1/share/demands/{id}/return: Return to the authority.
func (api *API) shareReturnDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.ReturnDemand(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareCompleteDemand serves POST /api/v1/share/demands/{id}/complete: Complete.
func (api *API) shareCompleteDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in DemandCompleteInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.CompleteDemand(r.Context(), p, r.PathValue("id"), in.ResultEntry, in.Note)
}

// shareWithdrawDemand serves POST /api/v1/share/demands/{id}/withdraw: Withdraw a demand.
func (api *API) shareWithdrawDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Share.WithdrawDemand(r.Context(), p, r.PathValue("id"))
}

// shareListNational serves GET /api/v1/share/national: National-platform data requests.
func (api *API) shareListNational(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Share.ListNational(r.Context(), p, pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// shareFileNational serves POST /api/v1/share/national: Ask for national-platform data.
func (api *API) shareFileNational(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewNational
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	n, err := api.App.Share.FileNational(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{n}, nil
}

// shareGetNational serves GET /api/v1/share/national/{id}: A national-platform data request.
func (api *API) shareGetNational(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Share.GetNational(r.Context(), p, r.PathValue("id"))
}

// shareStepNational serves POST /api/v1/share/national/{id}/steps: Act on a national-platform request.
func (api *API) shareStepNational(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NationalStep
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.StepNational(r.Context(), p, r.PathValue("id"), in)
}

// shareListEscalations serves GET /api/v1/share/escalations: Escalations.
func (api *API) shareListEscalations(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Share.ListEscalations(r.Context(), p, r.URL.Query().Get("box"), pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// shareOpenEscalation serves POST /api/v1/share/escalations: Escalate an overdue item.
func (api *API) shareOpenEscalation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in EscalationInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.OpenEscalation(r.Context(), p, in.SubjectType, in.SubjectID)
}

// shareGetEscalation serves GET /api/v1/share/escalations/{id}: An escalation with meetings, opinions and history.
func (api *API) shareGetEscalation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	d, err := api.App.Share.EscalationDetails(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d.History, d.Meetings, d.Opinions = nonNil(d.History), nonNil(d.Meetings), nonNil(d.Opinions)
	return d, nil
}

// shareUrgeEscalation serves POST /api/v1/share/escalations/{id}/urge: Urge, with a new date.
func (api *API) shareUrgeEscalation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.Urge
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.UrgeEscalation(r.Context(), p, r.PathValue("id"), in)
}

// shareCoordinateEscalation serves POST /api/v1/share/escalations/{id}/coordinate: Start coordination.
func (api *API) shareCoordinateEscalation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := shareDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.CoordinateEscalation(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareRecordMeeting serves POST /api/v1/share/escalations/{id}/meetings: Record a coordination meeting.
func (api *API) shareRecordMeeting(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.NewMeeting
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.RecordMeeting(r.Context(), p, r.PathValue("id"), in)
}

// shareReferEscalation serves POST /api/v1/share/escalations/{id}/refer: Refer to the expert committee.
func (api *API) shareReferEscalation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in note
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.ReferEscalation(r.Context(), p, r.PathValue("id"), shareNoteText(in))
}

// shareGiveOpinion serves POST /api/v1/share/escalations/{id}/opinions: Give an expert opinion.
func (api *API) shareGiveOpinion(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in OpinionInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.GiveOpinion(r.Context(), p, r.PathValue("id"), in.Opinion)
}

// shareDecideEscalation serves POST /api/v1/share/escalations/{id}/decide: Decide (the parties see it).
func (api *API) shareDecideEscalation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.EscDecision
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.DecideEscalation(r.Context(), p, r.PathValue("id"), in)
}

// shareGatewayQueryProduct serves POST /api/v1/gateway/products/{id}/query: Statistics product under a product grant.
func (api *API) shareGatewayQueryProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if api.App.Operate == nil {
		return nil, share.ErrNotProduct
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<10+1))
	if err != nil {
		return nil, apperr.BadRequest
	}
	return api.App.Operate.QueryStats(operate.WithClientIP(r.Context(), ClientIP(r)), p, r.PathValue("id"), body)
}

// shareGatewayVerifyProduct serves POST /api/v1/gateway/products/{id}/verify: Verification product under a product grant.
func (api *API) shareGatewayVerifyProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if api.App.Operate == nil {
		return nil, share.ErrNotProduct
	}
	var in ProductVerifyInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.Verify(operate.WithClientIP(r.Context(), ClientIP(r)), p, r.PathValue("id"), in.Subject, in.Claims)
}

// shareGatewayGrant serves GET /api/v1/gateway/grant: The caller's grant.
func (api *API) shareGatewayGrant(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Share.GatewayInfo(r.Context(), p, ClientIP(r))
}

// shareGatewayLookup serves GET /api/v1/gateway/records/{key}: Look up one record by key.
func (api *API) shareGatewayLookup(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Share.Lookup(r.Context(), p, ClientIP(r), r.PathValue("key"))
}

// shareGatewayQuery serves GET /api/v1/gateway/records: Filtered, paged query (other parameters are field=value).
func (api *API) shareGatewayQuery(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	filter := map[string]string{}
	for k, v := range r.URL.Query() {
		if k == "page" || k == "page_size" || len(v) == 0 {
			continue
		}
		filter[k] = v[0]
	}
	items, total, err := api.App.Share.Query(r.Context(), p, ClientIP(r), filter, pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// shareGatewayExport serves GET /api/v1/gateway/export: Bulk delivery (table or file mode).
func (api *API) shareGatewayExport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	x, err := api.App.Share.BeginExport(r.Context(), p, ClientIP(r), format)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", x.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+x.FileName()+`"`)
	w.Header().Set("Cache-Control", "no-store")
	// Once headers are out an error can only truncate the body; the delivery record and
	// the audit log note the export as incomplete.
	x.Write(r.Context(), w)
	return Raw{}, nil
}

// shareGatewayVerify serves POST /api/v1/gateway/verify: Verify values (match or mismatch only).
func (api *API) shareGatewayVerify(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in VerifyInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	res, err := api.App.Share.Verify(r.Context(), p, ClientIP(r), in.Items)
	if err != nil {
		return nil, err
	}
	return map[string]any{"items": res, "count": len(res)}, nil
}

// shareChangeLimits serves PUT /api/v1/share/grants/{id}/limits: Change a grant's call limits.
func (api *API) shareChangeLimits(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in share.LimitsChange
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Share.ChangeLimits(r.Context(), p, r.PathValue("id"), in)
}
