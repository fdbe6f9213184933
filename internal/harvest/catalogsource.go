package harvest

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// CatalogSource reads the open catalog from the resource catalog: the published version of every
// live entry whose open type is not 不予开放, with the identity and tombstone kept in
// harvest_datasets. Records come from RecordsFn (the opening package's one transformation); with
// none set, datastore_search answers that no records API is offered yet.
type CatalogSource struct {
	DB        *db.DB
	Now       func() time.Time
	RecordsFn func(ctx context.Context, p *authz.Principal, id string, q RecordQuery) (RecordPage, error)
	// Downloads lists the download distributions of a dataset (site-relative URLs), when the
	// opening package offers downloads.
	Downloads func(id string) []Distribution
	// SuspendedFn tells whether opening of a dataset is suspended, and why.
	SuspendedFn func(ctx context.Context) (map[string]string, error)
	// ExtraCursor adds a change counter of suspensions, so that the index sees them.
	ExtraCursor func(ctx context.Context) (int64, error)
}

// Cursor is the catalog's change counter (plus the suspension counter, when set).
func (c *CatalogSource) Cursor(ctx context.Context) (_ int64, err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.Cursor")
	var n int64
	if err := c.DB.QueryRowContext(ctx, "SELECT seq FROM catalog_seq WHERE id = 1").Scan(&n); err != nil {
		return 0, err
	}
	if c.ExtraCursor != nil {
		x, err := c.ExtraCursor(ctx)
		if err != nil {
			return 0, err
		}
		n += x << 32
	}
	return n, nil
}

// Changed returns the datasets of entries changed after since (all when the suspension counter
// moved, since suspension is not stamped on entries).
func (c *CatalogSource) Changed(ctx context.Context, since int64) (_ []Dataset, _ int64, err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.Changed")
	cur, err := c.Cursor(ctx)
	if err != nil {
		return nil, 0, err
	}
	catSince := since & (1<<32 - 1)
	if since>>32 != cur>>32 {
		catSince = 0
	}
	var susp map[string]string
	if c.SuspendedFn != nil {
		if susp, err = c.SuspendedFn(ctx); err != nil {
			return nil, 0, err
		}
	}
	rows, err := c.DB.QueryContext(ctx, `SELECT e.id, e.live, e.version, e.seq, e.published_at, COALESCE(v.data, ''),
		COALESCE(h.name, ''), COALESCE(h.state, ''), COALESCE(h.first_open_at, 0), COALESCE(h.withdrawn_at, 0), COALESCE(h.reason, ''),
		COALESCE(h.title, ''), COALESCE(h.org_id, ''), COALESCE(o.name, ''), COALESCE(o.name_en, '')
		FROM catalog_entries e
		LEFT JOIN catalog_versions v ON v.entry_id = e.id AND v.version = e.version AND e.live = 1
		LEFT JOIN harvest_datasets h ON h.id = e.id
		LEFT JOIN orgs o ON o.id = e.provider_org_id
		WHERE e.seq > $1 ORDER BY e.seq`, catSince)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Dataset
	for rows.Next() {
		var id, data, name, state, reason, title, orgID, orgName, orgNameEN string
		var live, version int
		var seq, pubAt, firstAt, wdAt int64
		if err := rows.Scan(&id, &live, &version, &seq, &pubAt, &data, &name, &state, &firstAt, &wdAt, &reason, &title, &orgID, &orgName, &orgNameEN); err != nil {
			return nil, 0, err
		}
		ds := Dataset{ID: id, Name: name}
		if name == "" {
			out = append(out, ds) // never open: dropped from the index
			continue
		}
		var e catalog.Entry
		if data != "" {
			if err := json.Unmarshal([]byte(data), &e); err != nil {
				return nil, 0, err
			}
		}
		ds.Created = firstAt
		if state != "active" || live == 0 || data == "" || e.OpenType == catalog.OpenNone || e.OpenType == "" {
			ds.Deleted, ds.Title, ds.OrgID, ds.OrgName, ds.OrgNameEN = true, title, orgID, orgName, orgNameEN
			ds.WithdrawnAt, ds.WithdrawnReason, ds.Modified = wdAt, reason, max(wdAt, firstAt)
			out = append(out, ds)
			continue
		}
		fill(&ds, e, orgName, orgNameEN)
		ds.Version, ds.Modified = version, max(pubAt, firstAt)
		ds.Distributions = []Distribution{{Format: "API", MediaType: "application/json", Title: "数据接口 / Records API", API: true,
			Path: "/api/3/action/datastore_search?resource_id=" + ResourceID(id, "API")}}
		if c.Downloads != nil {
			ds.Distributions = append(c.Downloads(id), ds.Distributions...)
		}
		if r, ok := susp[id]; ok {
			ds.Suspended, ds.SuspendReason = true, r
		}
		out = append(out, ds)
	}
	return out, cur, rows.Err()
}

