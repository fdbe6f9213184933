package share

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Use limits of a grant (使用限制, SHR-10): every gateway call (info, lookup, query, export,
// verify) counts against its grant's call rate and daily quota, both fixed at approval.
//
//   - The rate (calls per minute) is a token bucket kept in memory on each node: a node allows
//     rate / Limits.Nodes calls a minute with bursts of a quarter of that, so the cluster as a
//     whole allows the grant's rate when the load balancer spreads calls evenly. It costs no
//     database work.
//   - The daily quota (calls per calendar day, Asia/Shanghai) holds across nodes: it is counted
//     in the database (share_rate, window "q<day>"), but not call by call. A node reserves a
//     chunk of calls with one conditional upsert that never lets the day's reservations pass
//     the quota, spends the chunk from memory, and reserves the next one before it runs out.
//     Chunks start small and double while they last under two seconds (at most QuotaChunk,
//     and a twentieth of the quota), so a busy grant costs a few writes a second and a quiet
//     one wastes little: what a node reserved and did not use counts as used.
//
// Over either limit a call is answered 429 with Retry-After and audited as denied.

// limiter is one grant's limits on this node.
type limiter struct {
	mu     sync.Mutex
	tokens float64
	at     time.Time // last refill
	// the daily quota
	day       string
	dayEnd    time.Time     // when day ends
	left      int64         // calls reserved for this node today and not used yet
	chunk     int64         // size of the next reservation
	reserved  time.Time     // when the last reservation was made
	inflight  chan struct{} // closed when the reservation being made ends
	exhausted int64         // the quota the database found used up today (0: none)
}

func (g *gateway) limiter(id string) *limiter {
	g.mu.RLock()
	l := g.limits[id]
	g.mu.RUnlock()
	if l != nil {
		return l
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if l = g.limits[id]; l == nil {
		l = &limiter{}
		g.limits[id] = l
	}
	return l
}

// rates are a grant's effective call limits: its own, or the defaults.
func (s *Service) rates(gl GrantLimits) (perMinute, perDay int64) {
	perMinute, perDay = int64(gl.RatePerMinute), int64(gl.DailyQuota)
	if perMinute <= 0 {
		perMinute = int64(s.Limits.CallsPerMinute)
	}
	if perDay <= 0 {
		perDay = int64(s.Limits.CallsPerDay)
	}
	return max(perMinute, 1), max(perDay, 1)
}

// admit counts one call against its grant's rate and daily quota, or refuses it (429 with the
// time to wait).
func (s *Service) admit(ctx context.Context, pl *plan) error {
	if s.gw.noLimits.Load() {
		return nil
	}
	perMinute, quota := s.rates(pl.grant.Limits)
	nodes := max(s.Limits.Nodes, 1)
	perSec := float64(perMinute) / 60 / float64(nodes)
	burst := max(1, float64(perMinute)/4/float64(nodes))
	l := s.gw.limiter(pl.grant.ID)
	now := s.Now()
	l.mu.Lock()
	if l.at.IsZero() {
		l.tokens = burst
	} else if d := now.Sub(l.at).Seconds(); d > 0 {
		l.tokens = min(burst, l.tokens+d*perSec)
	}
	l.at = now
	if l.tokens < 1 {
		wait := time.Duration((1 - l.tokens) / perSec * float64(time.Second))
		l.mu.Unlock()
		return ErrRate.After(wait)
	}
	if !now.Before(l.dayEnd) { // a new calendar day: a new quota
		d := workday.Date(now)
		l.day, l.dayEnd, l.left, l.exhausted, l.chunk = workday.Format(d), d.AddDate(0, 0, 1), 0, 0, 0
	}
	for l.left <= 0 {
		if l.exhausted == quota {
			l.mu.Unlock()
			return ErrQuota.After(untilTomorrow(now))
		}
		if l.inflight == nil {
			if err := s.reserveLocked(ctx, l, pl.grant.ID, quota, false); err != nil {
				l.mu.Unlock()
				return err
			}
			continue
		}
		ch := l.inflight
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		l.mu.Lock()
	}
	l.tokens--
	l.left--
	// A busy grant reserves its next chunk before this one runs out, so calls do not wait for the
	// database; a quiet one (small chunks) does not, so that no call sits reserved on one node
	// while another needs it.
	if l.chunk >= 8 && l.left <= l.chunk/4 && l.inflight == nil && l.exhausted != quota {
		s.reserveLocked(ctx, l, pl.grant.ID, quota, true)
	}
	l.mu.Unlock()
	return nil
}

// reserveLocked reserves the next chunk of today's quota for this node, in the background or
// (when nothing is left) while the caller waits; l.mu is held on entry and on return. Only a
// reservation the caller waits for returns its error.
func (s *Service) reserveLocked(ctx context.Context, l *limiter, grantID string, quota int64, background bool) error {
	if l.chunk == 0 {
		l.chunk = min(max(quota/50, 1), 10)
	} else if !l.reserved.IsZero() && time.Since(l.reserved) < 2*time.Second {
		l.chunk = min(l.chunk*2, max(quota/20, 1), int64(max(s.Limits.QuotaChunk, 1)))
	}
	want, day := l.chunk, l.day
	ch := make(chan struct{})
	l.inflight = ch
	run := func(ctx context.Context) error {
		got, err := s.reserve(ctx, grantID, day, want, quota)
		l.mu.Lock()
		l.inflight = nil
		close(ch)
		if l.day == day {
			switch {
			case err != nil: // the call that waits for it tries again
			case got == 0:
				l.exhausted = quota
			default:
				l.left += got
				l.reserved = time.Now()
			}
		}
		if background {
			l.mu.Unlock()
		}
		return err
	}
	if background {
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			run(ctx)
		}()
		return nil
	}
	l.mu.Unlock()
	return run(ctx)
}

// reserve takes up to want calls of a grant's quota for the day in the database: all of them
// when they fit, otherwise what is left. The conditional upsert never lets the day's
// reservations, over all nodes, pass the quota.
func (s *Service) reserve(ctx context.Context, grantID, day string, want, quota int64) (int64, error) {
	expires := db.Millis(s.Now()) + 3*24*3600*1000
	for range 4 {
		want = min(want, quota)
		if want <= 0 {
			return 0, nil
		}
		res, err := s.DB.ExecContext(ctx, `INSERT INTO share_rate (grant_id, win, n, expires) VALUES ($1,$2,$3,$4)
			ON CONFLICT (grant_id, win) DO UPDATE SET n = share_rate.n + excluded.n WHERE share_rate.n + excluded.n <= $5`,
			grantID, "q"+day, want, expires, quota)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, err
		} else if n == 1 {
			return want, nil
		}
		var used int64
		if err := s.DB.QueryRowContext(ctx, "SELECT n FROM share_rate WHERE grant_id = $1 AND win = $2", grantID, "q"+day).Scan(&used); err != nil {
			return 0, err
		}
		want = quota - used
	}
	return 0, nil
}

