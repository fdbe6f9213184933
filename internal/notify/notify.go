// Package notify is the in-app inbox (站内消息) of every user and organization, with optional
// webhook delivery. Reminders, escalations and flags of later capabilities arrive through it.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/keys"
	"pubdata/internal/netguard"
)

// Message is one inbox item, addressed to a user, an organization, or both.
type Message struct {
	ID         string `json:"id"`
	UserID     string `json:"user_id,omitempty"`
	OrgID      string `json:"org_id,omitempty"`
	Kind       string `json:"kind"` // reminder | escalation | flag | info
	TitleZH    string `json:"title"`
	TitleEN    string `json:"title_en"`
	BodyZH     string `json:"body"`
	BodyEN     string `json:"body_en"`
	Link       string `json:"link,omitempty"`
	ObjectType string `json:"object_type,omitempty"`
	ObjectID   string `json:"object_id,omitempty"`
	// DedupKey, when set, makes Send idempotent: a second message with the same key is dropped
	// (so a job that reminds once per deadline can run on every node and every tick).
	DedupKey  string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// Service stores and delivers messages.
type Service struct {
	DB     *db.DB
	Now    func() time.Time
	Client *http.Client
	// AllowLoopbackWebhooks lets webhooks reach this host (tests, a one-machine trial); off in
	// service, so that a registered URL cannot be used to reach the platform's own database or
	// admin ports.
	AllowLoopbackWebhooks bool
	// Keys seals the webhooks' signing secrets in the database (SEC-8); nil stores them plainly
	// (unit tests without a key ring).
	Keys *keys.Ring
}

// SecretColumn is where webhook secrets are stored, for the key ring's re-encryption (a plain
// value from before the ring is sealed by the keys.reencrypt job).
func (s *Service) SecretColumn() keys.Column {
	return keys.Column{Table: "webhooks", ID: "id", Col: "secret"}
}

// New makes a service.
func New(d *db.DB) *Service {
	s := &Service{DB: d, Now: time.Now}
	s.Client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		Proxy:             nil,  // direct: the dial check must see the real destination
		DisableKeepAlives: true, // and sees every delivery (webhooks are occasional)
		DialContext:       (&net.Dialer{Timeout: 5 * time.Second, Control: s.checkDial}).DialContext,
	}}
	return s
}

// errForbiddenAddress refuses a webhook address inside the platform's own host or a cloud
// metadata range.
var errForbiddenAddress = apperr.Invalid.With(apperr.Field("url",
	"回调地址不能指向本机、链路本地或组播地址", "the URL may not point at this host, a link-local or a multicast address"))

// policy is where webhooks may go (netguard: not this host, link-local or metadata addresses;
// the same rule as pulls from source databases).
func (s *Service) policy() netguard.Policy {
	return netguard.Policy{AllowLoopback: s.AllowLoopbackWebhooks}
}

// checkDial is the webhook client's dial check: it judges the address actually connected to, so
// neither a DNS answer nor a redirect can lead a delivery to a forbidden address.
func (s *Service) checkDial(network, address string, c syscall.RawConn) error {
	if err := s.policy().Control(network, address, c); err != nil {
		return fmt.Errorf("webhook %w", err)
	}
	return nil
}

// checkWebhookURL validates a webhook URL at registration: http or https, a host, no
// credentials in it, and not a forbidden literal address or localhost.
func (s *Service) checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return apperr.Invalid.With(apperr.Field("url", "地址须以 http:// 或 https:// 开头并包含主机名", "URL must start with http:// or https:// and name a host"))
	}
	if u.User != nil {
		return apperr.Invalid.With(apperr.Field("url", "地址中不能包含用户名或密码", "the URL may not carry a user name or password"))
	}
	if s.policy().ForbiddenHost(u.Hostname()) {
		return errForbiddenAddress
	}
	return nil
}

// Send stores a message inside q. It returns false when the DedupKey was already used.
func (s *Service) Send(ctx context.Context, q db.Q, m Message) (_ bool, err error) {
	defer errs.Wrap(&err, "notify: Send")
	if m.ID == "" {
		m.ID = ids.New()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.Now()
	}
	var dedup any
	if m.DedupKey != "" {
		dedup = m.DedupKey
	}
	// ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a
	// violation would abort the caller's whole transaction.
	res, err := q.ExecContext(ctx, `INSERT INTO notifications (id, user_id, org_id, kind, title_zh, title_en, body_zh, body_en, link, object_type, object_id, dedup_key, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (dedup_key) DO NOTHING`, m.ID, m.UserID, m.OrgID, m.Kind, m.TitleZH, m.TitleEN, m.BodyZH, m.BodyEN,
		m.Link, m.ObjectType, m.ObjectID, dedup, db.Millis(m.CreatedAt))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return false, nil
	}
	go s.deliver(m)
	return true, nil
}

