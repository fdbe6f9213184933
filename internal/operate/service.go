package operate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
	"pubdata/internal/ingest"
	"pubdata/internal/privacy"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

// Product kinds (产品类型).
const (
	KindStatistics   = "statistics" // 统计
	KindVerification = "verify"     // 核验
	KindIndicator    = "indicator"  // 指标评分
)

// Product states (产品状态). The working version moves draft → in_review (→ expert_review →
// in_review) → released; a rejected review returns it to draft; editing a released product opens
// the next version as a draft while the last release keeps serving; withdrawn ends use.
const (
	ProductDraft     = "draft"
	ProductReview    = "in_review"
	ProductExpert    = "expert_review"
	ProductReleased  = "released"
	ProductWithdrawn = "withdrawn"
)

// Unit states (应用单位状态): pending → active | refused; active ⇄ suspended; → terminated.
const (
	UnitPending    = "pending"
	UnitActive     = "active"
	UnitRefused    = "refused"
	UnitSuspended  = "suspended"
	UnitTerminated = "terminated"
)

// Application states (使用申请状态).
const (
	AppSubmitted = "submitted"
	AppApproved  = "approved"
	AppRefused   = "refused"
)

// Agreement states (协议状态): drafted → (one side signed) → in_force; a later version in force
// supersedes it; terminated with the unit.
const (
	AgrDrafted    = "drafted"
	AgrUnitSigned = "unit_signed"
	AgrOpSigned   = "operator_signed"
	AgrInForce    = "in_force"
	AgrSuperseded = "superseded"
	AgrTerminated = "terminated"
)

// ReviewChecklist are the points a compliance review (合规审查) must confirm before a release.
var ReviewChecklist = []string{"legal_basis", "minimum_necessary", "no_raw_data", "disclosure_control", "security_measures"}

// Defaults of a statistics product: privacy loss per query and per agreement period and view.
const (
	DefaultEpsilonMilli = 500
	DefaultBudgetMilli  = 5000
	MaxBudgetMilli      = 20000
)

// ProductSpec is what a product computes.
type ProductSpec struct {
	EpsilonMilli   int64              `json:"epsilon_milli,omitempty"`   // statistics: per query
	BudgetMilli    int64              `json:"budget_milli,omitempty"`    // statistics: per agreement period and view
	Items          []string           `json:"items,omitempty"`           // verification: items compared
	Weights        map[string]float64 `json:"weights,omitempty"`         // indicator: measure → weight
	RequireConsent bool               `json:"require_consent,omitempty"` // per-subject products: the subject's authorization is needed
	Name           string             `json:"name,omitempty"`            // the product's name as released
}

// Product is a data product defined by the operator over a view (数据产品).
type Product struct {
	ID              string      `json:"id"`
	Kind            string      `json:"kind"`
	Name            string      `json:"name"`
	ViewID          string      `json:"view_id"`
	Spec            ProductSpec `json:"spec"`
	State           string      `json:"state"`
	Version         int         `json:"version"`
	ReleasedVersion int         `json:"released_version"`
	EditedBy        string      `json:"edited_by"`
	CreatedAt       db.Stamp    `json:"created_at"`
	UpdatedAt       db.Stamp    `json:"updated_at"`
}

// Review is one compliance review of a product version.
type Review struct {
	ID            string          `json:"id"`
	ProductID     string          `json:"product_id"`
	Version       int             `json:"version"`
	ReviewerID    string          `json:"reviewer_id"`
	ReviewerName  string          `json:"reviewer_name"`
	Checklist     map[string]bool `json:"checklist"`
	Decision      string          `json:"decision"` // approve | reject | expert
	Note          string          `json:"note"`
	ExpertID      string          `json:"expert_id,omitempty"`
	ExpertOpinion string          `json:"expert_opinion,omitempty"`
	At            db.Stamp        `json:"at"`
}

// Unit is an application unit's registration with the operator (应用单位).
type Unit struct {
	OrgID      string   `json:"org_id"`
	Name       string   `json:"name"`
	CreditCode string   `json:"credit_code"`
	Contact    string   `json:"contact"`
	State      string   `json:"state"`
	Reason     string   `json:"reason"`
	ChangedAt  db.Stamp `json:"changed_at"`
	CreatedAt  db.Stamp `json:"created_at"`
}

// Application is a unit's request to use a product (使用申请, OPR-3).
type Application struct {
	ID           string   `json:"id"`
	UnitOrgID    string   `json:"unit_org_id"`
	ProductID    string   `json:"product_id"`
	Scenario     string   `json:"scenario"`
	Items        []string `json:"items"`
	StartDate    string   `json:"start_date"`
	EndDate      string   `json:"end_date"`
	Security     string   `json:"security"`
	State        string   `json:"state"`
	DecidedBy    string   `json:"decided_by,omitempty"`
	DecisionNote string   `json:"decision_note,omitempty"`
	CreatedBy    string   `json:"created_by"`
	CreatedAt    db.Stamp `json:"created_at"`
	UseClass     string   `json:"use_class"`
	Conditions   string   `json:"conditions,omitempty"`
}

// Agreement is one version of the service and confidentiality agreement (服务协议与保密协议).
type Agreement struct {
	ID            string   `json:"id"`
	ApplicationID string   `json:"application_id"`
	UnitOrgID     string   `json:"unit_org_id"`
	ProductID     string   `json:"product_id"`
	Version       int      `json:"version"`
	Body          string   `json:"body"`
	Purpose       string   `json:"purpose"`
	Scope         string   `json:"scope"`
	Method        string   `json:"method"`
	StartDate     string   `json:"start_date"`
	EndDate       string   `json:"end_date"`
	BudgetMilli   int64    `json:"budget_milli"`
	UnitSignedBy  string   `json:"unit_signed_by,omitempty"`
	UnitSignedAt  db.Stamp `json:"unit_signed_at,omitempty"`
	OpSignedBy    string   `json:"operator_signed_by,omitempty"`
	OpSignedAt    db.Stamp `json:"operator_signed_at,omitempty"`
	State         string   `json:"state"`
	CreatedAt     db.Stamp `json:"created_at"`
}

// QueryRecord is one logged use of a product (with its privacy cost).
type QueryRecord struct {
	ID          string   `json:"id"`
	ProductID   string   `json:"product_id"`
	Version     int      `json:"version"`
	AgreementID string   `json:"agreement_id"`
	UnitOrgID   string   `json:"unit_org_id"`
	ActorID     string   `json:"actor_id"`
	QueryHash   string   `json:"query_hash"`
	Query       string   `json:"query"`
	CostMilli   int64    `json:"cost_milli"`
	Cached      bool     `json:"cached"`
	Result      string   `json:"result"`
	At          db.Stamp `json:"at"`
}

