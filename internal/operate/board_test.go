package operate_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/operate"
	"pubdata/internal/testutil"
)

// The board: units in cooperation post needs, the operator offers, cases and notices; anyone
// lists the open ones; a post is closed by its organization or the operator, and a caller who
// may not read operation records hears "not found".
func TestBoard(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Operate
		op, unit := who(t, a, "operator"), who(t, a, "appunit")
		_, err := s.AddPost(ctx, unit, operate.Post{Kind: operate.PostOffer, Title: "x", Body: "y"})
		wantCode(t, err, "forbidden")
		_, err = s.AddPost(ctx, op, operate.Post{Kind: operate.PostNotice, Title: "", Body: "y"})
		wantCode(t, err, "invalid")
		need, err := s.AddPost(ctx, unit, operate.Post{Kind: operate.PostNeed, Title: "用电统计需求", Body: "按月份的用电量统计"})
		must(t, err)
		items, total, err := s.Posts(ctx, operate.PostNeed, 10, 0)
		must(t, err)
		if total != 2 || items[0].ID != need.ID {
			t.Fatalf("needs: %d %+v", total, items)
		}
		_, err = s.ClosePost(ctx, who(t, a, "water"), need.ID)
		wantCode(t, err, "not_found")
		_, err = s.ClosePost(ctx, who(t, a, "auditor"), need.ID)
		wantCode(t, err, "forbidden")
		_, err = s.ClosePost(ctx, unit, need.ID)
		must(t, err)
		_, total, err = s.Posts(ctx, operate.PostNeed, 10, 0)
		must(t, err)
		if total != 1 {
			t.Fatalf("open needs after closing: %d", total)
		}
		// suspended units post nothing
		_, err = s.MoveUnit(ctx, op, unit.OrgID, "suspend", "核查")
		must(t, err)
		_, err = s.AddPost(ctx, unit, operate.Post{Kind: operate.PostNeed, Title: "a", Body: "b"})
		wantCode(t, err, "operate.suspended")
	})
}
