package openapikit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const thingsAPI = `openapi: 3.0.3
info: {title: things, version: "1"}
paths:
  /things/{thing_id}:
    get:
      operationId: get_thing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: integer}}
        - {name: on, in: query, schema: {type: string, format: date}}
      responses:
        "200":
          description: a thing
          content:
            application/json:
              schema:
                type: object
                required: [id, at]
                properties:
                  id: {type: integer}
                  at: {type: string, format: date-time}
  /things:
    post:
      operationId: create_thing
      responses:
        "201": {description: made}
`

func thingsRoutes(t *testing.T) []*Route {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(thingsAPI))
	if err != nil {
		t.Fatal(err)
	}
	return Routes(doc, &openapi3.Server{URL: "https://things.example/v1"}, "/v1")
}

func TestRoutesAreSortedServeMuxPatternsUnderThePrefix(t *testing.T) {
	t.Parallel()
	routes := thingsRoutes(t)
	var got []string
	for _, rt := range routes {
		got = append(got, rt.Pattern+" "+rt.Op+" "+rt.Path)
	}
	want := []string{"GET /v1/things/{thing_id} get_thing /things/{thing_id}", "POST /v1/things create_thing /things"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("routes %q, want %q", got, want)
	}
	if routes[0].Operation().OperationID != "get_thing" {
		t.Errorf("Operation() = %q, want get_thing", routes[0].Operation().OperationID)
	}
}

func TestValidatorChecksRequestsAndResponsesOfAMuxRoutedOperation(t *testing.T) {
	t.Parallel()
	getThing := thingsRoutes(t)[0]
	v := NewValidator(DateFormat, DateTimeFormat)
	request := func(target string) *http.Request {
		var routed *http.Request
		mux := http.NewServeMux()
		mux.HandleFunc(getThing.Pattern, func(_ http.ResponseWriter, r *http.Request) { routed = r })
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
		if routed == nil {
			t.Fatalf("%s was not routed to %s", target, getThing.Pattern)
		}
		return routed
	}
	tests := []struct {
		name    string
		target  string
		status  int
		body    string
		wantReq bool
		wantRep bool
	}{
		{name: "a sound exchange passes", target: "/v1/things/7?on=2026-02-28", status: 200, body: `{"id":7,"at":"2026-02-28T09:00:00+09:00"}`},
		{name: "a path parameter of the wrong type is the request's fault", target: "/v1/things/seven", status: 200, body: `{"id":7,"at":"2026-02-28T09:00:00Z"}`, wantReq: true},
		{name: "a date that is no calendar day is the request's fault", target: "/v1/things/7?on=2026-02-30", status: 200, body: `{"id":7,"at":"2026-02-28T09:00:00Z"}`, wantReq: true},
		{name: "a date-time without a zone is the response's fault", target: "/v1/things/7", status: 200, body: `{"id":7,"at":"2026-02-28T09:00:00"}`, wantRep: true},
		{name: "a missing property is the response's fault", target: "/v1/things/7", status: 200, body: `{"id":7}`, wantRep: true},
		{name: "an undeclared status is not checked", target: "/v1/things/7", status: 404, body: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := v.Input(getThing, request(tt.target))
			if err := v.Request(t.Context(), in); (err != nil) != tt.wantReq {
				t.Errorf("Request error %v, want error %v", err, tt.wantReq)
			}
			if err := v.Response(t.Context(), in, tt.status, "application/json", []byte(tt.body)); (err != nil) != tt.wantRep {
				t.Errorf("Response error %v, want error %v", err, tt.wantRep)
			}
		})
	}
}

func TestLoadReadsAndChecksAVendorDescription(t *testing.T) {
	t.Parallel()
	doc, err := Load("kittest", "kingoftime/kot-openapi.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(Routes(doc, &openapi3.Server{URL: "https://api.kingtime.jp/v1.0"}, "/v1.0")) == 0 {
		t.Error("no routes in the KING OF TIME description")
	}
	if _, err := Load("kittest", "nowhere/none.yml"); err == nil || !strings.HasPrefix(err.Error(), "kittest: load nowhere/none.yml") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestMessageIsTheFirstLineOfTheFirstError(t *testing.T) {
	t.Parallel()
	multi := openapi3.MultiError{errors.New("first\ndetail"), errors.New("second")}
	if got := Message(multi); got != "first" {
		t.Errorf("Message = %q, want first", got)
	}
	if got := Message(errors.New("only\nmore")); got != "only" {
		t.Errorf("Message = %q, want only", got)
	}
}

func TestViolationReadsAsOneLine(t *testing.T) {
	t.Parallel()
	req := Violation{Side: RequestSide, Op: "get_thing", Method: "GET", Path: "/v1/things/x", Err: "bad id"}
	if got, want := req.String(), "request GET /v1/things/x (get_thing): bad id"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	rep := Violation{Side: ResponseSide, Op: "get_thing", Method: "GET", Path: "/v1/things/7", Status: 200, Err: "no at"}
	if got, want := rep.String(), "response GET /v1/things/7 (get_thing): response 200: no at"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestRecorderListsACopyInOrder(t *testing.T) {
	t.Parallel()
	var r Recorder[string]
	if r.List() != nil {
		t.Fatal("a new recorder lists something")
	}
	r.Record("a")
	r.Record("b")
	got := r.List()
	got[0] = "changed"
	if again := r.List(); len(again) != 2 || again[0] != "a" || again[1] != "b" {
		t.Errorf("List = %v, want [a b]", again)
	}
}

func TestRecorderTakeReturnsWhatWasRecordedAndForgetsIt(t *testing.T) {
	t.Parallel()
	var r Recorder[string]
	r.Record("a")
	r.Record("b")
	if got := r.Take(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("Take = %v, want [a b]", got)
	}
	if got := r.List(); len(got) != 0 {
		t.Errorf("List after Take = %v, want nothing", got)
	}
	r.Record("c")
	if got := r.Take(); len(got) != 1 || got[0] != "c" {
		t.Errorf("Take = %v, want only what came after the last Take", got)
	}
}
