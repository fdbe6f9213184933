// Package identity holds regions (行政区划), organizations, users, roles, sessions and API tokens,
// and turns a session cookie or a token into an authz.Principal.
package identity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/validate"
)

// Region is an administrative division keyed by its GB/T 2260 code.
type Region struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"`
	Level      int    `json:"level"` // 1 province, 2 city, 3 county
	ParentCode string `json:"parent_code,omitempty"`
}

// Org is an organization of any kind in docs/requirements.md §0.
type Org struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	NameEN     string        `json:"name_en"`
	Kind       authz.OrgKind `json:"kind"`
	Sector     string        `json:"sector,omitempty"` // e.g. public_security, civil_affairs, water
	RegionCode string        `json:"region_code"`
	CreditCode string        `json:"credit_code,omitempty"`
	ParentID   string        `json:"parent_id,omitempty"`
}

// User is a person who logs in.
type User struct {
	ID          string       `json:"id"`
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	OrgID       string       `json:"org_id,omitempty"`
	PersonKind  string       `json:"person_kind,omitempty"` // natural | legal (self-registered public users)
	IDNumber    string       `json:"-"`
	CreditCode  string       `json:"credit_code,omitempty"`
	Email       string       `json:"email,omitempty"`
	Phone       string       `json:"-"`
	Disabled    bool         `json:"disabled"`
	Roles       []authz.Role `json:"roles"`
	CreatedAt   time.Time    `json:"created_at"`
	// Verified is set once the user's real-name identity (实名) is verified: by the data
	// authority (VerifiedVia "authority") or by an identity provider's claim ("idp:<name>").
	Verified    bool      `json:"verified"`
	VerifiedAt  time.Time `json:"verified_at,omitzero"`
	VerifiedVia string    `json:"verified_via,omitempty"`
}

// Service manages identities.
type Service struct {
	DB    *db.DB
	Audit *audit.Service
	Now   func() time.Time
	// Sanctioned refuses API keys of a user or organization under a rectification order
	// (internal/supervise); nil lets every key through.
	Sanctioned func(ctx context.Context, userID, orgID string) error
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// MaxFailures failed logins within LockFor lock the account (登录锁定) for LockFor; each
	// further lock lasts twice the one before (growing back-off), up to MaxLockFor, until the
	// account logs in or has been quiet for a day.
	MaxFailures int
	LockFor     time.Duration
	MaxLockFor  time.Duration
	// AddressMaxFailures failed logins from one client address within LockFor throttle the
	// address (限制来源地址) for LockFor, growing like the account lock. A throttled address
	// still lets through accounts that have logged in from it before (within KnownFor), so one
	// person guessing behind an office's shared address does not lock out everyone behind it;
	// the accounts it tried are not locked by it either.
	AddressMaxFailures int
	KnownFor           time.Duration
	// RegisterMax self-registrations from one address within RegisterWindow; more are refused
	// for RegisterWindow (growing like the locks).
	RegisterMax    int
	RegisterWindow time.Duration
	// VerifyMax refused real-name claims (VerifyByClaim) of one account within VerifyWindow
	// pause its claims for VerifyWindow (实名核验限流), growing like the locks: an account cannot
	// try ID numbers against an identity provider one after another.
	VerifyMax    int
	VerifyWindow time.Duration

	mu        sync.Mutex
	providers map[string]IdentityProvider // real-name identity providers (AddProvider)
}

// New makes a service.
func New(d *db.DB, a *audit.Service) *Service {
	return &Service{DB: d, Audit: a, Now: time.Now, SessionTTL: 12 * time.Hour, MaxFailures: 5, LockFor: 15 * time.Minute,
		MaxLockFor: 24 * time.Hour, AddressMaxFailures: 20, KnownFor: 30 * 24 * time.Hour, RegisterMax: 5, RegisterWindow: time.Hour,
		VerifyMax: 5, VerifyWindow: time.Hour}
}

