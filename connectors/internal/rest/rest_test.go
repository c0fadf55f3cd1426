package rest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/urakata/urakata/connectors/internal/rest"
	"github.com/urakata/urakata/connectors/internal/rest/resttest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
)

type item struct {
	Name string `json:"name"`
}

func newClient(t *testing.T) (rest.Client, *http.ServeMux, *resttest.StaticAuth) {
	t.Helper()
	mux, baseURL := resttest.NewServer(t, "/api")
	auth := &resttest.StaticAuth{Token: "test-access"}
	c, err := rest.New("acme", httpx.New(httpx.Policy{Name: "acme"}), auth, baseURL)
	if err != nil {
		t.Fatal(err)
	}
	return c, mux, auth
}

func TestDoPostsJSONUnderTheBasePathWithTheBearerAndDecodesTheAnswer(t *testing.T) {
	t.Parallel()
	c, mux, _ := newClient(t)
	mux.HandleFunc("/v1/items", func(w http.ResponseWriter, r *http.Request) {
		resttest.Method(t, r, http.MethodPost)
		resttest.Header(t, r, "Authorization", "Bearer test-access")
		resttest.Header(t, r, "Content-Type", "application/json")
		resttest.Header(t, r, "Accept", "application/json")
		resttest.Header(t, r, "User-Agent", "urakata")
		resttest.Query(t, r, url.Values{"q": {"x"}})
		var in item
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name != "sent" {
			t.Errorf("body = %+v, %v; want name sent", in, err)
		}
		resttest.WriteJSON(w, http.StatusOK, item{Name: "answered"})
	})
	req, err := c.NewRequest(http.MethodPost, "/v1/items?q=x", item{Name: "sent"})
	if err != nil {
		t.Fatal(err)
	}
	var out item
	resp, err := c.Do(t.Context(), req, &out)
	if err != nil || resp == nil || out.Name != "answered" {
		t.Fatalf("Do = %v, %v, %+v; want the decoded answer", resp, err, out)
	}
}

