package identity

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/validate"
)

// placeOf is the region and organization kind that directory decisions about a user of
// organization orgID (or, for a person without one, holding citizen ID idNumber) are scoped to:
// the organization's region; for a person without an organization, the region of its ID
// number's first six digits when this node knows it, else the node's top region.
func (s *Service) placeOf(ctx context.Context, orgID, idNumber string) (string, authz.OrgKind, error) {
	if orgID != "" {
		o, err := s.Org(ctx, orgID)
		if err != nil {
			if errors.Is(err, apperr.NotFound) {
				return "", "", apperr.Invalid.With(apperr.Field("org_id", "机构不存在", "no such organization"))
			}
			return "", "", err
		}
		return o.RegionCode, o.Kind, nil
	}
	if len(idNumber) >= 6 {
		if r, err := s.Region(ctx, idNumber[:6]); err == nil {
			return r.Code, "", nil
		}
	}
	var top string
	err := s.DB.QueryRowContext(ctx, "SELECT code FROM regions ORDER BY level, code LIMIT 1").Scan(&top)
	if err != nil && !db.IsNoRows(err) {
		return "", "", err
	}
	return top, "", nil
}

// RegionOf returns the region directory decisions about user u are scoped to.
func (s *Service) RegionOf(ctx context.Context, u User) (_ string, err error) {
	defer errs.Wrap(&err, "identity: RegionOf")
	r, _, err := s.placeOf(ctx, u.OrgID, u.IDNumber)
	return r, err
}

// MaxUserList bounds a user listing.
const MaxUserList = 5000

// VisibleUsers lists the users p may see (authz.Directory Read), of one organization or (org
// "") of every organization p may see: authority staff their region and below, auditors and
// oversight bodies everyone, others their own organization. At most MaxUserList.
func (s *Service) VisibleUsers(ctx context.Context, p *authz.Principal, org string) (_ []User, err error) {
	defer errs.Wrap(&err, "identity: VisibleUsers")
	if org == "" && !p.Has(authz.AuthorityAdmin, authz.Auditor, authz.Oversight, authz.AuthorityReviewer) {
		if org = p.OrgID; org == "" {
			return nil, apperr.Forbidden
		}
	}
	if org != "" {
		region, _, err := s.placeOf(ctx, org, "")
		if err != nil {
			return nil, apperr.Forbidden
		}
		if err := authz.Directory(p, authz.Read, org, region); err != nil {
			return nil, err
		}
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM users WHERE ($1 = '' OR org_id = $1) ORDER BY username LIMIT $2", org, MaxUserList)
	if err != nil {
		return nil, err
	}
	var idsList []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idsList = append(idsList, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]User, 0, len(idsList))
	regions := map[string]string{}
	for _, id := range idsList {
		u, err := s.User(ctx, id)
		if err != nil {
			return nil, err
		}
		if org == "" && !p.Has(authz.Auditor, authz.Oversight) {
			key := u.OrgID + "/" + u.IDNumber
			region, ok := regions[key]
			if !ok {
				if region, _, err = s.placeOf(ctx, u.OrgID, u.IDNumber); err != nil {
					return nil, err
				}
				regions[key] = region
			}
			if authz.Directory(p, authz.Read, u.OrgID, region) != nil {
				continue
			}
		}
		out = append(out, u)
	}
	return out, nil
}

var errNothingToVerify = apperr.New(http.StatusUnprocessableEntity, "identity.nothing_to_verify",
	"该用户未登记公民身份号码或统一社会信用代码，无法进行实名核验", "the user has no citizen ID number or credit code on record to verify")

// SetVerified records (or withdraws) the authority's real-name verification of a user (实名核验),
// audited: an authority administrator whose region covers the user's, after checking the
// person's identity documents. note says how it was checked.
func (s *Service) SetVerified(ctx context.Context, p *authz.Principal, userID string, verified bool, note string) (_ User, err error) {
	defer errs.Wrap(&err, "identity: SetVerified(%s)", userID)
	u, err := s.User(ctx, userID)
	if err != nil {
		return User{}, apperr.NotFound
	}
	region, _, err := s.placeOf(ctx, u.OrgID, u.IDNumber)
	if err != nil {
		return User{}, err
	}
	if err := authz.Directory(p, authz.Update, u.OrgID, region); err != nil {
		return User{}, err
	}
	if verified && u.IDNumber == "" && u.CreditCode == "" && u.OrgID == "" {
		return User{}, errNothingToVerify
	}
	if strings.TrimSpace(note) == "" || len(note) > 2000 {
		return User{}, apperr.Invalid.With(apperr.Field("note", "请说明核验方式（如查验身份证原件），不超过 2000 字", "say how the identity was checked (at most 2000 characters)"))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		at, via, by := db.Millis(s.Now()), "authority", p.UserID
		if !verified {
			at, via, by = 0, "", ""
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET verified_at = $1, verified_via = $2, verified_by = $3 WHERE id = $4", at, via, by, userID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "identity.user.verify",
			ObjectType: "user", ObjectID: userID, Detail: map[string]any{"verified": verified, "via": "authority", "note": note}})
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, userID)
}