var (
	errLoginFailed = apperr.New(http.StatusUnauthorized, "login_failed", "用户名或密码错误", "wrong username or password")
	errUsername    = apperr.New(http.StatusConflict, "username_taken", "用户名已被使用", "that username is taken")
	errCreditTaken = apperr.New(http.StatusConflict, "credit_code_taken", "该统一社会信用代码已有注册单位，请由该单位的管理员为您开设账户", "an organization with this unified social credit code is already registered; ask its administrator for an account")
	usernameRe     = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]{2,39}$`)
)

// CreateRegion adds a region.
func (s *Service) CreateRegion(ctx context.Context, q db.Q, r Region) (err error) {
	defer errs.Wrap(&err, "identity: CreateRegion")
	level, err := validate.RegionCode(r.Code)
	if err != nil {
		return apperr.Invalid.With(apperr.Field("code", "行政区划代码无效", "invalid region code"))
	}
	r.Level = level
	var parent any
	if r.ParentCode != "" {
		parent = r.ParentCode
	}
	_, err = q.ExecContext(ctx, "INSERT INTO regions (code, name, name_en, level, parent_code) VALUES ($1,$2,$3,$4,$5)",
		r.Code, r.Name, r.NameEN, r.Level, parent)
	return err
}

// Regions lists all regions ordered by code.
func (s *Service) Regions(ctx context.Context) (_ []Region, err error) {
	defer errs.Wrap(&err, "identity: Regions")
	rows, err := s.DB.QueryContext(ctx, "SELECT code, name, name_en, level, COALESCE(parent_code,'') FROM regions ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Region
	for rows.Next() {
		var r Region
		if err := rows.Scan(&r.Code, &r.Name, &r.NameEN, &r.Level, &r.ParentCode); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Region returns one region.
func (s *Service) Region(ctx context.Context, code string) (_ Region, err error) {
	defer errs.Wrap(&err, "identity: Region")
	var r Region
	err = s.DB.QueryRowContext(ctx, "SELECT code, name, name_en, level, COALESCE(parent_code,'') FROM regions WHERE code = $1", code).
		Scan(&r.Code, &r.Name, &r.NameEN, &r.Level, &r.ParentCode)
	if db.IsNoRows(err) {
		return r, apperr.NotFound
	}
	return r, err
}

// CreateOrg adds an organization.
func (s *Service) CreateOrg(ctx context.Context, q db.Q, o *Org) (err error) {
	defer errs.Wrap(&err, "identity: CreateOrg")
	var fe []apperr.FieldError
	if strings.TrimSpace(o.Name) == "" {
		fe = append(fe, apperr.Field("name", "名称不能为空", "name is required"))
	}
	if _, ok := authz.OrgKinds[o.Kind]; !ok {
		fe = append(fe, apperr.Field("kind", "机构类型无效", "unknown organization kind"))
	}
	if o.CreditCode != "" {
		if err := validate.CreditCode(o.CreditCode); err != nil {
			fe = append(fe, apperr.Field("credit_code", "统一社会信用代码无效："+zh(err), "invalid unified social credit code: "+en(err)))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return err
	}
	if o.ID == "" {
		o.ID = ids.New()
	}
	var parent any
	if o.ParentID != "" {
		parent = o.ParentID
	}
	_, err = q.ExecContext(ctx, `INSERT INTO orgs (id, name, name_en, kind, sector, region_code, credit_code, parent_id, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, o.ID, o.Name, o.NameEN, string(o.Kind), o.Sector, o.RegionCode, o.CreditCode, parent, db.Millis(s.Now()))
	return err
}

const orgCols = "id, name, name_en, kind, sector, region_code, credit_code, COALESCE(parent_id,'')"

func scanOrg(sc interface{ Scan(...any) error }) (Org, error) {
	var o Org
	var kind string
	err := sc.Scan(&o.ID, &o.Name, &o.NameEN, &kind, &o.Sector, &o.RegionCode, &o.CreditCode, &o.ParentID)
	o.Kind = authz.OrgKind(kind)
	return o, err
}

