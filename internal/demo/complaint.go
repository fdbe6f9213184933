package demo

import (
	"context"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/complaint"
)

// A rights complaint against an open demo dataset, already answered (processed and re-opened),
// so that the public status page and the provider's list have something to show; the dataset
// is open again.
func loadComplaints(ctx context.Context, a *app.App) error {
	if a.Complaints == nil || a.Complaints.Suspend == nil {
		return nil
	}
	var id, provider string
	err := a.DB.QueryRowContext(ctx, `SELECT h.id, e.provider_org_id FROM harvest_datasets h JOIN catalog_entries e ON e.id = h.id
		WHERE h.state = 'active' ORDER BY e.code LIMIT 1`).Scan(&id, &provider)
	if err != nil {
		return nil // no open dataset in the demo catalog
	}
	rc, err := a.Complaints.File(ctx, &authz.Principal{}, complaint.Filing{DatasetID: id, Kind: "personal_info",
		Records: "第 3 行", Description: "开放数据中出现了本人的手机号码", Evidence: "下载文件第 3 行截图", Name: "演示投诉人", Contact: "demo@example.com"}, "")
	if err != nil {
		return err
	}
	var cid string
	if err := a.DB.QueryRowContext(ctx, "SELECT id FROM open_complaints WHERE number = $1", rc.Complaint.Number).Scan(&cid); err != nil {
		return err
	}
	var p *authz.Principal
	for _, acc := range Accounts {
		if acc.Org == provider && acc.Role == authz.AgencyApprover {
			u, err := a.Identity.UserByName(ctx, acc.Username)
			if err != nil {
				return err
			}
			if p, err = a.Identity.Principal(ctx, u); err != nil {
				return err
			}
		}
	}
	if p == nil {
		return nil // left open for the authority to handle
	}
	_, err = a.Complaints.Act(ctx, p, cid, complaint.Step{Event: complaint.EvReopen, Answer: "经核实，已删除该行的手机号码并重新开放。"})
	return err
}
