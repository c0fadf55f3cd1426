package xero

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	urakata "github.com/urakata/urakata"
)

var metaLine = regexp.MustCompile(`^//meta:operation (GET|POST|PUT|PATCH|DELETE) (/\S+)$`)

// descriptions maps the path prefix of a //meta:operation line to the description of that
// API, as the sandbox mounts them under one host.
var descriptions = []struct{ prefix, file string }{
	{"/" + strings.TrimSuffix(accountingAPI, "/"), "xero/xero_accounting.yaml"},
	{"/" + strings.TrimSuffix(payrollAPI, "/"), "xero/xero-payroll-uk.yaml"},
	{"", "xero/xero-identity.yaml"},
}

// TestMetaOperations checks the client against Xero's descriptions: every exported service
// method (but the Iter helpers, which call one) names the operation it calls, with the
// vendor docs link, and every operation named exists in the description its prefix names.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	paths := map[string]map[string]map[string]any{}
	for _, d := range descriptions {
		raw, err := urakata.VendorAPI(d.file)
		if err != nil {
			t.Fatal(err)
		}
		var spec struct {
			Paths map[string]map[string]any `yaml:"paths"`
		}
		if err := yaml.Unmarshal(raw, &spec); err != nil {
			t.Fatalf("%s: %v", d.file, err)
		}
		paths[d.prefix] = spec.Paths
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
			docsURL := false
			for _, c := range fn.Doc.List {
				if strings.HasPrefix(c.Text, "//meta:operation") {
					ops = append(ops, c.Text)
				}
				docsURL = docsURL || strings.Contains(c.Text, "https://developer.xero.com/documentation/")
			}
			if len(ops) != 1 {
				t.Errorf("%s: want exactly one //meta:operation line, have %d", where, len(ops))
				continue
			}
			if !docsURL {
				t.Errorf("%s: the doc comment gives no vendor docs URL", where)
			}
			m := metaLine.FindStringSubmatch(ops[0])
			if m == nil {
				t.Errorf("%s: malformed %q", where, ops[0])
				continue
			}
			// The identity API has no prefix, so it is the last one tried.
			for _, d := range descriptions {
				rest, ok := strings.CutPrefix(m[2], d.prefix)
				if !ok || (d.prefix != "" && !strings.HasPrefix(rest, "/")) {
					continue
				}
				if _, ok := paths[d.prefix][rest][strings.ToLower(m[1])]; !ok {
					t.Errorf("%s: %s %s is not an operation of %s", where, m[1], rest, d.file)
				}
				break
			}
		}
	}
	if methods < 18 {
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