// Service is authorized operation.
type Service struct {
	DB       *db.DB
	Audit    *audit.Service
	Identity *identity.Service
	Data     *ingest.Service
	Now      func() time.Time
	Rand     *privacy.Source
	// Notify sends reminders (the annual disclosure); Quality reads an entry's quality score
	// (contribution evaluation). Both are wired in the app; nil leaves them out.
	Notify  Notifier
	Quality QualityOf
	// Supervision counts an operator organization's supervision letters of a year (OPR-11: the
	// market's EvaluationFacts, wired in the app), recorded as facts of the annual evaluation;
	// nil leaves them out.
	Supervision SupervisionFacts
	// Grants checks an agency's product grant when it calls a product through the share gateway
	// (SHR-12, sharing.go); nil: products are for units only.
	Grants ProductGrants
}

// New builds the service.
func New(d *db.DB, a *audit.Service, id *identity.Service, data *ingest.Service) *Service {
	return &Service{DB: d, Audit: a, Identity: id, Data: data, Now: time.Now, Rand: privacy.Secure()}
}

func (s *Service) now() int64 { return db.Millis(s.Now()) }

func (s *Service) today() string { return s.Now().In(workday.Location).Format("2006-01-02") }

func (s *Service) record(ctx context.Context, q db.Q, p *authz.Principal, action, objType, objID string, detail map[string]any) error {
	return s.Audit.Record(ctx, q, audit.Event{ActorID: p.UserID, ActorName: p.DisplayName, OrgID: p.OrgID, Action: action,
		ObjectType: objType, ObjectID: objID, Result: audit.OK, Detail: detail, Retention: audit.Retain20Y})
}

func text(field string, v string, maxLen int) (string, *apperr.FieldError) {
	v = strings.TrimSpace(v)
	if v == "" || len([]rune(v)) > maxLen {
		fe := apperr.Field(field, fmt.Sprintf("请填写（不超过%d字）", maxLen), fmt.Sprintf("required (at most %d characters)", maxLen))
		return v, &fe
	}
	return v, nil
}

// ---- views ----

// RegisterView registers a view over an entry the caller's agency provides (数据视图).
func (s *Service) RegisterView(ctx context.Context, p *authz.Principal, v View) (_ View, err error) {
	defer errs.Wrap(&err, "operate: RegisterView")
	rel, err := s.Data.RelationOf(ctx, v.EntryID)
	if err != nil {
		if errors.Is(err, ingest.ErrNoData) {
			return View{}, apperr.Invalid.With(apperr.Field("entry_id", "该目录条目尚无已归集的数据", "this entry holds no aggregated data"))
		}
		return View{}, err
	}
	if err := authz.Operate(p, authz.OprView, authz.OperateAttrs{OwnerOrg: rel.OrgID}); err != nil {
		return View{}, err
	}
	if err := v.Normalize(rel.Fields); err != nil {
		return View{}, err
	}
	v.ID, v.OrgID, v.RegionCode, v.CreatedBy, v.CreatedAt = ids.New(), rel.OrgID, rel.Region, p.UserID, db.Stamp(s.now())
	v.SubjectUnique = len(rel.KeyFields) == 1 && rel.KeyFields[0] == v.Subject
	spec, _ := json.Marshal(v)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO opr_views (id, entry_id, name, org_id, region_code, spec, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, v.ID, v.EntryID, v.Name, v.OrgID, v.RegionCode, string(spec), v.CreatedBy, int64(v.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.view.register", "opr_view", v.ID, map[string]any{"entry_id": v.EntryID, "min_group": v.MinGroup})
	})
	return v, err
}

func (s *Service) view(ctx context.Context, q db.Q, id string) (View, error) {
	var spec string
	if err := q.QueryRowContext(ctx, "SELECT spec FROM opr_views WHERE id = $1", id).Scan(&spec); err != nil {
		if db.IsNoRows(err) {
			return View{}, apperr.Hidden
		}
		return View{}, err
	}
	var v View
	return v, json.Unmarshal([]byte(spec), &v)
}

// Views lists the views the caller may see (bounded: at most 500).
func (s *Service) Views(ctx context.Context, p *authz.Principal) (_ []View, err error) {
	defer errs.Wrap(&err, "operate: Views")
	rows, err := s.DB.QueryContext(ctx, "SELECT spec FROM opr_views ORDER BY created_at DESC LIMIT 500")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []View
	for rows.Next() {
		var spec string
		var v View
		if err := rows.Scan(&spec); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(spec), &v) == nil && authz.Operate(p, authz.Read, authz.OperateAttrs{OwnerOrg: v.OrgID}) == nil {
			out = append(out, v)
		}
	}
	return out, rows.Err()
}

// View returns one view.
func (s *Service) View(ctx context.Context, p *authz.Principal, id string) (_ View, err error) {
	defer errs.Wrap(&err, "operate: View(%s)", id)
	v, err := s.view(ctx, s.DB, id)
	if err != nil {
		return View{}, err
	}
	if authz.Operate(p, authz.Read, authz.OperateAttrs{OwnerOrg: v.OrgID}) != nil {
		return View{}, apperr.Hidden
	}
	return v, nil
}

// ProductView returns the view a product is defined over, for anyone who may read the product.
func (s *Service) ProductView(ctx context.Context, p *authz.Principal, productID string) (_ View, err error) {
	defer errs.Wrap(&err, "operate: ProductView(%s)", productID)
	pr, err := s.Product(ctx, p, productID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, s.DB, pr.ViewID)
}

// ActiveUnits lists the application units in cooperation (public: a data subject picks one to
// authorize).
func (s *Service) ActiveUnits(ctx context.Context) (_ []Unit, err error) {
	defer errs.Wrap(&err, "operate: ActiveUnits")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+unitCols+" FROM opr_units WHERE state = $1 ORDER BY name LIMIT 500", UnitActive)
	return db.ScanAll(rows, err, scanUnit)
}

