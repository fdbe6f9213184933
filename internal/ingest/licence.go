package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/notify"
)

// E-licences are aggregated in real time (电子证照实时归集, NM 18, AGG-4): an entry of the
// e-licence base that declares real-time updates is late once its last load is older than
// LicenceLag (minutes, not the day that other real-time data is allowed). The check runs every
// few minutes and raises one late flag per lapse, which counts in the agency's score like any
// other late update.

// DefaultLicenceLag is how old the newest e-licence load may be before it is late.
const DefaultLicenceLag = 15 * time.Minute

func (s *Service) licenceLag() time.Duration {
	if s.LicenceLag > 0 {
		return s.LicenceLag
	}
	return DefaultLicenceLag
}

// LicenceRow is one real-time e-licence entry with how far behind it is.
type LicenceRow struct {
	EntryID    string    `json:"entry_id"`
	Name       string    `json:"name"`
	OrgID      string    `json:"org_id"`
	LastLoadAt time.Time `json:"last_load_at,omitzero"`
	LagMinutes int       `json:"lag_minutes"`
	MaxMinutes int       `json:"max_minutes"`
	Late       bool      `json:"late"`
}

// licenceRows computes the lag of every real-time member of the e-licence base at now.
func (s *Service) licenceRows(ctx context.Context, now time.Time) ([]LicenceRow, error) {
	es, ts, err := s.trackedEntries(ctx)
	if err != nil {
		return nil, err
	}
	max := s.licenceLag()
	out := []LicenceRow{}
	for i := range es {
		e := &es[i]
		if e.Frequency != catalog.FreqRealtime || !slices.Contains(BasesOf(e), "license") {
			continue
		}
		t := ts[e.ID]
		r := LicenceRow{EntryID: e.ID, Name: e.Name, OrgID: e.ProviderOrgID, MaxMinutes: int(max / time.Minute)}
		if t != nil && t.LastLoadAt > 0 {
			r.LastLoadAt = db.FromMillis(t.LastLoadAt)
			r.LagMinutes = int(now.Sub(r.LastLoadAt) / time.Minute)
			r.Late = now.Sub(r.LastLoadAt) > max
		} else {
			r.Late = true
		}
		out = append(out, r)
	}
	return out, nil
}

// LicenceFreshness is the e-licence board: each real-time e-licence entry and its lag.
// Authority staff only (like the base databases).
func (s *Service) LicenceFreshness(ctx context.Context, p *authz.Principal) (_ []LicenceRow, err error) {
	defer errs.Wrap(&err, "ingest: LicenceFreshness")
	if err := authz.BaseDB(p, authz.Read); err != nil {
		return nil, err
	}
	return s.licenceRows(ctx, s.now())
}

// CheckLicences flags every real-time e-licence entry that is behind, once per lapse (keyed by
// the minute its allowance ran out), telling its agency. It returns how many flags it raised.
func (s *Service) CheckLicences(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "ingest: CheckLicences")
	rows, err := s.licenceRows(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		if !r.Late || r.LastLoadAt.IsZero() {
			continue // never loaded: the daily freshness check flags it
		}
		e, err := s.entry(ctx, r.EntryID)
		if err != nil {
			continue
		}
		due := r.LastLoadAt.Add(s.licenceLag()).In(time.Local).Format("2006-01-02T15:04")
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO ingest_late (entry_id, due_day, org_id, region_code, flagged_at) VALUES ($1,$2,$3,$4,$5)
				ON CONFLICT (entry_id, due_day) DO NOTHING`, e.ID, due, e.ProviderOrgID, e.RegionCode, db.Millis(now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n++
			if s.Notify != nil {
				if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: e.ProviderOrgID, Kind: "flag",
					TitleZH: "电子证照未实时归集：" + e.Name, TitleEN: "E-licences not aggregated in real time: " + firstNonEmpty(e.NameEN, e.Name),
					BodyZH: fmt.Sprintf("电子证照应实时归集（最长 %d 分钟），“%s”最近一次归集已过去 %d 分钟。", r.MaxMinutes, e.Name, r.LagMinutes),
					BodyEN: fmt.Sprintf("E-licences must be aggregated in real time (at most %d minutes); the last load of “%s” was %d minutes ago.", r.MaxMinutes, firstNonEmpty(e.NameEN, e.Name), r.LagMinutes),
					Link:   "/ingest/entries/" + e.ID, ObjectType: "catalog_entry", ObjectID: e.ID, DedupKey: "ingest.licence.late:" + e.ID + ":" + due}); err != nil {
					return err
				}
			}
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", OrgID: e.ProviderOrgID, Action: "ingest.freshness.flag",
				ObjectType: "catalog_entry", ObjectID: e.ID, Detail: map[string]any{"due": due, "status": FreshLate, "lag_minutes": r.LagMinutes}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
