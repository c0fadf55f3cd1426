package github

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var metaLine = regexp.MustCompile(`^//meta:operation (GET|POST|PUT|PATCH|DELETE) (/\S+)$`)

// serviceMethod is one exported method of a *Service type, with what its doc comment
// claims and the go-github method its body calls.
type serviceMethod struct {
	where string
	ops   []string
	docs  bool
	// calls is the go-github method called, e.g. "Issues.Create" for
	// s.client.GitHub.Issues.Create(...).
	calls string
}

func serviceMethods(t *testing.T) []serviceMethod {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []serviceMethod
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
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
			m := serviceMethod{where: recv + "." + fn.Name.Name}
			if fn.Doc != nil {
				for _, c := range fn.Doc.List {
					if strings.HasPrefix(c.Text, "//meta:operation") {
						m.ops = append(m.ops, c.Text)
					}
					m.docs = m.docs || strings.Contains(c.Text, "https://docs.github.com/rest/")
				}
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if inner, ok := sel.X.(*ast.SelectorExpr); ok {
					if base, ok := inner.X.(*ast.SelectorExpr); ok && base.Sel.Name == "GitHub" && m.calls == "" {
						m.calls = inner.Sel.Name + "." + sel.Sel.Name
					}
				}
				return true
			})
			out = append(out, m)
		}
	}
	return out
}

// schemaOperations reads the x-operation of every file of testdata/github/: the
// description the sandbox validates with.
func schemaOperations(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("../../testdata/github/*.json")
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]string{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Op *struct{ Method, Path string } `json:"x-operation"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if doc.Op != nil {
			ops[doc.Op.Method+" "+doc.Op.Path] = filepath.Base(p)
		}
	}
	return ops
}

// TestMetaOperations checks the client against testdata/github/: every exported service
// method (but the Iter helpers, which call one) names one operation with its docs link,
// every operation named has a schema there, and every schema there is used.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	ops := schemaOperations(t)
	used := map[string]bool{}
	methods := serviceMethods(t)
	for _, m := range methods {
		if len(m.ops) != 1 {
			t.Errorf("%s: want exactly one //meta:operation line, have %d", m.where, len(m.ops))
			continue
		}
		if !m.docs {
			t.Errorf("%s: the doc comment gives no docs.github.com link", m.where)
		}
		parts := metaLine.FindStringSubmatch(m.ops[0])
		if parts == nil {
			t.Errorf("%s: malformed %q", m.where, m.ops[0])
			continue
		}
		key := parts[1] + " " + parts[2]
		if _, ok := ops[key]; !ok {
			t.Errorf("%s: %s has no schema in testdata/github", m.where, key)
		}
		used[key] = true
	}
	for key, file := range ops {
		if !used[key] {
			t.Errorf("testdata/github/%s describes %s, which no service method calls", file, key)
		}
	}
	if len(methods) < 6 {
		t.Errorf("found %d service methods; the scan is missing some", len(methods))
	}
}

// TestMetaOperationsAgreeWithGoGitHub checks each service method's //meta:operation
// against the one go-github gives the method it calls, in go-github's own source.
func TestMetaOperationsAgreeWithGoGitHub(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/google/go-github/v60").Output()
	if err != nil {
		t.Fatalf("locate go-github's source: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github")
	theirs := map[string][]string{} // "Issues.Create" → its meta lines
	fset := token.NewFileSet()
	pkgs, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Doc == nil {
				continue
			}
			recv := strings.TrimSuffix(receiverName(fn.Recv.List[0].Type), "Service")
			for _, c := range fn.Doc.List {
				if strings.HasPrefix(c.Text, "//meta:operation") {
					theirs[recv+"."+fn.Name.Name] = append(theirs[recv+"."+fn.Name.Name], c.Text)
				}
			}
		}
	}
	for _, m := range serviceMethods(t) {
		if m.calls == "" || len(m.ops) != 1 {
			t.Errorf("%s: calls no go-github method, or names no operation", m.where)
			continue
		}
		if !slices.Contains(theirs[m.calls], m.ops[0]) {
			t.Errorf("%s calls go-github's %s, which names %v; ours names %q", m.where, m.calls, theirs[m.calls], m.ops[0])
		}
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
