package vocab_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"pubdata/internal/audit"
	"pubdata/internal/catalog"
	"pubdata/internal/identity"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/vocab"
)

func keys[K ~string, V any](m map[K]V) []string {
	var out []string
	for k := range m {
		out = append(out, string(k))
	}
	return out
}

func strs[T ~string](xs ...T) []string {
	var out []string
	for _, x := range xs {
		out = append(out, string(x))
	}
	return out
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// checkLabels fails for a code without a Chinese or an English label, or with a Chinese label
// that has no Chinese, or an English one that has Chinese.
func checkLabels(t *testing.T, vocabulary string, codes []string) {
	t.Helper()
	if len(codes) == 0 {
		t.Errorf("%s: no codes to check", vocabulary)
	}
	for _, c := range codes {
		l, ok := vocab.Lookup(vocabulary, c)
		switch {
		case !ok:
			t.Errorf("%s: no label for %q", vocabulary, c)
		case l[0] == "" || !hasHan(l[0]) && !strings.ContainsAny(l[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
			t.Errorf("%s %q: Chinese label %q", vocabulary, c, l[0])
		case l[1] == "" || hasHan(l[1]):
			t.Errorf("%s %q: English label %q", vocabulary, c, l[1])
		}
		if ok && (vocab.Label("zh", vocabulary, c) != l[0] || vocab.Label("en", vocabulary, c) != l[1]) {
			t.Errorf("%s %q: Label disagrees with Lookup", vocabulary, c)
		}
	}
}

// Every code of every vocabulary, taken from the packages that own the codes, has a label in
// Chinese and in English.
func TestEveryCodeHasLabelsInBothLanguages(t *testing.T) {
	var ruleKinds, ruleDims []string
	for _, k := range quality.Kinds {
		ruleKinds = append(ruleKinds, k.Kind)
		ruleDims = append(ruleDims, k.Dimension)
	}
	for vocabulary, codes := range map[string][]string{
		vocab.ShareMode:           strs(share.Modes...),
		vocab.ShareKind:           strs(share.KindData, share.KindVerify, share.KindProduct),
		vocab.ShareState:          append(keys(share.StateNames), strs(share.StateRouting, share.StatePending, share.StateApproved, share.StateActive, share.StateSuspended, share.StateRefused, share.StateWithdrawn, share.StateRevoked, share.StateExpired)...),
		vocab.ShareEvent:          keys(share.EventNames),
		vocab.GrantStatus:         keys(share.GrantStatusNames),
		vocab.DemandState:         keys(share.DemandStateNames),
		vocab.EscalationState:     keys(share.EscStateNames),
		share.RenewalStateVocab:   keys(share.RenewalStateNames),
		share.UseReportStateVocab: keys(share.UseReportStateNames),
		vocab.DeliveryChannel:     keys(share.Channels),
		vocab.CatalogStatus:       strs(catalog.StatusDraft, catalog.StatusSubmitted, catalog.StatusPublished, catalog.StatusReturned, catalog.StatusWithdrawn, catalog.StatusWithdrawing),
		vocab.CatalogEvent:        {catalog.EvUpdate, catalog.EvSubmit, catalog.EvRecall, catalog.EvApprove, catalog.EvReturn, catalog.EvWithdraw},
		vocab.UpdateFrequency:     strs(catalog.AllFrequency...),
		vocab.TaskState:           append(keys(quality.TaskStateNames), quality.TaskOpen, quality.TaskInProgress, quality.TaskOverdue, quality.TaskEscalated, quality.TaskResolved, quality.TaskWaived),
		vocab.RowState:            {quality.RowOpen, quality.RowPassed, quality.RowRemoved, quality.RowDropped},
		vocab.ObjectionState:      keys(quality.ObjStateNames),
		vocab.ObjectionKind:       keys(quality.ObjKindNames),
		vocab.ObjectorKind:        {quality.ObjectorPerson, quality.ObjectorOrg, quality.ObjectorUser},
		vocab.QualityRuleKind:     ruleKinds,
		vocab.QualityDimension:    append(keys(quality.DimensionNames), ruleDims...),
		vocab.QualityEvent:        keys(quality.EventNames),
		vocab.IngestChannel:       strs(ingest.ChannelFile, ingest.ChannelAPI, ingest.ChannelPull, ingest.ChannelReturn, ingest.ChannelDemo),
		vocab.IngestMode:          strs(ingest.ModeReplace, ingest.ModeUpsert),
		vocab.IngestStatus:        {ingest.StatusCommitted, ingest.StatusRejected, ingest.StatusFailed, ingest.StatusCancelled},
		vocab.IngestFreshness:     {ingest.FreshOnTime, ingest.FreshLate, ingest.FreshNever, ingest.FreshPending, ingest.FreshUntracked},
		vocab.ReturnState:         {ingest.ReturnRequested, ingest.ReturnApproved, ingest.ReturnRefused, ingest.ReturnCancelled, ingest.ReturnRevoked},
		vocab.PullMode:            {ingest.PullFull, ingest.PullIncremental},
		vocab.IngestFormat:        strs(ingest.FormatCSV, ingest.FormatXLSX, ingest.FormatJSONL, ingest.FormatRows),
		vocab.IngestRule: {ingest.RuleEncoding, ingest.RuleParse, ingest.RuleRagged, ingest.RuleUnknownColumn, ingest.RuleDuplicateColumn, ingest.RuleMissingColumn,
			ingest.RuleFormula, ingest.RuleRequired, ingest.RuleNUL, ingest.RuleLength, ingest.RuleFormat, ingest.RuleType, ingest.RuleEnum, ingest.RuleRange, ingest.RuleDate, ingest.RuleRegion,
			ingest.RuleKeyMissing, ingest.RuleKeyDuplicate, ingest.RuleTimeliness},
		vocab.AuditResult: {audit.OK, audit.Denied, audit.Failed},
		vocab.TokenScope:  identity.Scopes,
	} {
		checkLabels(t, vocabulary, codes)
	}
}

// auditActionsInSource finds the audit actions written as literals in the platform's code
// (audit.Event{Action: "…"} and RecordAction(…, "…", …)), and the prefixes of those built at
// run time ("share.request." + ev).
func auditActionsInSource(t *testing.T) (actions, prefixes []string) {
	root := filepath.Join("..")
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, 0)
		if err != nil {
			return err
		}
		add := func(e ast.Expr) {
			switch x := e.(type) {
			case *ast.BasicLit:
				s, _ := strconv.Unquote(x.Value)
				if strings.HasSuffix(s, ".") {
					prefixes = append(prefixes, strings.TrimSuffix(s, "."))
				} else if s != "" {
					actions = append(actions, s)
				}
			case *ast.BinaryExpr:
				if bl, ok := x.X.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(bl.Value)
					prefixes = append(prefixes, strings.TrimSuffix(s, "."))
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				if se, ok := x.Type.(*ast.SelectorExpr); !ok || se.Sel.Name != "Event" {
					if id, ok := x.Type.(*ast.Ident); !ok || id.Name != "Event" || !strings.Contains(p, "audit") {
						return true
					}
				}
				for _, el := range x.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Action" {
							add(kv.Value)
						}
					}
				}
			case *ast.CallExpr:
				if se, ok := x.Fun.(*ast.SelectorExpr); ok && se.Sel.Name == "RecordAction" && len(x.Args) >= 6 {
					add(x.Args[5])
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return actions, prefixes
}

// Every audit action has a label in both languages: those written in the code, every action
// the demo region records, and the objects of actions built at run time.
func TestEveryAuditActionHasLabels(t *testing.T) {
	actions, prefixes := auditActionsInSource(t)
	if len(actions) < 20 {
		t.Fatalf("found only %d audit actions in the source: %v", len(actions), actions)
	}
	checkLabels(t, vocab.AuditAction, actions)
	for _, p := range prefixes {
		if _, ok := vocab.Lookup(vocab.ActionObject, p); !ok {
			t.Errorf("audit actions %s.…: no label for the object %q", p, p)
		}
	}

	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, nil)
	if err := a.Audit.Close(); err != nil { // the spooled records, inserted
		t.Fatal(err)
	}
	var recorded, objects []string
	for q, into := range map[string]*[]string{"SELECT DISTINCT action FROM audit_log": &recorded, "SELECT DISTINCT object_type FROM audit_log WHERE object_type <> ''": &objects} {
		rows, err := d.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			*into = append(*into, s)
		}
		rows.Close()
	}
	checkLabels(t, vocab.AuditAction, recorded)
	checkLabels(t, vocab.JobName, a.Jobs.Names()) // the platform's scheduled jobs
	checkLabels(t, vocab.AuditObject, objects)
}

// An unknown code is never shown as itself.
func TestUnknownCodeIsNotShown(t *testing.T) {
	if got := vocab.Label("zh", vocab.ShareState, "no_such_state"); got != "—" {
		t.Fatalf("unknown code shown as %q", got)
	}
	if got := vocab.Label("en", vocab.AuditAction, "share.request.file"); got != "Share request filed" {
		t.Fatalf("composed audit action label = %q", got)
	}
}
