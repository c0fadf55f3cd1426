package timeclock_test

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/timeclock"
	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
	"github.com/urakata/urakata/shared/payroll"
)

var tokyo = payroll.JST

// date reads "2006-01-02"; test data only, so a typo panics.
func date(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// at returns the instant hh:mm on the business date in Tokyo.
func at(day, hhmm string) time.Time {
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
		panic(err)
	}
	d := date(day)
	return time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, tokyo)
}

// shift is a day of kind punched in and out, with breaks written "12:00-13:00". An empty
// out is a missing clock-out.
func shift(kind model.DayKind, day, in, out string, breaks ...string) model.AttendanceDay {
	d := model.AttendanceDay{Date: date(day), Kind: kind, ClockIn: at(day, in)}
	if out != "" {
		d.ClockOut = at(day, out)
	}
	for _, b := range breaks {
		from, to, _ := strings.Cut(b, "-")
		d.Breaks = append(d.Breaks, model.Interval{Start: at(day, from), End: at(day, to)})
	}
	return d
}

func leave(day string, kind model.LeaveKind, days model.Days) model.AttendanceDay {
	return model.AttendanceDay{Date: date(day), Kind: model.Workday, Leave: kind, LeaveDays: days}
}

// fakeSource is a time clock in memory. Like a real one, Attendance returns only the days
// inside the period asked for.
type fakeSource struct {
	employees []model.Employee
	// listErr, if set, is yielded after listErrAfter employees.
	listErr      error
	listErrAfter int
	days         map[string][]model.AttendanceDay // by the employee's id at conn
	readErr      map[string]error
	conn         string

	mu    sync.Mutex
	asked []model.PayPeriod
}

var _ hub.AttendanceSource = (*fakeSource)(nil)

func (s *fakeSource) Employees(_ context.Context, _ model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		for i, e := range s.employees {
			if s.listErr != nil && i == s.listErrAfter {
				yield(model.Employee{}, s.listErr)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if s.listErr != nil && s.listErrAfter >= len(s.employees) {
			yield(model.Employee{}, s.listErr)
		}
	}
}

func (s *fakeSource) Attendance(_ context.Context, emp model.Employee, p model.PayPeriod) ([]model.AttendanceDay, error) {
	s.mu.Lock()
	s.asked = append(s.asked, p)
	s.mu.Unlock()
	id := emp.ID(s.conn)
	if err := s.readErr[id]; err != nil {
		return nil, err
	}
	var out []model.AttendanceDay
	for _, d := range s.days[id] {
		if p.Contains(d.Date) {
			d.EmployeeID = id
			out = append(out, d)
		}
	}
	return out, nil
}

// fakeTarget is a payroll system in memory, keyed by its own employee id and the period.
type fakeTarget struct {
	conn string

	mu      sync.Mutex
	held    map[string]model.WorkSummary
	puts    []model.Employee
	putErr  error
	getErr  error
	getSeen []model.Employee
}

var _ hub.WorkSummaryTarget = (*fakeTarget)(nil)

func newTarget(conn string) *fakeTarget {
	return &fakeTarget{conn: conn, held: map[string]model.WorkSummary{}}
}

func (t *fakeTarget) key(emp model.Employee, p model.PayPeriod) string {
	return emp.ID(t.conn) + "/" + p.Label()
}

func (t *fakeTarget) PutWorkSummary(_ context.Context, emp model.Employee, s model.WorkSummary) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.puts = append(t.puts, emp)
	if t.putErr != nil {
		return "", t.putErr
	}
	t.held[t.key(emp, s.Period)] = s
	return "summary:" + t.key(emp, s.Period), nil
}

func (t *fakeTarget) GetWorkSummary(_ context.Context, emp model.Employee, p model.PayPeriod) (model.WorkSummary, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.getSeen = append(t.getSeen, emp)
	if t.getErr != nil {
		return model.WorkSummary{}, false, t.getErr
	}
	s, ok := t.held[t.key(emp, p)]
	return s, ok, nil
}

// listingTarget is a payroll target that also lists its employees, for matching.
type listingTarget struct {
	*fakeTarget
	employees []model.Employee
	listErr   error
}

func (t *listingTarget) Employees(context.Context, model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		if t.listErr != nil {
			yield(model.Employee{}, t.listErr)
			return
		}
		for _, e := range t.employees {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// lossyTarget hands back the paid leave as zero, as some payroll APIs do, and says so.
type lossyTarget struct{ *fakeTarget }

func (t lossyTarget) GetWorkSummary(ctx context.Context, emp model.Employee, p model.PayPeriod) (model.WorkSummary, bool, error) {
	s, ok, err := t.fakeTarget.GetWorkSummary(ctx, emp, p)
	s.PaidLeaveDays = 0
	return s, ok, err
}

func (lossyTarget) Comparable(s model.WorkSummary) model.WorkSummary {
	s.PaidLeaveDays = 0
	return s
}

// flowConfig is the hub.yaml flow of the tests: 末締め, 8 prescribed hours, weeks from Sunday.
func flowConfig(source, target string) config.Flow {
	return config.Flow{
		Name: "timeclock", Type: timeclock.TypeName, Source: source, Target: target,
		Period: &config.Period{ClosingDay: 0, PrescribedDailyMinutes: 480},
	}
}

// build makes the flow through timeclock.New, with the clock pinned to now.
func build(t *testing.T, cfg config.Flow, src, dst any, now time.Time) *timeclock.Flow {
	t.Helper()
	f, err := timeclock.New(hub.FlowEnv{
		Config: cfg, Source: src, Target: dst, Zone: tokyo,
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatalf("timeclock.New: %v", err)
	}
	return f.(*timeclock.Flow)
}

// plan runs Plan for period and returns the items it emitted.
func plan(t *testing.T, f *timeclock.Flow, period string) ([]hub.Item, error) {
	t.Helper()
	var items []hub.Item
	_, err := f.Plan(t.Context(), hub.Run{ID: "run-1", Job: hub.Job{Flow: "timeclock", Period: period}}, func(it hub.Item) error {
		items = append(items, it)
		return nil
	})
	return items, err
}

// delivery turns an item into the delivery the worker would get.
func delivery(t *testing.T, it hub.Item) hub.Delivery {
	t.Helper()
	d, err := hub.NewDelivery("timeclock", "payroll", it.NaturalKey, "run-1", it.Payload, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return d
}
