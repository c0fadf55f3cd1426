package kingoftimetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// noon is a time outside the restricted hours: 12:00 in Japan on a Monday of the demo month.
var noon = time.Date(2026, 11, 2, 12, 0, 0, 0, jst)

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// start runs a sandbox for October 2026 at noon (unless opts say otherwise) and, at the end
// of the test, fails it on any response that broke the description. Requests the test
// breaks on purpose are its own to check.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Year == 0 {
		opts.Year, opts.Month = 2026, time.October
	}
	if opts.Employees == 0 && opts.People == nil {
		opts.Employees = 10
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return noon }
	}
	srv := New(opts)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		for _, v := range srv.Violations() {
			if v.Side == ResponseSide {
				t.Errorf("sandbox: %s", v)
			}
		}
	})
	return srv
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// kotError is the first error of either of KOT's error shapes.
func (a answer) kotError(t *testing.T) (code int, msg string) {
	t.Helper()
	var doc struct {
		Errors []struct {
			Message string `json:"message"`
			Code    int    `json:"code"`
		} `json:"errors"`
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	a.decode(t, &doc)
	if len(doc.Errors) > 0 {
		return doc.Errors[0].Code, doc.Errors[0].Message
	}
	n := 0
	for _, r := range doc.Code {
		n = n*10 + int(r-'0')
	}
	return n, doc.Message
}

// do sends a request with the default token (token "" sends none) and reads the answer.
func do(t *testing.T, srv *Server, method, path, token string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.BaseURL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

func get(t *testing.T, srv *Server, path string) answer {
	t.Helper()
	return do(t, srv, http.MethodGet, path, DefaultToken, nil)
}

// Wire shapes the tests read.
type wireEmployee struct {
	Key            string   `json:"key"`
	Code           string   `json:"code"`
	EmailAddresses []string `json:"emailAddresses"`
	HiredDate      string   `json:"hiredDate"`
	TypeCode       string   `json:"typeCode"`
	DivisionCode   string   `json:"divisionCode"`
}

type wireDailyWorking struct {
	Date             string `json:"date"`
	EmployeeKey      string `json:"employeeKey"`
	WorkdayTypeName  string `json:"workdayTypeName"`
	Overtime         int    `json:"overtime"`
	LateNight        int    `json:"lateNight"`
	TotalWork        int    `json:"totalWork"`
	BreakTime        int    `json:"breakTime"`
	Late             int    `json:"late"`
	HolidaysObtained struct {
		FulltimeHoliday *struct {
			Code int    `json:"code"`
			Name string `json:"name"`
		} `json:"fulltimeHoliday"`
		HalfdayHolidays []struct {
			TypeName string `json:"typeName"`
			Code     int    `json:"code"`
		} `json:"halfdayHolidays"`
	} `json:"holidaysObtained"`
	CurrentDateEmployee *wireEmployee `json:"currentDateEmployee"`
}

type wirePunch struct {
	Time string `json:"time"`
	Code string `json:"code"`
	Name string `json:"name"`
}

type wirePunches struct {
	Date        string      `json:"date"`
	EmployeeKey string      `json:"employeeKey"`
	TimeRecord  []wirePunch `json:"timeRecord"`
}

type wireDay[T any] struct {
	Date          string `json:"date"`
	DailyWorkings []T    `json:"dailyWorkings"`
}

// byProfile returns the first employee of the profile.
func byProfile(t *testing.T, srv *Server, p Profile) Employee {
	t.Helper()
	for _, e := range srv.Employees() {
		if e.Profile == p {
			return e
		}
	}
	t.Fatalf("no employee of profile %s", p)
	return Employee{}
}
