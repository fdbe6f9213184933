package share

import "context"

// Test hooks: the storage of one request row, without the workflow around it.

// SaveRequestRow inserts (insert) or updates r as saveRequest does.
func (s *Service) SaveRequestRow(ctx context.Context, r *Request, insert bool) error {
	return s.saveRequest(ctx, s.DB, r, insert)
}

// LoadRequestRow reads one request as loadRequest does.
func (s *Service) LoadRequestRow(ctx context.Context, id string) (Request, error) {
	return s.loadRequest(ctx, s.DB, id, false)
}

// RequestColumnNames are the stored columns bound in requestColumns.
func RequestColumnNames() []string {
	var out []string
	for _, c := range requestColumns(&Request{}) {
		out = append(out, c.Name)
	}
	return out
}
