package chatwork

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	urakata "github.com/urakata/urakata"
)

var metaLine = regexp.MustCompile(`^//meta:operation (GET|POST|PUT|PATCH|DELETE) (/\S+)$`)

// TestMetaOperations checks the client against the contract urakata keeps for Chatwork
// (testdata/chatwork/operations.json, written from the vendor's pages): every exported
// service method names the operation it calls, with the vendor docs link, every operation
// named exists in the contract, and every operation of the contract has a method.
func TestMetaOperations(t *testing.T) {
	t.Parallel()
	raw, err := urakata.VendorAPI("chatwork/operations.json")
	if err != nil {
		t.Fatal(err)
	}
	var contract struct {
		Operations []struct {
			Method, Path string
		} `json:"operations"`
	}
	if err := json.Unmarshal(raw, &contract); err != nil {
		t.Fatal(err)
	}
	inContract := map[string]bool{}
	for _, op := range contract.Operations {
		inContract[op.Method+" "+op.Path] = true
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var named []string
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
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			recv := receiverName(fn.Recv.List[0].Type)
			if !strings.HasSuffix(recv, "Service") {
				continue
			}
			where := recv + "." + fn.Name.Name
			var ops []string
			docsURL := false
			for _, c := range fn.Doc.List {
				if strings.HasPrefix(c.Text, "//meta:operation") {
					ops = append(ops, c.Text)
				}
				docsURL = docsURL || strings.Contains(c.Text, "https://developer.chatwork.com/reference/")
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
			op := m[1] + " " + m[2]
			if !inContract[op] {
				t.Errorf("%s: %s is not an operation of testdata/chatwork/operations.json", where, op)
			}
			named = append(named, op)
		}
	}
	for op := range inContract {
		if !slices.Contains(named, op) {
			t.Errorf("the contract's %s has no service method", op)
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
