package freee

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/urakata/urakata/shared/model"
)

func TestEmployeesService_ListCompany(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/companies/1234/employees", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"limit": {"2"}, "offset": {"4"}})
		fmt.Fprint(w, `[
			{"id":1001,"num":"E001","display_name":"山田 太郎","entry_date":"2020-04-01","retire_date":null,"user_id":50001,"email":"taro@example.com","payroll_calculation":true,"closing_day":31,"pay_day":25,"month_of_pay_day":"this_month"},
			{"id":1002,"num":"E002","display_name":"佐藤 花子","entry_date":"2021-10-01","retire_date":"2026-03-31","user_id":null,"email":null,"payroll_calculation":true}
		]`)
	})
	got, resp, err := client.Employees.ListCompany(t.Context(), 1234, &ListOptions{Limit: 2, Offset: 4})
	if err != nil {
		t.Fatal(err)
	}
	want := []CompanyEmployee{
		{ID: 1001, Num: "E001", DisplayName: "山田 太郎", EntryDate: model.NewDate(2020, 4, 1), Email: "taro@example.com", PayrollCalculation: true},
		{ID: 1002, Num: "E002", DisplayName: "佐藤 花子", EntryDate: model.NewDate(2021, 10, 1), RetireDate: model.NewDate(2026, 3, 31), PayrollCalculation: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListCompany = %+v; want %+v", got, want)
	}
	if resp.NextOffset != 6 {
		t.Errorf("NextOffset = %d; a full page means the next starts at 6", resp.NextOffset)
	}
}

func TestEmployeesService_ListCompanyIter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		total     int
		wantPages int
	}{
		{"a short last page ends the walk", 237, 3},
		{"a full last page costs one more request that comes back empty", 200, 3},
		{"an empty company is one request", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			client, mux, _ := setup(t)
			var pages atomic.Int32
			mux.HandleFunc("/api/v1/companies/7/employees", func(w http.ResponseWriter, r *http.Request) {
				pages.Add(1)
				limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				if limit != PageLimit {
					t.Errorf("limit = %d; want the largest page, %d", limit, PageLimit)
				}
				page := []CompanyEmployee{}
				for i := offset; i < min(offset+limit, tt.total); i++ {
					page = append(page, CompanyEmployee{ID: int64(i + 1)})
				}
				_ = json.NewEncoder(w).Encode(page)
			})
			var ids []int64
			for e, err := range client.Employees.ListCompanyIter(t.Context(), 7, nil) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, e.ID)
			}
			if len(ids) != tt.total || int(pages.Load()) != tt.wantPages {
				t.Errorf("got %d employees in %d requests; want %d in %d", len(ids), pages.Load(), tt.total, tt.wantPages)
			}
			for i, id := range ids {
				if id != int64(i+1) {
					t.Fatalf("employee %d has id %d: pages overlap or skip", i, id)
				}
			}
		})
	}
}

func TestEmployeesService_ListCompanyIter_stopsEarly(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	var pages atomic.Int32
	mux.HandleFunc("/api/v1/companies/7/employees", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		page := make([]CompanyEmployee, PageLimit)
		_ = json.NewEncoder(w).Encode(page)
	})
	n := 0
	for range client.Employees.ListCompanyIter(t.Context(), 7, nil) {
		if n++; n == 3 {
			break
		}
	}
	if pages.Load() != 1 {
		t.Errorf("pages = %d; breaking out must not fetch further pages", pages.Load())
	}
}

func TestEmployeesService_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/employees", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		offset := r.URL.Query().Get("offset")
		testQuery(t, r, url.Values{"company_id": {"1234"}, "year": {"2026"}, "month": {"10"}, "limit": {"2"}, "offset": {offset}})
		switch offset {
		case "0":
			fmt.Fprint(w, `{"employees":[{"id":1,"company_id":1234,"num":"E1","display_name":"a","entry_date":"2020-04-01","retire_date":null,"payroll_calculation":true,"bank_account_rule":{"account_number":"1234567"}},{"id":2,"num":"E2"}],"total_count":3}`)
		case "2":
			fmt.Fprint(w, `{"employees":[{"id":3,"num":"E3"}],"total_count":3}`)
		default:
			t.Errorf("unexpected offset %s", offset)
		}
	})
	opts := EmployeesListOptions{CompanyID: 1234, Year: 2026, Month: 10, ListOptions: ListOptions{Limit: 2}}
	page, resp, err := client.Employees.List(t.Context(), &opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Num != "E1" || page[0].CompanyID != 1234 || !page[0].PayrollCalculation || resp.NextOffset != 2 {
		t.Errorf("first page = %+v, next %d", page, resp.NextOffset)
	}
	var nums []string
	for e, err := range client.Employees.ListIter(t.Context(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		nums = append(nums, e.Num)
	}
	if !reflect.DeepEqual(nums, []string{"E1", "E2", "E3"}) {
		t.Errorf("ListIter = %v; total_count should end the walk after E3", nums)
	}
}
