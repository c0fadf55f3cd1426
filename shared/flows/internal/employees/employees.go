// Package employees reads the employees of an attendance source one by one, a few at a
// time, for the flows that compute something per employee of a pay period
// (timeclock-to-payroll, overtime-watch).
package employees

import (
	"context"
	"fmt"

	"github.com/urakata/urakata/shared/hub"
	"github.com/urakata/urakata/shared/model"
)

// Readers is how many employees Each reads at once: enough to hide each request's latency,
// while the connection's limiter still bounds the rate.
const Readers = 8

// Each lists the employees of src (connection conn) on the payroll in period, calls read for
// each, up to Readers at once, and hands each result to emit in the order src listed the
// employees, so a plan's items come out as they would one at a time.
//
// read must put what goes wrong for one employee in its result, so that the others still
// go on; it is called with a context that is cancelled when Each stops early. Each returns
// the first error of emit as is (read and emit then stop), a listing error as "list
// employees of <conn>: …" after the employees listed before it were emitted, or ctx's
// error when ctx ended before every listed employee was read.
func Each[T any](ctx context.Context, src hub.EmployeeSource, conn string, period model.PayPeriod,
	read func(ctx context.Context, emp model.Employee) T, emit func(T) error) error {
	work, cancel := context.WithCancel(ctx)
	defer cancel()
	// Each listed employee gets a future; at most Readers of them wait in line.
	futures := make(chan chan T, Readers)
	var (
		listErr error
		listed  bool // the listing ran to its end
	)
	go func() {
		defer close(futures)
		for emp, err := range src.Employees(work, period) {
			if err != nil {
				listErr = fmt.Errorf("list employees of %s: %w", conn, err)
				return
			}
			fut := make(chan T, 1)
			select {
			case futures <- fut:
			case <-work.Done():
				return
			}
			go func() { fut <- read(work, emp) }()
		}
		listed = true
	}()
	var emitErr error
	for fut := range futures {
		res := <-fut
		if emitErr != nil {
			continue // drain what is in flight
		}
		if err := emit(res); err != nil {
			emitErr = err
			cancel()
		}
	}
	switch {
	case emitErr != nil:
		return emitErr
	case listErr != nil:
		return listErr
	case !listed:
		// The listing stopped on ctx without an error of its own: not every employee was
		// read.
		return ctx.Err()
	}
	return nil
}
