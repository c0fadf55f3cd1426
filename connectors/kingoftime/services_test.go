package kingoftime

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestEmployeesList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/employees", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{
			"date": {"2026-10-31"}, "division": {"1000"}, "includeResigner": {"true"},
			"additionalFields": {"emailAddresses,hiredDate"},
		})
		writeJSON(w, 200, `[{"divisionCode":"1000","divisionName":"本社","gender":"male","typeCode":"1","typeName":"正社員",
			"code":"1000","key":"8b6e","lastName":"勤怠","firstName":"太郎","employeeGroups":[{"code":"0001","name":"人事部"}],
			"emailAddresses":["kintaitarou@example.jp"],"hiredDate":"2016-04-01"}]`)
	})
	got, resp, err := client.Employees.List(t.Context(), &EmployeesOptions{
		Date: model.NewDate(2026, 10, 31), Division: "1000", IncludeResigner: true,
		AdditionalFields: []string{FieldEmailAddresses, FieldHiredDate},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp == nil || resp.StatusCode != 200 {
		t.Fatalf("resp = %+v", resp)
	}
	e := got[0]
	if len(got) != 1 || e.Key != "8b6e" || e.Code != "1000" || e.EmailAddresses[0] != "kintaitarou@example.jp" ||
		e.HiredDate != model.NewDate(2016, 4, 1) || e.EmployeeGroups[0].Name != "人事部" || !e.ResignationDate.IsZero() {
		t.Fatalf("employees = %+v", got)
	}
}

func TestEmployeesListWithoutOptionsSendsNoQuery(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/employees", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{})
		writeJSON(w, 200, `[]`)
	})
	if got, _, err := client.Employees.List(t.Context(), nil); err != nil || len(got) != 0 {
		t.Fatalf("List(nil) = %v, %v", got, err)
	}
}

func TestEmployeesGetEscapesTheCode(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/employees/{code}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		if r.URL.EscapedPath() != "/employees/A%2F1" {
			t.Errorf("path = %s; want the code escaped", r.URL.EscapedPath())
		}
		testQuery(t, r, url.Values{"includeResigner": {"true"}})
		writeJSON(w, 200, `{"code":"A/1","key":"k1","lastName":"勤怠","firstName":"花子","gender":"no_selected"}`)
	})
	got, _, err := client.Employees.Get(t.Context(), "A/1", &EmployeesOptions{IncludeResigner: true, Division: "ignored on Get"})
	if err != nil || got.Key != "k1" || got.Gender != "no_selected" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if _, _, err := client.Employees.Get(t.Context(), "", nil); err == nil {
		t.Fatal("Get with no code made no error")
	}
}

func TestDailyWorkingsList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/daily-workings", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testQuery(t, r, url.Values{
			"start": {"2026-10-01"}, "end": {"2026-10-02"}, "division": {"1000"}, "ondivision": {"false"},
			"additionalFields": {"currentDateEmployee"},
		})
		writeJSON(w, 200, `[{"date":"2026-10-01","dailyWorkings":[{"date":"2026-10-01","employeeKey":"k1","workdayTypeName":"法定休日",
			"totalWork":615,"overtime":135,"holidaysObtained":{"fulltimeHoliday":{"code":1,"name":"有休"},"halfdayHolidays":[],
			"hourHolidays":[{"start":"2026-10-01T10:00+09:00","end":"2026-10-01T11:00:00+09:00","minutes":60,"code":"1","name":"有休"}]},
			"customDailyWorkings":[{"code":"dCus1","name":"x","calculationUnitCode":2,"calculationResult":10.5}],
			"currentDateEmployee":{"code":"E1"}}]}]`)
	})
	got, _, err := client.DailyWorkings.List(t.Context(), &RangeOptions{
		Start: model.NewDate(2026, 10, 1), End: model.NewDate(2026, 10, 2), Division: "1000", ByWorkPlace: true,
		AdditionalFields: []string{FieldCurrentDateEmployee},
	})
	if err != nil {
		t.Fatal(err)
	}
	w := got[0].DailyWorkings[0]
	hh := w.HolidaysObtained.HourHolidays[0]
	if w.WorkdayTypeName != "法定休日" || w.TotalWork != 615 || w.HolidaysObtained.FulltimeHoliday.Code != "1" ||
		w.CustomDailyWorkings[0].CalculationResult != 10.5 || w.CurrentDateEmployee.Code != "E1" ||
		hh.Start.Hour() != 10 || hh.End.Hour() != 11 || hh.Code != "1" {
		t.Fatalf("row = %+v", w)
	}
}

