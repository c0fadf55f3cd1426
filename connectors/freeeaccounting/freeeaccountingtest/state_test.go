package freeeaccountingtest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStateSurvivesARestart(t *testing.T) {
	t.Parallel()
	s := start(t, Options{})
	noViolations(t, s)
	status, tok := refresh(t, s, grant(DefaultRefreshToken))
	if status != 200 {
		t.Fatal(status)
	}
	if status, _, body := api(t, s, http.MethodPost, "/api/1/manual_journals", journalBody{"company_id": 1, "issue_date": "2026-10-07",
		"ref_number": "EXP-1001", "details": []map[string]any{detail("debit", 105001, 136, 1100), detail("credit", 102001, 2, 1100)}}); status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	if err := s.Approve(1008); err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	if err := s.SaveState(&saved); err != nil {
		t.Fatal(err)
	}

	again := start(t, Options{})
	noViolations(t, again)
	if err := again.LoadState(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	if status, _ := refresh(t, again, grant(tok["refresh_token"].(string))); status != 200 {
		t.Errorf("the rotated refresh token after a restart: %d", status)
	}
	if status, _ := refresh(t, again, grant(DefaultRefreshToken)); status != 200 {
		t.Errorf("the options' refresh token after a restart: %d; a demo can start over from its secret", status)
	}
	if j := again.ManualJournals(); len(j) != 1 || j[0].RefNumber != "EXP-1001" {
		t.Errorf("journals %+v", j)
	}
	if a, _ := again.Application(1008); a.Status != "approved" || a.ApprovedAt.IsZero() {
		t.Errorf("claim 1008 = %+v; want approved", a)
	}
	if status, _, body := api(t, again, http.MethodPost, "/api/1/manual_journals", journalBody{"company_id": 1, "issue_date": "2026-10-08",
		"details": []map[string]any{detail("debit", 105001, 136, 1), detail("credit", 102001, 2, 1)}}); status != 201 || !strings.Contains(string(body), `"id":2,`) {
		t.Errorf("the next journal: %d %s; want id 2", status, body)
	}
}

func TestLoadStateRefusesAnotherCompanyOrFormat(t *testing.T) {
	t.Parallel()
	s := New(Options{Year: 2026, Month: time.October, Now: fixedNow})
	for name, saved := range map[string]string{
		"another version": `{"version":9,"company_id":1}`,
		"another company": `{"version":1,"company_id":2}`,
		"unknown claims":  `{"version":1,"company_id":1,"claims":[{"id":5}]}`,
		"not JSON":        `{`,
	} {
		if err := s.LoadState(strings.NewReader(saved)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
