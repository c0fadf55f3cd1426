package freee

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/connectors/freee/freeetest"
	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/httpx"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/store/storetest"
)

func TestPaidLeaveReadsTheSummaryOfThePayMonthHoldingTheDate(t *testing.T) {
	t.Parallel()
	emp := model.Employee{IDs: map[string]string{connName: "1001"}, Code: "E1"}
	tests := []struct {
		name string
		on   model.Date
		// summaries by "year/month": the body freee answers
		summaries map[string]string
		want      model.LeaveBalance
		asked     []string
	}{
		{"closing at month end and paid the same month: one read of on's month", model.NewDate(2026, 11, 5), map[string]string{
			"2026/11": `{"year":2026,"month":11,"start_date":"2026-11-01","end_date":"2026-11-30",
				"num_paid_holidays_left":8.5,"num_paid_holidays_and_hours_left":{"days":8.5,"hours":3}}`,
		}, model.LeaveBalance{Days: 850, Minutes: 180, AsOf: model.NewDate(2026, 11, 30)}, []string{"2026/11"}},
		{"closing on the 20th and paid the next month: the period's dates point two months on", model.NewDate(2026, 10, 25), map[string]string{
			"2026/10": `{"year":2026,"month":10,"start_date":"2026-08-21","end_date":"2026-09-20","num_paid_holidays_left":12}`,
			"2026/12": `{"year":2026,"month":12,"start_date":"2026-10-21","end_date":"2026-11-20","num_paid_holidays_left":11.5}`,
		}, model.LeaveBalance{Days: 1150, AsOf: model.NewDate(2026, 11, 20)}, []string{"2026/10", "2026/12"}},
		{"a date before the period of its month is read from an earlier pay month", model.NewDate(2026, 10, 5), map[string]string{
			"2026/10": `{"year":2026,"month":10,"start_date":"2026-10-21","end_date":"2026-11-20","num_paid_holidays_left":9}`,
			"2026/9":  `{"year":2026,"month":9,"start_date":"2026-09-21","end_date":"2026-10-20","num_paid_holidays_left":10}`,
		}, model.LeaveBalance{Days: 1000, AsOf: model.NewDate(2026, 10, 20)}, []string{"2026/10", "2026/9"}},
		{"a month-end closing one month behind moves one month, whatever the months' lengths", model.NewDate(2026, 10, 31), map[string]string{
			"2026/10": `{"year":2026,"month":10,"start_date":"2026-09-01","end_date":"2026-09-30","num_paid_holidays_left":4}`,
			"2026/11": `{"year":2026,"month":11,"start_date":"2026-10-01","end_date":"2026-10-31","num_paid_holidays_left":3}`,
		}, model.LeaveBalance{Days: 300, AsOf: model.NewDate(2026, 10, 31)}, []string{"2026/10", "2026/11"}},
		{"the days left are taken when the split is all zeros", model.NewDate(2026, 11, 5), map[string]string{
			"2026/11": `{"year":2026,"month":11,"start_date":"2026-11-01","end_date":"2026-11-30",
				"num_paid_holidays_left":10,"num_paid_holidays_and_hours_left":{"days":0,"hours":0}}`,
		}, model.LeaveBalance{Days: 1000, AsOf: model.NewDate(2026, 11, 30)}, []string{"2026/11"}},
		{"nothing left is zero days, not an error", model.NewDate(2026, 11, 5), map[string]string{
			"2026/11": `{"year":2026,"month":11,"start_date":"2026-11-01","end_date":"2026-11-30",
				"num_paid_holidays_left":0,"num_paid_holidays_and_hours_left":{"days":0,"hours":0}}`,
		}, model.LeaveBalance{AsOf: model.NewDate(2026, 11, 30)}, []string{"2026/11"}},
		{"a summary without dates is taken as it is, as of its month's end", model.NewDate(2026, 11, 5), map[string]string{
			"2026/11": `{"year":2026,"month":11,"num_paid_holidays_left":7}`,
		}, model.LeaveBalance{Days: 700, AsOf: model.NewDate(2026, 11, 30)}, []string{"2026/11"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hr, api := setupHR(t)
			var mu sync.Mutex
			var asked []string
			api.HandleFunc("/api/v1/employees/1001/work_record_summaries/{year}/{month}", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				testQuery(t, r, url.Values{"company_id": {"1234"}})
				ym := r.PathValue("year") + "/" + r.PathValue("month")
				mu.Lock()
				asked = append(asked, ym)
				mu.Unlock()
				body, ok := tt.summaries[ym]
				if !ok {
					t.Errorf("unexpected summary %s", ym)
					writeJSON(w, 404, map[string]any{"status_code": 404, "errors": []map[string]any{{"type": "not_found", "messages": []string{"x"}}}})
					return
				}
				fmt.Fprint(w, body)
			})
			got, err := hr.PaidLeave(t.Context(), emp, tt.on)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PaidLeave = %+v; want %+v", got, tt.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(asked, tt.asked) {
				t.Errorf("read summaries %v; want %v", asked, tt.asked)
			}
		})
	}
}

