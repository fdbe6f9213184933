package app

import (
	"context"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/notify"
	"pubdata/internal/operate"
)

// Authorized operation (OPR, SEC-7, SHR-12): views, products, reviews, units, applications,
// agreements, the privacy-budget ledger, data-subject authorizations, prices, metering, reports,
// the operator's evaluation and the public board. It reads aggregated data through ingest and
// quality scores through quality, writes to the one audit log, and reminds through the inbox.
func wireOperate(ctx context.Context, a *App) error {
	s := operate.New(a.DB, a.Audit, a.Identity, a.Ingest)
	s.Now = a.Now
	if a.Quality != nil {
		s.Quality = a.Quality.LatestScore
	}
	if a.Notify != nil {
		s.Notify = func(ctx context.Context, orgID, dedup, titleZH, titleEN, bodyZH, bodyEN, link string) error {
			_, err := a.Notify.Send(ctx, a.DB, notify.Message{OrgID: orgID, Kind: "reminder", TitleZH: titleZH, TitleEN: titleEN, BodyZH: bodyZH, BodyEN: bodyEN,
				Link: link, ObjectType: "opr_report", DedupKey: dedup})
			return err
		}
	}
	if a.Share != nil {
		// Products as a sharing mode (SHR-12): agencies request products through sharing
		// and call them under their product grants.
		s.Grants = a.Share
		a.Share.Products = s
	}
	a.Operate = s
	a.Jobs.Add(jobs.Job{Name: "operate.disclosure", Every: 24 * time.Hour, Run: s.RemindDisclosure})
	return nil
}
