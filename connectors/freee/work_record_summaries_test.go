package freee

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"

	urakata "github.com/urakata/urakata"
	"github.com/urakata/urakata/shared/model"
)

func TestWorkRecordSummariesService_Get(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/10", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"company_id": {"1234"}, "work_records": {"true"}})
		fmt.Fprint(w, `{"year":2026,"month":10,"start_date":"2026-10-01","end_date":"2026-10-31",
			"work_days":21.5,"total_work_mins":10080,"total_normal_work_mins":9600,"total_excess_statutory_work_mins":60,
			"total_overtime_except_normal_work_mins":360,"total_overtime_within_normal_work_mins":0,
			"total_prescribed_holiday_work_mins":240,"total_holiday_work_mins":360,"total_latenight_work_mins":90,
			"num_absences":1,"num_paid_holidays":1.5,"num_paid_holidays_left":8,"num_special_holidays_used":0,
			"total_lateness_and_early_leaving_mins":25,"total_shortage_work_mins":null,
			"work_records":[{"date":"2026-10-01","day_pattern":"normal_day","is_absence":false}]}`)
	})
	got, _, err := client.WorkRecordSummaries.Get(t.Context(), 1001, 2026, 10, &WorkRecordSummaryOptions{CompanyID: 1234, WorkRecords: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.WorkDays != 2150 || got.NumPaidHolidays != 150 || got.TotalWorkMins != 10080 || got.StartDate != model.NewDate(2026, 10, 1) || len(got.WorkRecords) != 1 {
		t.Errorf("summary = %+v", got)
	}
	if got.NumPaidHolidaysLeft == nil || *got.NumPaidHolidaysLeft != 800 || got.NumPaidHolidaysAndHoursLeft != nil {
		t.Errorf("paid leave left = %v, split %v; want 8 days and no split (freee sent none)", got.NumPaidHolidaysLeft, got.NumPaidHolidaysAndHoursLeft)
	}
}

func TestWorkRecordSummariesService_Update(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	var sent map[string]any
	mux.HandleFunc("/api/v1/employees/1001/work_record_summaries/2026/10", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPut)
		testAuthorized(t, r)
		testHeader(t, r, "Content-Type", "application/json")
		testQuery(t, r, url.Values{})
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &sent); err != nil {
			t.Errorf("body is not JSON: %v", err)
		}
		fmt.Fprint(w, `{"year":2026,"month":10,"work_days":20.5}`)
	})
	body := &WorkRecordSummaryUpdate{CompanyID: 1234, WorkDays: 2050, TotalWorkMins: 9840}
	got, _, err := client.WorkRecordSummaries.Update(t.Context(), 1001, 2026, 10, body)
	if err != nil {
		t.Fatal(err)
	}
	if got.WorkDays != 2050 {
		t.Errorf("answer = %+v", got)
	}
	if sent["work_days"] != 20.5 || sent["company_id"] != 1234.0 || sent["total_work_mins"] != 9840.0 {
		t.Errorf("sent %v", sent)
	}
	if missing := missingSummaryFields(t, sent); len(missing) > 0 {
		t.Errorf("the PUT omits %v, which freee would set to 0", missing)
	}
}

// missingSummaryFields lists the properties of hr.json's summary PUT body that body lacks.
func missingSummaryFields(t *testing.T, body map[string]any) []string {
	t.Helper()
	raw, err := urakata.VendorAPI("freee/hr.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	props := spec.Components.Schemas["ApiV1EmployeesWorkRecordSummaryController.update_body"].Properties
	if len(props) == 0 {
		t.Fatal("hr.json has no summary update body")
	}
	var missing []string
	for name := range props {
		if _, ok := body[name]; !ok {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	return missing
}