// AuthorizableItems lists, per view, the items a data subject may authorize (the views' verifiable
// items; the entry id lets the page name them).
func (s *Service) AuthorizableItems(ctx context.Context) (_ map[string][]string, err error) {
	defer errs.Wrap(&err, "operate: AuthorizableItems")
	rows, err := s.DB.QueryContext(ctx, "SELECT spec FROM opr_views ORDER BY created_at LIMIT 500")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var spec string
		var v View
		if err := rows.Scan(&spec); err != nil {
			return nil, err
		}
		if json.Unmarshal([]byte(spec), &v) == nil && len(v.Items) > 0 {
			out[v.EntryID] = append(out[v.EntryID], v.Items...)
		}
	}
	return out, rows.Err()
}

// ---- products ----

// ProductInput defines or edits a product.
type ProductInput struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	ViewID string      `json:"view_id"`
	Spec   ProductSpec `json:"spec"`
}

func (s *Service) checkProduct(ctx context.Context, in *ProductInput) error {
	var fe []apperr.FieldError
	name, e := text("name", in.Name, 100)
	in.Name = name
	if e != nil {
		fe = append(fe, *e)
	}
	v, err := s.view(ctx, s.DB, in.ViewID)
	if err != nil {
		return apperr.Invalid.With(apperr.Field("view_id", "请选择已登记的数据视图", "choose a registered view"))
	}
	sp := &in.Spec
	switch in.Kind {
	case KindStatistics:
		if sp.EpsilonMilli == 0 {
			sp.EpsilonMilli = DefaultEpsilonMilli
		}
		if sp.BudgetMilli == 0 {
			sp.BudgetMilli = DefaultBudgetMilli
		}
		if sp.EpsilonMilli < 10 || sp.EpsilonMilli > 2000 {
			fe = append(fe, apperr.Field("spec.epsilon_milli", "每次查询的隐私损失ε应在0.01到2之间", "epsilon per query must be between 0.01 and 2"))
		}
		if sp.BudgetMilli < sp.EpsilonMilli || sp.BudgetMilli > MaxBudgetMilli {
			fe = append(fe, apperr.Field("spec.budget_milli", "隐私预算应不小于单次查询的ε，且不超过20", "the budget must cover one query and not exceed 20"))
		}
	case KindVerification:
		if len(sp.Items) == 0 || len(sp.Items) > 10 {
			fe = append(fe, apperr.Field("spec.items", "核验产品须指定1到10个信息项", "a verification product names 1 to 10 items"))
		}
		for _, it := range sp.Items {
			if !slices.Contains(v.Items, it) || it == v.Subject {
				fe = append(fe, apperr.Field("spec.items", "信息项“"+it+"”不在视图开放核验的信息项内", "item "+it+" is not among the view's verifiable items"))
			}
		}
	case KindIndicator:
		if len(sp.Weights) == 0 {
			fe = append(fe, apperr.Field("spec.weights", "指标产品须给出度量的权重", "an indicator product weights measures"))
		}
		for m, w := range sp.Weights {
			if v.measure(m) == nil || w <= 0 || w > 100 {
				fe = append(fe, apperr.Field("spec.weights", "“"+m+"”须是视图的度量，权重在0到100之间", m+" must be a measure of the view, weight in (0,100]"))
			}
		}
	default:
		fe = append(fe, apperr.Field("kind", "产品类型应为统计、核验或指标评分", "the kind is statistics, verification or indicator"))
	}
	if len(fe) > 0 {
		return apperr.Invalid.With(fe...)
	}
	return nil
}

