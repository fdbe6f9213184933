package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/complaint"
)

// Rights complaints (OPN-5): anyone files (public), anyone reads the public status by number;
// the provider and the authority list, read and act.
func (api *API) complaintRoutes() {
	a := api.App
	if a.Complaints == nil {
		return
	}
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "complaint"; api.Handle(rt, fn) }
	h(Route{Method: "POST", Path: "/api/v1/open/complaints", Summary: "提交权益投诉（立即中止开放） / File a rights complaint (suspends opening at once)", Public: true, Body: true, In: complaint.Filing{}, Out: Created{V: complaint.Receipt{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in complaint.Filing
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rc, err := a.Complaints.File(r.Context(), p, in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{rc}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/open/complaint-status/{number}", Summary: "按投诉编号查询办理情况 / Complaint status by number", Public: true, Out: complaint.Public{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Complaints.Status(r.Context(), r.PathValue("number"))
		})
	h(Route{Method: "GET", Path: "/api/v1/open/complaints", Summary: "权益投诉列表（提供部门、主管部门） / Rights complaints (provider, authority)", Out: Items[complaint.Complaint]{}, Query: []string{"state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := a.Complaints.List(r.Context(), p, complaint.ListQuery{State: r.URL.Query().Get("state")})
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/open/complaints/mine", Summary: "我提交的权益投诉 / My rights complaints", Out: Items[complaint.Public]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := a.Complaints.Mine(r.Context(), p)
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/open/complaints/{id}", Summary: "权益投诉详情 / A rights complaint", Out: complaint.Complaint{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Complaints.Get(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/open/complaints/{id}/events", Summary: "办理权益投诉：核实、撤回开放、恢复开放、处理后重新开放 / Act on a complaint", Body: true, In: complaint.Step{}, Out: complaint.Complaint{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var st complaint.Step
			if err := Decode(r, &st); err != nil {
				return nil, err
			}
			return a.Complaints.Act(r.Context(), p, r.PathValue("id"), st)
		})
}
