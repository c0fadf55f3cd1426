package freeeaccounting

import (
	"net/http"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest/resttest"
	"github.com/urakata/urakata/shared/httpx"
)

// baseURLPath is a non-empty path the API is mounted under, so that a request built without
// the base path fails the test.
const baseURLPath = "/freee"

// testPolicy is freee's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the throttle rules are freee's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPerDay)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client wired to a test server whose mux is mounted under baseURLPath.
func setup(t *testing.T) (*Client, *http.ServeMux, *staticAuth) {
	t.Helper()
	mux, baseURL := resttest.NewServer(t, baseURLPath)
	auth := &staticAuth{Token: "test-access"}
	client, err := NewClient(httpx.New(testPolicy()), auth, baseURL)
	if err != nil {
		t.Fatal(err)
	}
	return client, mux, auth
}

// staticAuth hands out "test-access" in setup and, when renewed, "renewed-access".
type staticAuth = resttest.StaticAuth

var (
	testMethod = resttest.Method
	testHeader = resttest.Header
	testQuery  = resttest.Query
	writeJSON  = resttest.WriteJSON
)

// testAuthorized asserts the request carries the test bearer token.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "Authorization", "Bearer test-access")
	testHeader(t, r, "Accept", "application/json")
}

func TestNewClientRefusesARelativeBaseURL(t *testing.T) {
	t.Parallel()
	if _, err := NewClient(httpx.New(testPolicy()), &staticAuth{}, "api.freee.co.jp"); err == nil {
		t.Fatal("a base URL without a scheme was accepted")
	}
	c, err := NewClient(httpx.New(testPolicy()), &staticAuth{}, "")
	if err != nil || c.BaseURL.String() != DefaultBaseURL+"/" {
		t.Fatalf("default base = %v, %v; want %s/", c.BaseURL, err, DefaultBaseURL)
	}
}
