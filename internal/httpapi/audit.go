package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
)

// Audit checkpoints (审计检查点, SEC-4): oversight bodies and auditors fetch the signed
// checkpoints, the public keys that verify them, and Merkle inclusion proofs of single records,
// and keep them outside the platform. Read through the audit decision (auditors, oversight,
// authority administrators); fetching a proof (which shows a record) is itself audited.
// The routes are listed in routes.go.

// auditListCheckpoints serves GET /api/v1/audit/checkpoints: Signed audit checkpoints, newest first.
func (api *API) auditListCheckpoints(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Audit(p, authz.Read, ""); err != nil {
		return nil, err
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	cps, err := api.App.Audit.Checkpoints(r.Context(), limit)
	if err != nil {
		return nil, err
	}
	return map[string]any{"items": cps}, nil
}

// auditLatestCheckpoint serves GET /api/v1/audit/checkpoints/latest: The latest audit checkpoint.
func (api *API) auditLatestCheckpoint(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Audit(p, authz.Read, ""); err != nil {
		return nil, err
	}
	return api.App.Audit.LatestCheckpoint(r.Context())
}

// auditCheckpointKeys serves GET /api/v1/audit/checkpoint-keys: Public keys that verify checkpoints.
func (api *API) auditCheckpointKeys(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Audit(p, authz.Read, ""); err != nil {
		return nil, err
	}
	ks, err := api.App.Audit.PublicKeys(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"items": ks}, nil
}

// auditProof serves GET /api/v1/audit/proof: Merkle inclusion proof of one record (seq; size picks the checkpoint).
func (api *API) auditProof(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Audit(p, authz.Read, ""); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	seq, err := strconv.ParseInt(q.Get("seq"), 10, 64)
	if err != nil || seq < 1 {
		return nil, apperr.Invalid.With(apperr.Field("seq", "请给出记录序号（正整数）", "give the record's seq (a positive integer)"))
	}
	var size int64
	if v := q.Get("size"); v != "" {
		if size, err = strconv.ParseInt(v, 10, 64); err != nil || size < 1 {
			return nil, apperr.Invalid.With(apperr.Field("size", "检查点大小应为正整数", "size must be a positive integer"))
		}
	}
	pr, cp, err := api.App.Audit.Prove(r.Context(), seq, size)
	if err != nil {
		return nil, err
	}
	if err := api.App.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "audit.proof",
		ObjectType: "audit_record", ObjectID: strconv.FormatInt(seq, 10), ClientIP: ClientIP(r), Detail: map[string]any{"size": cp.Size}}); err != nil {
		return nil, err
	}
	return map[string]any{"proof": pr, "checkpoint": cp}, nil
}

// auditConsistency serves GET /api/v1/audit/consistency: Consistency proof from an earlier checkpoint's size to a later checkpoint (to: default the latest).
func (api *API) auditConsistency(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Audit(p, authz.Read, ""); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	from, err := strconv.ParseInt(q.Get("from"), 10, 64)
	if err != nil || from < 1 {
		return nil, apperr.Invalid.With(apperr.Field("from", "请给出先前检查点的大小（正整数）", "give the earlier checkpoint's size (a positive integer)"))
	}
	var to int64
	if v := q.Get("to"); v != "" {
		if to, err = strconv.ParseInt(v, 10, 64); err != nil || to < 1 {
			return nil, apperr.Invalid.With(apperr.Field("to", "检查点大小应为正整数", "to must be a positive integer"))
		}
	}
	return api.App.Audit.ProveConsistency(r.Context(), from, to)
}