// Org returns one organization.
func (s *Service) Org(ctx context.Context, id string) (_ Org, err error) {
	defer errs.Wrap(&err, "identity: Org(%s)", id)
	o, err := scanOrg(s.DB.QueryRowContext(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = $1", id))
	if db.IsNoRows(err) {
		return o, apperr.NotFound
	}
	return o, err
}

// Orgs lists organizations, optionally of one kind or region.
func (s *Service) Orgs(ctx context.Context, kind authz.OrgKind, region string) (_ []Org, err error) {
	defer errs.Wrap(&err, "identity: Orgs")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+orgCols+" FROM orgs WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR region_code = $2) ORDER BY region_code, name", string(kind), region)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// NewUser is what creating a user takes.
type NewUser struct {
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Password    string       `json:"password"`
	OrgID       string       `json:"org_id"`
	Roles       []authz.Role `json:"roles"`
	Email       string       `json:"email"`
	Phone       string       `json:"phone"`
	PersonKind  string       `json:"person_kind"`
	IDNumber    string       `json:"id_number"`
	CreditCode  string       `json:"credit_code"`
}

func checkNewUser(in *NewUser) []apperr.FieldError {
	var fe []apperr.FieldError
	if !usernameRe.MatchString(in.Username) {
		fe = append(fe, apperr.Field("username", "用户名须以字母开头，3–40 位字母、数字或 _ . -", "username: 3–40 letters, digits or _ . -, starting with a letter"))
	}
	if strings.TrimSpace(in.DisplayName) == "" {
		fe = append(fe, apperr.Field("display_name", "姓名不能为空", "display name is required"))
	}
	if zh, en, ok := PasswordProblem(in.Password, in.Username); !ok {
		fe = append(fe, apperr.Field("password", zh, en))
	}
	for _, r := range in.Roles {
		if _, ok := authz.RoleNames[r]; !ok {
			fe = append(fe, apperr.Field("roles", "未知角色："+string(r), "unknown role: "+string(r)))
		}
	}
	return fe
}

// CreateUser adds a user with roles, inside q.
func (s *Service) CreateUser(ctx context.Context, q db.Q, in NewUser) (_ User, err error) {
	defer errs.Wrap(&err, "identity: CreateUser")
	if err := apperr.Validation(checkNewUser(&in)); err != nil {
		return User{}, err
	}
	u := User{ID: ids.New(), Username: in.Username, DisplayName: in.DisplayName, OrgID: in.OrgID, Roles: in.Roles,
		Email: in.Email, Phone: in.Phone, PersonKind: in.PersonKind, IDNumber: in.IDNumber, CreditCode: in.CreditCode, CreatedAt: s.Now()}
	var org any
	if in.OrgID != "" {
		org = in.OrgID
	}
	_, err = q.ExecContext(ctx, `INSERT INTO users (id, username, display_name, org_id, password_hash, person_kind, id_number, credit_code, email, phone, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, u.ID, u.Username, u.DisplayName, org, HashPassword(in.Password),
		u.PersonKind, u.IDNumber, u.CreditCode, u.Email, u.Phone, db.Millis(u.CreatedAt))
	if db.IsUniqueViolation(err) {
		return User{}, errUsername
	}
	if err != nil {
		return User{}, err
	}
	for _, r := range in.Roles {
		if _, err := q.ExecContext(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1,$2)", u.ID, string(r)); err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// AddUser creates a user as p, audited, in its own transaction.
//
// The administrator acts within its region (authz.Directory): the new user's organization must lie
// in its region or below, and authority roles go only to staff of a data authority.
func (s *Service) AddUser(ctx context.Context, p *authz.Principal, in NewUser) (_ User, err error) {
	defer errs.Wrap(&err, "identity: AddUser")
	region, kind, err := s.placeOf(ctx, in.OrgID, in.IDNumber)
	if err != nil {
		return User{}, err
	}
	if err := authz.Directory(p, authz.Create, in.OrgID, region); err != nil {
		return User{}, err
	}
	for _, r := range in.Roles {
		if (r == authz.AuthorityAdmin || r == authz.AuthorityReviewer) && kind != authz.KindAuthority {
			return User{}, apperr.Invalid.With(apperr.Field("roles", "主管部门角色只能授予数据主管部门的人员："+string(r),
				"authority roles go only to staff of a data authority: "+string(r)))
		}
	}
	var u User
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = s.CreateUser(ctx, tx, in); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID,
			Action: "identity.user.create", ObjectType: "user", ObjectID: u.ID, Detail: map[string]any{"username": u.Username, "roles": u.Roles}})
	})
	return u, err
}

// Registration is a public user's self-registration (natural or legal person).
type Registration struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
	PersonKind  string `json:"person_kind"` // natural | legal
	IDNumber    string `json:"id_number"`   // natural persons (optional, validated when given)
	CreditCode  string `json:"credit_code"` // legal persons (required)
	OrgName     string `json:"org_name"`    // legal persons
	RegionCode  string `json:"region_code"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
}

// Register creates a public user; a legal person also gets an enterprise organization keyed by
// its unified social credit code.
func (s *Service) Register(ctx context.Context, in Registration, clientIP string) (_ User, err error) {
	defer errs.Wrap(&err, "identity: Register")
	// Self-registration is throttled per client address (注册限流): RegisterMax accounts per
	// RegisterWindow, then the address waits, each time longer.
	rkey := "reg:" + clientIP
	if clientIP != "" {
		if d := s.lockedFor(ctx, rkey); d > 0 {
			zh, en := waitText(d)
			s.Audit.Log(ctx, audit.Event{ActorName: in.Username, ClientIP: clientIP, Action: "identity.user.register", Result: audit.Denied, Detail: map[string]any{"reason": "throttled"}})
			return User{}, apperr.New(http.StatusTooManyRequests, "register_throttled", "该网络地址注册次数过多，请 "+zh+"后再试",
				"too many registrations from this network address; try again in "+en).After(d)
		}
	}
	nu := NewUser{Username: in.Username, DisplayName: in.DisplayName, Password: in.Password, Roles: []authz.Role{authz.PublicUser},
		Email: in.Email, Phone: in.Phone, PersonKind: in.PersonKind}
	fe := checkNewUser(&nu)
	switch in.PersonKind {
	case "natural":
		if in.IDNumber != "" {
			if err := validate.CitizenID(in.IDNumber); err != nil {
				fe = append(fe, apperr.Field("id_number", "公民身份号码无效："+zh(err), "invalid citizen ID number: "+en(err)))
			}
			nu.IDNumber = strings.ToUpper(in.IDNumber)
		}
	case "legal":
		in.CreditCode = strings.ToUpper(strings.TrimSpace(in.CreditCode))
		if in.CreditCode == "" {
			fe = append(fe, apperr.Field("credit_code", "法人须填写统一社会信用代码", "legal persons must give their unified social credit code"))
		} else if err := validate.CreditCode(in.CreditCode); err != nil {
			fe = append(fe, apperr.Field("credit_code", "统一社会信用代码无效："+zh(err), "invalid unified social credit code: "+en(err)))
		}
		if strings.TrimSpace(in.OrgName) == "" {
			fe = append(fe, apperr.Field("org_name", "法人须填写单位名称", "legal persons must give the organization name"))
		}
		nu.CreditCode = in.CreditCode
	default:
		fe = append(fe, apperr.Field("person_kind", "请选择自然人或法人", "choose natural or legal person"))
	}
	if in.Phone != "" {
		if err := validate.Phone(in.Phone); err != nil {
			fe = append(fe, apperr.Field("phone", "电话号码格式不正确", "invalid phone number"))
		}
	}
	var region string
	if in.PersonKind == "legal" {
		region = in.RegionCode
		if region == "" && len(in.CreditCode) == 18 {
			region = in.CreditCode[2:8]
		}
		if _, err := s.Region(ctx, region); err != nil {
			// fall back to the top region on this node
			s.DB.QueryRowContext(ctx, "SELECT code FROM regions ORDER BY level, code LIMIT 1").Scan(&region)
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return User{}, err
	}
	var u User
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if in.PersonKind == "legal" {
			// Joining an existing organization by naming its credit code would hand a stranger
			// that organization's inbox and directory (the code is public), so a code that is
			// already registered is refused.
			var existing string
			err := tx.QueryRowContext(ctx, "SELECT id FROM orgs WHERE credit_code = $1", in.CreditCode).Scan(&existing)
			if err == nil {
				return errCreditTaken.With(apperr.Field("credit_code", "该统一社会信用代码已注册", "this credit code is already registered"))
			} else if !db.IsNoRows(err) {
				return err
			}
			o := &Org{Name: in.OrgName, Kind: authz.KindEnterprise, RegionCode: region, CreditCode: in.CreditCode}
			if err := s.CreateOrg(ctx, tx, o); err != nil {
				return err
			}
			nu.OrgID = o.ID
		}
		var err error
		if u, err = s.CreateUser(ctx, tx, nu); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorName: u.Username, OrgID: u.OrgID, ClientIP: clientIP,
			Action: "identity.user.register", ObjectType: "user", ObjectID: u.ID, Detail: map[string]any{"person_kind": in.PersonKind}})
	})
	// Count accounts made and names or codes tried that were taken (probing who is registered).
	if clientIP != "" && (err == nil || errors.Is(err, errUsername) || errors.Is(err, errCreditTaken)) {
		s.hit(ctx, rkey, s.RegisterMax, s.RegisterWindow, s.RegisterWindow)
	}
	return u, err
}

