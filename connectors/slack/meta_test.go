package slack

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	urakata "github.com/urakata/urakata"
)

var metaLine = regexp.MustCompile(`^//meta:operation (GET|POST) (/\S+)$`)

// TestMetaOperations checks the client against Slack's description: every exported
// service method (but the Iter helpers, which call one) names the operation it calls, with
// the vendor docs link, and every operation named exists there with that HTTP method.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	raw, err := urakata.VendorAPI("slack/web_openapi_v2.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	methods := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || strings.HasSuffix(fn.Name.Name, "Iter") {
				continue
			}
			recv := receiverName(fn.Recv.List[0].Type)
			if !strings.HasSuffix(recv, "Service") {
				continue
			}
			methods++
			where := recv + "." + fn.Name.Name
			var ops []string
			docs := ""
			for _, c := range fn.Doc.List {
				if strings.HasPrefix(c.Text, "//meta:operation") {
					ops = append(ops, c.Text)
				}
				if i := strings.Index(c.Text, "https://api.slack.com/methods/"); i >= 0 {
					docs = strings.TrimPrefix(c.Text[i:], "https://api.slack.com/methods/")
				}
			}
			if len(ops) != 1 {
				t.Errorf("%s: want exactly one //meta:operation line, have %d", where, len(ops))
				continue
			}
			m := metaLine.FindStringSubmatch(ops[0])
			if m == nil {
				t.Errorf("%s: malformed %q", where, ops[0])
				continue
			}
			if _, ok := spec.Paths[m[2]][strings.ToLower(m[1])]; !ok {
				t.Errorf("%s: %s %s is not an operation of the description", where, m[1], m[2])
			}
			if "/"+docs != m[2] {
				t.Errorf("%s: the docs URL names %q, the operation %s", where, docs, m[2])
			}
		}
	}
	if methods < 6 {
		t.Errorf("found %d service methods; the scan is missing some", methods)
	}
}

func receiverName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