// CreateProduct defines a product as a draft (operator staff).
func (s *Service) CreateProduct(ctx context.Context, p *authz.Principal, in ProductInput) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: CreateProduct")
	if err := authz.Operate(p, authz.OprProduct, authz.OperateAttrs{}); err != nil {
		return Product{}, err
	}
	if err := s.checkProduct(ctx, &in); err != nil {
		return Product{}, err
	}
	now := s.now()
	pr := Product{ID: ids.New(), Kind: in.Kind, Name: in.Name, ViewID: in.ViewID, Spec: in.Spec, State: ProductDraft, Version: 1, EditedBy: p.UserID, CreatedAt: db.Stamp(now), UpdatedAt: db.Stamp(now)}
	spec, _ := json.Marshal(pr.Spec)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO opr_products (id, kind, name, view_id, spec, state, version, released_version, edited_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,1,0,$7,$8,$8)`, pr.ID, pr.Kind, pr.Name, pr.ViewID, string(spec), pr.State, pr.EditedBy, now); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.product.create", "opr_product", pr.ID, map[string]any{"kind": pr.Kind})
	})
	return pr, err
}

const productCols = "id, kind, name, view_id, spec, state, version, released_version, edited_by, created_at, updated_at"

func scanProduct(sc interface{ Scan(...any) error }) (Product, error) {
	var pr Product
	var spec string
	err := sc.Scan(&pr.ID, &pr.Kind, &pr.Name, &pr.ViewID, &spec, &pr.State, &pr.Version, &pr.ReleasedVersion, &pr.EditedBy, &pr.CreatedAt, &pr.UpdatedAt)
	if err == nil {
		err = json.Unmarshal([]byte(spec), &pr.Spec)
	}
	return pr, err
}

func (s *Service) product(ctx context.Context, q db.Q, id string, lock bool) (Product, error) {
	sfx := ""
	if lock {
		sfx = s.DB.ForUpdate()
	}
	pr, err := scanProduct(q.QueryRowContext(ctx, "SELECT "+productCols+" FROM opr_products WHERE id = $1"+sfx, id))
	if db.IsNoRows(err) {
		return pr, apperr.Hidden
	}
	return pr, err
}

// Product returns a product (everyone logged in who may read operation records).
func (s *Service) Product(ctx context.Context, p *authz.Principal, id string) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: Product(%s)", id)
	if authz.Operate(p, authz.Read, authz.OperateAttrs{UnitOrgID: p.OrgID}) != nil {
		return Product{}, apperr.Hidden
	}
	return s.product(ctx, s.DB, id, false)
}

// Products lists products (at most 500): operator staff, reviewers, experts, auditors see all;
// units see the released ones.
func (s *Service) Products(ctx context.Context, p *authz.Principal) (_ []Product, err error) {
	defer errs.Wrap(&err, "operate: Products")
	if err := authz.Operate(p, authz.Read, authz.OperateAttrs{UnitOrgID: p.OrgID}); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+productCols+" FROM opr_products ORDER BY created_at DESC LIMIT 500")
	out, err := db.ScanAll(rows, err, scanProduct)
	if err != nil {
		return nil, err
	}
	if p.Has(authz.AppUnitUser) && p.OrgKind != authz.KindOperator {
		out = slices.DeleteFunc(out, func(pr Product) bool { return pr.ReleasedVersion == 0 || pr.State == ProductWithdrawn })
	}
	return out, nil
}

// UpdateProduct edits a product: a draft in place; a released product opens its next version as
// a draft while the last release keeps serving.
func (s *Service) UpdateProduct(ctx context.Context, p *authz.Principal, id string, in ProductInput) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: UpdateProduct(%s)", id)
	if err := authz.OperateOn(p, authz.OprProduct, productAttrs(p, "")); err != nil {
		return Product{}, err
	}
	var out Product
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		pr, err := s.product(ctx, tx, id, true)
		if err != nil {
			return err
		}
		in.Kind, in.ViewID = pr.Kind, pr.ViewID // the kind and view are fixed
		if err := s.checkProduct(ctx, &in); err != nil {
			return err
		}
		switch pr.State {
		case ProductDraft:
		case ProductReleased:
			pr.Version++
		default:
			return ErrState
		}
		pr.Name, pr.Spec, pr.State, pr.EditedBy, pr.UpdatedAt = in.Name, in.Spec, ProductDraft, p.UserID, db.Stamp(s.now())
		spec, _ := json.Marshal(pr.Spec)
		if _, err := tx.ExecContext(ctx, "UPDATE opr_products SET name = $1, spec = $2, state = $3, version = $4, edited_by = $5, updated_at = $6 WHERE id = $7",
			pr.Name, string(spec), pr.State, pr.Version, pr.EditedBy, int64(pr.UpdatedAt), pr.ID); err != nil {
			return err
		}
		out = pr
		return s.record(ctx, tx, p, "operate.product.edit", "opr_product", pr.ID, map[string]any{"version": pr.Version})
	})
	return out, err
}

// productAttrs are the facts of a product record that decide access: every reader of operation
// records reads products (units see the released ones in lists), so only the editor matters.
func productAttrs(p *authz.Principal, editedBy string) authz.OperateAttrs {
	return authz.OperateAttrs{UnitOrgID: p.OrgID, EditedBy: editedBy}
}

// productStep moves a product's working version between states. The step is authorized before
// anything else: a caller who may not read products hears "not found" for any id.
func (s *Service) productStep(ctx context.Context, p *authz.Principal, id string, act authz.Action, from []string, to, action string, fn func(tx *sql.Tx, pr *Product) error) (Product, error) {
	if err := authz.OperateOn(p, act, productAttrs(p, "")); err != nil {
		return Product{}, err
	}
	var out Product
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		pr, err := s.product(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := authz.OperateOn(p, act, productAttrs(p, pr.EditedBy)); err != nil {
			return err
		}
		if !slices.Contains(from, pr.State) {
			return ErrState
		}
		pr.State = to
		if fn != nil {
			if err := fn(tx, &pr); err != nil {
				return err
			}
		}
		pr.UpdatedAt = db.Stamp(s.now())
		if _, err := tx.ExecContext(ctx, "UPDATE opr_products SET state = $1, released_version = $2, updated_at = $3 WHERE id = $4", pr.State, pr.ReleasedVersion, int64(pr.UpdatedAt), pr.ID); err != nil {
			return err
		}
		out = pr
		return s.record(ctx, tx, p, action, "opr_product", pr.ID, map[string]any{"version": pr.Version, "state": pr.State})
	})
	return out, err
}

// SubmitProduct sends the working version to compliance review.
func (s *Service) SubmitProduct(ctx context.Context, p *authz.Principal, id string) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: SubmitProduct(%s)", id)
	return s.productStep(ctx, p, id, authz.OprProduct, []string{ProductDraft}, ProductReview, "operate.product.submit", nil)
}

// WithdrawProduct ends a product's use (operator staff).
func (s *Service) WithdrawProduct(ctx context.Context, p *authz.Principal, id string) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: WithdrawProduct(%s)", id)
	return s.productStep(ctx, p, id, authz.OprProduct, []string{ProductDraft, ProductReview, ProductReleased}, ProductWithdrawn, "operate.product.withdraw", nil)
}

// ReviewInput is a compliance reviewer's decision.
type ReviewInput struct {
	Checklist map[string]bool `json:"checklist"`
	Decision  string          `json:"decision"` // approve | reject | expert
	Note      string          `json:"note"`
}

// ReviewProduct decides the compliance review of the working version: approve (every checklist
// point confirmed; an expert opinion, when one was asked for, is on file) releases it as a new
// version; reject returns it to draft; expert asks the expert committee first. The reviewer is
// never the person who last edited it.
func (s *Service) ReviewProduct(ctx context.Context, p *authz.Principal, id string, in ReviewInput) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: ReviewProduct(%s)", id)
	if err := authz.OperateOn(p, authz.OprReview, productAttrs(p, "")); err != nil {
		return Product{}, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 2000 {
		return Product{}, apperr.Invalid.With(apperr.Field("note", "意见不超过2000字", "at most 2000 characters"))
	}
	to := map[string]string{"approve": ProductReleased, "reject": ProductDraft, "expert": ProductExpert}[in.Decision]
	if to == "" {
		return Product{}, apperr.Invalid.With(apperr.Field("decision", "请选择通过、退回或征求专家意见", "choose approve, reject or ask an expert"))
	}
	if in.Decision == "approve" {
		var missing []string
		for _, c := range ReviewChecklist {
			if !in.Checklist[c] {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			return Product{}, apperr.Invalid.With(apperr.Field("checklist", "合规审查清单尚有未确认的要点", "every point of the review checklist must be confirmed: "+strings.Join(missing, ", ")))
		}
	}
	if in.Decision == "reject" && in.Note == "" {
		return Product{}, apperr.Invalid.With(apperr.Field("note", "退回须说明理由", "a rejection needs a reason"))
	}
	return s.productStep(ctx, p, id, authz.OprReview, []string{ProductReview}, to, "operate.product.review", func(tx *sql.Tx, pr *Product) error {
		rid := ids.New()
		if in.Decision == "approve" {
			// an expert opinion that was asked for must be on file for this version
			var asked, answered int
			tx.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(CASE WHEN expert_opinion <> '' THEN 1 END) FROM opr_reviews WHERE product_id = $1 AND version = $2 AND decision = 'expert'", pr.ID, pr.Version).Scan(&asked, &answered)
			if asked > answered {
				return ErrState
			}
			v, err := s.view(ctx, tx, pr.ViewID)
			if err != nil {
				return err
			}
			rs := pr.Spec
			rs.Name = pr.Name
			spec, _ := json.Marshal(rs)
			vspec, _ := json.Marshal(v)
			if _, err := tx.ExecContext(ctx, `INSERT INTO opr_releases (product_id, version, spec, view_spec, review_id, released_by, released_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
				pr.ID, pr.Version, string(spec), string(vspec), rid, p.UserID, s.now()); err != nil {
				return err
			}
			pr.ReleasedVersion = pr.Version
		}
		cl, _ := json.Marshal(in.Checklist)
		_, err := tx.ExecContext(ctx, `INSERT INTO opr_reviews (id, product_id, version, reviewer_id, reviewer_name, checklist, decision, note, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			rid, pr.ID, pr.Version, p.UserID, p.DisplayName, string(cl), in.Decision, in.Note, s.now())
		return err
	})
}

// ExpertOpinion files the expert committee's opinion on a product under review and returns it
// to the reviewer.
func (s *Service) ExpertOpinion(ctx context.Context, p *authz.Principal, id, opinion string) (_ Product, err error) {
	defer errs.Wrap(&err, "operate: ExpertOpinion(%s)", id)
	if err := authz.OperateOn(p, authz.OprExpert, productAttrs(p, "")); err != nil {
		return Product{}, err
	}
	opinion, fe := text("opinion", opinion, 2000)
	if fe != nil {
		return Product{}, apperr.Invalid.With(*fe)
	}
	return s.productStep(ctx, p, id, authz.OprExpert, []string{ProductExpert}, ProductReview, "operate.product.expert", func(tx *sql.Tx, pr *Product) error {
		res, err := tx.ExecContext(ctx, `UPDATE opr_reviews SET expert_id = $1, expert_opinion = $2 WHERE product_id = $3 AND version = $4 AND decision = 'expert' AND expert_opinion = ''`,
			p.UserID, opinion, pr.ID, pr.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrState
		}
		return nil
	})
}

// Reviews lists a product's reviews, newest first.
func (s *Service) Reviews(ctx context.Context, p *authz.Principal, id string) (_ []Review, err error) {
	defer errs.Wrap(&err, "operate: Reviews(%s)", id)
	if _, err := s.Product(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, product_id, version, reviewer_id, reviewer_name, checklist, decision, note, expert_id, expert_opinion, at
		FROM opr_reviews WHERE product_id = $1 ORDER BY at DESC LIMIT 200`, id)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Review, error) {
		var v Review
		var cl string
		err := r.Scan(&v.ID, &v.ProductID, &v.Version, &v.ReviewerID, &v.ReviewerName, &cl, &v.Decision, &v.Note, &v.ExpertID, &v.ExpertOpinion, &v.At)
		json.Unmarshal([]byte(cl), &v.Checklist)
		return v, err
	})
}

