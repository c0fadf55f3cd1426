package xero

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/internal/rest/resttest"
	"github.com/urakata/urakata/shared/httpx"
)

// baseURLPath is a non-empty path the API host is mounted under, so that a request built
// without the base path fails the test.
const baseURLPath = "/xero-host"

// testTenant is the organisation the test client is set to.
const testTenant = "fe79f7dd-b6d4-4a92-ba7b-538af6289c58"

// testPolicy is Xero's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the five-at-once cap and the message reader are Xero's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPerMinute)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	return p
}

// setup returns a client for testTenant wired to a test server whose mux is mounted under
// baseURLPath.
func setup(t *testing.T) (*Client, *http.ServeMux, *staticAuth) {
	t.Helper()
	mux, baseURL := resttest.NewServer(t, baseURLPath)
	auth := &staticAuth{Token: "test-access"}
	client, err := NewClient(httpx.New(testPolicy()), auth, baseURL)
	if err != nil {
		t.Fatal(err)
	}
	client.SetTenant(testTenant)
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

// testAuthorized asserts the request carries the test bearer token and the tenant.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "Authorization", "Bearer test-access")
	testHeader(t, r, "Accept", "application/json")
	testHeader(t, r, TenantHeader, testTenant)
}

// testBody decodes the request body into a generic value and compares it with want (JSON).
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	var got, exp any
	if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
		t.Fatalf("request body: %v", err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("want body: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		g, _ := json.Marshal(got)
		t.Errorf("request body = %s\nwant %s", g, want)
	}
}

func writeRaw(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
