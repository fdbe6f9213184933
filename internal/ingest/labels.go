package ingest

import "pubdata/internal/vocab"

// BaseKind is the vocabulary of fused databases' kinds (基础库/主题库/专题库).
const BaseKind = "ingest.base_kind"

func init() {
	vocab.Register(BaseKind, map[string][2]string{KindBase: {"基础库", "Base database"}, KindSubject: {"主题库", "Subject database"},
		KindThematic: {"专题库", "Thematic database"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"ingest.theme": {"主题库/专题库", "Subject or thematic database"}})
	vocab.Register(vocab.ActionVerb, map[string][2]string{"define": {"定义", "defined"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"base_db": {"基础库、主题库或专题库", "Fused database"}})
	vocab.Register(vocab.JobName, map[string][2]string{"ingest.licences": {"电子证照实时归集检查", "E-licence real-time check"}})
}
