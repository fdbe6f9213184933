package app

import (
	"context"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/complaint"
	"pubdata/internal/open"
)

// openSuspender suspends and restores through the opening package (the one suspension every
// output path checks).
type openSuspender struct{ s *open.Service }

func (o openSuspender) SuspendForComplaint(ctx context.Context, p *authz.Principal, entryID, reason, complaintID string) (string, error) {
	sp, err := o.s.SuspendAs(ctx, p, entryID, open.SuspendInput{Cause: open.CauseComplaint, Reason: reason, RefID: complaintID})
	return sp.ID, err
}

func (o openSuspender) RestoreForComplaint(ctx context.Context, p *authz.Principal, entryID, suspensionID, note string) error {
	return o.s.RestoreAs(ctx, p, entryID, suspensionID, note)
}

// wireComplaints connects complaints to the opening package's suspension and its authorization
// decision (authz.Open: OpenSuspend to act, Read to read).
func wireComplaints(a *App, c *complaint.Service) {
	if a.Open == nil {
		return
	}
	c.Suspend = openSuspender{a.Open}
	c.Decide = func(p *authz.Principal, act bool, e *catalog.Entry) error {
		action := authz.Read
		if act {
			action = authz.OpenSuspend
		}
		return authz.Open(p, action, authz.OpenAttrs{OpenType: string(e.OpenType), ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode})
	}
}
