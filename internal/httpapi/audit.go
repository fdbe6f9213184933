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
func (api *API) auditRoutes() {
	a := api.App
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/checkpoints", Summary: "审计日志签名检查点（新的在前，limit ≤ 1000）/ Signed audit checkpoints, newest first", Tag: "audit", Out: Items[audit.Checkpoint]{}, Query: []string{"limit"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Audit(p, authz.Read, ""); err != nil {
				return nil, err
			}
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			cps, err := a.Audit.Checkpoints(r.Context(), limit)
			if err != nil {
				return nil, err
			}
			return map[string]any{"items": cps}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/checkpoints/latest", Summary: "最新的审计检查点 / The latest audit checkpoint", Tag: "audit", Out: audit.Checkpoint{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Audit(p, authz.Read, ""); err != nil {
				return nil, err
			}
			return a.Audit.LatestCheckpoint(r.Context())
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/checkpoint-keys", Summary: "检查点签名公钥（Ed25519 / SM2）/ Public keys that verify checkpoints", Tag: "audit", Out: Items[audit.PublicKey]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Audit(p, authz.Read, ""); err != nil {
				return nil, err
			}
			ks, err := a.Audit.PublicKeys(r.Context())
			if err != nil {
				return nil, err
			}
			return map[string]any{"items": ks}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/proof", Summary: "单条审计记录的默克尔包含证明（seq，可选 size 指定检查点）/ Merkle inclusion proof of one record (seq; size picks the checkpoint)", Tag: "audit", Out: ProofAnswer{}, Query: []string{"seq", "size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
			pr, cp, err := a.Audit.Prove(r.Context(), seq, size)
			if err != nil {
				return nil, err
			}
			if err := a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "audit.proof",
				ObjectType: "audit_record", ObjectID: strconv.FormatInt(seq, 10), ClientIP: ClientIP(r), Detail: map[string]any{"size": cp.Size}}); err != nil {
				return nil, err
			}
			return map[string]any{"proof": pr, "checkpoint": cp}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/consistency", Summary: "两个检查点之间的一致性证明（from 为先前检查点的大小，to 可选，默认最新）/ Consistency proof from an earlier checkpoint's size to a later checkpoint (to: default the latest)", Tag: "audit", Out: audit.ConsistencyProof{}, Query: []string{"from", "to"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
			return a.Audit.ProveConsistency(r.Context(), from, to)
		})
}
