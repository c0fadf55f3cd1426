package sandboxes

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The gate passes everything to the sandbox until it refuses; then the API alone answers
// freee's permission error, and the token endpoint still works. Served again, the API is.
func TestTheGateRefusesTheAPIOnlyWhileRefusing(t *testing.T) {
	t.Parallel()
	g, err := startGate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }), "/hr/", freeeForbidden)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.close)
	status := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(g.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Errors []struct{ Type string } `json:"errors"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		if len(body.Errors) > 0 {
			return resp.StatusCode, body.Errors[0].Type
		}
		return resp.StatusCode, ""
	}
	for _, step := range []struct {
		refusing   bool
		api, token int
		apiType    string
	}{
		{refusing: false, api: 200, token: 200},
		{refusing: true, api: 403, apiType: "forbidden", token: 200},
		{refusing: false, api: 200, token: 200},
	} {
		g.refusing.Store(step.refusing)
		if got, typ := status("/hr/api/v1/users/me"); got != step.api || typ != step.apiType {
			t.Fatalf("refusing %v: the API answered %d %q; want %d %q", step.refusing, got, typ, step.api, step.apiType)
		}
		if got, _ := status("/public_api/token"); got != step.token {
			t.Fatalf("refusing %v: the token endpoint answered %d; want %d", step.refusing, got, step.token)
		}
	}
}

// A reply fits the kind of answer a question wants by what the worker recorded and where
// the bot posted, not by its text.
func TestAKindOfAnswerFitsWhatTheWorkerRecorded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind   Kind
		detail string
		posted []string
		fits   bool
	}{
		{FAQAnswer, "faq payday", []string{PostedThread}, true},
		{FAQAnswer, "declined and forwarded", []string{PostedBackOffice, PostedThread}, false},
		{Forwarded, "declined and forwarded", []string{PostedBackOffice, PostedThread}, true},
		{Forwarded, "declined and forwarded", []string{PostedThread}, false},
		{Forwarded, "declined", []string{PostedThread}, false},
		{LiveByDM, "overtime sent by direct message", []string{PostedDirect, PostedThread}, true},
		{LiveByDM, "overtime sent by direct message", []string{PostedThread}, false},
		{LiveByDM, "declined: someone else's overtime", []string{PostedThread}, false},
	} {
		if got := tc.kind.fits(tc.detail, tc.posted); got != tc.fits {
			t.Errorf("%s fits %q posted to %v: %v; want %v", tc.kind, tc.detail, tc.posted, got, tc.fits)
		}
	}
}
