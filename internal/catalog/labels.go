package catalog

import "pubdata/internal/vocab"

// LevelState and LevelChange are the vocabularies of the upward review (目录报审, NM 10).
const (
	LevelState   = "catalog.level_state"
	LevelChange  = "catalog.level_change"
	LevelOutcome = "catalog.level_outcome"
)

func init() {
	vocab.Register(LevelState, map[string][2]string{LevelSubmitted: {"待上级审核", "Awaiting the level above"},
		LevelApproved: {"上级审核通过", "Approved by the level above"}, LevelReturned: {"上级退回部分目录", "Entries returned by the level above"}})
	vocab.Register(LevelChange, map[string][2]string{ChangeNew: {"新增", "New"}, ChangeRevised: {"修订", "Revised"}, ChangeWithdrawn: {"下线", "Withdrawn"}})
	vocab.Register(LevelOutcome, map[string][2]string{ItemPending: {"待审核", "Pending"}, ItemApproved: {"通过", "Approved"}, ItemReturned: {"退回", "Returned"}})
	vocab.Register(vocab.AuditAction, map[string][2]string{"catalog.level.submit": {"向上级报审本级目录", "Level catalog reported upward"},
		"catalog.level.decide": {"上级审核目录报审", "Level catalog report decided"}, "catalog.entry.upper_return": {"上级审核退回目录", "Entry returned by the level above"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"catalog_level_report": {"目录报审", "Catalog report"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"catalog.level": {"目录报审", "Catalog report"}})
	vocab.Register(vocab.CatalogEvent, map[string][2]string{"upper_return": {"上级审核退回", "Returned by the level above"}})
	vocab.Register(vocab.ActionVerb, map[string][2]string{"upper_return": {"上级退回", "returned by the level above"}})
}