// release reads the product's live release: its spec and the view as it was released.
func (s *Service) release(ctx context.Context, q db.Q, pr Product) (ProductSpec, View, error) {
	var sp ProductSpec
	var v View
	if pr.ReleasedVersion == 0 || pr.State == ProductWithdrawn {
		return sp, v, ErrNotReleased
	}
	var spec, vspec string
	if err := q.QueryRowContext(ctx, "SELECT spec, view_spec FROM opr_releases WHERE product_id = $1 AND version = $2", pr.ID, pr.ReleasedVersion).Scan(&spec, &vspec); err != nil {
		return sp, v, err
	}
	json.Unmarshal([]byte(spec), &sp)
	return sp, v, json.Unmarshal([]byte(vspec), &v)
}

// ---- units ----

// RegisterUnit registers the caller's organization as an application unit (pending the
// operator's qualification review); its unified social credit code is checked (GB 32100).
func (s *Service) RegisterUnit(ctx context.Context, p *authz.Principal, contact string) (_ Unit, err error) {
	defer errs.Wrap(&err, "operate: RegisterUnit")
	if err := authz.Operate(p, authz.OprRegister, authz.OperateAttrs{}); err != nil {
		return Unit{}, err
	}
	contact, fe := text("contact", contact, 200)
	if fe != nil {
		return Unit{}, apperr.Invalid.With(*fe)
	}
	org, err := s.Identity.Org(ctx, p.OrgID)
	if err != nil {
		return Unit{}, err
	}
	if err := validate.CreditCode(org.CreditCode); err != nil {
		return Unit{}, apperr.Invalid.With(apperr.Field("credit_code", "本单位的统一社会信用代码无效，请先更正", "your organization's unified social credit code is invalid; correct it first"))
	}
	now := s.now()
	u := Unit{OrgID: org.ID, Name: org.Name, CreditCode: org.CreditCode, Contact: contact, State: UnitPending, ChangedAt: db.Stamp(now), CreatedAt: db.Stamp(now)}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO opr_units (org_id, name, credit_code, contact, state, changed_by, changed_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$7)`,
			u.OrgID, u.Name, u.CreditCode, u.Contact, u.State, p.UserID, now)
		if db.IsUniqueViolation(err) {
			return apperr.Conflict.With(apperr.Field("org_id", "本单位已登记", "your organization is already registered"))
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.unit.register", "opr_unit", u.OrgID, nil)
	})
	return u, err
}

func scanUnit(sc interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := sc.Scan(&u.OrgID, &u.Name, &u.CreditCode, &u.Contact, &u.State, &u.Reason, &u.ChangedAt, &u.CreatedAt)
	return u, err
}

const unitCols = "org_id, name, credit_code, contact, state, reason, changed_at, created_at"

// Units lists registered units (operator staff, authority, auditors) or the caller's own.
func (s *Service) Units(ctx context.Context, p *authz.Principal) (_ []Unit, err error) {
	defer errs.Wrap(&err, "operate: Units")
	if s.seesAll(p) {
		rows, err := s.DB.QueryContext(ctx, "SELECT "+unitCols+" FROM opr_units ORDER BY created_at DESC LIMIT 500")
		return db.ScanAll(rows, err, scanUnit)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+unitCols+" FROM opr_units WHERE org_id = $1", p.OrgID)
	return db.ScanAll(rows, err, scanUnit)
}

// Unit transitions: qualify (approve/refuse), suspend, resume, terminate.
var unitMoves = map[string]struct {
	from []string
	to   string
	act  authz.Action
}{
	"approve":   {[]string{UnitPending}, UnitActive, authz.OprQualify},
	"refuse":    {[]string{UnitPending}, UnitRefused, authz.OprQualify},
	"suspend":   {[]string{UnitActive}, UnitSuspended, authz.OprSanction},
	"resume":    {[]string{UnitSuspended}, UnitActive, authz.OprSanction},
	"terminate": {[]string{UnitActive, UnitSuspended}, UnitTerminated, authz.OprSanction},
}

// MoveUnit qualifies, suspends, resumes or terminates a unit, with a reason. Suspension and
// termination take effect on the unit's next request: every product call re-reads the state.
func (s *Service) MoveUnit(ctx context.Context, p *authz.Principal, orgID, move, reason string) (_ Unit, err error) {
	defer errs.Wrap(&err, "operate: MoveUnit(%s)", orgID)
	// authorized before the input is read: an unknown move is judged as a qualification step
	// (or a sanction, for those who may only sanction), so that nobody without the right learns
	// more than "not found" or "forbidden"
	m, ok := unitMoves[move]
	attrs := authz.OperateAttrs{UnitOrgID: orgID}
	if !ok {
		err := authz.OperateOn(p, authz.OprQualify, attrs)
		if err != nil && authz.OperateOn(p, authz.OprSanction, attrs) == nil {
			err = nil
		}
		if err != nil {
			return Unit{}, err
		}
		return Unit{}, apperr.Invalid.With(apperr.Field("action", "未知操作", "unknown action"))
	}
	if err := authz.OperateOn(p, m.act, attrs); err != nil {
		return Unit{}, err
	}
	reason = strings.TrimSpace(reason)
	if move != "approve" && move != "resume" && reason == "" {
		return Unit{}, apperr.Invalid.With(apperr.Field("reason", "请说明理由", "give a reason"))
	}
	var out Unit
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := scanUnit(tx.QueryRowContext(ctx, "SELECT "+unitCols+" FROM opr_units WHERE org_id = $1"+s.DB.ForUpdate(), orgID))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if !slices.Contains(m.from, u.State) {
			return ErrState
		}
		u.State, u.Reason, u.ChangedAt = m.to, reason, db.Stamp(s.now())
		if _, err := tx.ExecContext(ctx, "UPDATE opr_units SET state = $1, reason = $2, changed_by = $3, changed_at = $4 WHERE org_id = $5", u.State, u.Reason, p.UserID, int64(u.ChangedAt), u.OrgID); err != nil {
			return err
		}
		if move == "approve" {
			// A qualified organization's accounts act as its application unit (a company that
			// registered itself has only the public role until now).
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) SELECT u.id, $1 FROM users u WHERE u.org_id = $2
				AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $1)`, string(authz.AppUnitUser), u.OrgID); err != nil {
				return err
			}
		}
		if m.to == UnitTerminated {
			if _, err := tx.ExecContext(ctx, "UPDATE opr_agreements SET state = $1 WHERE unit_org_id = $2 AND state <> $3", AgrTerminated, u.OrgID, AgrSuperseded); err != nil {
				return err
			}
		}
		out = u
		return s.record(ctx, tx, p, "operate.unit."+move, "opr_unit", u.OrgID, map[string]any{"reason": reason})
	})
	return out, err
}

