package githubtest

import (
	"crypto/sha1"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// repository is one repository the sandbox holds: its issues (pull requests among them,
// sharing the numbers as on GitHub), labels and branches of files. Fields are exported
// for SaveState.
type repository struct {
	ID            int64              `json:"id"`
	Owner         string             `json:"owner"`
	Name          string             `json:"name"`
	DefaultBranch string             `json:"default_branch"`
	HasIssues     bool               `json:"has_issues"`
	CreatedAt     time.Time          `json:"created_at"`
	Issues        []*issue           `json:"issues"` // Issues[n-1] is number n
	Labels        []*label           `json:"labels"`
	Branches      map[string]*branch `json:"branches"`
}

type issue struct {
	ID          int64      `json:"id"`
	Number      int        `json:"number"`
	Title       string     `json:"title"`
	Body        *string    `json:"body"`
	State       string     `json:"state"`
	StateReason string     `json:"state_reason,omitempty"`
	Labels      []string   `json:"labels"`
	User        string     `json:"user"`
	Comments    []*comment `json:"comments"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	ClosedAt    time.Time  `json:"closed_at"`
	ClosedBy    string     `json:"closed_by,omitempty"`
	PullRequest bool       `json:"pull_request,omitempty"`
}

type comment struct {
	ID        int64     `json:"id"`
	Body      string    `json:"body"`
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
}

type label struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Color       string `json:"color"`
	Description string `json:"description,omitempty"`
	Default     bool   `json:"default"`
}

// branch is a branch's files at its head commit, and the push that made the head.
type branch struct {
	Head  string            `json:"head"`
	Files map[string][]byte `json:"files"`
	Push  *push             `json:"push,omitempty"`
}

// push is the last push to a branch, as the push webhook describes it.
type push struct {
	Before   string    `json:"before"`
	After    string    `json:"after"`
	Message  string    `json:"message"`
	Added    []string  `json:"added"`
	Modified []string  `json:"modified"`
	Removed  []string  `json:"removed"`
	At       time.Time `json:"at"`
	Pusher   string    `json:"pusher"`
}

// user is a GitHub account the sandbox knows.
type user struct {
	Login string
	ID    int64
	Type  string
}

// The accounts of the demo: the token's user files alert issues; the admin filed the demo
// issues; the organisation owns the repository.
var (
	botUser   = user{Login: "urakata-bot", ID: 1001, Type: "User"}
	adminUser = user{Login: "demo-admin", ID: 1002, Type: "User"}
)

func orgUser(login string) user { return user{Login: login, ID: 501, Type: "Organization"} }

func knownUser(login string) user {
	switch login {
	case botUser.Login:
		return botUser
	case adminUser.Login:
		return adminUser
	}
	return user{Login: login, ID: 1999, Type: "User"}
}

// The demo repository's tree is demo/, embedded; the .md files are templates whose
// {{owner N}} becomes the email of the demo company's employee N.
//
//go:embed demo
var demoTree embed.FS

// renamed gives a demo file its name in the repository where that name is not ASCII, so
// that clients meet percent-encoded paths (go:embed and module zips keep ASCII here).
var renamed = map[string]string{
	"faq/expenses/invoice-number.md": "faq/expenses/インボイス登録番号.md",
}

var ownerTemplate = regexp.MustCompile(`\{\{owner ([0-9]+)\}\}`)

// Email is the address of the demo company's employee n (1-based), as freeetest and
// kingoftimetest make it, so that the same people appear in every sandbox.
func Email(n int) string { return fmt.Sprintf("e%05d@demo-company.example", n) }

// demoFiles returns the demo tree with owners filled in: employee N of the templates is
// employee ((N-1) mod headcount)+1, so every owner exists in a smaller company too.
func demoFiles(headcount int) map[string][]byte {
	files := map[string][]byte{}
	_ = fs.WalkDir(demoTree, "demo", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := demoTree.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "demo/")
		if strings.HasSuffix(name, ".md") {
			b = ownerTemplate.ReplaceAllFunc(b, func(m []byte) []byte {
				n, _ := strconv.Atoi(string(ownerTemplate.FindSubmatch(m)[1]))
				return []byte(Email((n-1)%headcount + 1))
			})
		}
		if to, ok := renamed[name]; ok {
			name = to
		}
		files[name] = b
		return nil
	})
	return files
}

// newDemoRepository is the demo company's back-office repository: the knowledge base under
// faq/ on main, and a few issues that a client must tell apart from its own alerts.
func newDemoRepository(o Options, id int64, ids *idSeq) *repository {
	created := o.Now().UTC().AddDate(-1, 0, 0).Truncate(time.Second)
	r := &repository{
		ID: id, Owner: o.Owner, Name: o.Repo, DefaultBranch: "main", HasIssues: true, CreatedAt: created,
		Branches: map[string]*branch{},
	}
	r.Labels = []*label{
		{ID: ids.next(), Name: "bug", Color: "d73a4a", Description: "Something isn't working", Default: true},
		{ID: ids.next(), Name: "documentation", Color: "0075ca", Description: "Improvements or additions to documentation", Default: true},
		{ID: ids.next(), Name: "urakata-alert", Color: "b60205", Description: "Filed by urakata"},
	}
	r.setFiles("main", demoFiles(o.Employees), "FAQ を追加", adminUser.Login, created)
	day := func(n int) time.Time { return o.Now().UTC().AddDate(0, 0, -n).Truncate(time.Second) }
	text := func(s string) *string { return &s }
	r.Issues = []*issue{
		{Title: "勤怠の締め手順を FAQ に追加する", Body: text("打刻修正の締め切りを faq/clock-missed.md に書く。"),
			State: "open", Labels: []string{"documentation"}, User: adminUser.Login, CreatedAt: day(20), UpdatedAt: day(20)},
		{Title: "[urakata] expense-to-accounting: dead letters", Body: text("3 deliveries went to the dead letters.\n\n<!-- urakata:fingerprint=demo-resolved -->\n<!-- urakata:count=2 -->\n"),
			State: "closed", StateReason: "completed", Labels: []string{"urakata-alert"}, User: botUser.Login,
			CreatedAt: day(10), UpdatedAt: day(9), ClosedAt: day(9), ClosedBy: adminUser.Login},
		{Title: "FAQ: 通勤経路の変更手順を直す", Body: text("ラベルを付け間違えたプルリクエスト。\n\n<!-- urakata:fingerprint=demo-pull-request -->\n"),
			State: "open", Labels: []string{"urakata-alert", "documentation"}, User: adminUser.Login,
			CreatedAt: day(3), UpdatedAt: day(3), PullRequest: true},
	}
	for i, is := range r.Issues {
		is.ID, is.Number = ids.next(), i+1
	}
	return r
}

// idSeq hands out the ids of issues, comments and labels.
type idSeq struct{ last int64 }

func (s *idSeq) next() int64 { s.last++; return s.last }

// fullName is "owner/repo".
func (r *repository) fullName() string { return r.Owner + "/" + r.Name }

// issue returns issue number n, or nil.
func (r *repository) issue(n int) *issue {
	if n < 1 || n > len(r.Issues) {
		return nil
	}
	return r.Issues[n-1]
}

// label returns the label named name (GitHub matches names case-insensitively), creating
// it as GitHub does when an issue is given a label that does not exist.
func (r *repository) label(name string, ids *idSeq) *label {
	for _, l := range r.Labels {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	l := &label{ID: ids.next(), Name: name, Color: "ededed"}
	r.Labels = append(r.Labels, l)
	return l
}

// setFiles replaces a branch's files with files, as one commit pushed by pusher.
func (r *repository) setFiles(name string, files map[string][]byte, message, pusher string, at time.Time) {
	b := r.Branches[name]
	before := strings.Repeat("0", 40)
	old := map[string][]byte{}
	if b != nil {
		before, old = b.Head, b.Files
	}
	p := &push{Before: before, Message: message, At: at, Pusher: pusher}
	for _, path := range slices.Sorted(maps.Keys(files)) {
		prev, existed := old[path]
		switch {
		case !existed:
			p.Added = append(p.Added, path)
		case string(prev) != string(files[path]):
			p.Modified = append(p.Modified, path)
		}
	}
	for _, path := range slices.Sorted(maps.Keys(old)) {
		if _, kept := files[path]; !kept {
			p.Removed = append(p.Removed, path)
		}
	}
	p.After = hashOf("commit", before, treeSHA(files), message, at.UTC().Format(time.RFC3339Nano))
	r.Branches[name] = &branch{Head: p.After, Files: files, Push: p}
}

// resolve finds the branch a contents request's ref names: a branch name, refs/heads/NAME,
// or a branch's head commit id; "" is the default branch. ok is false for anything else.
func (r *repository) resolve(ref string) (name string, b *branch, ok bool) {
	if ref == "" {
		ref = r.DefaultBranch
	}
	ref = strings.TrimPrefix(ref, "refs/heads/")
	if b, ok := r.Branches[ref]; ok {
		return ref, b, true
	}
	for name, b := range r.Branches {
		if strings.EqualFold(b.Head, ref) {
			return name, b, true
		}
	}
	return "", nil, false
}

// blobSHA is git's object id of a file's content: sha1("blob <size>\0<content>").
func blobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// treeSHA is a deterministic id of the files under a folder (not git's tree encoding, but
// changing exactly when a file under it does).
func treeSHA(files map[string][]byte) string {
	h := sha1.New()
	for _, p := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%s\n", p, blobSHA(files[p]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashOf(parts ...string) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// nodeID is a legacy GraphQL node id, base64("<len>:<Type><id>") as GitHub wrote them.
func nodeID(typ string, id int64) string {
	s := typ + strconv.FormatInt(id, 10)
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("%02d:%s", len(typ), s)))
}

var errBadPath = errors.New("githubtest: a file needs a path")

func errNoRepo(owner, repo string) error {
	return fmt.Errorf("githubtest: no repository %s/%s", owner, repo)
}
