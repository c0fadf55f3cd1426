package local_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/local"
	"github.com/urakata/urakata/shared/secrets"
)

// startSandbox starts the freee sandbox in this process for October 2026.
func startSandbox(t *testing.T, employees int) *freeetest.Server {
	t.Helper()
	srv := freeetest.New(freeetest.Options{Seed: 11, Employees: employees, Year: 2026, Month: time.October, RateLimit: freeetest.NoRateLimit})
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

// testConfig is a hub.yaml of one freee-hr connection at baseURL, with a 7.5-hour working
// day: the summaries the flow writes differ from those the sandbox holds before any write
// (computed on freee's 8 hours), so a summary that reconciles was written, not found.
func testConfig(t *testing.T, dataDir, baseURL, tokenURL, runtime string) *config.File {
	t.Helper()
	yaml := fmt.Sprintf(`version: 1
company: {zone: Asia/Tokyo}
runtime: {data_dir: %q, workers: 2, lease: 30s, visibility: 30s, max_receives: 5%s}
connections:
  freee-hr:
    vendor: freee-hr
    base_url: %s
    secret: FREEE_HR
    settings: {company_id: 1, token_url: %s}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 450, prescribed_start: "09:00", prescribed_end: "17:30", week_start: sunday}
`, dataDir, runtime, baseURL, tokenURL)
	path := filepath.Join(t.TempDir(), "hub.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, local.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func quietLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func openHub(t *testing.T, cfg *config.File) *local.Hub {
	t.Helper()
	h, err := local.Open(t.Context(), cfg, local.Options{Secrets: sandboxSecrets(), Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

func putCounts(srv *freeetest.Server) map[int]int {
	out := map[int]int{}
	for _, e := range srv.Employees() {
		out[e.ID] = srv.PutCount(e.ID, 2026, time.October)
	}
	return out
}

// readReport decodes a reconciliation report, one JSON object a line.
func readReport(t *testing.T, path string) []hub.Reconciliation {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []hub.Reconciliation
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r hub.Reconciliation
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("report line %d is not a JSON reconciliation: %v: %s", len(out)+1, err, sc.Bytes())
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Run delivers one summary per employee, then reconciles each with what freee holds: the
// report has one line per employee, every one matching, and the plan spooled to disk for it
// is gone. Run again, every delivery is found settled and nothing is written.
func TestRunDeliversAndReconcilesEachEmployee(t *testing.T) {
	t.Parallel()
	const employees = 7
	srv := startSandbox(t, employees)
	data := t.TempDir()
	h := openHub(t, testConfig(t, data, srv.BaseURL(), srv.TokenURL(), ""))

	res, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10", Trigger: "test", Reconcile: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Flows) != 1 {
		t.Fatalf("result %+v; want ok with one flow", res)
	}
	f := res.Flows[0]
	if f.Name != "timeclock-to-payroll" || f.Type != "timeclock-to-payroll" || f.Period != "2026-10" || f.RunID == "" ||
		f.Read != employees || f.Queued != employees || f.Delivered != employees || f.Skipped != 0 || f.Failed != 0 || f.Dead != 0 || f.Error != "" {
		t.Fatalf("flow result %+v; want all %d read, queued and delivered for 2026-10", f, employees)
	}
	rec := f.Reconciliation
	if rec == nil || rec.Matched != employees || rec.Mismatched != 0 || rec.Errors != 0 {
		t.Fatalf("reconciliation %+v; want all %d matching", rec, employees)
	}
	if want := filepath.Join(data, "reports", f.RunID+".reconciliation.jsonl"); rec.Report != want {
		t.Fatalf("report at %s; want %s", rec.Report, want)
	}
	lines := readReport(t, rec.Report)
	var keys []string
	for _, l := range lines {
		if !l.Match || len(l.Differences) != 0 {
			t.Errorf("report line %+v; want a match", l)
		}
		keys = append(keys, l.NaturalKey)
	}
	var want []string
	for _, e := range srv.Employees() {
		want = append(want, fmt.Sprintf("employee/%d/2026-10", e.ID))
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Fatalf("report covers %v; want one line for each of %v", keys, want)
	}
	entries, err := os.ReadDir(filepath.Join(data, "reports"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("reports folder holds %d files; want only the report (the spooled plan removed)", len(entries))
	}
	for id, n := range putCounts(srv) {
		if n != 1 {
			t.Errorf("employee %d: %d summary writes; want 1", id, n)
		}
	}

	again, err := h.Run(t.Context(), local.RunRequest{Period: "2026-10", Reconcile: true})
	if err != nil {
		t.Fatal(err)
	}
	g := again.Flows[0]
	if !again.OK || g.Read != employees || g.Queued != 0 || g.Delivered != 0 || g.Skipped != employees || g.RunID == f.RunID {
		t.Fatalf("second run %+v; want a new run that skips all %d", g, employees)
	}
	if r := g.Reconciliation; r == nil || r.Matched != employees || len(readReport(t, r.Report)) != employees {
		t.Fatalf("second reconciliation %+v; want %d lines, all matching", r, employees)
	}
	for id, n := range putCounts(srv) {
		if n != 1 {
			t.Errorf("after the second run, employee %d: %d summary writes; want still 1", id, n)
		}
	}
}

func TestRunWithoutReconcileWritesNoReport(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, 2)
	data := t.TempDir()
	h := openHub(t, testConfig(t, data, srv.BaseURL(), srv.TokenURL(), ""))
	res, err := h.Run(t.Context(), local.RunRequest{Flows: []string{"timeclock-to-payroll"}, Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Flows[0]; !res.OK || f.Delivered != 2 || f.Reconciliation != nil {
		t.Fatalf("result %+v; want 2 delivered and no reconciliation", f)
	}
	if _, err := os.Stat(filepath.Join(data, "reports")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reports folder: %v; want none", err)
	}
}

func TestRunRefusesAnUnknownFlow(t *testing.T) {
	t.Parallel()
	h := openHub(t, testConfig(t, t.TempDir(), "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", ""))
	_, err := h.Run(t.Context(), local.RunRequest{Flows: []string{"nope"}})
	var unknown *config.UnknownFlowError
	if !errors.As(err, &unknown) || unknown.Name != "nope" || !slices.Equal(unknown.Known, []string{"timeclock-to-payroll"}) {
		t.Fatalf("err = %v; want an UnknownFlowError listing timeclock-to-payroll", err)
	}
}

// Replay puts dead letters back through the workers and the ledger: while the cause stays,
// the letter dies again without a write; once it is gone, the summary is written exactly
// once, and replaying again finds nothing to do.
func TestReplayDeliversDeadLettersOnce(t *testing.T) {
	t.Parallel()
	const employees = 3
	srv := startSandbox(t, employees)
	victim := srv.Employees()[1].ID
	refused := fmt.Sprintf("/hr/api/v1/employees/%d/work_record_summaries/2026/10", victim)
	var refusing atomic.Bool
	refusing.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refusing.Load() && r.Method == http.MethodPut && r.URL.Path == refused {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"status_code":400,"errors":[{"type":"bad_request","messages":["month is closed"]}]}`)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	data := t.TempDir()
	cfg := testConfig(t, data, front.URL+"/hr", srv.TokenURL(), "")
	h := openHub(t, cfg)
	ctx := t.Context()

	res, err := h.Run(ctx, local.RunRequest{Period: "2026-10"})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Flows[0]; res.OK || f.OK() || f.Delivered != employees-1 || f.Failed != 1 || f.Dead != 1 {
		t.Fatalf("run %+v; want %d delivered and 1 dead", f, employees-1)
	}
	dead := listDead(t, ctx, data, cfg)
	if len(dead) != 1 || dead[0].Flow != "timeclock-to-payroll" || dead[0].NaturalKey != fmt.Sprintf("employee/%d/2026-10", victim) ||
		!strings.Contains(dead[0].LastError, "month is closed") || dead[0].Attempts != 1 {
		t.Fatalf("dead letters %+v; want the victim's delivery with freee's message", dead)
	}

	// The cause is still there: it dies again, nothing written.
	res, n, err := h.Replay(ctx, []string{dead[0].ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Flows; n != 1 || res.OK || len(f) != 1 || f[0].Dead != 1 || f[0].Delivered != 0 {
		t.Fatalf("replay while refused: %d replayed, %+v; want 1 replayed and dead again", n, res)
	}
	if got := srv.PutCount(victim, 2026, time.October); got != 0 {
		t.Fatalf("victim has %d writes after a refused replay; want 0", got)
	}
	if dead = listDead(t, ctx, data, cfg); len(dead) != 1 {
		t.Fatalf("dead letters after a refused replay: %+v; want the one", dead)
	}

	refusing.Store(false)
	res, n, err = h.Replay(ctx, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Flows; n != 1 || !res.OK || len(f) != 1 || f[0].Delivered != 1 || f[0].Dead != 0 || f[0].Failed != 0 {
		t.Fatalf("replay: %d replayed, %+v; want 1 replayed and delivered", n, res)
	}
	if dead = listDead(t, ctx, data, cfg); len(dead) != 0 {
		t.Fatalf("dead letters after the replay: %+v; want none", dead)
	}

	res, n, err = h.Replay(ctx, nil, true)
	if err != nil || n != 0 || !res.OK || res.Flows == nil || len(res.Flows) != 0 {
		t.Fatalf("second replay: %d replayed, %+v, %v; want nothing to do", n, res, err)
	}
	for id, n := range putCounts(srv) {
		if n != 1 {
			t.Errorf("employee %d: %d summary writes; want exactly 1", id, n)
		}
	}
}

func listDead(t *testing.T, ctx context.Context, dataDir string, cfg *config.File) []local.DeadLetterInfo {
	t.Helper()
	dl, err := local.OpenDeadLetters(ctx, dataDir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Close()
	list, err := dl.List(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if list == nil {
		t.Fatal("List returned nil; want an empty list when there are none")
	}
	return list
}

// The webhook server's handler answers /healthz with the queue's depth, takes webhooks only
// by POST, and refuses a connection it does not know.
func TestHandler(t *testing.T) {
	t.Parallel()
	h := openHub(t, testConfig(t, t.TempDir(), "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", ""))
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)

	t.Run("GET /healthz is ok with the queue depth", func(t *testing.T) {
		t.Parallel()
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			OK    bool           `json:"ok"`
			Queue map[string]int `json:"queue"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" || !body.OK {
			t.Fatalf("%d %s %+v; want 200, JSON, ok", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		for _, k := range []string{"visible", "in_flight", "delayed", "dead"} {
			if n, ok := body.Queue[k]; !ok || n != 0 {
				t.Errorf("queue.%s = %d (present %v); want 0 on an empty queue", k, n, ok)
			}
		}
	})
	for _, tc := range []struct {
		name, method, path string
		want               int
	}{
		{"POST /healthz is not allowed", http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
		{"GET on a webhook path is not allowed", http.MethodGet, "/hooks/freee-hr", http.StatusMethodNotAllowed},
		{"a webhook for a connection hub.yaml does not have is not found", http.MethodPost, "/hooks/nobody", http.StatusNotFound},
		{"a webhook for no connection is not found", http.MethodPost, "/hooks/", http.StatusNotFound},
		{"any other path is not found", http.MethodGet, "/", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, _ := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+tc.path, strings.NewReader("{}"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("%s %s: %d; want %d", tc.method, tc.path, resp.StatusCode, tc.want)
			}
		})
	}
}

// Serve listens on runtime.listen, says where once it does, and returns nil when its
// context ends.
func TestServeStopsWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	h := openHub(t, testConfig(t, t.TempDir(), "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", `, listen: "127.0.0.1:0"`))
	ctx, cancel := context.WithCancel(t.Context())
	addrs := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, func(addr string) { addrs <- addr }) }()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("Serve returned before listening: %v", err)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %d; want 200", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v; want nil after its context ended", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("the server still answers after Serve returned")
	}
}

// Open fails with an error that says what to fix, and holds no secret.
func TestOpenSaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	t.Run("a missing secret names the connection and where it was looked for", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(t, t.TempDir(), "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", "")
		src := secrets.Chain(secrets.Env{LookupEnv: func(string) (string, bool) { return "", false }}, secrets.Static{"OTHER": "s3cret-value"})
		_, err := local.Open(t.Context(), cfg, local.Options{Secrets: src, Logger: quietLogger()})
		var nf *secrets.NotFoundError
		if !errors.As(err, &nf) || nf.Connection != "freee-hr" || nf.Name != "FREEE_HR" {
			t.Fatalf("err = %v; want a NotFoundError for FREEE_HR of connection freee-hr", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "URAKATA_SECRET_FREEE_HR") || strings.Contains(msg, "s3cret-value") {
			t.Fatalf("message %q; want the variable looked in and no secret value", msg)
		}
	})
	t.Run("a data folder that cannot be made is named", func(t *testing.T) {
		t.Parallel()
		file := filepath.Join(t.TempDir(), "not-a-folder")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(t, filepath.Join(file, "data"), "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", "")
		_, err := local.Open(t.Context(), cfg, local.Options{Secrets: sandboxSecrets(), Logger: quietLogger()})
		if err == nil || !strings.Contains(err.Error(), "data folder "+filepath.Join(file, "data")) {
			t.Fatalf("err = %v; want it to name the data folder", err)
		}
	})
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	schedule := &config.Schedule{}
	for _, tc := range []struct {
		name  string
		flows []config.Flow
		want  []string
	}{
		{"a flow with a schedule warns of nothing", []config.Flow{{Name: "payroll", Trigger: config.Trigger{Schedule: schedule}}}, nil},
		{"a flow with a webhook warns of nothing", []config.Flow{{Name: "chat", Trigger: config.Trigger{Webhook: &config.Webhook{Connection: "slack"}}}}, nil},
		{"a flow without a trigger runs only by hand", []config.Flow{
			{Name: "payroll", Trigger: config.Trigger{Schedule: schedule}},
			{Name: "by-hand"},
		}, []string{"flow by-hand has no trigger: it runs only with `urakata sync by-hand`"}},
		{"no flows, no warnings", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := local.Warnings(&config.File{Flows: tc.flows})
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Warnings = %q; want %q", got, tc.want)
			}
		})
	}
}

func TestVocabularyHasTheRegisteredConnectorsAndFlows(t *testing.T) {
	t.Parallel()
	v := local.Vocabulary()
	fields, ok := v.Vendors["freee-hr"]
	if !ok || !slices.ContainsFunc(fields, func(f config.Field) bool { return f.Name == "refresh_token" && f.Secret }) {
		t.Fatalf("vendors %v; want freee-hr with its secret refresh_token", v.Vendors)
	}
	if ft, ok := v.FlowTypes["timeclock-to-payroll"]; !ok || !ft.NeedsPeriod {
		t.Fatalf("flow types %v; want timeclock-to-payroll, which needs a period", v.FlowTypes)
	}
}

// Listing the dead letters of a folder where nothing has run is an error, and creates
// nothing there: a mistyped data folder is not an empty one.
func TestOpenDeadLettersOfAnUnusedFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "typo")
	cfg := testConfig(t, dir, "http://127.0.0.1:9/hr", "http://127.0.0.1:9/token", "")
	_, err := local.OpenDeadLetters(t.Context(), dir, cfg)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "data folder "+dir) {
		t.Fatalf("err = %v; want not-exist naming the data folder", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the folder was created (%v)", err)
	}
}