func zh(err error) string {
	if ve := (*validate.Error)(nil); errors.As(err, &ve) {
		return ve.ZH
	}
	return err.Error()
}

func en(err error) string {
	if ve := (*validate.Error)(nil); errors.As(err, &ve) {
		return ve.EN
	}
	return err.Error()
}

const userCols = "id, username, display_name, COALESCE(org_id,''), person_kind, id_number, credit_code, email, phone, disabled, created_at, verified_at, verified_via"

func (s *Service) scanUser(ctx context.Context, row *sql.Row) (User, string, error) {
	var u User
	var disabled int
	var created, verified int64
	var hash string
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.OrgID, &u.PersonKind, &u.IDNumber, &u.CreditCode, &u.Email, &u.Phone, &disabled, &created,
		&verified, &u.VerifiedVia, &hash)
	if db.IsNoRows(err) {
		return u, "", apperr.NotFound
	}
	if err != nil {
		return u, "", err
	}
	u.Disabled = disabled != 0
	u.CreatedAt = db.FromMillis(created)
	u.Verified, u.VerifiedAt = verified != 0, db.FromMillis(verified)
	u.Roles, err = s.roles(ctx, u.ID)
	return u, hash, err
}

func (s *Service) roles(ctx context.Context, userID string) ([]authz.Role, error) {
	rows, err := s.DB.QueryFast(ctx, "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []authz.Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, authz.Role(r))
	}
	return out, rows.Err()
}

// User returns one user.
func (s *Service) User(ctx context.Context, id string) (_ User, err error) {
	defer errs.Wrap(&err, "identity: User(%s)", id)
	u, _, err := s.scanUser(ctx, s.DB.QueryRowContext(ctx, "SELECT "+userCols+", password_hash FROM users WHERE id = $1", id))
	return u, err
}

// UserByName returns one user by username.
func (s *Service) UserByName(ctx context.Context, name string) (_ User, err error) {
	defer errs.Wrap(&err, "identity: UserByName")
	u, _, err := s.scanUser(ctx, s.DB.QueryRowContext(ctx, "SELECT "+userCols+", password_hash FROM users WHERE username = $1", name))
	return u, err
}

