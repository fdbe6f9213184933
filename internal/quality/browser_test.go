package quality_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// In a real browser: the citizen reports a missing record from "我的数据异议" (their own ID
// number prefilled), civil affairs finds it in its queue, verifies and answers, and the citizen
// reads the answer in the inbox.
func TestBrowserObjection(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, testutil.NewClock("2026-09-30 10:00"))
		b.Login("citizen")
		b.Visit("/objections")
		if b.Status != 200 || !b.Has("#raise-form") {
			t.Fatalf("objection form: %d", b.Status)
		}
		b.Fill("#ob-entry", demo.EntryDibao)
		b.ClickStay(`input[name="kind"][value="missing"]`)
		b.Fill("#ob-desc", "本人已获批低保，但最低生活保障对象信息中没有本人的记录。")
		b.Screenshot("form")
		b.Click("#raise-submit")
		if got := b.Text("#objection-state"); !strings.Contains(got, "待核实") || !strings.Contains(got, "有异议") {
			t.Fatalf("after raising: %q (page %s)", got, b.Path())
		}
		page := b.Path()
		if i := strings.IndexByte(page, '?'); i >= 0 {
			page = page[:i]
		}
		b.Screenshot("raised")

		b.Login("civil")
		b.Visit("/objections?box=queue")
		b.Click(`a[href="` + page + `"]`)
		b.Click("#verify")
		// "Corrected" while the record is still missing is refused: done means done.
		b.Fill("#ans-c", "经核实，已补录您的低保对象记录，将随下次数据汇聚更新。")
		b.Click("#correct")
		if !strings.Contains(b.HTML(), "尚未更改") {
			t.Fatal("answering corrected without a change was not refused with an explanation")
		}
		b.Visit(page)
		b.Fill("#ans-r", "经核实，您的低保审批尚未录入，已补录您的低保对象记录的工作将随下次数据汇聚完成；本次不予更正。")
		b.Click(`#ans-r ~ button[type=submit]`)
		if got := b.Text("#objection-state"); !strings.Contains(got, "不予更正") {
			t.Fatalf("after answering: %q", got)
		}
		b.Screenshot("answered")

		b.Login("citizen")
		b.Visit("/inbox")
		if !strings.Contains(b.HTML(), "已补录您的低保对象记录") {
			t.Error("the citizen's inbox does not hold the answer")
		}
	})
}
