package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// ImportRow is one entry read from a file, with the line it came from (1-based, the header
// being line 1 for CSV/XLSX; the array position + 1 for JSON) and any error met while parsing it.
type ImportRow struct {
	Line   int
	Entry  Entry
	Errors []apperr.FieldError
}

// ImportOptions say what an import does with valid rows.
type ImportOptions struct {
	// SkipBad imports the valid rows and reports the bad ones; otherwise one bad row means
	// nothing is imported.
	SkipBad bool
	// Publish publishes every row directly (a new version for an existing entry): for loading
	// an already reviewed catalog. Only authority administrators and the platform itself.
	Publish bool
	// Submit submits every row for review at SubmittedAt (default now), e.g. when migrating a
	// catalog with reviews in progress from an earlier platform.
	Submit      bool
	SubmittedAt time.Time
	Note        string
}

// ImportResult reports an import.
type ImportResult struct {
	Created int                 `json:"created"`
	Updated int                 `json:"updated"`
	Skipped int                 `json:"skipped"`
	Errors  []apperr.FieldError `json:"errors,omitempty"`
	IDs     []string            `json:"ids"`
}

// ErrImport is the refusal of an import with bad rows (each FieldError carries its line).
var ErrImport = apperr.New(422, "catalog.import_invalid", "导入文件中有不合格的行，未导入任何条目", "the file has invalid rows; nothing was imported")

func trusted(p *authz.Principal) bool {
	return p == authz.System || (p != nil && p.UserID == authz.System.UserID && p.OrgID == "")
}