// DeliveryWait is how long delivery waits for the transaction that stored a message to
// commit; a message whose transaction rolled back is never delivered.
var DeliveryWait = 30 * time.Second

// deliver posts the message to the active webhooks of the users it is addressed to, signed with HMAC-SHA256
// in the X-Pubdata-Signature header. Best effort: failures are logged. It first waits until the
// message is visible to other connections, i.e. until the caller's transaction committed.
func (s *Service) deliver(m Message) {
	ctx, cancel := context.WithTimeout(context.Background(), DeliveryWait+10*time.Second)
	defer cancel()
	// Only the hooks of the users whose inbox shows the message: its addressee, or for a message
	// to an organization as a whole, that organization's members (Inbox's rule). Disabled users'
	// hooks stay silent.
	rows, err := s.DB.QueryContext(ctx, `SELECT w.id, w.url, w.secret FROM webhooks w JOIN users u ON u.id = w.user_id
		WHERE w.active = 1 AND u.disabled = 0 AND (w.user_id = $1 OR ($1 = '' AND $2 <> '' AND u.org_id = $2))
		ORDER BY w.created_at, w.id LIMIT 100`, m.UserID, m.OrgID)
	if err != nil {
		return
	}
	type hook struct{ id, url, secret string }
	var hooks []hook
	for rows.Next() {
		var h hook
		rows.Scan(&h.id, &h.url, &h.secret)
		hooks = append(hooks, h)
	}
	rows.Close()
	for i := range hooks {
		if s.Keys == nil {
			continue
		}
		p, err := s.Keys.OpenValue(ctx, s.SecretColumn(), hooks[i].id, hooks[i].secret)
		if err != nil {
			slog.Warn("webhook secret cannot be opened; not delivered", "webhook", hooks[i].id, "err", err)
			hooks[i].url = ""
			continue
		}
		hooks[i].secret = string(p)
	}
	if len(hooks) == 0 {
		return
	}
	for deadline := time.Now().Add(DeliveryWait); ; {
		var n int
		if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE id = $1", m.ID).Scan(&n); err != nil {
			return
		}
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			return // rolled back (or never committed): nothing to deliver
		}
		time.Sleep(50 * time.Millisecond)
	}
	body, _ := json.Marshal(m)
	for _, h := range hooks {
		if h.url == "" || keys.Sealed(h.secret) {
			continue // a secret this node cannot open signs nothing
		}
		mac := hmac.New(sha256.New, []byte(h.secret))
		mac.Write(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
		if err != nil {
			continue
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Pubdata-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := s.Client.Do(req)
		if err != nil {
			slog.Warn("webhook delivery failed", "url", h.url, "err", err)
			continue
		}
		resp.Body.Close()
	}
}

// Inbox lists the messages of a principal: its own and its organization's, newest first.
func (s *Service) Inbox(ctx context.Context, p *authz.Principal, unreadOnly bool, limit, offset int) (_ []Message, _ int, err error) {
	defer errs.Wrap(&err, "notify: Inbox")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	cond := "(user_id = $1 OR (org_id <> '' AND org_id = $2 AND user_id = ''))"
	if unreadOnly {
		cond += " AND read_at = 0"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE "+cond, p.UserID, p.OrgID).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, user_id, org_id, kind, title_zh, title_en, body_zh, body_en, link, object_type, object_id, created_at, read_at
		FROM notifications WHERE `+cond+` ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`, p.UserID, p.OrgID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var c, r int64
		if err := rows.Scan(&m.ID, &m.UserID, &m.OrgID, &m.Kind, &m.TitleZH, &m.TitleEN, &m.BodyZH, &m.BodyEN, &m.Link, &m.ObjectType, &m.ObjectID, &c, &r); err != nil {
			return nil, 0, err
		}
		m.CreatedAt, m.Read = db.FromMillis(c), r != 0
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// MarkRead marks a message read, if it belongs to p.
func (s *Service) MarkRead(ctx context.Context, p *authz.Principal, id string) (err error) {
	defer errs.Wrap(&err, "notify: MarkRead(%s)", id)
	var userID, orgID string
	if err := s.DB.QueryRowContext(ctx, "SELECT user_id, org_id FROM notifications WHERE id = $1", id).Scan(&userID, &orgID); err != nil {
		return apperr.NotFound
	}
	if err := authz.Notifications(p, authz.Update, userID, orgID); err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, "UPDATE notifications SET read_at = $1 WHERE id = $2 AND read_at = 0", db.Millis(s.Now()), id)
	return err
}

// Webhook is a user's delivery endpoint (消息推送地址): it receives the messages of its owner's
// inbox.
type Webhook struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	OrgID     string    `json:"org_id"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxWebhooks bounds how many webhooks one user keeps.
const MaxWebhooks = 20

var errTooManyWebhooks = apperr.New(http.StatusConflict, "notify.too_many_webhooks", "每个用户最多登记 20 个推送地址，请先删除不用的", "a user may register at most 20 webhooks; remove unused ones first")

// AddWebhook registers a webhook for p itself (authz.Webhooks decides who may).
func (s *Service) AddWebhook(ctx context.Context, p *authz.Principal, url string) (_ Webhook, err error) {
	defer errs.Wrap(&err, "notify: AddWebhook")
	if err := authz.Webhooks(p, authz.Create, authz.WebhookAttrs{OwnerID: p.UserID, OwnerRegion: p.RegionCode}); err != nil {
		return Webhook{}, err
	}
	if err := s.checkWebhookURL(url); err != nil {
		return Webhook{}, err
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM webhooks WHERE user_id = $1 AND active = 1", p.UserID).Scan(&n); err != nil {
		return Webhook{}, err
	}
	if n >= MaxWebhooks {
		return Webhook{}, errTooManyWebhooks
	}
	w := Webhook{ID: ids.New(), UserID: p.UserID, OrgID: p.OrgID, URL: url, Secret: ids.Token(20), CreatedAt: s.Now()}
	stored := w.Secret
	if s.Keys != nil {
		// The secret is shown once (here) and stored sealed under the key ring.
		if stored, err = s.Keys.SealString(ctx, w.Secret, keys.AAD("webhooks", "secret", w.ID)); err != nil {
			return Webhook{}, err
		}
	}
	_, err = s.DB.ExecContext(ctx, "INSERT INTO webhooks (id, org_id, user_id, url, secret, created_at) VALUES ($1,$2,$3,$4,$5,$6)",
		w.ID, w.OrgID, w.UserID, w.URL, stored, db.Millis(w.CreatedAt))
	return w, err
}

// Webhooks lists p's own active webhooks (never their secrets), oldest first.
func (s *Service) Webhooks(ctx context.Context, p *authz.Principal) (_ []Webhook, err error) {
	defer errs.Wrap(&err, "notify: Webhooks")
	if err := authz.Webhooks(p, authz.Read, authz.WebhookAttrs{OwnerID: p.UserID, OwnerRegion: p.RegionCode}); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, user_id, org_id, url, created_at FROM webhooks WHERE user_id = $1 AND active = 1 ORDER BY created_at, id LIMIT $2",
		p.UserID, MaxWebhooks)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Webhook{}
	for rows.Next() {
		var w Webhook
		var c int64
		if err := rows.Scan(&w.ID, &w.UserID, &w.OrgID, &w.URL, &c); err != nil {
			return nil, err
		}
		w.CreatedAt = db.FromMillis(c)
		out = append(out, w)
	}
	return out, rows.Err()
}

// RemoveWebhook removes a webhook: its owner, or an authority administrator whose region covers
// the owner's organization. A hook the caller may not remove is answered as not found.
func (s *Service) RemoveWebhook(ctx context.Context, p *authz.Principal, id string) (_ Webhook, err error) {
	defer errs.Wrap(&err, "notify: RemoveWebhook(%s)", id)
	var w Webhook
	var region string
	err = s.DB.QueryRowContext(ctx, `SELECT w.id, w.user_id, w.org_id, w.url, COALESCE(o.region_code, '') FROM webhooks w
		LEFT JOIN users u ON u.id = w.user_id LEFT JOIN orgs o ON o.id = u.org_id WHERE w.id = $1 AND w.active = 1`, id).
		Scan(&w.ID, &w.UserID, &w.OrgID, &w.URL, &region)
	if db.IsNoRows(err) {
		return w, apperr.NotFound
	}
	if err != nil {
		return w, err
	}
	if err := authz.Webhooks(p, authz.Delete, authz.WebhookAttrs{OwnerID: w.UserID, OwnerRegion: region}); err != nil {
		return w, apperr.NotFound
	}
	_, err = s.DB.ExecContext(ctx, "UPDATE webhooks SET active = 0 WHERE id = $1", id)
	return w, err
}
