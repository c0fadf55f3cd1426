package freeetest

import (
	"fmt"
	"math"
)

// SetDepartment moves an employee to department d (部門) on every date, as an admin editing
// their 所属 would; the zero Department takes them out of every group, so that
// employee_group_memberships lists them with none. Employee and Employees show the change.
func (s *Server) SetDepartment(employeeID int, d Department) error {
	if _, ok := s.co.employee(employeeID); !ok {
		return fmt.Errorf("freeetest: set department: no employee %d", employeeID)
	}
	if d != (Department{}) && (d.ID <= 0 || d.ID > math.MaxInt32 || d.Name == "") {
		return fmt.Errorf("freeetest: set department of employee %d: want an ID in 1..%d and a Name, or the zero Department for none",
			employeeID, math.MaxInt32)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.departments[employeeID] = d
	return nil
}

// withDepartment returns e with the department SetDepartment gave it, if any.
func (s *Server) withDepartment(e Employee) Employee {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.departments[e.ID]; ok {
		e.Department = d
	}
	return e
}