// ---- applications and agreements ----

// ApplicationInput is what a unit files (OPR-3).
type ApplicationInput struct {
	ProductID string   `json:"product_id"`
	Scenario  string   `json:"scenario"`
	Items     []string `json:"items"`
	StartDate string   `json:"start_date"`
	EndDate   string   `json:"end_date"`
	Security  string   `json:"security"`
	// UseClass is public_welfare, public_governance (free under the product's conditions, which
	// Conditions accepts) or commercial (priced; the default).
	UseClass   string `json:"use_class"`
	Conditions string `json:"conditions"`
}

func (s *Service) unitState(ctx context.Context, q db.Q, org string) string {
	var st string
	q.QueryRowContext(ctx, "SELECT state FROM opr_units WHERE org_id = $1", org).Scan(&st)
	return st
}

// Apply files an application to use a released product.
func (s *Service) Apply(ctx context.Context, p *authz.Principal, in ApplicationInput) (_ Application, err error) {
	defer errs.Wrap(&err, "operate: Apply")
	if err := authz.Operate(p, authz.OprApply, authz.OperateAttrs{UnitOrgID: p.OrgID}); err != nil {
		return Application{}, err
	}
	if s.unitState(ctx, s.DB, p.OrgID) != UnitActive {
		return Application{}, ErrSuspended
	}
	var fe []apperr.FieldError
	var e *apperr.FieldError
	if in.Scenario, e = text("scenario", in.Scenario, 1000); e != nil {
		fe = append(fe, *e)
	}
	if in.Security, e = text("security", in.Security, 2000); e != nil {
		fe = append(fe, *e)
	}
	start, err1 := time.Parse("2006-01-02", in.StartDate)
	end, err2 := time.Parse("2006-01-02", in.EndDate)
	if err1 != nil || err2 != nil || end.Before(start) || end.After(start.AddDate(3, 0, 0)) || in.EndDate < s.today() {
		fe = append(fe, apperr.Field("end_date", "使用期限应为有效日期，结束不早于开始与今天，且不超过3年", "the period needs valid dates, ending after its start and today, at most 3 years"))
	}
	pr, err := s.product(ctx, s.DB, in.ProductID, false)
	if err != nil || pr.ReleasedVersion == 0 || pr.State == ProductWithdrawn {
		fe = append(fe, apperr.Field("product_id", "请选择已发布的产品", "choose a released product"))
	}
	if len(in.Items) > 50 {
		fe = append(fe, apperr.Field("items", "信息项过多", "too many items"))
	}
	if in.UseClass == "" {
		in.UseClass = UseCommercial
	}
	in.Conditions = strings.TrimSpace(in.Conditions)
	switch {
	case !slices.Contains(UseClasses, in.UseClass):
		fe = append(fe, apperr.Field("use_class", "用途类别应为公益、公共治理或产业发展", "the use class is public welfare, public governance or industry"))
	case Free(in.UseClass) && (in.Conditions == "" || len([]rune(in.Conditions)) > 1000):
		fe = append(fe, apperr.Field("conditions", "公益与公共治理用途免费，须承诺免费使用的条件", "free public use needs your commitment to its conditions"))
	}
	if len(fe) > 0 {
		return Application{}, apperr.Invalid.With(fe...)
	}
	now := s.now()
	a := Application{ID: ids.New(), UnitOrgID: p.OrgID, ProductID: pr.ID, Scenario: in.Scenario, Items: nonNil(in.Items), StartDate: in.StartDate, EndDate: in.EndDate,
		Security: in.Security, State: AppSubmitted, CreatedBy: p.UserID, CreatedAt: db.Stamp(now), UseClass: in.UseClass, Conditions: in.Conditions}
	items, _ := json.Marshal(a.Items)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO opr_applications (id, unit_org_id, product_id, scenario, items, start_date, end_date, security, state, created_by, created_at, updated_at, use_class, conditions)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11,$12,$13)`, a.ID, a.UnitOrgID, a.ProductID, a.Scenario, string(items), a.StartDate, a.EndDate, a.Security, a.State, a.CreatedBy, now, a.UseClass, a.Conditions); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.application.submit", "opr_application", a.ID, map[string]any{"product_id": a.ProductID})
	})
	return a, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const appCols = "id, unit_org_id, product_id, scenario, items, start_date, end_date, security, state, decided_by, decision_note, created_by, created_at, use_class, conditions"

func scanApp(sc interface{ Scan(...any) error }) (Application, error) {
	var a Application
	var items string
	err := sc.Scan(&a.ID, &a.UnitOrgID, &a.ProductID, &a.Scenario, &items, &a.StartDate, &a.EndDate, &a.Security, &a.State, &a.DecidedBy, &a.DecisionNote, &a.CreatedBy, &a.CreatedAt, &a.UseClass, &a.Conditions)
	json.Unmarshal([]byte(items), &a.Items)
	return a, err
}

// Applications lists applications: all for operator staff and supervisors, the unit's own for
// its users (at most 500, newest first).
func (s *Service) Applications(ctx context.Context, p *authz.Principal) (_ []Application, err error) {
	defer errs.Wrap(&err, "operate: Applications")
	if s.seesAll(p) {
		rows, err := s.DB.QueryContext(ctx, "SELECT "+appCols+" FROM opr_applications ORDER BY created_at DESC LIMIT 500")
		return db.ScanAll(rows, err, scanApp)
	}
	if err := authz.Operate(p, authz.Read, authz.OperateAttrs{UnitOrgID: p.OrgID}); err != nil || !p.Has(authz.AppUnitUser) {
		return nil, apperr.Forbidden
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+appCols+" FROM opr_applications WHERE unit_org_id = $1 ORDER BY created_at DESC LIMIT 500", p.OrgID)
	return db.ScanAll(rows, err, scanApp)
}

// DecideApplication is the operator's review of a unit's qualification and risk: approval drafts
// version 1 of the agreement (purpose, scope, method, period, and for statistics the privacy
// budget), which both sides then sign.
func (s *Service) DecideApplication(ctx context.Context, p *authz.Principal, id string, approve bool, note string) (_ Application, err error) {
	defer errs.Wrap(&err, "operate: DecideApplication(%s)", id)
	var out Application
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := scanApp(tx.QueryRowContext(ctx, "SELECT "+appCols+" FROM opr_applications WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if err := authz.OperateOn(p, authz.OprDecide, authz.OperateAttrs{UnitOrgID: a.UnitOrgID}); err != nil {
			return err
		}
		note = strings.TrimSpace(note)
		if !approve && note == "" {
			return apperr.Invalid.With(apperr.Field("note", "不予通过须说明理由", "a refusal needs a reason"))
		}
		if a.State != AppSubmitted {
			return ErrState
		}
		a.State, a.DecidedBy, a.DecisionNote = AppRefused, p.UserID, note
		if approve {
			a.State = AppApproved
			pr, err := s.product(ctx, tx, a.ProductID, false)
			if err != nil {
				return err
			}
			if err := s.draftAgreement(ctx, tx, a, pr, 1, 0); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE opr_applications SET state = $1, decided_by = $2, decision_note = $3, updated_at = $4 WHERE id = $5", a.State, a.DecidedBy, a.DecisionNote, s.now(), a.ID); err != nil {
			return err
		}
		out = a
		return s.record(ctx, tx, p, "operate.application."+map[bool]string{true: "approve", false: "refuse"}[approve], "opr_application", a.ID, nil)
	})
	return out, err
}

var kindNames = map[string]string{KindStatistics: "统计查询", KindVerification: "核验", KindIndicator: "指标评分"}

func (s *Service) draftAgreement(ctx context.Context, tx *sql.Tx, a Application, pr Product, version int, budgetOverride int64) error {
	// the agreement covers the release in force, not a draft being edited
	sp, _, err := s.release(ctx, tx, pr)
	if err != nil {
		return err
	}
	pr.Spec, pr.Name = sp, sp.Name
	if budgetOverride > 0 {
		pr.Spec.BudgetMilli = budgetOverride
	}
	budget := int64(0)
	if pr.Kind == KindStatistics {
		budget = pr.Spec.BudgetMilli
	}
	method := "平台内计算，仅返回" + kindNames[pr.Kind] + "结果，原始数据不出域"
	fee := "有偿使用，按主管部门批准的价格计费，每月不超过上限"
	if Free(a.UseClass) {
		fee = "公益或公共治理用途，免费使用，条件：" + a.Conditions
	}
	body := fmt.Sprintf("服务协议与保密协议（第%d版）\n甲方：授权运营单位；乙方：应用单位。\n用途：%s\n范围：产品“%s”\n方式：%s\n期限：%s 至 %s\n费用：%s\n"+
		"乙方不得将产品转交第三方，不得尝试还原原始数据或识别个人；违约时甲方可暂停或终止合作。",
		version, a.Scenario, pr.Name, method, a.StartDate, a.EndDate, fee)
	_, err = tx.ExecContext(ctx, `INSERT INTO opr_agreements (id, application_id, unit_org_id, product_id, version, body, purpose, scope, method, start_date, end_date, budget_milli, state, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, ids.New(), a.ID, a.UnitOrgID, a.ProductID, version, body, a.Scenario, pr.Name, method,
		a.StartDate, a.EndDate, budget, AgrDrafted, s.now())
	return err
}