func fill(ds *Dataset, e catalog.Entry, orgName, orgNameEN string) {
	ds.Code, ds.Title, ds.TitleEN, ds.Summary = e.Code, e.Name, e.NameEN, e.Summary
	ds.OrgID, ds.OrgName, ds.OrgNameEN, ds.Region, ds.Topic = e.ProviderOrgID, orgName, orgNameEN, e.RegionCode, e.Topic
	ds.Tags, ds.OpenType, ds.OpenCondition, ds.Frequency = e.Tags, string(e.OpenType), e.OpenCondition, string(e.Frequency)
	ds.LegalBasis = e.LegalBasis
	for _, f := range e.Fields {
		// Items that are not open are not described to harvesters either.
		if f.OpenType == catalog.OpenNone {
			continue
		}
		ds.Fields = append(ds.Fields, Field{Name: f.Name, Label: f.Label, Type: string(f.Type)})
	}
}

// Orgs lists every organization.
func (c *CatalogSource) Orgs(ctx context.Context) (_ []Org, err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.Orgs")
	rows, err := c.DB.QueryContext(ctx, "SELECT id, name, name_en, region_code FROM orgs")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		var o Org
		if err := rows.Scan(&o.ID, &o.Name, &o.NameEN, &o.Region); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Records reads records through the opening package.
func (c *CatalogSource) Records(ctx context.Context, p *authz.Principal, id string, q RecordQuery) (_ RecordPage, err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.Records(%s)", id)
	if c.RecordsFn == nil {
		return RecordPage{}, ErrNoRecords
	}
	return c.RecordsFn(ctx, p, id, q)
}

var slugRe = regexp.MustCompile(`[^a-z0-9_-]+`)

// slug is the CKAN name of an entry: its region and code, lower case, URL-safe.
func slug(e catalog.Entry) string {
	s := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(e.RegionCode+"-"+e.Code), "-"), "-")
	if len(s) < 2 {
		s = "dataset-" + e.ID
	}
	if len(s) > 90 {
		s = s[:90]
	}
	return s
}

// CatalogChanged follows a publication or withdrawal inside the catalog's transaction: a newly
// open entry gets its identity (name fixed from now on), a dataset that stops being open gets
// its tombstone, and every change goes to the change log the Atom feeds are written from.
func (c *CatalogSource) CatalogChanged(ctx context.Context, q db.Q, e catalog.Entry, live bool) (err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.CatalogChanged")
	now := c.Now().UnixMilli()
	var state string
	err = q.QueryRowContext(ctx, "SELECT state FROM harvest_datasets WHERE id = $1", e.ID).Scan(&state)
	if err != nil && !db.IsNoRows(err) {
		return err
	}
	exists := err == nil
	open := live && e.OpenType != catalog.OpenNone && e.OpenType != ""
	switch {
	case open && !exists:
		if err := c.insert(ctx, q, e, now); err != nil {
			return err
		}
		return change(ctx, q, e.ID, now, "opened", e.Version, e.Name, "")
	case open:
		if _, err := q.ExecContext(ctx, "UPDATE harvest_datasets SET state = 'active', withdrawn_at = 0, reason = '', title = $2, org_id = $3 WHERE id = $1", e.ID, e.Name, e.ProviderOrgID); err != nil {
			return err
		}
		kind := "updated"
		if state != "active" {
			kind = "reopened"
		}
		return change(ctx, q, e.ID, now, kind, e.Version, e.Name, "")
	case exists && state == "active":
		reason := "目录条目已下线 / the catalog entry was withdrawn"
		if live {
			reason = "开放属性已改为不予开放 / the open type was changed to not open"
		}
		if e.Review != nil && e.Review.WithdrawReason != "" {
			reason = e.Review.WithdrawReason
		}
		var wr string
		if !live {
			_ = q.QueryRowContext(ctx, "SELECT withdraw_reason FROM catalog_entries WHERE id = $1", e.ID).Scan(&wr)
			if wr != "" {
				reason = wr
			}
		}
		if _, err := q.ExecContext(ctx, "UPDATE harvest_datasets SET state = 'deleted', withdrawn_at = $2, reason = $3 WHERE id = $1", e.ID, now, reason); err != nil {
			return err
		}
		return change(ctx, q, e.ID, now, "withdrawn", e.Version, e.Name, reason)
	}
	return nil
}

