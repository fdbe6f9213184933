package catalog

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
)

// AcceptanceCheck is one more condition a finance-funded information system must meet before
// acceptance (CAT-10). It returns ok=false with a reason when the system is not acceptable.
// The aggregation capability adds "its cataloged data has been aggregated" with
// Service.AcceptanceChecks = append(…).
type AcceptanceCheck func(ctx context.Context, sys System) (ok bool, reasonZH, reasonEN string, err error)

// System stages.
const (
	StageBuilt    = "built"    // 已建
	StageBuilding = "building" // 在建
	StagePlanned  = "planned"  // 拟建
)

// Document kinds of a system.
const (
	DocDesign        = "design"         // 设计文档
	DocDataStructure = "data_structure" // 数据结构文档
	DocOther         = "other"
)

// MaxDocSize is the largest document accepted (documents live in the database, so that
// stateless PostgreSQL nodes all serve them).
const MaxDocSize = 20 << 20

// System is a registered information system (政务信息系统, CAT-10, JM 9, JM 29, NM 12).
type System struct {
	ID            string      `json:"id"`
	OrgID         string      `json:"org_id"`
	OrgName       string      `json:"org_name,omitempty"`
	RegionCode    string      `json:"region_code"`
	Name          string      `json:"name"`
	Stage         string      `json:"stage"`
	FinanceFunded bool        `json:"finance_funded"` // 财政资金建设
	ProjectCode   string      `json:"project_code,omitempty"`
	Description   string      `json:"description,omitempty"`
	EntryIDs      []string    `json:"entry_ids"`
	Docs          []SystemDoc `json:"documents"`
	Acceptable    bool        `json:"acceptable"` // may pass acceptance (验收)
	Issues        []Warning   `json:"issues,omitempty"`
	// Accepted is set once the authority recorded the acceptance (AcceptSystem).
	Accepted   bool     `json:"accepted"`
	AcceptedAt db.Stamp `json:"accepted_at,omitempty"`
	AcceptedBy string   `json:"accepted_by,omitempty"`
	AcceptNote string   `json:"accept_note,omitempty"`
	CreatedAt  db.Stamp `json:"created_at"`
	UpdatedAt  db.Stamp `json:"updated_at"`
}

// SystemDoc is an attached document (stored in the database).
type SystemDoc struct {
	ID          string   `json:"id"`
	SystemID    string   `json:"system_id"`
	Kind        string   `json:"kind"`
	Filename    string   `json:"filename"`
	ContentType string   `json:"content_type"`
	Size        int64    `json:"size"`
	SHA256      string   `json:"sha256"`
	UploadedBy  string   `json:"uploaded_by"`
	CreatedAt   db.Stamp `json:"created_at"`
}

var ErrSystemNotFound = apperr.New(http.StatusNotFound, "catalog.system_not_found", "信息系统不存在", "information system not found")

func (s *Service) checkSystem(ctx context.Context, sys *System) error {
	var fe []apperr.FieldError
	sys.Name = strings.TrimSpace(sys.Name)
	if sys.Name == "" {
		fe = append(fe, apperr.Field("name", "请填写系统名称", "name is required"))
	}
	if !slices.Contains([]string{StageBuilt, StageBuilding, StagePlanned}, sys.Stage) {
		fe = append(fe, apperr.Field("stage", "建设状态须为已建、在建或拟建（built、building、planned）", "stage must be built, building or planned"))
	}
	if sys.FinanceFunded && blank(sys.ProjectCode) {
		fe = append(fe, apperr.Field("project_code", "财政资金建设的系统须填写立项编号", "a finance-funded system needs its project approval number"))
	}
	for i, id := range sys.EntryIDs {
		var prov string
		if err := s.DB.QueryRowContext(ctx, "SELECT provider_org_id FROM catalog_entries WHERE id = $1", id).Scan(&prov); err != nil {
			fe = append(fe, apperr.Field(fmt.Sprintf("entry_ids[%d]", i), "目录条目不存在："+id, "no such catalog entry: "+id))
		} else if prov != sys.OrgID {
			fe = append(fe, apperr.Field(fmt.Sprintf("entry_ids[%d]", i), "只能关联本部门的目录条目", "only the agency's own entries can be linked"))
		}
	}
	return apperr.Validation(fe)
}

