package kingoftime

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/kingoftime/kingoftimetest"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
)

// baseURLPath is a non-empty path the API is mounted under, as KOT's is (/v1.0), so that a
// request built without the base path fails the test.
const baseURLPath = "/v1.0"

// noon is outside the restricted hours: 12:00 in Japan.
var noon = time.Date(2026, 11, 2, 12, 0, 0, 0, jst)

// testPolicy is KOT's policy with millisecond backoff and no proactive limit, so error
// paths run fast; the throttle rules are KOT's own.
func testPolicy() httpx.Policy {
	p := Policy(DefaultRequestsPerMinute)
	p.Rate = 0
	p.RetryWaitMin, p.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	p.ThrottleWait = 2 * time.Millisecond
	return p
}

// setup returns a client, reading the windows at noon, wired to a test server whose mux is
// mounted under baseURLPath.
func setup(t *testing.T) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside the base path", http.StatusBadRequest)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	client, err := NewClient(httpx.New(testPolicy()), secrets.New("test-token"), srv.URL+baseURLPath)
	if err != nil {
		t.Fatal(err)
	}
	client.Now = func() time.Time { return noon }
	client.SecretName = "secret KOT_TEST"
	return client, mux
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s; want %s", r.Method, want)
	}
}

// testQuery asserts the query is exactly want.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	if got := r.URL.Query(); !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v; want %v", got, want)
	}
}

// testAuthorized asserts the request carries the test bearer token and asks for JSON.
func testAuthorized(t *testing.T, r *http.Request) {
	t.Helper()
	if got := r.Header.Get("Authorization"); got != "Bearer test-token" {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// sandbox starts the KOT sandbox for October 2026 at noon, failing the test on any request
// or response that broke the description.
func sandbox(t *testing.T, opts kingoftimetest.Options) *kingoftimetest.Server {
	t.Helper()
	if opts.Year == 0 {
		opts.Year, opts.Month = 2026, time.October
	}
	if opts.Employees == 0 && opts.People == nil {
		opts.Employees = 10
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return noon }
	}
	srv := kingoftimetest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("sandbox: %s", v)
		}
	})
	return srv
}

// fakeClock is a settable clock; Sleep moves it instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	slept  []time.Duration
	onStep func(time.Time)
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.slept = append(c.slept, d)
	now, step := c.t, c.onStep
	c.mu.Unlock()
	if step != nil {
		step(now)
	}
	return nil
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

// connect builds the connector on srv as the hub would, with settings.
func connect(t *testing.T, srv *kingoftimetest.Server, settings map[string]any) *KOT {
	t.Helper()
	if settings == nil {
		settings = map[string]any{}
	}
	if _, ok := settings["requests_per_minute"]; !ok {
		settings["requests_per_minute"] = 60000
	}
	k, err := New(t.Context(), hub.Env{
		Connection: "kot", BaseURL: srv.BaseURL(), Settings: settings,
		Secret: secrets.New(kingoftimetest.DefaultToken), SecretName: "KOT", Zone: jst,
	})
	if err != nil {
		t.Fatal(err)
	}
	k.now = func() time.Time { return noon }
	return k
}

var discard = slog.New(slog.DiscardHandler)

// october is the demo month as a pay period.
var october = model.PayPeriod{Year: 2026, Month: time.October, Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 31)}
