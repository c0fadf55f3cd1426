package kingoftime

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	urakata "github.com/urakata/urakata"
)

var (
	metaLine = regexp.MustCompile(`^//meta:operation (GET|POST|PUT|PATCH|DELETE) (/\S+)$`)
	param    = regexp.MustCompile(`\{[^}]+\}`)
)

// template is a path with its parameter names erased: the corrected description merges
// /employees/{employeeCode} and /employees/{employeeKey} into one template, and the client
// keeps the vendor's names.
func template(path string) string { return param.ReplaceAllString(path, "{}") }

// TestMetaOperations checks the client against the corrected description: every exported
// service method (but the Iter helpers, which call one) names the operation it calls, the
// operation exists there, and the doc comment gives that operation's vendor docs URL.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	raw, err := urakata.VendorAPI("kingoftime/kot-openapi.yml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]struct {
			ExternalDocs struct {
				URL string `yaml:"url"`
			} `yaml:"externalDocs"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{} // "GET /employees/{}" → decoded docs URL
	for path, ops := range spec.Paths {
		for method, op := range ops {
			u, err := url.PathUnescape(op.ExternalDocs.URL)
			if err != nil {
				t.Fatal(err)
			}
			docs[strings.ToUpper(method)+" "+template(path)] = u
		}
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
			for _, c := range fn.Doc.List {
				if strings.HasPrefix(c.Text, "//meta:operation") {
					ops = append(ops, c.Text)
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
			want, ok := docs[m[1]+" "+template(m[2])]
			if !ok {
				t.Errorf("%s: %s %s is not an operation of kot-openapi.yml", where, m[1], m[2])
				continue
			}
			if !strings.Contains(fn.Doc.Text(), want) {
				t.Errorf("%s: the doc comment does not give the operation's docs URL %s", where, want)
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