const agrCols = "id, application_id, unit_org_id, product_id, version, body, purpose, scope, method, start_date, end_date, budget_milli, unit_signed_by, unit_signed_at, op_signed_by, op_signed_at, state, created_at"

func scanAgr(sc interface{ Scan(...any) error }) (Agreement, error) {
	var g Agreement
	err := sc.Scan(&g.ID, &g.ApplicationID, &g.UnitOrgID, &g.ProductID, &g.Version, &g.Body, &g.Purpose, &g.Scope, &g.Method, &g.StartDate, &g.EndDate, &g.BudgetMilli,
		&g.UnitSignedBy, &g.UnitSignedAt, &g.OpSignedBy, &g.OpSignedAt, &g.State, &g.CreatedAt)
	return g, err
}

// Agreements lists agreements: all for operator staff and supervisors, the unit's own otherwise.
func (s *Service) Agreements(ctx context.Context, p *authz.Principal) (_ []Agreement, err error) {
	defer errs.Wrap(&err, "operate: Agreements")
	if s.seesAll(p) {
		rows, err := s.DB.QueryContext(ctx, "SELECT "+agrCols+" FROM opr_agreements ORDER BY created_at DESC LIMIT 500")
		return db.ScanAll(rows, err, scanAgr)
	}
	if !p.Has(authz.AppUnitUser) {
		return nil, apperr.Forbidden
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+agrCols+" FROM opr_agreements WHERE unit_org_id = $1 ORDER BY created_at DESC LIMIT 500", p.OrgID)
	return db.ScanAll(rows, err, scanAgr)
}