// SaveSystem registers (no ID) or changes a system of p's agency, linking its catalog entries.
func (s *Service) SaveSystem(ctx context.Context, p *authz.Principal, sys System) (_ System, err error) {
	defer errs.Wrap(&err, "catalog: SaveSystem")
	if sys.OrgID == "" {
		sys.OrgID = p.OrgID
	}
	o, ok := s.org(ctx, s.DB, sys.OrgID)
	if !ok {
		return System{}, apperr.Invalid.With(apperr.Field("org_id", "机构不存在", "no such organization"))
	}
	sys.RegionCode = o.Region
	insert := sys.ID == ""
	if !insert {
		cur, err := s.System(ctx, p, sys.ID)
		if err != nil {
			return System{}, err
		}
		sys.OrgID, sys.RegionCode, sys.CreatedAt = cur.OrgID, cur.RegionCode, cur.CreatedAt
	}
	act := authz.Create
	if !insert {
		act = authz.Update
	}
	if err := authz.CatalogRegistry(p, act, sys.OrgID, sys.RegionCode); err != nil {
		return System{}, err
	}
	if sys.EntryIDs == nil {
		sys.EntryIDs = []string{}
	}
	if err := s.checkSystem(ctx, &sys); err != nil {
		return System{}, err
	}
	now := s.Now().UnixMilli()
	if insert {
		sys.ID, sys.CreatedAt = ids.New(), db.Stamp(now)
	}
	sys.UpdatedAt = db.Stamp(now)
	links, _ := json.Marshal(sys.EntryIDs)
	ff := 0
	if sys.FinanceFunded {
		ff = 1
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if insert {
			_, err = tx.ExecContext(ctx, `INSERT INTO catalog_systems (id, org_id, region_code, name, stage, finance_funded, project_code, description, entry_ids, created_at, updated_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, sys.ID, sys.OrgID, sys.RegionCode, sys.Name, sys.Stage, ff, sys.ProjectCode, sys.Description, string(links), sys.CreatedAt, sys.UpdatedAt)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE catalog_systems SET name=$2, stage=$3, finance_funded=$4, project_code=$5, description=$6, entry_ids=$7, updated_at=$8 WHERE id=$1`,
				sys.ID, sys.Name, sys.Stage, ff, sys.ProjectCode, sys.Description, string(links), sys.UpdatedAt)
		}
		if err != nil {
			return err
		}
		action := "catalog.system.update"
		if insert {
			action = "catalog.system.create"
		}
		return s.Audit.RecordAction(ctx, tx, p.UserID, actorName(p), p.OrgID, action, "catalog_system", sys.ID,
			map[string]any{"name": sys.Name, "stage": sys.Stage, "finance_funded": sys.FinanceFunded, "entries": sys.EntryIDs})
	})
	if err != nil {
		return System{}, err
	}
	return s.System(ctx, p, sys.ID)
}

const systemCols = "id, org_id, region_code, name, stage, finance_funded, project_code, description, entry_ids, created_at, updated_at, accepted_at, accepted_by, accept_note"

func scanSystem(sc interface{ Scan(...any) error }) (System, error) {
	var sys System
	var ff int
	var links string
	err := sc.Scan(&sys.ID, &sys.OrgID, &sys.RegionCode, &sys.Name, &sys.Stage, &ff, &sys.ProjectCode, &sys.Description, &links, &sys.CreatedAt, &sys.UpdatedAt,
		&sys.AcceptedAt, &sys.AcceptedBy, &sys.AcceptNote)
	sys.FinanceFunded = ff != 0
	sys.Accepted = sys.AcceptedAt != 0
	json.Unmarshal([]byte(links), &sys.EntryIDs)
	return sys, err
}

// System returns one system with its documents and its acceptance status.
func (s *Service) System(ctx context.Context, p *authz.Principal, id string) (_ System, err error) {
	defer errs.Wrap(&err, "catalog: System(%s)", id)
	sys, err := scanSystem(s.DB.QueryRowContext(ctx, "SELECT "+systemCols+" FROM catalog_systems WHERE id = $1", id))
	if db.IsNoRows(err) {
		return System{}, ErrSystemNotFound
	}
	if err != nil {
		return System{}, err
	}
	if err := authz.CatalogRegistry(p, authz.Read, sys.OrgID, sys.RegionCode); err != nil {
		return System{}, err
	}
	return sys, s.complete(ctx, &sys)
}

