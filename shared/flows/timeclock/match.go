package timeclock

import (
	"context"
	"fmt"
	"strings"

	"github.com/urakata/urakata/shared/model"
)

// Matcher finds the target system's record of a source employee. A plan calls Match from
// several goroutines at once (employees.Each).
type Matcher interface {
	// Match returns the target's employee (its IDs filled for the target connection) or an
	// error that names the employee by code and source id only.
	Match(emp model.Employee) (model.Employee, error)
}

// sameSystem is the matcher when source and target are one connection: ids are shared.
type sameSystem struct{}

func (sameSystem) Match(emp model.Employee) (model.Employee, error) {
	return model.Employee{IDs: emp.IDs, Code: emp.Code}, nil
}

// index matches by employee code, then by email, after applying overrides (source code →
// target code). It holds only codes, emails and ids of the target's employees.
type index struct {
	source, target string
	byCode         map[string]string
	byEmail        map[string]string
	// codeOf is the target's code of a target id, so that a summary carries the code payroll
	// knows the person by, not the source's.
	codeOf    map[string]string
	overrides map[string]string
	order     []string // "code", "email"
}

func (x *index) Match(emp model.Employee) (model.Employee, error) {
	code := emp.Code
	if o, ok := x.overrides[code]; ok {
		code = o
	}
	for _, by := range x.order {
		var id string
		switch by {
		case "code":
			id = x.byCode[code]
		case "email":
			id = x.byEmail[strings.ToLower(emp.Email)]
		}
		if id != "" {
			return model.Employee{IDs: map[string]string{x.target: id}, Code: x.codeOf[id]}, nil
		}
	}
	return model.Employee{}, fmt.Errorf("employee %s (id %s at %s) has no match at %s by %s; add an override under mapping.overrides",
		orDash(emp.Code), emp.ID(x.source), x.source, x.target, strings.Join(x.order, " or "))
}

func orDash(s string) string {
	if s == "" {
		return "with no code"
	}
	return s
}

// matcher builds the run's matcher: sameSystem, or an index of the target's employees.
func (f *Flow) matcher(ctx context.Context, period model.PayPeriod) (Matcher, error) {
	if f.sourceConn == f.targetConn {
		return sameSystem{}, nil
	}
	if f.targetLister == nil {
		return nil, fmt.Errorf("target %s cannot list employees, so employees of %s cannot be matched to it", f.targetConn, f.sourceConn)
	}
	x := &index{source: f.sourceConn, target: f.targetConn, byCode: map[string]string{}, byEmail: map[string]string{},
		codeOf: map[string]string{}, overrides: f.overrides, order: f.matchOrder}
	for emp, err := range f.targetLister.Employees(ctx, period) {
		if err != nil {
			return nil, fmt.Errorf("list employees of %s for matching: %w", f.targetConn, err)
		}
		id := emp.ID(f.targetConn)
		x.codeOf[id] = emp.Code
		if emp.Code != "" {
			x.byCode[emp.Code] = id
		}
		if emp.Email != "" {
			x.byEmail[strings.ToLower(emp.Email)] = id
		}
	}
	return x, nil
}