// SignAgreement signs an agreement version for the caller's side; when both sides have signed it
// is in force and supersedes the earlier version of the same application.
func (s *Service) SignAgreement(ctx context.Context, p *authz.Principal, id string) (_ Agreement, err error) {
	defer errs.Wrap(&err, "operate: SignAgreement(%s)", id)
	var out Agreement
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		g, err := scanAgr(tx.QueryRowContext(ctx, "SELECT "+agrCols+" FROM opr_agreements WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		var decidedBy string
		tx.QueryRowContext(ctx, "SELECT decided_by FROM opr_applications WHERE id = $1", g.ApplicationID).Scan(&decidedBy)
		if err := authz.OperateOn(p, authz.OprSign, authz.OperateAttrs{UnitOrgID: g.UnitOrgID, DecidedBy: decidedBy}); err != nil {
			return err
		}
		now := s.now()
		unitSide := p.OrgID == g.UnitOrgID
		switch {
		case unitSide && (g.State == AgrDrafted || g.State == AgrOpSigned):
			g.UnitSignedBy, g.UnitSignedAt = p.UserID, db.Stamp(now)
		case !unitSide && (g.State == AgrDrafted || g.State == AgrUnitSigned):
			g.OpSignedBy, g.OpSignedAt = p.UserID, db.Stamp(now)
		default:
			return ErrState
		}
		switch {
		case g.UnitSignedAt > 0 && g.OpSignedAt > 0:
			g.State = AgrInForce
			if _, err := tx.ExecContext(ctx, "UPDATE opr_agreements SET state = $1 WHERE application_id = $2 AND version < $3 AND state = $4", AgrSuperseded, g.ApplicationID, g.Version, AgrInForce); err != nil {
				return err
			}
		case g.UnitSignedAt > 0:
			g.State = AgrUnitSigned
		default:
			g.State = AgrOpSigned
		}
		if _, err := tx.ExecContext(ctx, "UPDATE opr_agreements SET unit_signed_by = $1, unit_signed_at = $2, op_signed_by = $3, op_signed_at = $4, state = $5 WHERE id = $6",
			g.UnitSignedBy, int64(g.UnitSignedAt), g.OpSignedBy, int64(g.OpSignedAt), g.State, g.ID); err != nil {
			return err
		}
		out = g
		return s.record(ctx, tx, p, "operate.agreement.sign", "opr_agreement", g.ID, map[string]any{"version": g.Version, "state": g.State})
	})
	return out, err
}

// AmendInput changes an agreement's period or budget by a new version (both sides sign again).
type AmendInput struct {
	EndDate     string `json:"end_date"`
	BudgetMilli int64  `json:"budget_milli"`
}

// AmendAgreement drafts the next version of an application's agreement (operator staff).
func (s *Service) AmendAgreement(ctx context.Context, p *authz.Principal, applicationID string, in AmendInput) (_ Agreement, err error) {
	defer errs.Wrap(&err, "operate: AmendAgreement(%s)", applicationID)
	var out Agreement
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := scanApp(tx.QueryRowContext(ctx, "SELECT "+appCols+" FROM opr_applications WHERE id = $1"+s.DB.ForUpdate(), applicationID))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if err := authz.OperateOn(p, authz.OprDecide, authz.OperateAttrs{UnitOrgID: a.UnitOrgID}); err != nil {
			return err
		}
		if a.State != AppApproved {
			return ErrState
		}
		var last int
		tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version),0) FROM opr_agreements WHERE application_id = $1", a.ID).Scan(&last)
		if in.EndDate != "" {
			if e, err := time.Parse("2006-01-02", in.EndDate); err != nil || in.EndDate < a.StartDate || e.After(time.Now().AddDate(3, 0, 0)) {
				return apperr.Invalid.With(apperr.Field("end_date", "结束日期无效", "invalid end date"))
			}
			a.EndDate = in.EndDate
		}
		pr, err := s.product(ctx, tx, a.ProductID, false)
		if err != nil {
			return err
		}
		if in.BudgetMilli > MaxBudgetMilli || in.BudgetMilli < 0 {
			return apperr.Invalid.With(apperr.Field("budget_milli", "隐私预算不超过20", "the budget may not exceed 20"))
		}
		if err := s.draftAgreement(ctx, tx, a, pr, last+1, in.BudgetMilli); err != nil {
			return err
		}
		out, err = scanAgr(tx.QueryRowContext(ctx, "SELECT "+agrCols+" FROM opr_agreements WHERE application_id = $1 AND version = $2", a.ID, last+1))
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.agreement.amend", "opr_agreement", out.ID, map[string]any{"version": out.Version})
	})
	return out, err
}

// inForce finds the caller's agreement in force today for the product, after checking the unit
// is active: read on every request, so a suspension or termination stops the next one.
func (s *Service) inForce(ctx context.Context, p *authz.Principal, productID string) (Agreement, error) {
	if err := authz.OperateOn(p, authz.OprUse, productAttrs(p, "")); err != nil {
		return Agreement{}, err
	}
	if _, err := s.product(ctx, s.DB, productID, false); err != nil {
		return Agreement{}, err
	}
	if st := s.unitState(ctx, s.DB, p.OrgID); st != UnitActive {
		return Agreement{}, ErrSuspended
	}
	today := s.today()
	g, err := scanAgr(s.DB.QueryRowContext(ctx, "SELECT "+agrCols+" FROM opr_agreements WHERE unit_org_id = $1 AND product_id = $2 AND state = $3 AND start_date <= $4 AND end_date >= $4 ORDER BY version DESC LIMIT 1",
		p.OrgID, productID, AgrInForce, today))
	if db.IsNoRows(err) {
		return g, ErrNoAgreement
	}
	return g, err
}