func TestTimeRecordsList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/daily-workings/timerecord", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testQuery(t, r, url.Values{"start": {"2026-10-15"}, "end": {"2026-10-15"}, "employeeKeys": {"k1,k2"}})
		writeJSON(w, 200, `[{"date":"2026-10-15","dailyWorkings":[{"date":"2026-10-15","employeeKey":"k1","timeRecord":[
			{"time":"2026-10-15T09:00:00+09:00","code":"1","name":"出勤","divisionCode":"1000","divisionName":"本社","latitude":35.6,"longitude":139.7},
			{"time":"2026-10-16T01:30:00+09:00","code":2,"name":"退勤","divisionCode":"1000","divisionName":"本社","credentialCode":300,"credentialName":"KOTSL"}]}]}]`)
	})
	got, _, err := client.TimeRecords.List(t.Context(), &TimeRecordsOptions{
		RangeOptions: RangeOptions{Start: model.NewDate(2026, 10, 15), End: model.NewDate(2026, 10, 15)},
		EmployeeKeys: []string{"k1", "k2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := got[0].DailyWorkings[0].TimeRecord
	if p[0].Code != PunchClockIn || *p[0].Latitude != 35.6 || p[1].Code != PunchClockOut || p[1].CredentialName != "KOTSL" ||
		!p[1].Time.Equal(time.Date(2026, 10, 16, 1, 30, 0, 0, jst)) {
		t.Fatalf("punches = %+v; want the clock-out code read from a number too", p)
	}
}

func TestTimeRecordsRefusesKeysWithADivisionWithoutARequest(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) { t.Error("a request was made") })
	_, _, err := client.TimeRecords.List(t.Context(), &TimeRecordsOptions{RangeOptions: RangeOptions{Division: "1000"}, EmployeeKeys: []string{"k1"}})
	if err == nil || !strings.Contains(err.Error(), "together") {
		t.Fatalf("err = %v", err)
	}
}

func TestWorkingTypesList(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/working-types", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		writeJSON(w, 200, `[{"code":"1","name":"正社員"}]`)
	})
	got, _, err := client.WorkingTypes.List(t.Context())
	if err != nil || len(got) != 1 || got[0].Code != "1" {
		t.Fatalf("List = %+v, %v", got, err)
	}
}

func TestMonthlyWorkingsHolidayRemainedAsksForAMonth(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/monthly-workings/holiday-remained/{type}/{month}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		if r.PathValue("type") != "1" || r.PathValue("month") != "2026-03" {
			t.Errorf("path = %s; want type 1 and month 2026-03", r.URL.Path)
		}
		writeJSON(w, 200, `[{"date":"2026-03-31","closeDate":31,"employeeKey":"k1","holidayRemained":[{"day":8.5,"minutes":120,"code":1,"name":"有休"}]}]`)
	})
	got, _, err := client.MonthlyWorkings.HolidayRemained(t.Context(), "1", 2026, time.March)
	if err != nil || got[0].HolidayRemained[0].Day != 8.5 || got[0].Date != model.NewDate(2026, 3, 31) {
		t.Fatalf("HolidayRemained = %+v, %v", got, err)
	}
	if _, _, err := client.MonthlyWorkings.HolidayRemained(t.Context(), "", 2026, time.March); err == nil {
		t.Fatal("no working type made no error")
	}
}

