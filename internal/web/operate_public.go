package web

import (
	"net/http"
	"strconv"

	"pubdata/internal/authz"
)

// The public page of authorized operation (授权运营公开信息, OPR-1, OPR-6): the supply–demand
// board (needs posted by application units, offers by the operator), showcase cases, policy
// notices, and the operator's annual disclosures of products and prices. Anyone reads it.
func init() {
	Register(map[string][2]string{
		"operate.public":     {"授权运营公开信息", "Authorized operation: public information"},
		"nav.operate_public": {"授权运营公开信息", "Operation: public"},
	})
	AddNav(NavItem{Key: "nav.operate_public", Href: "/operate/public", Public: true, Order: 42})
	funcs["yuan"] = func(fen int64) string { return strconv.FormatFloat(float64(fen)/100, 'f', 2, 64) }
}

// operatePublicHome shows the authorized operation's public posts and annual disclosures (no login).
func (w *Web) operatePublicHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	ctx := r.Context()
	data := map[string]any{}
	for kind, key := range map[string]string{"need": "Needs", "offer": "Offers", "case": "Cases", "notice": "Notices"} {
		items, _, err := s.Posts(ctx, kind, 20, 0)
		if err != nil {
			return err
		}
		data[key] = items
	}
	ds, err := s.Disclosures(ctx)
	if err != nil {
		return err
	}
	data["Disclosures"] = ds
	year, due, filed := s.DisclosureDue(ctx, s.Now())
	data["DueYear"], data["Due"], data["Filed"] = year, due, filed
	v := w.NewView(rw, r, "operate.public")
	v.Data = data
	w.Render(rw, 200, "operate_public", v)
	return nil
}
