package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// errorTexts are the zh/en texts of every user error the platform defines (apperr.New and
// apperr.Field with literal texts), with where each is.
func errorTexts(t *testing.T) (out [][3]string) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "apperr" {
					name = fn.Sel.Name
				}
			case *ast.Ident:
				if f.Name.Name == "apperr" {
					name = fn.Name
				}
			}
			var zh, en ast.Expr
			switch {
			case name == "New" && len(call.Args) == 4:
				zh, en = call.Args[2], call.Args[3]
			case name == "Field" && len(call.Args) == 3:
				zh, en = call.Args[1], call.Args[2]
			default:
				return true
			}
			lit := func(e ast.Expr) string {
				if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
					s, _ := strconv.Unquote(b.Value)
					return s
				}
				return ""
			}
			out = append(out, [3]string{lit(zh), lit(en), fset.Position(call.Pos()).String()})
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every user error, in both languages, reads as words: no raw codes of the platform's
// vocabularies, no English in the Chinese text and no Chinese in the English text. (The crawl
// reads the pages; this reads the refusals a page shows only after a form is sent.)
func TestErrorTextsCarryNoCodes(t *testing.T) {
	det := newLeakDetector(t)
	texts := errorTexts(t)
	if len(texts) < 300 {
		t.Fatalf("read only %d error texts", len(texts))
	}
	var bad []string
	for _, x := range texts {
		for i, lang := range []string{"zh", "en"} {
			for _, leak := range det.check(lang, x[i]) {
				bad = append(bad, x[2]+": "+leak)
			}
		}
	}
	sort.Strings(bad)
	t.Logf("%d error texts read", len(texts))
	if len(bad) > 0 {
		t.Errorf("%d error texts show codes:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}
