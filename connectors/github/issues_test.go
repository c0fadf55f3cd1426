package github

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"
)

const issueJSON = `{"id":1,"number":12,"state":"open","title":"t","body":"b","labels":[{"name":"urakata-alert"}]}`

func TestIssuesCreate(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/issues", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeaders(t, r)
		testBody(t, r, `{"title":"t","body":"b","labels":["urakata-alert"]}`)
		writeJSON(w, http.StatusCreated, issueJSON)
	})
	is, resp, err := c.Issues.Create(t.Context(), "o", "r", &gh.IssueRequest{Title: gh.String("t"), Body: gh.String("b"), Labels: &[]string{"urakata-alert"}})
	if err != nil {
		t.Fatal(err)
	}
	if is.GetNumber() != 12 || resp.StatusCode != http.StatusCreated {
		t.Errorf("got %+v, %d", is, resp.StatusCode)
	}
}

func TestIssuesGet(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/issues/12", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeaders(t, r)
		writeJSON(w, http.StatusOK, issueJSON)
	})
	is, _, err := c.Issues.Get(t.Context(), "o", "r", 12)
	if err != nil || is.GetTitle() != "t" {
		t.Errorf("got %+v, %v", is, err)
	}
}

func TestIssuesListByRepoIterWalksEveryPage(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var pages []string
	mux.HandleFunc("/repos/o/r/issues", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		page := r.URL.Query().Get("page")
		pages = append(pages, page)
		q := url.Values{"state": {"open"}, "labels": {"urakata-alert,bug"}, "per_page": {"100"}}
		if page != "" {
			q.Set("page", page)
		}
		testQuery(t, r, q)
		if page == "" {
			w.Header().Set("Link", `<http://x/api/v3/repos/o/r/issues?page=2>; rel="next", <http://x/api/v3/repos/o/r/issues?page=2>; rel="last"`)
			writeJSON(w, http.StatusOK, `[{"number":1},{"number":2}]`)
			return
		}
		writeJSON(w, http.StatusOK, `[{"number":3}]`)
	})
	var got []int
	opts := &gh.IssueListByRepoOptions{State: "open", Labels: []string{"urakata-alert", "bug"}, ListOptions: gh.ListOptions{PerPage: 100}}
	for is, err := range c.Issues.ListByRepoIter(t.Context(), "o", "r", opts) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, is.GetNumber())
	}
	if !slices.Equal(got, []int{1, 2, 3}) || !slices.Equal(pages, []string{"", "2"}) {
		t.Errorf("issues %v from pages %q; want 1, 2, 3 from two pages", got, pages)
	}
	if opts.Page != 0 {
		t.Error("the iterator changed the caller's options")
	}
}

func TestIssuesListByRepoIterStopsWhenTheCallerDoes(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	calls := 0
	mux.HandleFunc("/repos/o/r/issues", func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Link", `<http://x/api/v3/repos/o/r/issues?page=2>; rel="next"`)
		writeJSON(w, http.StatusOK, `[{"number":1},{"number":2}]`)
	})
	for range c.Issues.ListByRepoIter(t.Context(), "o", "r", nil) {
		break
	}
	if calls != 1 {
		t.Errorf("%d requests; the next page must not be fetched after the caller stopped", calls)
	}
}

func TestIssuesListByRepoIterEndsAtTheFirstError(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/issues", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"message":"Not Found"}`)
	})
	n := 0
	for _, err := range c.Issues.ListByRepoIter(t.Context(), "o", "r", nil) {
		n++
		if !isStatus(err, http.StatusNotFound) {
			t.Errorf("err = %v; want the 404, permanent", err)
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times; want once, the error", n)
	}
}

func TestIssuesCreateComment(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/issues/12/comments", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeaders(t, r)
		testBody(t, r, `{"body":"再発しました"}`)
		writeJSON(w, http.StatusCreated, `{"id":5,"body":"再発しました"}`)
	})
	cm, _, err := c.Issues.CreateComment(t.Context(), "o", "r", 12, &gh.IssueComment{Body: gh.String("再発しました")})
	if err != nil || cm.GetID() != 5 {
		t.Errorf("got %+v, %v", cm, err)
	}
}

func TestIssuesEdit(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/issues/12", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPatch)
		testHeaders(t, r)
		testBody(t, r, `{"state":"closed","state_reason":"completed"}`)
		writeJSON(w, http.StatusOK, `{"number":12,"state":"closed"}`)
	})
	is, _, err := c.Issues.Edit(t.Context(), "o", "r", 12, &gh.IssueRequest{State: gh.String("closed"), StateReason: gh.String("completed")})
	if err != nil || is.GetState() != "closed" {
		t.Errorf("got %+v, %v", is, err)
	}
}

func TestRepositoriesGetContents(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/repos/o/r/contents/faq/経費/締め日.md", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeaders(t, r)
		testQuery(t, r, url.Values{"ref": {"main"}})
		if !strings.Contains(r.RequestURI, "/faq/%E7%B5%8C%E8%B2%BB/") {
			t.Errorf("request URI %q: want the Japanese names percent-encoded", r.RequestURI)
		}
		writeJSON(w, http.StatusOK, `{"type":"file","encoding":"base64","name":"締め日.md","path":"faq/経費/締め日.md","content":"5pyI5pyr\n"}`)
	})
	mux.HandleFunc("/repos/o/r/contents/faq", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `[{"type":"dir","name":"経費","path":"faq/経費"}]`)
	})
	file, _, _, err := c.Repositories.GetContents(t.Context(), "o", "r", "faq/経費/締め日.md", &gh.RepositoryContentGetOptions{Ref: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if text, err := file.GetContent(); err != nil || text != "月末" {
		t.Errorf("content %q, %v", text, err)
	}
	_, dir, _, err := c.Repositories.GetContents(t.Context(), "o", "r", "faq", nil)
	if err != nil || len(dir) != 1 || dir[0].GetType() != "dir" {
		t.Errorf("dir %v, %v", dir, err)
	}
	if _, _, _, err := c.Repositories.GetContents(t.Context(), "o", "r", "../secrets", nil); !isPermanent(err) {
		t.Errorf("a path with .. : %v; want go-github's refusal, permanent, without a request", err)
	}
}
