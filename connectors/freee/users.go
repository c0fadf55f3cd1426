package freee

import (
	"context"
	"fmt"
	"net/http"
)

// UsersService reads the user who authorised the app.
type UsersService service

// Me is the authorising user and the companies they belong to.
type Me struct {
	ID        int64         `json:"id"`
	Companies []UserCompany `json:"companies"`
}

// UserCompany is one company the user belongs to, with their role in it.
type UserCompany struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Role is company_admin, self_only, attendance_manager, …; the summaries need
	// company_admin.
	Role string `json:"role"`
	// EmployeeID is the user's own employee id in the company, 0 when they are none.
	EmployeeID int64 `json:"employee_id"`
}

// Me returns the authorising user and their companies: the company_id every other call
// needs comes from here.
//
// freee API docs: https://developer.freee.co.jp/reference/hr/reference (get_users_me)
//
//meta:operation GET /api/v1/users/me
func (s *UsersService) Me(ctx context.Context) (*Me, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "api/v1/users/me", nil)
	if err != nil {
		return nil, nil, err
	}
	var me Me
	resp, err := s.client.Do(ctx, req, &me)
	if err != nil {
		return nil, resp, fmt.Errorf("get user: %w", err)
	}
	return &me, resp, nil
}
