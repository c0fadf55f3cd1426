// Package metacheck audits a connector's client against the vendor's API description, for
// tests: every exported method of a *Service type names the one operation it calls in a
// //meta:operation METHOD /path line of its doc comment (as go-github does), that operation
// exists in the description, and the doc comment links the vendor's docs.
package metacheck

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	urakata "github.com/urakata/urakata"
)

var metaLine = regexp.MustCompile(`^//meta:operation (GET|POST|PUT|PATCH|DELETE) (/\S+)$`)

// Operation is one HTTP operation of an API: the method in upper case and the path template.
type Operation struct {
	Method, Path string
}

// String gives the operation as a //meta:operation line spells it.
func (o Operation) String() string { return o.Method + " " + o.Path }

// Method is one exported method of a *Service type: where it is declared, its declaration
// (for checks that read its body) and the //meta:operation lines of its doc comment.
type Method struct {
	// Name is the receiver type and the method, e.g. "EmployeesService.List".
	Name string
	// Pos is the file and line of the declaration.
	Pos  token.Position
	Decl *ast.FuncDecl
	// Meta holds the //meta:operation comment lines, verbatim.
	Meta []string
}

// Operation parses the method's one //meta:operation line; ok is false when there is not
// exactly one, or it is malformed.
func (m Method) Operation() (op Operation, ok bool) {
	if len(m.Meta) != 1 {
		return Operation{}, false
	}
	parts := metaLine.FindStringSubmatch(m.Meta[0])
	if parts == nil {
		return Operation{}, false
	}
	return Operation{Method: parts[1], Path: parts[2]}, true
}

// Doc is the method's doc comment as written, with the comment markers.
func (m Method) Doc() string {
	if m.Decl.Doc == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range m.Decl.Doc.List {
		b.WriteString(c.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// ServiceMethods parses the Go files of dir (not its tests) and returns every exported
// method of a type named …Service, but the …Iter helpers, which page through one of them.
func ServiceMethods(t testing.TB, dir string) []Method {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []Method
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || strings.HasSuffix(fn.Name.Name, "Iter") {
				continue
			}
			recv := ReceiverName(fn.Recv.List[0].Type)
			if !strings.HasSuffix(recv, "Service") {
				continue
			}
			m := Method{Name: recv + "." + fn.Name.Name, Pos: fset.Position(fn.Pos()), Decl: fn}
			if fn.Doc != nil {
				for _, c := range fn.Doc.List {
					if strings.HasPrefix(c.Text, "//meta:operation") {
						m.Meta = append(m.Meta, c.Text)
					}
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// ReceiverName is the name of a method's receiver type, without the pointer.
func ReceiverName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// Described is what an API description says of one operation.
type Described struct {
	// Source names the description (or its file) the operation comes from.
	Source string
	// DocsURL is the operation's externalDocs URL, unescaped, when the description gives one.
	DocsURL string
}

// Description is the set of operations an API offers. A connector whose contract is not
// an OpenAPI document (its own operations list, one schema file per operation) builds it
// by hand.
type Description map[Operation]Described

// OpenAPI reads the operations of an OpenAPI 3 or Swagger 2 description embedded under
// testdata/ (see urakata.VendorAPI), with prefix put before every path: a client that
// reaches several APIs under one host tells them apart by that prefix. Only the paths
// object is read, so both versions work without conversion.
func OpenAPI(t testing.TB, name, prefix string) Description {
	t.Helper()
	raw, err := urakata.VendorAPI(name)
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]any `json:"paths" yaml:"paths"`
	}
	if strings.HasSuffix(name, ".json") {
		err = json.Unmarshal(raw, &spec)
	} else {
		err = yaml.Unmarshal(raw, &spec)
	}
	if err != nil {
		t.Fatalf("read the paths of %s: %v", name, err)
	}
	d := Description{}
	for path, item := range spec.Paths {
		for method, op := range item {
			method = strings.ToUpper(method)
			if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
				continue // parameters, servers and the like
			}
			docs, err := url.PathUnescape(externalDocs(op))
			if err != nil {
				t.Fatalf("%s: the docs URL of %s %s: %v", name, method, path, err)
			}
			d[Operation{Method: method, Path: prefix + path}] = Described{Source: name, DocsURL: docs}
		}
	}
	if len(d) == 0 {
		t.Fatalf("%s describes no operations", name)
	}
	return d
}

func externalDocs(op any) string {
	o, _ := op.(map[string]any)
	docs, _ := o["externalDocs"].(map[string]any)
	u, _ := docs["url"].(string)
	return u
}

// Options are what a connector's audit asks beyond the checks every one makes.
type Options struct {
	// DocsURL gives the vendor docs URL each doc comment must link: a URL ending in "/"
	// names a section any page under which will do; any other URL must be linked exactly.
	// Nil: no docs link is required.
	DocsURL func(op Operation, d Described) string
	// Normalize rewrites a path before it is looked up, e.g. to erase parameter names
	// where the description and the client name them differently. It is applied to both
	// sides. Nil: paths are compared as written.
	Normalize func(path string) string
	// Complete also requires every operation of the description to be named by a method.
	Complete bool
	// MinMethods is the fewest service methods the scan must find, so that a scan that
	// misses files fails rather than passing on nothing.
	MinMethods int
}

// Check audits methods against d: each names exactly one well-formed operation, which d
// has, with the docs link opts asks for.
func Check(t testing.TB, methods []Method, d Description, opts Options) {
	t.Helper()
	norm := opts.Normalize
	if norm == nil {
		norm = func(p string) string { return p }
	}
	described := make(map[Operation]Operation, len(d))
	for op := range d {
		described[Operation{Method: op.Method, Path: norm(op.Path)}] = op
	}
	named := map[Operation]bool{}
	for _, m := range methods {
		if len(m.Meta) != 1 {
			t.Errorf("%s (%s): want exactly one //meta:operation line, have %d", m.Name, m.Pos, len(m.Meta))
			continue
		}
		op, ok := m.Operation()
		if !ok {
			t.Errorf("%s (%s): malformed %q", m.Name, m.Pos, m.Meta[0])
			continue
		}
		theirs, ok := described[Operation{Method: op.Method, Path: norm(op.Path)}]
		if !ok {
			t.Errorf("%s (%s): %s is not an operation of the description", m.Name, m.Pos, op)
			continue
		}
		named[theirs] = true
		if opts.DocsURL != nil {
			if want := opts.DocsURL(op, d[theirs]); !links(m.Doc(), want) {
				t.Errorf("%s (%s): the doc comment does not link the docs URL %s", m.Name, m.Pos, want)
			}
		}
	}
	if opts.Complete {
		for op, desc := range d {
			if !named[op] {
				t.Errorf("%s of %s has no service method", op, desc.Source)
			}
		}
	}
	if len(methods) < opts.MinMethods {
		t.Errorf("found %d service methods; the scan is missing some", len(methods))
	}
}

// links reports whether doc has a word that is url, or, when url ends in "/", starts
// with it.
func links(doc, url string) bool {
	if url == "" {
		return false
	}
	for _, w := range strings.Fields(doc) {
		if w == url || (strings.HasSuffix(url, "/") && strings.HasPrefix(w, url)) {
			return true
		}
	}
	return false
}

// Section is an Options.DocsURL for a vendor whose docs share one prefix.
func Section(prefix string) func(Operation, Described) string {
	return func(Operation, Described) string { return prefix }
}
