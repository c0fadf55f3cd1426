package freeetest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// benchmarkCompany is the size the hub's benchmarks run at: 10,000 employees × 31 days.
func benchmarkCompany(b *testing.B) (*Server, string) {
	b.Helper()
	s := New(Options{Employees: 10000, Year: 2026, Month: time.March, RateLimit: NoRateLimit})
	return s, "Bearer " + s.IssueToken().AccessToken
}

func serve(b *testing.B, s *Server, req *http.Request) {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body)
	}
}

// BenchmarkTimeClocksPage is one page of 100 punches, validated both ways.
func BenchmarkTimeClocksPage(b *testing.B) {
	s, auth := benchmarkCompany(b)
	i := 0
	for b.Loop() {
		id := firstEmployeeID + i%10000
		i++
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/hr/api/v1/employees/%d/time_clocks?company_id=1&from_date=2026-03-01&to_date=2026-03-31&limit=100", id), nil)
		req.Header.Set("Authorization", auth)
		serve(b, s, req)
	}
	if v := s.Violations(); len(v) > 0 {
		b.Fatal(v[0])
	}
}

// BenchmarkSummaryPut is one full monthly summary written, validated both ways.
func BenchmarkSummaryPut(b *testing.B) {
	s, auth := benchmarkCompany(b)
	body := []byte(`{"company_id":1,"work_days":21,"work_days_on_weekdays":21,"total_work_mins":10560,` +
		`"total_normal_work_mins":10080,"total_excess_statutory_work_mins":0,"total_overtime_work_mins":480,` +
		`"total_latenight_work_mins":60,"total_holiday_work_mins":0,"total_prescribed_holiday_work_mins":0,` +
		`"num_absences":0,"num_paid_holidays":1,"total_lateness_mins":0,"total_early_leaving_mins":0}`)
	i := 0
	for b.Loop() {
		id := firstEmployeeID + i%10000
		i++
		req := httptest.NewRequest(http.MethodPut, fmt.Sprintf("/hr/api/v1/employees/%d/work_record_summaries/2026/3", id), bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		serve(b, s, req)
	}
}

// BenchmarkValidation isolates what hr.json validation adds to a time-clocks page.
func BenchmarkValidation(b *testing.B) {
	s, auth := benchmarkCompany(b)
	var rt *route
	for _, r := range s.spec.routes {
		if r.Op == "get_employee_time_clocks" {
			rt = r
		}
	}
	newReq := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/hr/api/v1/employees/1003/time_clocks?company_id=1&limit=100", nil)
		req.SetPathValue("employee_id", "1003")
		req.Header.Set("Authorization", auth)
		return req
	}
	rep := s.timeClocks(&call{r: newReq()})
	b.Run("request", func(b *testing.B) {
		for b.Loop() {
			if err := validator.Request(b.Context(), validator.Input(rt, newReq())); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("response of 100 punches", func(b *testing.B) {
		in := validator.Input(rt, newReq())
		for b.Loop() {
			if err := validateResponse(b.Context(), in, rep); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNewCompany is building the 10,000-employee company; allocations show its memory.
func BenchmarkNewCompany(b *testing.B) {
	for b.Loop() {
		New(Options{Employees: 10000, Year: 2026, Month: time.March})
	}
}

// BenchmarkWholeMonth computes every day of the month for the 10,000 employees, as a full
// sync of summaries would have the sandbox do.
func BenchmarkWholeMonth(b *testing.B) {
	s, _ := benchmarkCompany(b)
	first, last := s.Month()
	for b.Loop() {
		for i := range s.co.employees {
			s.days(&s.co.employees[i], first, last)
		}
	}
}