// Claim is what an identity provider asserts about a person (身份认证声明): the citizen ID
// number or unified social credit code it has verified, and whether it verified the real name.
type Claim struct {
	IDNumber   string
	CreditCode string
	RealName   bool
}

// IdentityProvider is an external real-name identity provider (统一身份认证平台, e.g. a
// province's government-service identity platform). Verify checks an assertion the user brings
// back from it (a signed token) and returns the claim it carries.
type IdentityProvider interface {
	Name() string
	Verify(ctx context.Context, assertion string) (Claim, error)
}

var (
	errNoProvider = apperr.New(http.StatusUnprocessableEntity, "identity.no_such_provider", "未配置该身份认证提供方", "no such identity provider is configured").
			With(apperr.Field("provider", "身份认证提供方无效", "unknown identity provider"))
	errClaimRefused = apperr.New(http.StatusUnprocessableEntity, "identity.claim_refused",
		"身份认证未通过：认证结果与您登记的公民身份号码或统一社会信用代码不一致", "the identity provider's claim does not match the citizen ID number or credit code on your account")
)

// AddProvider configures an identity provider.
func (s *Service) AddProvider(ip IdentityProvider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.providers == nil {
		s.providers = map[string]IdentityProvider{}
	}
	s.providers[ip.Name()] = ip
}

// VerifyByClaim marks p's own account verified when the named identity provider vouches, with
// real-name verification, for the citizen ID number on the account (or the credit code of the
// account or of its organization). Audited either way.
func (s *Service) VerifyByClaim(ctx context.Context, p *authz.Principal, provider, assertion string) (_ User, err error) {
	defer errs.Wrap(&err, "identity: VerifyByClaim")
	if !p.Authenticated() || p.TokenID != "" {
		return User{}, apperr.Forbidden
	}
	vkey := "verify:" + p.UserID
	if d := s.lockedFor(ctx, vkey); d > 0 {
		zh, en := waitText(d)
		return User{}, apperr.New(http.StatusTooManyRequests, "identity.verify_throttled", "实名核验失败次数过多，请 "+zh+"后再试",
			"too many refused real-name claims; try again in "+en).After(d)
	}
	s.mu.Lock()
	ip := s.providers[provider]
	s.mu.Unlock()
	if ip == nil {
		return User{}, errNoProvider
	}
	u, err := s.User(ctx, p.UserID)
	if err != nil {
		return User{}, err
	}
	credit := u.CreditCode
	if credit == "" && u.OrgID != "" {
		if o, err := s.Org(ctx, u.OrgID); err == nil {
			credit = o.CreditCode
		}
	}
	c, err := ip.Verify(ctx, assertion)
	ok := err == nil && c.RealName &&
		((u.IDNumber != "" && validate.NormalizeCitizenID(c.IDNumber) == validate.NormalizeCitizenID(u.IDNumber)) ||
			(credit != "" && validate.NormalizeCreditCode(c.CreditCode) == validate.NormalizeCreditCode(credit)))
	if !ok {
		s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "identity.user.verify", Result: audit.Denied,
			ObjectType: "user", ObjectID: u.ID, Detail: map[string]any{"via": "idp:" + provider}})
		s.hit(ctx, vkey, s.VerifyMax, s.VerifyWindow, s.VerifyWindow)
		return User{}, errClaimRefused
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET verified_at = $1, verified_via = $2, verified_by = $3 WHERE id = $4",
			db.Millis(s.Now()), "idp:"+provider, provider, u.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "identity.user.verify",
			ObjectType: "user", ObjectID: u.ID, Detail: map[string]any{"verified": true, "via": "idp:" + provider}})
	})
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, u.ID)
}
