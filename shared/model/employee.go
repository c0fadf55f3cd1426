package model

import "log/slog"

// Employee is a person on the payroll, as every system knows them. IDs holds each system's
// own id, keyed by the hub.yaml connection name; Code (社員番号) and then Email are what match
// the same person across systems.
type Employee struct {
	// IDs maps a connection name (e.g. "freee-hr") to that system's id for this person.
	IDs map[string]string `json:"ids"`
	// Code is the employee code (社員番号), the first key for matching across systems.
	Code string `json:"code,omitempty"`
	// Name is personal data: never log it.
	Name string `json:"name,omitempty"`
	// Email is personal data: never log it. The second key for matching across systems.
	Email          string `json:"email,omitempty"`
	Department     string `json:"department,omitempty"`
	EmploymentType string `json:"employment_type,omitempty"`
	Active         bool   `json:"active"`
}

// ID returns this person's id in the named connection, or "".
func (e Employee) ID(connection string) string { return e.IDs[connection] }

// LogValue keeps names and email out of logs: only ids, code and department are shown.
func (e Employee) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("ids", e.IDs), slog.String("code", e.Code), slog.String("department", e.Department))
}
