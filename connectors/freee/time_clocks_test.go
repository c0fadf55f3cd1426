package freee

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/model"
)

func TestTimeClocksService_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/employees/1001/time_clocks", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"company_id": {"1234"}, "from_date": {"2026-09-28"}, "to_date": {"2026-10-31"}, "limit": {"100"}, "offset": {"0"}})
		fmt.Fprint(w, `[
			{"id":1,"date":"2026-10-30","type":"clock_in","datetime":"2026-10-30T22:00:00.000+09:00","original_datetime":"2026-10-30T22:00:00.000+09:00","note":""},
			{"id":2,"date":"2026-10-30","type":"clock_out","datetime":"2026-10-31T02:30:00.000+09:00"}
		]`)
	})
	opts := &TimeClocksListOptions{CompanyID: 1234, FromDate: model.NewDate(2026, 9, 28), ToDate: model.NewDate(2026, 10, 31)}
	got, resp, err := client.TimeClocks.List(t.Context(), 1001, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || resp.NextOffset != 0 {
		t.Fatalf("got %d punches, next %d; want 2 and no next page", len(got), resp.NextOffset)
	}
	out := got[1]
	if out.Date != model.NewDate(2026, 10, 30) || out.Type != ClockOut {
		t.Errorf("punch = %+v; the clock-out after midnight stays filed under the 30th", out)
	}
	if _, off := out.Datetime.Zone(); off != 9*3600 || !out.Datetime.Equal(time.Date(2026, 10, 30, 17, 30, 0, 0, time.UTC)) {
		t.Errorf("datetime = %v; want 02:30 on the 31st at +09:00", out.Datetime)
	}
}

func TestTimeClocksService_ListIter(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	const total = 150
	mux.HandleFunc("/api/v1/employees/9/time_clocks", func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		page := []TimeClock{}
		for i := offset; i < min(offset+PageLimit, total); i++ {
			page = append(page, TimeClock{ID: int64(i), Type: ClockIn})
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	n := 0
	for tc, err := range client.TimeClocks.ListIter(t.Context(), 9, TimeClocksListOptions{CompanyID: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		if tc.ID != int64(n) {
			t.Fatalf("punch %d has id %d", n, tc.ID)
		}
		n++
	}
	if n != total {
		t.Errorf("walked %d punches; want %d", n, total)
	}
}

func TestTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"RFC 3339 keeps its offset", `"2026-10-01T09:00:00.000+09:00"`, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"UTC stays UTC", `"2026-10-01T00:00:00Z"`, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"a time without offset is Japan time", `"2026-10-01 09:00:00"`, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{"null is zero", `null`, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ts Timestamp
			if err := json.Unmarshal([]byte(tt.in), &ts); err != nil {
				t.Fatal(err)
			}
			if !ts.Equal(tt.want) {
				t.Errorf("got %v; want %v", ts.Time, tt.want)
			}
		})
	}
	var ts Timestamp
	if err := json.Unmarshal([]byte(`"yesterday"`), &ts); err == nil {
		t.Error("a non-time string must be an error")
	}
}