// Users lists users of an organization ("" = all).
func (s *Service) Users(ctx context.Context, orgID string) (_ []User, err error) {
	defer errs.Wrap(&err, "identity: Users(%s)", orgID)
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM users WHERE ($1 = '' OR org_id = $1) ORDER BY username", orgID)
	if err != nil {
		return nil, err
	}
	var idsList []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		idsList = append(idsList, id)
	}
	rows.Close()
	out := make([]User, 0, len(idsList))
	for _, id := range idsList {
		u, err := s.User(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// Principal builds the principal of a user.
func (s *Service) Principal(ctx context.Context, u User) (_ *authz.Principal, err error) {
	defer errs.Wrap(&err, "identity: Principal")
	p := &authz.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, OrgID: u.OrgID, Roles: u.Roles, Verified: u.Verified}
	if u.OrgID != "" {
		o, err := s.Org(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		p.OrgName, p.OrgKind, p.RegionCode = o.Name, o.Kind, o.RegionCode
	}
	return p, nil
}

// lockedFor tells how long key stays locked (0: not locked).
func (s *Service) lockedFor(ctx context.Context, key string) time.Duration {
	var until int64
	err := s.DB.QueryRowContext(ctx, "SELECT locked_until FROM login_attempts WHERE key = $1", key).Scan(&until)
	if err != nil {
		return 0
	}
	return max(time.Duration(until-db.Millis(s.Now()))*time.Millisecond, 0)
}

// hit counts one event (a failed login, a registration) for key. Events older than window are
// forgotten, so a few typos spread over weeks lock nothing; limit events within it lock the
// key for base, doubled for every earlier lock (growing back-off) up to MaxLockFor. It returns
// how long the key is now locked (0: not locked).
func (s *Service) hit(ctx context.Context, key string, limit int, window, base time.Duration) time.Duration {
	now := db.Millis(s.Now())
	var lock time.Duration
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Create the row first so that concurrent events serialize on its lock (PostgreSQL)
		// instead of racing to insert it.
		if _, err := tx.ExecContext(ctx, "INSERT INTO login_attempts (key, failures, locked_until, updated_at) VALUES ($1, 0, 0, $2) ON CONFLICT (key) DO NOTHING", key, now); err != nil {
			return err
		}
		var failures, locks int
		var updated, until int64
		if err := tx.QueryRowContext(ctx, "SELECT failures, locks, locked_until, updated_at FROM login_attempts WHERE key = $1"+s.DB.ForUpdate(), key).Scan(&failures, &locks, &until, &updated); err != nil {
			return err
		}
		if now-updated > window.Milliseconds() {
			failures = 0
		}
		failures++
		if failures >= limit {
			lock = base << min(locks, 20)
			if s.MaxLockFor > 0 && lock > s.MaxLockFor {
				lock = s.MaxLockFor
			}
			until = now + lock.Milliseconds()
			failures = 0
			locks++
		}
		_, err := tx.ExecContext(ctx, "UPDATE login_attempts SET failures = $1, locks = $2, locked_until = $3, updated_at = $4 WHERE key = $5", failures, locks, until, now, key)
		return err
	})
	if err != nil {
		slog.Warn("login throttle update failed", "err", err)
	}
	return lock
}

// waitText says "15 分钟" / "15 minutes" (rounded up to a minute; hours past an hour).
func waitText(d time.Duration) (string, string) {
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	if m < 60 {
		unit := "minutes"
		if m == 1 {
			unit = "minute"
		}
		return fmt.Sprintf("%d 分钟", m), fmt.Sprintf("%d %s", m, unit)
	}
	h, mm := m/60, m%60
	zh, en := fmt.Sprintf("%d 小时", h), fmt.Sprintf("%d h", h)
	if mm > 0 {
		zh += fmt.Sprintf(" %d 分钟", mm)
		en += fmt.Sprintf(" %d min", mm)
	}
	return zh, en
}

// errAccountLocked says that the account is locked and for how long.
func errAccountLocked(d time.Duration) *apperr.Error {
	zh, en := waitText(d)
	return apperr.New(http.StatusTooManyRequests, "login_locked", "登录失败次数过多，账户已锁定，请 "+zh+"后再试",
		"too many failed logins; the account is locked for "+en).After(d)
}

// errAddressThrottled says that logins from this address are paused and for how long.
func errAddressThrottled(d time.Duration) *apperr.Error {
	zh, en := waitText(d)
	return apperr.New(http.StatusTooManyRequests, "login_address_throttled", "该网络地址登录失败次数过多，请 "+zh+"后再试；曾在此地址登录过的账户不受影响",
		"too many failed logins from this network address; try again in "+en+" (accounts that have logged in from here before are not affected)").After(d)
}

func knownKey(clientIP, username string) string {
	return "ok:" + clientIP + "|" + strings.ToLower(username)
}

// known tells whether username has logged in from clientIP within KnownFor.
func (s *Service) known(ctx context.Context, clientIP, username string) bool {
	var until int64
	err := s.DB.QueryRowContext(ctx, "SELECT locked_until FROM login_attempts WHERE key = $1", knownKey(clientIP, username)).Scan(&until)
	return err == nil && until > db.Millis(s.Now())
}

// dummyHash is checked against when the username is unknown, so that a wrong username costs
// as long as a wrong password and response times do not reveal which usernames exist.
var dummyHash = sync.OnceValue(func() string { return HashPassword("pubdata-no-such-user") })