func TestPaidLeaveStopsAfterThreeReadsOfPeriodsThatNeverHoldTheDate(t *testing.T) {
	t.Parallel()
	hr, api := setupHR(t)
	var mu sync.Mutex
	reads := 0
	api.HandleFunc("/api/v1/employees/1001/work_record_summaries/{year}/{month}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reads++
		mu.Unlock()
		// Always a period two years back: a server that does not move with the month asked.
		fmt.Fprint(w, `{"year":2024,"month":1,"start_date":"2024-01-01","end_date":"2024-01-31","num_paid_holidays_left":5}`)
	})
	got, err := hr.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, model.NewDate(2026, 11, 5))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if reads != maxSummaryReads || got.AsOf != model.NewDate(2024, 1, 31) {
		t.Errorf("%d reads, balance %+v; want %d reads and the last balance, as of the date it is for", reads, got, maxSummaryReads)
	}
}

func TestPaidLeaveErrors(t *testing.T) {
	t.Parallel()
	emp := model.Employee{IDs: map[string]string{connName: "1001"}, Code: "E1"}
	on := model.NewDate(2026, 11, 5)

	t.Run("an employee without a freee id is Permanent, without a call", func(t *testing.T) {
		t.Parallel()
		hr, _ := setupHR(t)
		_, err := hr.PaidLeave(t.Context(), model.Employee{Code: "E9", IDs: map[string]string{"other": "1"}}, on)
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), connName) {
			t.Errorf("err = %v; want Permanent naming the connection", err)
		}
	})
	t.Run("no date is Permanent", func(t *testing.T) {
		t.Parallel()
		hr, _ := setupHR(t)
		if _, err := hr.PaidLeave(t.Context(), emp, model.Date{}); !fault.IsPermanent(err) {
			t.Errorf("err = %v; want Permanent", err)
		}
	})
	t.Run("a summary without any balance is Permanent and says why", func(t *testing.T) {
		t.Parallel()
		hr, api := setupHR(t)
		api.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/11", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"year":2026,"month":11,"start_date":"2026-11-01","end_date":"2026-11-30","num_paid_holidays_left":null}`)
		})
		_, err := hr.PaidLeave(t.Context(), emp, on)
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "num_paid_holidays_left") || !strings.Contains(err.Error(), "1001") {
			t.Errorf("err = %v; want Permanent naming the missing field and the employee id", err)
		}
	})
	t.Run("a 500 is transient", func(t *testing.T) {
		t.Parallel()
		hr, api := setupHR(t)
		api.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/11", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		})
		_, err := hr.PaidLeave(t.Context(), emp, on)
		if err == nil || fault.Classify(err) != fault.KindTransient {
			t.Errorf("err = %v; want transient", err)
		}
	})
}

// onSandbox starts the freee HR sandbox and returns a connection to it built by the
// connector's own constructor, retrying in milliseconds; the test fails on any request or
// response that broke hr.json.
func onSandbox(t *testing.T, opts freeetest.Options) (*freeetest.Server, *HR) {
	t.Helper()
	srv := freeetest.New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			t.Errorf("sandbox: %s", v)
		}
	})
	o := srv.Options()
	v, err := Connector.New(t.Context(), hub.Env{
		Connection: connName,
		BaseURL:    srv.BaseURL(),
		Settings:   map[string]any{"company_id": srv.CompanyID(), "token_url": srv.TokenURL(), "requests_per_hour": 3600000},
		Secret: secrets.New(fmt.Sprintf(`{"client_id":%q,"client_secret":%q,"refresh_token":%q}`,
			o.ClientID, o.ClientSecret, o.RefreshToken)),
		Tokens: &storetest.MemoryTokens{},
		Zone:   jst,
	})
	if err != nil {
		t.Fatal(err)
	}
	hr := v.(*HR)
	hr.Client.HTTP = httpx.New(testPolicy())
	return srv, hr
}