// BenchmarkWithoutCallLimits switches the call limits (rate and daily quota) off or back on, so
// that bench/gateway can measure, in one process and alternating, what they cost the gateway.
// For benchmarks only: no configuration or route reaches it.
func (s *Service) BenchmarkWithoutCallLimits(off bool) { s.gw.noLimits.Store(off) }

// untilTomorrow is the time left of the calendar day (Asia/Shanghai) that contains t.
func untilTomorrow(t time.Time) time.Duration {
	return workday.Date(t).AddDate(0, 0, 1).Sub(t)
}

// loadLimits fills in a grant's use limits: those set at approval, the defaults where none were.
func (s *Service) loadLimits(ctx context.Context, q db.Q, g *Grant) error {
	var filterable string
	var rate, quota int64
	err := q.QueryRowContext(ctx, "SELECT rate_per_minute, daily_quota, filterable, reason FROM share_grant_limits WHERE grant_id = $1", g.ID).
		Scan(&rate, &quota, &filterable, &g.Limits.Reason)
	if err != nil && !db.IsNoRows(err) {
		return err
	}
	g.Limits.RatePerMinute, g.Limits.DailyQuota = int(rate), int(quota)
	if filterable != "" {
		g.Limits.Filterable = parseList(filterable)
	}
	r, d := s.rates(g.Limits)
	g.Limits.RatePerMinute, g.Limits.DailyQuota = int(r), int(d)
	return nil
}