// Import loads entries: rows with an ID or a (region, code) that exists replace that entry's
// working copy; the others create entries. Every row is checked first (rules, organizations,
// permissions, duplicate codes); any bad row refuses the whole file with every problem and its
// line, unless SkipBad. The valid rows are written in one transaction.
func (s *Service) Import(ctx context.Context, p *authz.Principal, rows []ImportRow, opts ImportOptions) (_ ImportResult, err error) {
	defer errs.Wrap(&err, "catalog: Import")
	var res ImportResult
	if !p.Authenticated() && !trusted(p) {
		return res, apperr.Unauthenticated
	}
	if (opts.Publish || !opts.SubmittedAt.IsZero()) && !trusted(p) {
		if err := authz.CatalogEntry(p, authz.Manage, authz.CatalogAttrs{RegionCode: p.RegionCode}); err != nil {
			return res, err
		}
	}
	cfg := s.Config(ctx)
	type planned struct {
		row    ImportRow
		exists bool
	}
	var plan []planned
	seenCodes := map[string]int{}
	bad := func(r ImportRow, fe []apperr.FieldError) {
		for _, f := range fe {
			f.Line = r.Line
			res.Errors = append(res.Errors, f)
		}
		res.Skipped++
	}
	for _, r := range rows {
		if len(r.Errors) > 0 {
			bad(r, r.Errors)
			continue
		}
		e := r.Entry
		if e.ProviderOrgID == "" && !trusted(p) {
			e.ProviderOrgID = p.OrgID
		}
		if err := s.providerOf(ctx, p, &e); err != nil {
			bad(r, apperr.As(err).Fields)
			continue
		}
		exists := false
		var cur row
		if e.ID != "" {
			c, err := s.load(ctx, s.DB, e.ID, false)
			if err == nil {
				exists, cur = true, c
			} else if !errors.Is(err, ErrNotFound) {
				return res, err
			}
		} else if e.Code != "" {
			if c, err := s.GetByCode(ctx, e.RegionCode, e.Code); err == nil {
				exists, cur = true, row{Entry: c}
				e.ID = c.ID
			}
		}
		if exists && (cur.ProviderOrgID != e.ProviderOrgID) {
			bad(r, []apperr.FieldError{apperr.Field("provider_org_id", "该代码的条目属于其他部门", "the entry with this code belongs to another agency")})
			continue
		}
		if !trusted(p) {
			act := authz.Create
			if exists {
				act = authz.Update
			}
			at := authz.CatalogAttrs{ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode}
			if authz.CatalogEntry(p, act, at) != nil && authz.CatalogEntry(p, authz.Manage, at) != nil {
				bad(r, []apperr.FieldError{apperr.Field("provider_org_id", "无权为该部门导入目录", "you may not import entries of this agency")})
				continue
			}
		}
		if err := s.prepare(ctx, &e, cfg); err != nil {
			bad(r, apperr.As(err).Fields)
			continue
		}
		if e.Code != "" {
			k := e.RegionCode + "|" + e.Code
			if first, dup := seenCodes[k]; dup {
				bad(r, []apperr.FieldError{apperr.Field("code", fmt.Sprintf("资源代码与第 %d 行重复", first), fmt.Sprintf("code repeats line %d", first))})
				continue
			}
			seenCodes[k] = r.Line
		}
		r.Entry = e
		plan = append(plan, planned{row: r, exists: exists})
	}
	if len(res.Errors) > 0 && !opts.SkipBad {
		res.Created, res.Updated = 0, 0
		return res, ErrImport.With(res.Errors...)
	}
	now := s.Now()
	subAt := opts.SubmittedAt
	if subAt.IsZero() {
		subAt = now
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, pl := range plan {
			e := pl.row.Entry
			var r row
			if pl.exists {
				cur, err := s.load(ctx, tx, e.ID, true)
				if err != nil {
					return err
				}
				if cur.Status == StatusSubmitted || cur.Status == StatusWithdrawing {
					return ErrState.With(apperr.FieldError{Field: "code", Line: pl.row.Line, ZH: "该条目正在审核中，不能覆盖", EN: "the entry is under review and cannot be replaced"})
				}
				r = cur
				e.Status, e.Version, e.PublishedAt, e.CreatedAt = StatusDraft, cur.Version, cur.PublishedAt, cur.CreatedAt
			} else {
				if e.ID == "" {
					e.ID = ids.New()
				}
				e.Status, e.Version, e.PublishedAt, e.CreatedAt = StatusDraft, 0, 0, db.Stamp(now.UnixMilli())
			}
			e.UpdatedAt = db.Stamp(now.UnixMilli())
			if err := s.assignCode(ctx, tx, &e); err != nil {
				return err
			}
			r.Entry = e
			if err := s.save(ctx, tx, &r, !pl.exists); err != nil {
				if ae := (*apperr.Error)(nil); errors.As(err, &ae) {
					for i := range ae.Fields {
						ae.Fields[i].Line = pl.row.Line
					}
				}
				return err
			}
			if err := s.event(ctx, tx, p, e.ID, "import", "", StatusDraft, opts.Note, map[string]any{"code": e.Code, "line": pl.row.Line}); err != nil {
				return err
			}
			switch {
			case opts.Publish:
				if err := s.publishTx(ctx, tx, p, &r, now, opts.Note); err != nil {
					return err
				}
			case opts.Submit:
				r.Status = StatusSubmitted
				r.rv.SubmittedAt = db.Stamp(subAt.UnixMilli())
				r.rv.ReviewDue = workday.Format(s.Cal.AddWorkdays(subAt, cfg.ReviewDays))
				if err := s.save(ctx, tx, &r, false); err != nil {
					return err
				}
				if err := s.event(ctx, tx, p, e.ID, EvSubmit, StatusDraft, StatusSubmitted, "", map[string]any{"review_due": r.rv.ReviewDue}); err != nil {
					return err
				}
			}
			if pl.exists {
				res.Updated++
			} else {
				res.Created++
			}
			res.IDs = append(res.IDs, e.ID)
		}
		return nil
	})
	if err != nil {
		return ImportResult{Errors: res.Errors, Skipped: res.Skipped}, err
	}
	return res, nil
}

// publishTx publishes r as its next version inside tx (import with Publish).
func (s *Service) publishTx(ctx context.Context, tx db.Q, p *authz.Principal, r *row, now time.Time, note string) error {
	from := r.Status
	r.Status, r.Version, r.PublishedAt, r.UpdatedAt = StatusPublished, r.Version+1, db.Stamp(now.UnixMilli()), db.Stamp(now.UnixMilli())
	r.rv.Live, r.rv.SubmittedAt, r.rv.ReviewDue, r.rv.ReturnReasons = true, 0, "", ""
	if r.rv.AssessedAt == 0 {
		r.rv.AssessedAt = db.Stamp(now.UnixMilli())
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_versions (entry_id, version, data, published_at, approved_by, note)
		VALUES ($1,$2,$3,$4,$5,$6)`, r.ID, r.Version, content(r.Entry), r.PublishedAt, actorName(p), note); err != nil {
		return err
	}
	if err := s.save(ctx, tx, r, false); err != nil {
		return err
	}
	if err := s.refreshDerived(ctx, tx, r.Entry, true); err != nil {
		return err
	}
	return s.event(ctx, tx, p, r.ID, "import_publish", from, StatusPublished, note, map[string]any{"version": r.Version})
}
