package employees_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urakata/urakata/shared/flows/internal/employees"
	"github.com/urakata/urakata/shared/model"
)

// staff is a source of n employees coded 0 to n-1 that fails with err instead of employee
// failAfter when err is set.
type staff struct {
	n         int
	err       error
	failAfter int
}

func (s staff) Employees(context.Context, model.PayPeriod) iter.Seq2[model.Employee, error] {
	return func(yield func(model.Employee, error) bool) {
		for i := range s.n {
			if s.err != nil && i == s.failAfter {
				yield(model.Employee{}, s.err)
				return
			}
			if !yield(model.Employee{Code: strconv.Itoa(i)}, nil) {
				return
			}
		}
	}
}

var october = model.PayPeriod{Year: 2026, Month: time.October, Start: model.NewDate(2026, time.October, 1), End: model.NewDate(2026, time.October, 31)}

// codes returns "0" to "n-1".
func codes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

func TestResultsComeOutInTheSourcesOrderWhateverEachReadTakes(t *testing.T) {
	t.Parallel()
	var got []string
	err := employees.Each(t.Context(), staff{n: 30}, "hr", october, func(_ context.Context, emp model.Employee) string {
		// Later employees are read faster, so they finish first.
		i, _ := strconv.Atoi(emp.Code)
		time.Sleep(time.Duration(30-i) * 100 * time.Microsecond)
		return emp.Code
	}, func(code string) error {
		got = append(got, code)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, codes(30)) {
		t.Errorf("emitted %v; want every employee in the source's order", got)
	}
}

func TestReadsRunSeveralAtOnceAndNoMoreThanTheBound(t *testing.T) {
	t.Parallel()
	var started, inFlight, most atomic.Int32
	// The first Readers reads wait for one another: they pass only if they overlap.
	release := make(chan struct{})
	var got []string
	err := employees.Each(t.Context(), staff{n: 40}, "hr", october, func(_ context.Context, emp model.Employee) string {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		if started.Add(1) == employees.Readers {
			close(release)
		}
		select {
		case <-release:
			return emp.Code
		case <-time.After(10 * time.Second):
			return "the reads did not overlap"
		}
	}, func(code string) error {
		got = append(got, code)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, codes(40)) {
		t.Errorf("emitted %v; want every employee, in order", got)
	}
	// Readers futures wait in line while the one being emitted is read too.
	if m := most.Load(); m < employees.Readers || m > employees.Readers+1 {
		t.Errorf("at most %d reads at once; want %d to %d", m, employees.Readers, employees.Readers+1)
	}
}

func TestAnEmitErrorStopsEverythingAndIsReturnedAsIs(t *testing.T) {
	t.Parallel()
	errQueue := errors.New("queue full")
	var reads, emits atomic.Int32
	var mu sync.Mutex
	var cancelled int
	err := employees.Each(t.Context(), staff{n: 1000}, "hr", october, func(ctx context.Context, emp model.Employee) string {
		reads.Add(1)
		if emp.Code != "0" {
			// Reads after the first wait to see whether Each gives up on them.
			select {
			case <-ctx.Done():
				mu.Lock()
				cancelled++
				mu.Unlock()
			case <-time.After(10 * time.Second):
			}
		}
		return emp.Code
	}, func(string) error {
		emits.Add(1)
		return errQueue
	})
	if !errors.Is(err, errQueue) || err.Error() != errQueue.Error() {
		t.Errorf("Each = %v; want the emit error as is", err)
	}
	if emits.Load() != 1 {
		t.Errorf("%d emits; want none after the one that failed", emits.Load())
	}
	if n := reads.Load(); n > employees.Readers+2 {
		t.Errorf("%d employees read after emit failed at the first; want the listing stopped", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if cancelled != int(reads.Load())-1 {
		t.Errorf("%d of the %d reads in flight saw their context cancelled; want all", cancelled, reads.Load()-1)
	}
}

func TestAListingErrorComesAfterTheEmployeesListedBeforeIt(t *testing.T) {
	t.Parallel()
	var got []string
	err := employees.Each(t.Context(), staff{n: 5, err: errors.New("page 2: HTTP 503"), failAfter: 3}, "freee-hr", october,
		func(_ context.Context, emp model.Employee) string { return emp.Code },
		func(code string) error { got = append(got, code); return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "list employees of freee-hr: ") || !strings.Contains(err.Error(), "HTTP 503") {
		t.Errorf("Each = %v; want the listing error, naming the connection", err)
	}
	if !slices.Equal(got, codes(3)) {
		t.Errorf("emitted %v before the error; want the 3 employees listed before it", got)
	}
}

func TestAnEndedContextIsAnErrorNotAShortList(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	var emitted int
	err := employees.Each(ctx, staff{n: 1000}, "hr", october, func(ctx context.Context, emp model.Employee) error {
		if emp.Code == "2" {
			cancel()
		}
		return ctx.Err()
	}, func(error) error { emitted++; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Each = %v after %d emits; want context.Canceled, since not every employee was read", err, emitted)
	}
}

func Example() {
	src := staff{n: 3}
	_ = employees.Each(context.Background(), src, "hr", october,
		func(_ context.Context, emp model.Employee) string { return "read " + emp.Code },
		func(s string) error { fmt.Println(s); return nil })
	// Output:
	// read 0
	// read 1
	// read 2
}
