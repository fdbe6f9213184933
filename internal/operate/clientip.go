package operate

import "context"

// The caller's network address travels with the request's context, so that every product use
// and every refusal on the product path (budget, form, consent, and a product grant's refusals
// in share) is audited with it, as the gateway's record calls are.

type clientIPKey struct{}

// WithClientIP returns ctx carrying the caller's address (set by the HTTP handlers of product calls).
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIPOf is the address WithClientIP put in ctx ("" when none).
func ClientIPOf(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}
