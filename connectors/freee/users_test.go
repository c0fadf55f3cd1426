package freee

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"testing"
)

func TestUsersService_Me(t *testing.T) {
	t.Parallel()
	client, mux, _ := setup(t)
	mux.HandleFunc("/api/v1/users/me", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testAuthorized(t, r)
		testQuery(t, r, url.Values{})
		fmt.Fprint(w, `{"id":40001,"companies":[{"id":1234,"name":"デモ株式会社","role":"company_admin","external_cid":"0123456789","employee_id":null,"display_name":null}]}`)
	})
	me, resp, err := client.Users.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &Me{ID: 40001, Companies: []UserCompany{{ID: 1234, Name: "デモ株式会社", Role: "company_admin"}}}
	if !reflect.DeepEqual(me, want) {
		t.Errorf("Me = %+v; want %+v", me, want)
	}
	if resp.StatusCode != http.StatusOK || resp.NextOffset != 0 {
		t.Errorf("response = %d, next %d", resp.StatusCode, resp.NextOffset)
	}
}