// The sandbox's demo month is April 2026, so the bot asks in May: the summary of May holds
// the balance after April's leave.
var (
	sandboxApril = freeetest.Options{Year: 2026, Month: time.April, Employees: 10, RateLimit: freeetest.NoRateLimit}
	askedOn      = model.NewDate(2026, 5, 7)
)

func TestPaidLeaveFromTheSandboxIsWhatItReports(t *testing.T) {
	t.Parallel()
	srv, hr := onSandbox(t, sandboxApril)
	half := false
	for _, e := range srv.Employees() {
		emp := model.Employee{IDs: map[string]string{connName: fmt.Sprint(e.ID)}, Code: e.Num}
		got, err := hr.PaidLeave(t.Context(), emp, askedOn)
		if err != nil {
			t.Fatal(err)
		}
		want, ok := srv.PaidLeaveLeft(e.ID, 2026, time.May)
		if !ok || got != (model.LeaveBalance{Days: want.Days, Minutes: want.Hours * 60, AsOf: model.NewDate(2026, 5, 31)}) {
			t.Errorf("employee %d: PaidLeave = %+v; the sandbox reports %+v as of 2026-05-31", e.ID, got, want)
		}
		half = half || got.Days%model.Day != 0
	}
	if !half {
		t.Error("no balance with a half day: the paid-leave employee's morning off was lost")
	}
	if n := srv.Requests()["get_employee_work_record_summary"]; n != len(srv.Employees()) {
		t.Errorf("%d summaries read for %d questions; want one each", n, len(srv.Employees()))
	}
}

func TestPaidLeaveFromTheSandboxCarriesHoursAsMinutes(t *testing.T) {
	t.Parallel()
	srv, hr := onSandbox(t, sandboxApril)
	const id = 1005 // the paid-leave profile: a day and a half taken in April
	if err := srv.SetPaidLeaveGrant(id, freeetest.LeaveBalance{Days: 12 * model.Day, Hours: 5}); err != nil {
		t.Fatal(err)
	}
	got, err := hr.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{connName: "1005"}}, askedOn)
	if err != nil {
		t.Fatal(err)
	}
	if want := (model.LeaveBalance{Days: 1050, Minutes: 300, AsOf: model.NewDate(2026, 5, 31)}); got != want {
		t.Errorf("PaidLeave = %+v; want %+v", got, want)
	}
}

func TestPaidLeaveFromTheSandboxFailsAsFreeeDoes(t *testing.T) {
	t.Parallel()
	t.Run("an employee freee does not have is Permanent 404", func(t *testing.T) {
		t.Parallel()
		_, hr := onSandbox(t, sandboxApril)
		_, err := hr.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{connName: "99999"}}, askedOn)
		var pe *fault.PermanentError
		if !errors.As(err, &pe) || pe.Status != http.StatusNotFound || !strings.Contains(err.Error(), "99999") {
			t.Errorf("err = %v; want Permanent 404 naming the employee id", err)
		}
	})
	t.Run("a server error that outlasts the retries is transient", func(t *testing.T) {
		t.Parallel()
		srv, hr := onSandbox(t, sandboxApril)
		srv.Fail(freeetest.FaultServerError, 5, "get_employee_work_record_summary")
		_, err := hr.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, askedOn)
		if err == nil || fault.Classify(err) != fault.KindTransient {
			t.Errorf("err = %v; want transient", err)
		}
	})
	t.Run("one server error is retried and answered", func(t *testing.T) {
		t.Parallel()
		srv, hr := onSandbox(t, sandboxApril)
		srv.Fail(freeetest.FaultServerError, 1, "get_employee_work_record_summary")
		got, err := hr.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, askedOn)
		want, _ := srv.PaidLeaveLeft(1001, 2026, time.May)
		if err != nil || got.Days != want.Days {
			t.Errorf("PaidLeave = %+v, %v; want %v days after one retry", got, err, want.Days)
		}
	})
	t.Run("freee's 403 throttle is RateLimited", func(t *testing.T) {
		t.Parallel()
		srv, hr := onSandbox(t, sandboxApril)
		srv.Fail(freeetest.FaultThrottled, 1, "get_employee_work_record_summary")
		_, err := hr.PaidLeave(t.Context(), model.Employee{IDs: map[string]string{connName: "1001"}}, askedOn)
		if fault.Classify(err) != fault.KindRateLimited {
			t.Errorf("err = %v; want RateLimited", err)
		}
	})
}
