package freeeaccountingtest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkValidatedList measures one list request through the whole pipeline, request and
// response validation against the 2 MB accounting.json included (loaded once, outside the
// loop).
func BenchmarkValidatedList(b *testing.B) {
	s := New(Options{Year: 2026, Month: time.October, DailyLimit: NoRateLimit})
	auth := "Bearer " + s.IssueToken().AccessToken
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/1/expense_applications?company_id=1&status=approved&limit=500", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkLoadSpec measures what the first sandbox of a process pays to load the
// description.
func BenchmarkLoadSpec(b *testing.B) {
	for b.Loop() {
		if _, err := parseSpec(); err != nil {
			b.Fatal(err)
		}
	}
}