// Systems lists the systems visible to p (one agency's with orgID).
func (s *Service) Systems(ctx context.Context, p *authz.Principal, orgID string) (_ []System, err error) {
	defer errs.Wrap(&err, "catalog: Systems(%s)", orgID)
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	q, args := "SELECT "+systemCols+" FROM catalog_systems", []any{}
	if orgID != "" {
		q += " WHERE org_id = $1"
		args = append(args, orgID)
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY org_id, name", args...)
	if err != nil {
		return nil, err
	}
	var out []System
	for rows.Next() {
		sys, err := scanSystem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if authz.CatalogRegistry(p, authz.Read, sys.OrgID, sys.RegionCode) == nil {
			out = append(out, sys)
		}
	}
	rows.Close()
	for i := range out {
		if err := s.complete(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// complete adds documents, names and the acceptance verdict: a finance-funded system is not
// acceptable (不予验收) until it has filed its data catalog and every linked entry is published
// (JM 29, NM 12), nor while any registered AcceptanceCheck objects.
func (s *Service) complete(ctx context.Context, sys *System) error {
	sys.OrgName = s.orgName(ctx, sys.OrgID)
	rows, err := s.DB.QueryContext(ctx, "SELECT id, system_id, kind, filename, content_type, size, sha256, uploaded_by, created_at FROM catalog_system_docs WHERE system_id = $1 ORDER BY created_at", sys.ID)
	if err != nil {
		return err
	}
	sys.Docs = nil
	for rows.Next() {
		var d SystemDoc
		if err := rows.Scan(&d.ID, &d.SystemID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		sys.Docs = append(sys.Docs, d)
	}
	rows.Close()
	if sys.Docs == nil {
		sys.Docs = []SystemDoc{}
	}
	sys.Issues = nil
	if sys.FinanceFunded {
		if len(sys.EntryIDs) == 0 {
			sys.Issues = append(sys.Issues, Warning{Code: "catalog.system_not_cataloged", Field: "entry_ids",
				ZH: "财政资金建设的系统尚未编报数据目录", EN: "the finance-funded system has not filed its data catalog"})
		}
		for _, id := range sys.EntryIDs {
			var name string
			var live int
			if err := s.DB.QueryRowContext(ctx, "SELECT name, live FROM catalog_entries WHERE id = $1", id).Scan(&name, &live); err != nil || live == 0 {
				sys.Issues = append(sys.Issues, Warning{Code: "catalog.system_entry_unpublished", Field: "entry_ids",
					ZH: "关联目录“" + name + "”尚未发布", EN: "linked entry “" + name + "” is not published"})
			}
		}
		for _, k := range []string{DocDesign, DocDataStructure} {
			if !slices.ContainsFunc(sys.Docs, func(d SystemDoc) bool { return d.Kind == k }) {
				sys.Issues = append(sys.Issues, Warning{Code: "catalog.system_doc_missing", Field: "documents",
					ZH: "缺少" + docKindName(k, "zh"), EN: "missing the " + docKindName(k, "en")})
			}
		}
		for _, check := range s.AcceptanceChecks {
			ok, zh, en, err := check(ctx, *sys)
			if err != nil {
				return err
			}
			if !ok {
				sys.Issues = append(sys.Issues, Warning{Code: "catalog.system_check", ZH: zh, EN: en})
			}
		}
	}
	sys.Acceptable = len(sys.Issues) == 0
	return nil
}

func docKindName(k, lang string) string {
	n := map[string][2]string{DocDesign: {"设计文档", "design document"}, DocDataStructure: {"数据结构文档", "data-structure document"}, DocOther: {"其他文档", "other document"}}[k]
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// AttachDoc stores a document of a system in the database.
func (s *Service) AttachDoc(ctx context.Context, p *authz.Principal, systemID, kind, filename, contentType string, data []byte) (_ SystemDoc, err error) {
	defer errs.Wrap(&err, "catalog: AttachDoc(%s)", systemID)
	sys, err := s.System(ctx, p, systemID)
	if err != nil {
		return SystemDoc{}, err
	}
	if err := authz.CatalogRegistry(p, authz.Update, sys.OrgID, sys.RegionCode); err != nil {
		return SystemDoc{}, err
	}
	if !slices.Contains([]string{DocDesign, DocDataStructure, DocOther}, kind) {
		return SystemDoc{}, apperr.Invalid.With(apperr.Field("kind", "文档类型须为 design、data_structure 或 other", "kind must be design, data_structure or other"))
	}
	if len(data) == 0 {
		return SystemDoc{}, apperr.Invalid.With(apperr.Field("file", "文件为空", "the file is empty"))
	}
	if len(data) > MaxDocSize {
		return SystemDoc{}, apperr.TooLarge
	}
	filename = filepath.Base(strings.ReplaceAll(filename, "\\", "/"))
	if filename == "" || filename == "." || filename == "/" {
		filename = "document"
	}
	if contentType == "" {
		contentType = http.DetectContentType(data)
	}
	sum := sha256.Sum256(data)
	d := SystemDoc{ID: ids.New(), SystemID: systemID, Kind: kind, Filename: filename, ContentType: contentType, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), UploadedBy: actorName(p), CreatedAt: db.Stamp(s.Now().UnixMilli())}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_system_docs (id, system_id, kind, filename, content_type, size, sha256, content, uploaded_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, d.ID, d.SystemID, d.Kind, d.Filename, d.ContentType, d.Size, d.SHA256, data, d.UploadedBy, d.CreatedAt); err != nil {
			return err
		}
		return s.Audit.RecordAction(ctx, tx, p.UserID, actorName(p), p.OrgID, "catalog.system.attach", "catalog_system", systemID,
			map[string]any{"doc": d.ID, "kind": kind, "filename": filename, "size": d.Size, "sha256": d.SHA256})
	})
	return d, err
}

// Doc returns a document and its content (the download is audited).
func (s *Service) Doc(ctx context.Context, p *authz.Principal, docID string) (_ SystemDoc, _ []byte, err error) {
	defer errs.Wrap(&err, "catalog: Doc(%s)", docID)
	var d SystemDoc
	var data []byte
	err = s.DB.QueryRowContext(ctx, "SELECT id, system_id, kind, filename, content_type, size, sha256, uploaded_by, created_at, content FROM catalog_system_docs WHERE id = $1", docID).
		Scan(&d.ID, &d.SystemID, &d.Kind, &d.Filename, &d.ContentType, &d.Size, &d.SHA256, &d.UploadedBy, &d.CreatedAt, &data)
	if db.IsNoRows(err) {
		return d, nil, apperr.NotFound
	}
	if err != nil {
		return d, nil, err
	}
	if _, err := s.System(ctx, p, d.SystemID); err != nil {
		return d, nil, err
	}
	return d, data, s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "catalog.system.download",
		ObjectType: "catalog_system_doc", ObjectID: d.ID, Detail: map[string]any{"filename": d.Filename, "system": d.SystemID}})
}

// Acceptance errors.
var (
	ErrNotAcceptable = apperr.New(http.StatusConflict, "catalog.system_not_acceptable", "该系统不符合验收条件（见所列问题），不予验收",
		"the system does not meet the acceptance conditions (see the issues listed); it cannot be accepted")
	ErrAccepted = apperr.New(http.StatusConflict, "catalog.system_accepted", "该系统已验收", "the system is already accepted")
)

// AcceptSystem records the acceptance (验收) of an information system by the authority covering
// its region (CAT-10, JM 29, NM 12). A finance-funded system is accepted only when every
// acceptance check passes — its catalog is filed and published, its documents attached and its
// cataloged data aggregated (the aggregation check); otherwise the answer names each problem and
// nothing is recorded. The agency is told; the step is audited.
func (s *Service) AcceptSystem(ctx context.Context, p *authz.Principal, id, note string) (_ System, err error) {
	defer errs.Wrap(&err, "catalog: AcceptSystem(%s)", id)
	sys, err := scanSystem(s.DB.QueryRowContext(ctx, "SELECT "+systemCols+" FROM catalog_systems WHERE id = $1", id))
	if db.IsNoRows(err) {
		return System{}, ErrSystemNotFound
	}
	if err != nil {
		return System{}, err
	}
	if err := authz.CatalogRegistry(p, authz.Review, sys.OrgID, sys.RegionCode); err != nil {
		return System{}, err
	}
	if sys.Accepted {
		return System{}, ErrAccepted
	}
	if err := s.complete(ctx, &sys); err != nil {
		return System{}, err
	}
	if !sys.Acceptable {
		var fe []apperr.FieldError
		for _, w := range sys.Issues {
			f := w.Field
			if f == "" {
				f = "system"
			}
			fe = append(fe, apperr.Field(f, w.ZH, w.EN))
		}
		return sys, ErrNotAcceptable.With(fe...)
	}
	now := s.Now().UnixMilli()
	note = strings.TrimSpace(note)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE catalog_systems SET accepted_at = $2, accepted_by = $3, accept_note = $4 WHERE id = $1 AND accepted_at = 0",
			sys.ID, now, actorName(p), note)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAccepted
		}
		if s.Notify != nil {
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: sys.OrgID, Kind: "info", TitleZH: "信息系统已通过验收：" + sys.Name,
				TitleEN: "Information system accepted: " + sys.Name, BodyZH: note, BodyEN: note, Link: "/catalog/systems/" + sys.ID,
				ObjectType: "catalog_system", ObjectID: sys.ID}); err != nil {
				return err
			}
		}
		return s.Audit.RecordAction(ctx, tx, p.UserID, actorName(p), p.OrgID, "catalog.system.accept", "catalog_system", sys.ID,
			map[string]any{"name": sys.Name, "finance_funded": sys.FinanceFunded, "entries": sys.EntryIDs, "note": note})
	})
	if err != nil {
		return System{}, err
	}
	return s.System(ctx, p, sys.ID)
}