func (c *CatalogSource) insert(ctx context.Context, q db.Q, e catalog.Entry, now int64) error {
	name := slug(e)
	var taken int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM harvest_datasets WHERE name = $1", name).Scan(&taken); err != nil {
		return err
	}
	if taken > 0 {
		name = name + "-" + strings.ToLower(strings.ReplaceAll(e.ID, "-", ""))[:12]
	}
	_, err := q.ExecContext(ctx, `INSERT INTO harvest_datasets (id, name, title, org_id, first_open_at, state) VALUES ($1,$2,$3,$4,$5,'active')`,
		e.ID, name, e.Name, e.ProviderOrgID, now)
	return err
}

func change(ctx context.Context, q db.Q, id string, at int64, kind string, version int, title, note string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO harvest_changes (id, dataset_id, at, kind, version, title, note) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		ids.New(), id, at, kind, version, title, note)
	return err
}

// Backfill gives an identity to every open entry published before harvesting existed (or
// loaded without the hook), once; the entry's publication time is its first opening.
func (c *CatalogSource) Backfill(ctx context.Context) (err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.Backfill")
	rows, err := c.DB.QueryContext(ctx, `SELECT e.id, e.published_at, v.data FROM catalog_entries e
		JOIN catalog_versions v ON v.entry_id = e.id AND v.version = e.version
		WHERE e.live = 1 AND NOT EXISTS (SELECT 1 FROM harvest_datasets h WHERE h.id = e.id)`)
	if err != nil {
		return err
	}
	type item struct {
		e  catalog.Entry
		at int64
	}
	var todo []item
	for rows.Next() {
		var id, data string
		var at int64
		if err := rows.Scan(&id, &at, &data); err != nil {
			rows.Close()
			return err
		}
		var e catalog.Entry
		if json.Unmarshal([]byte(data), &e) != nil || e.OpenType == catalog.OpenNone || e.OpenType == "" {
			continue
		}
		e.ID = id
		todo = append(todo, item{e, at})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(todo) == 0 {
		return nil
	}
	return c.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, it := range todo {
			if err := c.insert(ctx, tx, it.e, it.at); err != nil {
				return err
			}
			if err := change(ctx, tx, it.e.ID, it.at, "opened", it.e.Version, it.e.Name, ""); err != nil {
				return err
			}
		}
		// Stamp the entries so that running indexes pick up their new identity.
		_, err := tx.ExecContext(ctx, "UPDATE catalog_seq SET seq = seq + 1 WHERE id = 1")
		if err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRowContext(ctx, "SELECT seq FROM catalog_seq WHERE id = 1").Scan(&n); err != nil {
			return err
		}
		for _, it := range todo {
			if _, err := tx.ExecContext(ctx, "UPDATE catalog_entries SET seq = $2 WHERE id = $1", it.e.ID, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// Suspension records, in the open dataset's changes (Atom feeds, per dataset and for the
// portal), that its opening was suspended (suspended) or is open again (restored), with the
// reason or note. A dataset without a harvest identity (not open) records nothing. q is the
// suspending transaction, so that the change and the suspension stand or fall together.
func (c *CatalogSource) Suspension(ctx context.Context, q db.Q, entryID string, suspended bool, note string) (err error) {
	defer errs.Wrap(&err, "harvest: CatalogSource.Suspension(%s)", entryID)
	var title string
	err = q.QueryRowContext(ctx, "SELECT title FROM harvest_datasets WHERE id = $1", entryID).Scan(&title)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	kind := "restored"
	if suspended {
		kind = "suspended"
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	return change(ctx, q, entryID, db.Millis(now), kind, 0, title, note)
}