// Login checks a username and password and opens a session. MaxFailures failures for one
// username lock the account; AddressMaxFailures failures from one address throttle the
// address for accounts that have not logged in from it before. Both refusals say how long.
func (s *Service) Login(ctx context.Context, username, password, clientIP string) (sessionToken, csrf string, u User, err error) {
	defer errs.Wrap(&err, "identity: Login")
	ukey, ikey := "u:"+strings.ToLower(username), "ip:"+clientIP
	denied := func(err *apperr.Error, reason string) (string, string, User, error) {
		s.Audit.Log(ctx, audit.Event{ActorName: username, ClientIP: clientIP, Action: "identity.login", Result: audit.Denied, Detail: map[string]any{"reason": reason}})
		return "", "", User{}, err
	}
	if d := s.lockedFor(ctx, ukey); d > 0 {
		return denied(errAccountLocked(d), "locked")
	}
	if clientIP != "" {
		if d := s.lockedFor(ctx, ikey); d > 0 && !s.known(ctx, clientIP, username) {
			return denied(errAddressThrottled(d), "address_throttled")
		}
	}
	u, hash, err := s.scanUser(ctx, s.DB.QueryRowContext(ctx, "SELECT "+userCols+", password_hash FROM users WHERE username = $1", username))
	if err != nil && !errors.Is(err, apperr.NotFound) {
		return "", "", User{}, err
	}
	if errors.Is(err, apperr.NotFound) {
		hash = dummyHash()
	}
	if !CheckPassword(hash, password) || err != nil || u.Disabled {
		ulock := s.hit(ctx, ukey, s.MaxFailures, s.LockFor, s.LockFor)
		if clientIP != "" {
			s.hit(ctx, ikey, s.AddressMaxFailures, s.LockFor, s.LockFor)
		}
		s.Audit.Log(ctx, audit.Event{ActorID: u.ID, ActorName: username, ClientIP: clientIP, Action: "identity.login", Result: audit.Denied})
		if ulock > 0 {
			return "", "", User{}, errAccountLocked(ulock) // this failure locked it: say so now
		}
		return "", "", User{}, errLoginFailed
	}
	s.DB.ExecContext(ctx, "DELETE FROM login_attempts WHERE key = $1", ukey)
	now := s.Now()
	if clientIP != "" {
		// Remember that this account logs in from here: a later throttle of the address
		// (someone else guessing behind the same address) lets it through.
		s.DB.ExecContext(ctx, `INSERT INTO login_attempts (key, failures, locked_until, updated_at) VALUES ($1, 0, $2, $3)
			ON CONFLICT (key) DO UPDATE SET locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
			knownKey(clientIP, username), db.Millis(now.Add(s.KnownFor)), db.Millis(now))
	}
	sessionToken, csrf = ids.Token(32), ids.Token(20)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
			HashSecret(sessionToken), u.ID, csrf, db.Millis(now), db.Millis(now.Add(s.SessionTTL))); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, ActorName: u.Username, OrgID: u.OrgID, ClientIP: clientIP, Action: "identity.login"})
	})
	return sessionToken, csrf, u, err
}

// HashSecret is the stored form of a session id or API token (they are random, so a fast hash
// is enough; passwords use argon2id).
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Session resolves a session cookie to its principal and CSRF token.
func (s *Service) Session(ctx context.Context, token string) (_ *authz.Principal, _ string, err error) {
	defer errs.Wrap(&err, "identity: Session")
	var userID, csrf string
	var expires int64
	err = s.DB.QueryRowContext(ctx, "SELECT user_id, csrf, expires_at FROM sessions WHERE id_hash = $1", HashSecret(token)).Scan(&userID, &csrf, &expires)
	if err != nil || expires < db.Millis(s.Now()) {
		return nil, "", apperr.Unauthenticated
	}
	u, err := s.User(ctx, userID)
	if err != nil || u.Disabled {
		return nil, "", apperr.Unauthenticated
	}
	p, err := s.Principal(ctx, u)
	return p, csrf, err
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) (err error) {
	defer errs.Wrap(&err, "identity: Logout")
	_, err = s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = $1", HashSecret(token))
	return err
}

// Token is an API token's public description (the secret is shown once, at creation).
type Token struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	Scopes    []string  `json:"scopes"`
	Subject   string    `json:"subject,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	LastUsed  time.Time `json:"last_used_at,omitzero"`
}

// Scopes API tokens may carry (authz.TokenScopes; each route names the one it needs).
var Scopes = authz.TokenScopes

// CreateToken mints a token for p's user; the returned secret is never stored.
func (s *Service) CreateToken(ctx context.Context, q db.Q, p *authz.Principal, name string, scopes []string, subject string, ttl time.Duration) (_ string, _ Token, err error) {
	defer errs.Wrap(&err, "identity: CreateToken")
	var fe []apperr.FieldError
	if strings.TrimSpace(name) == "" {
		fe = append(fe, apperr.Field("name", "令牌名称不能为空", "token name is required"))
	}
	if len(scopes) == 0 {
		fe = append(fe, apperr.Field("scopes", "至少选择一个权限范围", "choose at least one scope"))
	}
	for _, sc := range scopes {
		if !slices.Contains(Scopes, sc) {
			fe = append(fe, apperr.Field("scopes", "未知权限范围："+sc, "unknown scope: "+sc))
		}
	}
	if ttl <= 0 || ttl > 366*24*time.Hour {
		fe = append(fe, apperr.Field("ttl_days", "有效期应为 1–366 天", "validity must be 1–366 days"))
	}
	if err := apperr.Validation(fe); err != nil {
		return "", Token{}, err
	}
	prefix := ids.Token(5)[:8]
	secret := "pd_" + prefix + "_" + ids.Token(24)
	now := s.Now()
	t := Token{ID: ids.New(), UserID: p.UserID, Name: name, Prefix: prefix, Scopes: scopes, Subject: subject, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	_, err = q.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, scopes, subject, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, t.ID, t.UserID, t.Name, HashSecret(secret), prefix, strings.Join(scopes, ","), subject, db.Millis(now), db.Millis(t.ExpiresAt))
	if err != nil {
		return "", Token{}, err
	}
	err = s.Audit.Record(ctx, q, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "identity.token.create",
		ObjectType: "api_token", ObjectID: t.ID, Detail: map[string]any{"name": name, "scopes": scopes, "subject": subject}})
	return secret, t, err
}

// IssueToken mints a token in its own transaction after the authorization check.
func (s *Service) IssueToken(ctx context.Context, p *authz.Principal, name string, scopes []string, ttl time.Duration) (_ string, _ Token, err error) {
	defer errs.Wrap(&err, "identity: IssueToken")
	if err := authz.Tokens(p, authz.Create, p.UserID, p.RegionCode); err != nil {
		return "", Token{}, err
	}
	var secret string
	var t Token
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		secret, t, err = s.CreateToken(ctx, tx, p, name, scopes, "", ttl)
		return err
	})
	return secret, t, err
}

