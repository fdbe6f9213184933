package catalog

import (
	"context"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/errs"
)

// RollupRow counts the catalog of one region including everything below it.
type RollupRow struct {
	RegionCode  string         `json:"region_code"`
	RegionName  string         `json:"region_name"`
	Level       int            `json:"level"`
	Published   int            `json:"published"`
	InReview    int            `json:"in_review"`
	Drafts      int            `json:"drafts"`
	ByShareType map[string]int `json:"by_share_type"`
	Agencies    int            `json:"agencies"`
}

// Rollup is the catalog of a region rolled up from its counties and cities (CAT-1): the region
// itself first, then each child region with its own descendants. Counts of drafts and reviews
// are shown only to those who may see them.
func (s *Service) Rollup(ctx context.Context, p *authz.Principal, region string) (_ []RollupRow, err error) {
	defer errs.Wrap(&err, "catalog: Rollup")
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	type reg struct {
		code, name, parent string
		level              int
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT code, name, COALESCE(parent_code, ''), level FROM regions ORDER BY code")
	if err != nil {
		return nil, err
	}
	var regs []reg
	for rows.Next() {
		var r reg
		if err := rows.Scan(&r.code, &r.name, &r.parent, &r.level); err != nil {
			rows.Close()
			return nil, err
		}
		regs = append(regs, r)
	}
	rows.Close()
	if region == "" {
		for _, r := range regs {
			if r.parent == "" {
				region = r.code
				break
			}
		}
	}
	var scope []reg
	for _, r := range regs {
		if r.code == region || r.parent == region {
			scope = append(scope, r)
		}
	}
	if len(scope) == 0 {
		return nil, apperr.NotFound
	}
	rows, err = s.DB.QueryContext(ctx, "SELECT region_code, provider_org_id, status, live, share_type FROM catalog_entries")
	if err != nil {
		return nil, err
	}
	type ent struct {
		region, prov, status, share string
		live                        bool
	}
	var ents []ent
	for rows.Next() {
		var e ent
		var live int
		if err := rows.Scan(&e.region, &e.prov, &e.status, &live, &e.share); err != nil {
			rows.Close()
			return nil, err
		}
		e.live = live != 0
		ents = append(ents, e)
	}
	rows.Close()
	var out []RollupRow
	for _, r := range scope {
		row := RollupRow{RegionCode: r.code, RegionName: r.name, Level: r.level, ByShareType: map[string]int{}}
		agencies := map[string]bool{}
		covers := func(x string) bool {
			if r.code == region && x != region {
				return authz.RegionCovers(region, x)
			}
			return authz.RegionCovers(r.code, x)
		}
		for _, e := range ents {
			if !covers(e.region) {
				continue
			}
			if e.live {
				row.Published++
				row.ByShareType[e.share]++
				agencies[e.prov] = true
			}
			if CanSeeWorking(p, e.prov, e.region) {
				switch Status(e.status) {
				case StatusSubmitted, StatusWithdrawing:
					row.InReview++
				case StatusDraft, StatusReturned:
					row.Drafts++
				}
			}
		}
		row.Agencies = len(agencies)
		out = append(out, row)
	}
	return out, nil
}