// insertLimits stores the limits a grant was given (the defaults unless the approver set others).
func (s *Service) insertLimits(ctx context.Context, q db.Q, g *Grant, by string) error {
	r, d := s.rates(g.Limits)
	g.Limits.RatePerMinute, g.Limits.DailyQuota = int(r), int(d)
	filterable := ""
	if g.Limits.Filterable != nil {
		filterable = jsonList(g.Limits.Filterable)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO share_grant_limits (grant_id, rate_per_minute, daily_quota, filterable, reason, set_by, set_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, g.ID, r, d, filterable, g.Limits.Reason, by, db.Millis(s.Now()))
	return err
}

// checkLimits validates the limits an approver sets: not negative; above the defaults only
// with a reason, and never above the region's caps; filterable fields must be granted and
// delivered in clear (or be the key), since filtering on a masked value would reveal it.
func (s *Service) checkLimits(e *catalog.Entry, kind Kind, fields, clear []string, in *GrantLimits) []apperr.FieldError {
	in.Reason = clean(in.Reason)
	var fe []apperr.FieldError
	check := func(name string, v, def, limit int, zh, en string) {
		switch {
		case v < 0:
			fe = append(fe, apperr.Field("limits."+name, zh+"不能为负数", en+" cannot be negative"))
		case v > limit:
			fe = append(fe, apperr.Field("limits."+name, fmt.Sprintf("%s不能超过本地区上限 %d", zh, limit), fmt.Sprintf("%s cannot exceed the region's cap of %d", en, limit)))
		case v > def && in.Reason == "":
			fe = append(fe, apperr.Field("limits.reason", fmt.Sprintf("%s高于默认值 %d，须说明理由", zh, def), fmt.Sprintf("%s above the default of %d needs a reason", en, def)))
		}
	}
	check("rate_per_minute", in.RatePerMinute, s.Limits.CallsPerMinute, s.Limits.CapPerMinute, "每分钟调用次数", "calls per minute")
	check("daily_quota", in.DailyQuota, s.Limits.CallsPerDay, s.Limits.CapPerDay, "每日调用次数", "calls per day")
	if in.Filterable != nil {
		in.Filterable = normList(in.Filterable)
		for _, n := range in.Filterable {
			f, ok := e.Field(n)
			if !ok || !slices.Contains(fields, n) || !s.filterCandidate(e, &f, kind, clear) {
				fe = append(fe, apperr.Field("limits.filterable", fmt.Sprintf("信息项 %q 不能作为筛选条件：须在授权范围内且以明文提供（或为主键）", n),
					fmt.Sprintf("%q cannot be a filter: it must be granted and delivered in clear (or be the key)", n)))
			}
		}
	}
	return fe
}

// filterCandidate tells whether a granted field may ever be filtered on: it is delivered, and
// in clear or as the key.
func (s *Service) filterCandidate(e *catalog.Entry, f *catalog.Field, kind Kind, clear []string) bool {
	if kind == KindData && fieldShareType(e, f) == catalog.ShareNone {
		return false
	}
	return f.IsKey || slices.Contains(clear, f.Name) || !NeedsMask(e, f, s.Rules)
}

// filterable decides whether a query may filter on a field the grant delivers in clear (or the
// key): the approver's list when one was set; by default, for an API grant only the key and
// ID-number or credit-code fields (so a query finds named persons or organizations, not lists of
// them), for table and file grants any such field.
func filterable(g *Grant, f *catalog.Field) bool {
	if g.Limits.Filterable != nil {
		return slices.Contains(g.Limits.Filterable, f.Name)
	}
	return g.Mode != ModeAPI || f.IsKey || f.Kind == catalog.KindCitizenID || f.Kind == catalog.KindCreditCode
}

// offHours tells whether t is outside working hours: a day off on the calendar, or before 07:00
// or from 21:00 (Asia/Shanghai).
func (s *Service) offHours(t time.Time) bool {
	h := t.In(workday.Location).Hour()
	return h < 7 || h >= 21 || !s.Calendar.IsWorkday(t)
}

// Anomalies alerts the security officer (安全责任人) of each grant's providing agency to unusual
// gateway volume today (SEC-6): calls reaching AlertFactor times the grant's median day over the
// last 28 days (days without calls count as 0), or AlertMinCalls calls made off hours; never
// for fewer than AlertMinCalls calls. Once per grant and day, audited; safe on every node.
func (s *Service) Anomalies(ctx context.Context) (err error) {
	defer wrapErr(&err, "anomalies")
	if err := s.FlushStats(ctx); err != nil {
		return err
	}
	now := s.Now()
	today := workday.Format(now)
	from := workday.Format(workday.Date(now).AddDate(0, 0, -28))
	floor := int64(max(s.Limits.AlertMinCalls, 1))
	type cand struct {
		grant          string
		calls, offHour int64
	}
	var cands []cand
	rows, err := s.DB.QueryContext(ctx, `SELECT grant_id, calls, offhours FROM share_stats
		WHERE day = $1 AND alerted_at = 0 AND (calls >= $2 OR offhours >= $2) ORDER BY grant_id LIMIT 1000`, today, floor)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.grant, &c.calls, &c.offHour); err != nil {
			rows.Close()
			return err
		}
		cands = append(cands, c)
	}
	rows.Close()
	var firstErr error
	for _, c := range cands {
		days, err := s.pastCalls(ctx, c.grant, from, today)
		if err != nil {
			return err
		}
		median := medianOf(days, 28)
		var why []string
		if threshold := max(int64(max(s.Limits.AlertFactor, 1))*median, floor); c.calls >= threshold {
			why = append(why, "volume")
		}
		if c.offHour >= floor {
			why = append(why, "off_hours")
		}
		if len(why) == 0 {
			continue
		}
		if err := s.alert(ctx, c.grant, today, c.calls, c.offHour, median, why); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// pastCalls returns a grant's calls on each day from from up to (not including) today.
func (s *Service) pastCalls(ctx context.Context, grant, from, today string) ([]int64, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT calls FROM share_stats WHERE grant_id = $1 AND day >= $2 AND day < $3", grant, from, today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// medianOf is the median of days calls counts padded with zeros to n days.
func medianOf(days []int64, n int) int64 {
	all := make([]int64, max(n, len(days)))
	copy(all, days)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all[len(all)/2]
}

// alert marks the grant's day as alerted (the row update lets one node through), audits it, and
// tells the providing agency's security officers (its inbox when it has none).
func (s *Service) alert(ctx context.Context, grantID, day string, calls, offHour, median int64, why []string) error {
	g, err := s.loadGrant(ctx, s.DB, grantID)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE share_stats SET alerted_at = $1 WHERE grant_id = $2 AND day = $3 AND alerted_at = 0", db.Millis(s.Now()), grantID, day)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "share.grant.anomaly", ObjectType: "share_grant",
			ObjectID: g.ID, OrgID: g.ProviderOrgID, GrantID: g.ID, Purpose: g.Scenario,
			Detail: map[string]any{"day": day, "calls": calls, "off_hours": offHour, "median": median, "why": why, "consumer": g.ConsumerOrgID}}); err != nil {
			return err
		}
		titleZH, titleEN := "共享调用量异常："+g.EntryName, "Unusual gateway volume: "+g.EntryName
		bodyZH := fmt.Sprintf("%s 使用“%s”（场景：%s）的共享授权今日已调用 %d 次（其中非工作时间 %d 次），近 28 天日调用量中位数为 %d 次。请核查使用情况，必要时暂停授权。",
			g.ConsumerName, g.EntryName, g.Scenario, calls, offHour, median)
		bodyEN := fmt.Sprintf("%s's grant on %s (scenario: %s) made %d calls today (%d off hours); its median day over the last 28 days is %d calls. Check the use and suspend the grant if needed.",
			g.ConsumerName, g.EntryName, g.Scenario, calls, offHour, median)
		officers, err := orgUsersWithRole(ctx, tx, g.ProviderOrgID, authz.SecurityOfficer)
		if err != nil {
			return err
		}
		link, dedup := "/share/grants/"+g.ID, "share:anomaly:"+g.ID+":"+day
		if len(officers) == 0 {
			return s.sendOrg(ctx, tx, g.ProviderOrgID, "flag", titleZH, titleEN, bodyZH, bodyEN, link, "share_grant", g.ID, dedup)
		}
		for _, u := range officers {
			if _, err := s.Notify.Send(ctx, tx, notify.Message{UserID: u, OrgID: g.ProviderOrgID, Kind: "flag", TitleZH: titleZH, TitleEN: titleEN,
				BodyZH: bodyZH, BodyEN: bodyEN, Link: link, ObjectType: "share_grant", ObjectID: g.ID, DedupKey: dedup + ":" + u}); err != nil {
				return err
			}
		}
		return nil
	})
}

// orgUsersWithRole lists the active users of an organization holding a role.
func orgUsersWithRole(ctx context.Context, q db.Q, org string, role authz.Role) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE u.org_id = $1 AND r.role = $2 AND u.disabled = 0 ORDER BY u.id LIMIT 50`, org, string(role))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