// Tokens lists a user's tokens.
func (s *Service) Tokens(ctx context.Context, userID string) (_ []Token, err error) {
	defer errs.Wrap(&err, "identity: Tokens(%s)", userID)
	rows, err := s.DB.QueryContext(ctx, `SELECT id, user_id, name, prefix, scopes, subject, created_at, expires_at, revoked_at, last_used_at
		FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var scopes string
		var c, e, r, l int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &scopes, &t.Subject, &c, &e, &r, &l); err != nil {
			return nil, err
		}
		t.Scopes = strings.Split(scopes, ",")
		t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsed = db.FromMillis(c), db.FromMillis(e), db.FromMillis(r), db.FromMillis(l)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token of p's (or, for authority admins, anyone's).
func (s *Service) RevokeToken(ctx context.Context, p *authz.Principal, id string) (err error) {
	defer errs.Wrap(&err, "identity: RevokeToken(%s)", id)
	var owner string
	if err := s.DB.QueryRowContext(ctx, "SELECT user_id FROM api_tokens WHERE id = $1", id).Scan(&owner); err != nil {
		return apperr.NotFound
	}
	var region string
	if owner != p.UserID {
		u, err := s.User(ctx, owner)
		if err != nil {
			return err
		}
		if region, _, err = s.placeOf(ctx, u.OrgID, u.IDNumber); err != nil {
			return err
		}
	}
	if err := authz.Tokens(p, authz.Delete, owner, region); err != nil {
		return apperr.NotFound // someone else's token: as if it did not exist
	}
	defer forgetToken(id) // after the commit too, so no call re-cached it in between
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		forgetToken(id)
		if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = 0", db.Millis(s.Now()), id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "identity.token.revoke", ObjectType: "api_token", ObjectID: id})
	})
}

var errTokenExpired = apperr.New(http.StatusUnauthorized, "token_expired", "访问令牌已过期或已撤销", "the access token has expired or was revoked")

// TokenPrincipal resolves an API token to its principal (with the token's scopes).
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (_ *authz.Principal, err error) {
	defer errs.Wrap(&err, "identity: TokenPrincipal")
	h := HashSecret(secret)
	now := s.Now()
	if v, ok := tokenCache.Load(h); ok {
		c := v.(cachedToken)
		if time.Since(c.at) < tokenCacheTTL && db.Millis(now) <= c.expires {
			if err := s.sanctioned(ctx, c.p); err != nil {
				return nil, err
			}
			p := *c.p
			return &p, nil
		}
		tokenCache.Delete(h)
	}
	p, expires, err := s.tokenPrincipal(ctx, h, now)
	if err != nil {
		return nil, err
	}
	tokenCache.Store(h, cachedToken{p: p, expires: expires, at: time.Now()})
	if err := s.sanctioned(ctx, p); err != nil {
		return nil, err
	}
	cp := *p
	return &cp, nil
}

// sanctioned asks the supervision service whether the key's user or organization is under a
// rectification order (SUP-1): then every key of theirs is refused on its next request.
func (s *Service) sanctioned(ctx context.Context, p *authz.Principal) error {
	if s.Sanctioned == nil {
		return nil
	}
	return s.Sanctioned(ctx, p.UserID, p.OrgID)
}

// tokenCacheTTL bounds how long a resolved token is reused on this node. Revocation on this
// node clears it at once; on other nodes it takes effect within the TTL. Share grants are
// checked on every call regardless (their suspension and revocation are immediate everywhere).
const tokenCacheTTL = 2 * time.Second

type cachedToken struct {
	p       *authz.Principal
	expires int64
	at      time.Time
}

var tokenCache sync.Map // token hash → cachedToken

func (s *Service) tokenPrincipal(ctx context.Context, hash string, now time.Time) (*authz.Principal, int64, error) {
	// One query for the token, its user and the user's organization; roles follow. The gateway
	// resolves a token on every call, so this path is kept short.
	var (
		id, userID, scopes, subject, username, display, orgID string
		orgName, orgKind, region                              string
		expires, revoked, verified                            int64
		disabled                                              int
	)
	err := s.DB.QueryRowFast(ctx, `SELECT t.id, t.user_id, t.scopes, t.subject, t.expires_at, t.revoked_at,
		u.username, u.display_name, COALESCE(u.org_id, ''), u.disabled, u.verified_at,
		COALESCE(o.name, ''), COALESCE(o.kind, ''), COALESCE(o.region_code, '')
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN orgs o ON o.id = u.org_id
		WHERE t.token_hash = $1`, hash).
		Scan(&id, &userID, &scopes, &subject, &expires, &revoked, &username, &display, &orgID, &disabled, &verified, &orgName, &orgKind, &region)
	if err != nil {
		if !db.IsNoRows(err) {
			return nil, 0, err
		}
		return nil, 0, apperr.Unauthenticated
	}
	if revoked != 0 || expires < db.Millis(now) {
		return nil, 0, errTokenExpired
	}
	if disabled != 0 {
		return nil, 0, apperr.Unauthenticated
	}
	roles, err := s.roles(ctx, userID)
	if err != nil {
		return nil, 0, err
	}
	return &authz.Principal{UserID: userID, Username: username, DisplayName: display, OrgID: orgID, OrgName: orgName,
		OrgKind: authz.OrgKind(orgKind), RegionCode: region, Roles: roles, Verified: verified != 0,
		TokenID: id, Scopes: strings.Split(scopes, ","), Subject: subject}, expires, nil
}

// tokenMarks remembers, per node, when each token's last use was written, so a busy token
// (a gateway credential) costs one write a minute rather than one per call.
var tokenMarks sync.Map // token id → int64 (Unix ms of the last write)

// MarkTokenUsed records a token's last use (best effort, at most once a minute per node).
func (s *Service) MarkTokenUsed(ctx context.Context, id string) {
	now := db.Millis(s.Now())
	if v, ok := tokenMarks.Load(id); ok && now-v.(int64) < 60000 {
		return
	}
	tokenMarks.Store(id, now)
	s.DB.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND last_used_at < $3", now, id, now-60000)
}

// String helps logs.
func (u User) String() string { return fmt.Sprintf("%s(%s)", u.Username, u.ID) }

// forgetToken drops a token from this node's cache (on revocation).
func forgetToken(id string) {
	tokenCache.Range(func(k, v any) bool {
		if v.(cachedToken).p.TokenID == id {
			tokenCache.Delete(k)
		}
		return true
	})
}

// PurgeExpired deletes sessions past their expiry and login-failure counters idle longer than
// a day (the lock window is far shorter); it returns how many rows went. A daily job runs it.
func (s *Service) PurgeExpired(ctx context.Context) (_ int64, err error) {
	defer errs.Wrap(&err, "identity: PurgeExpired")
	now := db.Millis(s.Now())
	r1, err := s.DB.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", now)
	if err != nil {
		return 0, err
	}
	r2, err := s.DB.ExecContext(ctx, "DELETE FROM login_attempts WHERE updated_at < $1 AND locked_until < $2", now-24*3600*1000, now)
	if err != nil {
		return 0, err
	}
	a, _ := r1.RowsAffected()
	b, _ := r2.RowsAffected()
	return a + b, nil
}

// RevokeSubjectTokens revokes, inside tx, every API token of a user (kind "user") or of every
// member of an organization (kind "org") — a terminated sanction (SUP-1) — and forgets them on
// this node. It returns how many were revoked.
func (s *Service) RevokeSubjectTokens(ctx context.Context, tx *sql.Tx, kind, id string) (_ int64, err error) {
	defer errs.Wrap(&err, "identity: RevokeSubjectTokens(%s)", id)
	cond := "user_id = $2"
	if kind == "org" {
		cond = "user_id IN (SELECT id FROM users WHERE org_id = $2)"
	}
	res, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at = 0 AND "+cond, db.Millis(s.Now()), id)
	if err != nil {
		return 0, err
	}
	tokenCache.Clear()
	n, _ := res.RowsAffected()
	return n, nil
}