func TestDoSendsA401AgainWithARenewedTokenAndTheSameBody(t *testing.T) {
	t.Parallel()
	c, mux, auth := newClient(t)
	mux.HandleFunc("/v1/items", func(w http.ResponseWriter, r *http.Request) {
		var in item
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Name != "sent" {
			t.Errorf("body = %+v, %v; want name sent on every try", in, err)
		}
		if r.Header.Get("Authorization") != "Bearer "+resttest.RenewedToken {
			resttest.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "expired"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	req, err := c.NewRequest(http.MethodPut, "v1/items", item{Name: "sent"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(t.Context(), req, nil); err != nil {
		t.Fatalf("Do = %v; want success after renewal", err)
	}
	if n := auth.Renews.Load(); n != 1 {
		t.Errorf("renewals = %d; want 1", n)
	}
}

func TestDoReportsAnAnswerThatIsNotJSONWithTheVendorAndPath(t *testing.T) {
	t.Parallel()
	c, mux, _ := newClient(t)
	mux.HandleFunc("/v1/items", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<html>"))
	})
	req, err := c.NewRequest(http.MethodGet, "v1/items", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(t.Context(), req, &item{})
	if err == nil || resp == nil || !strings.HasPrefix(err.Error(), "acme: decode GET /api/v1/items") {
		t.Fatalf("Do = %v, %v; want a decode error with the answer", resp, err)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, baseURL, want string
	}{
		{name: "a base path gains a trailing slash", baseURL: "https://api.example.com/hr", want: "https://api.example.com/hr/"},
		{name: "a bare host is rooted", baseURL: "https://api.example.com", want: "https://api.example.com/"},
		{name: "a URL without a scheme is refused", baseURL: "api.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := rest.New("acme", nil, nil, tt.baseURL)
			if tt.want == "" {
				if err == nil || !strings.HasPrefix(err.Error(), "acme: base URL") {
					t.Fatalf("New(%q) = %v; want a base URL error", tt.baseURL, err)
				}
				return
			}
			if err != nil || c.BaseURL.String() != tt.want {
				t.Fatalf("New(%q) = %v, %v; want %s", tt.baseURL, c.BaseURL, err, tt.want)
			}
		})
	}
}

func TestPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    url.Values
		want string
	}{
		{name: "an empty query adds no question mark", q: url.Values{}, want: "v1/items/7"},
		{name: "a query is encoded after the path", q: url.Values{"a b": {"c&d"}}, want: "v1/items/7?a+b=c%26d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := rest.Path(tt.q, "v1/items/%d", 7); got != tt.want {
				t.Errorf("Path = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestNotFoundIsTheVendors404Only(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"a permanent 404, wrapped", fmt.Errorf("get: %w", &fault.PermanentError{Status: http.StatusNotFound}), true},
		{"a permanent 400", &fault.PermanentError{Status: http.StatusBadRequest}, false},
		{"a 404 that is not permanent", &httpx.StatusError{Status: http.StatusNotFound}, false},
		{"no error", nil, false},
	}
	for _, tt := range tests {
		if got := rest.NotFound(tt.err); got != tt.want {
			t.Errorf("%s: NotFound = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// pager serves pages of a list keyed by cursor, recording the cursors asked for.
type pager[C comparable] struct {
	pages map[C]page[C]
	asked []C
}

type page[C comparable] struct {
	items []string
	next  C
	err   error
}

func (p *pager[C]) read(at C) ([]string, C, error) {
	p.asked = append(p.asked, at)
	pg := p.pages[at]
	return pg.items, pg.next, pg.err
}

func TestPagesWalksFromTheFirstCursorUntilTheZeroOne(t *testing.T) {
	t.Parallel()
	p := &pager[int]{pages: map[int]page[int]{
		100: {items: []string{"a", "b"}, next: 102},
		102: {items: []string{"c"}, next: 103},
		103: {items: nil, next: 0},
	}}
	var got []string
	for it, err := range rest.Pages(100, p.read) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, it)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) || !slices.Equal(p.asked, []int{100, 102, 103}) {
		t.Errorf("items %v from cursors %v; want a b c from 100 102 103", got, p.asked)
	}
}

func TestPagesStopsAtAPageThatNamesItselfAsTheNext(t *testing.T) {
	t.Parallel()
	p := &pager[string]{pages: map[string]page[string]{
		"":   {items: []string{"a"}, next: "c1"},
		"c1": {items: []string{"b"}, next: "c1"},
	}}
	var got []string
	for it, err := range rest.Pages("", p.read) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, it)
	}
	if !slices.Equal(got, []string{"a", "b"}) || len(p.asked) != 2 {
		t.Errorf("items %v from cursors %q; want a b, each page read once", got, p.asked)
	}
}

func TestPagesYieldsTheFirstErrorAndStops(t *testing.T) {
	t.Parallel()
	boom := errors.New("page 2 failed")
	p := &pager[int]{pages: map[int]page[int]{
		1: {items: []string{"a"}, next: 2},
		2: {items: []string{"ignored"}, next: 3, err: boom},
		3: {items: []string{"never"}},
	}}
	var got []string
	var errs []error
	for it, err := range rest.Pages(1, p.read) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, it)
	}
	if !slices.Equal(got, []string{"a"}) || len(errs) != 1 || !errors.Is(errs[0], boom) || !slices.Equal(p.asked, []int{1, 2}) {
		t.Errorf("items %v, errors %v, cursors %v; want a, then the error once, and no third page", got, errs, p.asked)
	}
}

func TestPagesReadsNoFurtherOnceTheCallerStops(t *testing.T) {
	t.Parallel()
	p := &pager[int]{pages: map[int]page[int]{
		1: {items: []string{"a", "b"}, next: 2},
		2: {items: []string{"c"}},
	}}
	for it, err := range rest.Pages(1, p.read) {
		if err != nil || it != "a" {
			t.Fatalf("first item = %q, %v; want a", it, err)
		}
		break
	}
	if !slices.Equal(p.asked, []int{1}) {
		t.Errorf("cursors asked = %v; want only the first page", p.asked)
	}
}