func TestRangeRulesAreKeptWithoutARequest(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) { t.Error("a request was made") })
	d := model.NewDate
	for _, tc := range []struct {
		name       string
		start, end model.Date
		says       string
	}{
		{"63 days are refused", d(2026, 1, 1), d(2026, 3, 4), "63 days"},
		{"a start without an end is refused", d(2026, 1, 1), model.Date{}, "together"},
		{"an end before the start is refused", d(2026, 1, 2), d(2026, 1, 1), "before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := client.DailyWorkings.List(t.Context(), &RangeOptions{Start: tc.start, End: tc.end})
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v; want it to say %q", err, tc.says)
			}
		})
	}
}

func TestASeventyDayRangeIsSplitInTwoRequests(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var ranges []string
	var calls atomic.Int32
	mux.HandleFunc("/daily-workings/timerecord", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		q := r.URL.Query()
		ranges = append(ranges, q.Get("start")+".."+q.Get("end"))
		if q.Get("employeeKeys") != "k1" {
			t.Errorf("employeeKeys = %q; want every part to keep it", q.Get("employeeKeys"))
		}
		writeJSON(w, 200, `[{"date":"`+q.Get("start")+`","dailyWorkings":[]}]`)
	})
	start := model.NewDate(2026, 8, 1)
	var dates []model.Date
	for day, err := range client.TimeRecords.ListIter(t.Context(), TimeRecordsOptions{
		RangeOptions: RangeOptions{Start: start, End: start.AddDays(69)}, EmployeeKeys: []string{"k1"},
	}) {
		if err != nil {
			t.Fatal(err)
		}
		dates = append(dates, day.Date)
	}
	if calls.Load() != 2 || ranges[0] != "2026-08-01..2026-10-01" || ranges[1] != "2026-10-02..2026-10-09" {
		t.Fatalf("requests = %v; want 62 days then 8", ranges)
	}
	if len(dates) != 2 || dates[1] != model.NewDate(2026, 10, 2) {
		t.Fatalf("yielded %v; want each part's days in order", dates)
	}
}

func TestDailyWorkingsListIterStopsAtTheFirstError(t *testing.T) {
	t.Parallel()
	client, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("/daily-workings", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 400, `{"errors":[{"message":"bad","code":222}]}`)
	})
	n := 0
	for _, err := range client.DailyWorkings.ListIter(t.Context(), RangeOptions{Start: model.NewDate(2026, 1, 1), End: model.NewDate(2026, 12, 31)}) {
		n++
		if err == nil {
			t.Fatal("want the error")
		}
	}
	if n != 1 || calls.Load() != 1 {
		t.Fatalf("yielded %d times after %d requests; want one error after one request", n, calls.Load())
	}
}

func TestSplitRange(t *testing.T) {
	t.Parallel()
	d := model.NewDate
	for _, tc := range []struct {
		name       string
		start, end model.Date
		want       []Range
	}{
		{"one day is one range", d(2026, 1, 1), d(2026, 1, 1), []Range{{d(2026, 1, 1), d(2026, 1, 1)}}},
		{"62 days are one range", d(2026, 1, 1), d(2026, 3, 3), []Range{{d(2026, 1, 1), d(2026, 3, 3)}}},
		{"63 days are two", d(2026, 1, 1), d(2026, 3, 4), []Range{{d(2026, 1, 1), d(2026, 3, 3)}, {d(2026, 3, 4), d(2026, 3, 4)}}},
		{"an end before the start is none", d(2026, 1, 2), d(2026, 1, 1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := SplitRange(tc.start, tc.end)
			if len(got) != len(tc.want) {
				t.Fatalf("SplitRange = %v; want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("SplitRange = %v; want %v", got, tc.want)
				}
			}
		})
	}
}

func TestTimeReadsBothLayouts(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"2016-05-10T10:00:00+09:00", "2016-05-10T10:00+09:00"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(time.Date(2016, 5, 10, 10, 0, 0, 0, jst)) {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseTime("2016-05-10 10:00"); err == nil {
		t.Error("a time without offset parsed")
	}
	b, err := Time{time.Date(2016, 5, 10, 1, 0, 0, 0, time.UTC)}.MarshalJSON()
	if err != nil || string(b) != `"2016-05-10T10:00:00+09:00"` {
		t.Errorf("MarshalJSON = %s, %v; want seconds in Japan time", b, err)
	}
}
