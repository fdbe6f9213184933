package ingest

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/errs"
	"pubdata/internal/identity"
)

// Batch is one API push (接口推送, AGG-1): rows keyed by field name (or label), keys to delete,
// and a batch id that makes a retried push harmless.
type Batch struct {
	BatchID string           `json:"batch_id"`
	Mode    Mode             `json:"mode"`    // upsert (default) or replace
	Partial bool             `json:"partial"` // load valid rows, report the rest
	Rows    []map[string]any `json:"rows"`
	Deletes []string         `json:"deletes,omitempty"`
}

// MaxBatchRows bounds one pushed batch.
const MaxBatchRows = 10000

// Push loads a pushed batch. The caller is typically an agency system holding a token with the
// "ingest" scope bound to this entry. A batch id seen before returns the earlier result
// (Replayed) and loads nothing.
func (s *Service) Push(ctx context.Context, p *authz.Principal, entryID string, b Batch, clientIP string) (_ *LoadResult, err error) {
	defer errs.Wrap(&err, "ingest: Push(%s)", entryID)
	var fe []apperr.FieldError
	b.BatchID = strings.TrimSpace(b.BatchID)
	if b.BatchID == "" {
		fe = append(fe, apperr.Field("batch_id", "请提供批次号（同一批次重复推送只入库一次）", "give a batch id (a batch pushed twice is loaded once)"))
	}
	if len(b.Rows) == 0 && len(b.Deletes) == 0 {
		fe = append(fe, apperr.Field("rows", "批次中没有数据行", "the batch holds no rows"))
	}
	if len(b.Rows) > MaxBatchRows {
		fe = append(fe, apperr.Field("rows", "单个批次最多 10000 行", "a batch holds at most 10000 rows"))
	}
	if err := apperr.Validation(fe); err != nil {
		return nil, err
	}
	if b.Mode == "" {
		b.Mode = ModeUpsert
	}
	rows := b.Rows
	if rows == nil {
		rows = []map[string]any{}
	}
	return s.Load(ctx, p, LoadRequest{EntryID: entryID, Mode: b.Mode, Partial: b.Partial, Channel: ChannelAPI, Objects: rows,
		Deletes: b.Deletes, BatchID: b.BatchID, FileName: "batch " + clip(b.BatchID, 60), ClientIP: clientIP})
}

// IssuePushToken mints an API token for an agency system to push into one entry: scope
// "ingest", bound to the entry (subject), owned by the issuing data officer. The secret is
// returned once.
func (s *Service) IssuePushToken(ctx context.Context, p *authz.Principal, entryID, name string, ttl time.Duration) (_ string, _ identity.Token, err error) {
	defer errs.Wrap(&err, "ingest: IssuePushToken(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return "", identity.Token{}, err
	}
	if err := authz.Ingest(p, authz.Manage, attrsOf(e)); err != nil || p.TokenID != "" || p.OrgID != e.ProviderOrgID {
		if err == nil {
			err = apperr.Forbidden
		}
		return "", identity.Token{}, err
	}
	if s.Identity == nil {
		return "", identity.Token{}, apperr.Internal
	}
	if strings.TrimSpace(name) == "" {
		name = "推送 / push: " + e.Code
	}
	var secret string
	var tok identity.Token
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		secret, tok, err = s.Identity.CreateToken(ctx, tx, p, name, []string{"ingest"}, e.ID, ttl)
		return err
	})
	return secret, tok, err
}
