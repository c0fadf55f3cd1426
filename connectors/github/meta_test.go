package github

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/internal/metacheck"
)

// schemaOperations reads the x-operation of every file of testdata/github/: the
// description the sandbox validates with.
func schemaOperations(t *testing.T) metacheck.Description {
	t.Helper()
	files, err := filepath.Glob("../../testdata/github/*.json")
	if err != nil {
		t.Fatal(err)
	}
	d := metacheck.Description{}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Op *metacheck.Operation `json:"x-operation"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if doc.Op != nil {
			d[*doc.Op] = metacheck.Described{Source: "testdata/github/" + filepath.Base(p)}
		}
	}
	return d
}

// TestMetaOperations checks the client against testdata/github/: every exported service
// method (but the Iter helpers, which call one) names one operation with its docs link,
// every operation named has a schema there, and every schema there is used.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	metacheck.Check(t, metacheck.ServiceMethods(t, "."), schemaOperations(t), metacheck.Options{
		DocsURL:    metacheck.Section("https://docs.github.com/rest/"),
		Complete:   true,
		MinMethods: 6,
	})
}

// goGitHubCall is the go-github method a service method's body calls, e.g. "Issues.Create"
// for s.client.GitHub.Issues.Create(...), or "" if none.
func goGitHubCall(fn *ast.FuncDecl) string {
	calls := ""
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if inner, ok := sel.X.(*ast.SelectorExpr); ok {
			if base, ok := inner.X.(*ast.SelectorExpr); ok && base.Sel.Name == "GitHub" && calls == "" {
				calls = inner.Sel.Name + "." + sel.Sel.Name
			}
		}
		return true
	})
	return calls
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
			recv := strings.TrimSuffix(metacheck.ReceiverName(fn.Recv.List[0].Type), "Service")
			for _, c := range fn.Doc.List {
				if strings.HasPrefix(c.Text, "//meta:operation") {
					theirs[recv+"."+fn.Name.Name] = append(theirs[recv+"."+fn.Name.Name], c.Text)
				}
			}
		}
	}
	for _, m := range metacheck.ServiceMethods(t, ".") {
		calls := goGitHubCall(m.Decl)
		if calls == "" || len(m.Meta) != 1 {
			t.Errorf("%s: calls no go-github method, or names no operation", m.Name)
			continue
		}
		if !slices.Contains(theirs[calls], m.Meta[0]) {
			t.Errorf("%s calls go-github's %s, which names %v; ours names %q", m.Name, calls, theirs[calls], m.Meta[0])
		}
	}
}
