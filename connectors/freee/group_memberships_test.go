package freee

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/urakata/urakata/shared/fault"
	"github.com/urakata/urakata/shared/model"
)

func TestGroupMembershipsService_List(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/employee_group_memberships", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{"company_id": {"1234"}, "base_date": {"2026-10-31"}, "employee_ids": {"1001,1002"},
			"with_no_payroll_calculation": {"true"}, "limit": {"100"}, "offset": {"0"}})
		fmt.Fprint(w, `{"employee_group_memberships":[
			{"id":1001,"num":"E1","display_name":"山田 太郎","entry_date":"2020-04-01","retire_date":null,"user_id":1,"login_email":"a@example.com",
			 "birth_date":"1990-01-01","gender":"male","payroll_calculation":true,"group_memberships":[
				{"start_date":"2020-04-01","end_date":null,"boss_id":null,"main_duty":"sub_duty","group_id":11,"group_code":"CS","group_name":"カスタマーサクセス部","level":2,
				 "position_id":null,"position_code":null,"position_name":null,"parent_group_id":1,"parent_group_code":"HQ","parent_group_name":"本社"},
				{"start_date":"2024-10-01","main_duty":"main_duty","group_id":10,"group_code":"SALES","group_name":"営業部","level":1}
			]},
			{"id":1002,"num":"E2","payroll_calculation":false,"group_memberships":[]}
		],"total_count":2}`)
	})
	got, resp, err := client.GroupMemberships.List(t.Context(), &GroupMembershipsListOptions{
		CompanyID: 1234, BaseDate: model.NewDate(2026, 10, 31), EmployeeIDs: []int64{1001, 1002}, WithNoPayrollCalculation: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []EmployeeGroupMemberships{
		{ID: 1001, Num: "E1", PayrollCalculation: true, GroupMemberships: []GroupMembership{
			{StartDate: model.NewDate(2020, 4, 1), MainDuty: SubDuty, GroupID: 11, GroupCode: "CS", GroupName: "カスタマーサクセス部", Level: 2},
			{StartDate: model.NewDate(2024, 10, 1), MainDuty: MainDuty, GroupID: 10, GroupCode: "SALES", GroupName: "営業部", Level: 1},
		}},
		{ID: 1002, Num: "E2", GroupMemberships: []GroupMembership{}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List = %+v\nwant %+v", got, want)
	}
	if resp.NextOffset != 0 {
		t.Errorf("NextOffset = %d; total_count 2 means this was the last page", resp.NextOffset)
	}
}

func TestGroupMembershipsService_ListIter(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	const total = 237
	var pages atomic.Int32
	mux.HandleFunc("/api/v1/employee_group_memberships", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		q := r.URL.Query()
		if q.Get("employee_ids") != "" || q.Get("base_date") != "2026-10-31" || q.Get("limit") != "100" {
			t.Errorf("query = %v; want the whole company on 2026-10-31, 100 a page", q)
		}
		offset, _ := strconv.Atoi(q.Get("offset"))
		page := groupMembershipsPage{TotalCount: total, Memberships: []EmployeeGroupMemberships{}}
		for i := offset; i < min(offset+PageLimit, total); i++ {
			page.Memberships = append(page.Memberships, EmployeeGroupMemberships{ID: int64(i + 1)})
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	var ids []int64
	for m, err := range client.GroupMemberships.ListIter(t.Context(), GroupMembershipsListOptions{CompanyID: 7, BaseDate: model.NewDate(2026, 10, 31)}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if len(ids) != total || pages.Load() != 3 {
		t.Errorf("got %d employees in %d requests; want %d in 3, total_count ending the walk", len(ids), pages.Load(), total)
	}
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("employee %d has id %d: pages overlap or skip", i, id)
		}
	}
}

func TestGroupMembershipsService_List_errors(t *testing.T) {
	t.Parallel()
	t.Run("no base date is refused without a request", func(t *testing.T) {
		t.Parallel()
		client, _, _ := setup(t)
		for _, opts := range []*GroupMembershipsListOptions{nil, {CompanyID: 1234}} {
			if _, _, err := client.GroupMemberships.List(t.Context(), opts); err == nil || !strings.Contains(err.Error(), "base_date") {
				t.Errorf("List(%+v) = %v; want an error naming base_date", opts, err)
			}
		}
	})
	t.Run("more ids than employee_ids holds are refused without a request", func(t *testing.T) {
		t.Parallel()
		client, _, _ := setup(t)
		ids := make([]int64, 1000)
		for i := range ids {
			ids[i] = int64(10000000 + i)
		}
		_, _, err := client.GroupMemberships.List(t.Context(), &GroupMembershipsListOptions{CompanyID: 1234, BaseDate: model.NewDate(2026, 10, 31), EmployeeIDs: ids})
		if err == nil || !strings.Contains(err.Error(), "8192") || !strings.Contains(err.Error(), "1000 employee ids") {
			t.Errorf("err = %v; want one that gives the count and freee's limit", err)
		}
	})
	t.Run("freee's refusal is Permanent with its message", func(t *testing.T) {
		t.Parallel()
		client, mux, _ := setup(t)
		mux.HandleFunc("/api/v1/employee_group_memberships", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 403, map[string]any{"error": "access_denied", "message": "このAPIにアクセスしたい場合、事業所の管理者にご確認ください。", "code": "user_do_not_have_permission"})
		})
		_, _, err := client.GroupMemberships.List(t.Context(), &GroupMembershipsListOptions{CompanyID: 1234, BaseDate: model.NewDate(2026, 10, 31)})
		if !fault.IsPermanent(err) || !strings.Contains(err.Error(), "管理者") || !strings.Contains(err.Error(), "2026-10-31") {
			t.Errorf("err = %v; want Permanent with freee's message and the base date", err)
		}
	})
}

func TestEmployeeGroupMemberships_MainGroup(t *testing.T) {
	t.Parallel()
	sales := GroupMembership{MainDuty: MainDuty, GroupName: "営業部"}
	dev := GroupMembership{MainDuty: SubDuty, GroupName: "開発部"}
	admin := GroupMembership{MainDuty: DutyUnspecified, GroupName: "管理部"}
	tests := []struct {
		name   string
		groups []GroupMembership
		want   string
		wantOK bool
	}{
		{"the group marked main is the main one, wherever it is listed", []GroupMembership{dev, sales}, "営業部", true},
		{"a single group marked neither way is the main one", []GroupMembership{admin}, "管理部", true},
		{"a single sub duty is not a main group", []GroupMembership{dev}, "", false},
		{"several groups with none marked main give none", []GroupMembership{admin, dev}, "", false},
		{"no group gives none", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, ok := EmployeeGroupMemberships{GroupMemberships: tt.groups}.MainGroup()
			if g.GroupName != tt.want || ok != tt.wantOK {
				t.Errorf("MainGroup = %q, %v; want %q, %v", g.GroupName, ok, tt.want, tt.wantOK)
			}
		})
	}
}
