package slack

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
)

// UsersService lists and finds the members of the workspace.
type UsersService service

// User is a member of the workspace, as users.list, users.lookupByEmail and users.info
// return them.
// Names and email are personal data: never log them.
type User struct {
	ID     string `json:"id"`
	TeamID string `json:"team_id"`
	// Name is the member's handle.
	Name     string `json:"name"`
	RealName string `json:"real_name"`
	// Deleted is true for a deactivated member, who can receive nothing.
	Deleted bool `json:"deleted"`
	IsBot   bool `json:"is_bot"`
	// IsAppUser marks an app's user rather than a person.
	IsAppUser bool `json:"is_app_user"`
	// IsRestricted and IsUltraRestricted are multi- and single-channel guests.
	IsRestricted      bool        `json:"is_restricted"`
	IsUltraRestricted bool        `json:"is_ultra_restricted"`
	TZ                string      `json:"tz"`
	Profile           UserProfile `json:"profile"`
}

// UserProfile is the part of a member's profile the hub reads.
type UserProfile struct {
	// Email is present only with the users:read.email scope.
	Email       string `json:"email"`
	RealName    string `json:"real_name"`
	DisplayName string `json:"display_name"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Title       string `json:"title"`
}

// IsPerson reports whether the member is a person who can be told something: not a bot,
// not an app, not deactivated. Slackbot (USLACKBOT) is marked neither bot nor app user by
// Slack, so it is named here.
func (u User) IsPerson() bool {
	return !u.Deleted && !u.IsBot && !u.IsAppUser && u.ID != "USLACKBOT"
}

type usersPage struct {
	Members []User `json:"members"`
}

// List returns one page of the workspace's members, bots and deactivated members included.
// Slack may return fewer than the limit before the end: the next cursor, not the count,
// says whether there is more.
//
// Slack API docs: https://api.slack.com/methods/users.list
//
//meta:operation GET /users.list
func (s *UsersService) List(ctx context.Context, opts *ListOptions) ([]User, *Response, error) {
	q := url.Values{}
	opts.values(q)
	req, err := s.client.NewRequest(http.MethodGet, pathf("users.list", q), nil)
	if err != nil {
		return nil, nil, err
	}
	var page usersPage
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list users: %w", err)
	}
	return page.Members, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *UsersService) ListIter(ctx context.Context, opts *ListOptions) iter.Seq2[User, error] {
	return all(opts, func(o *ListOptions) ([]User, *Response, error) { return s.List(ctx, o) })
}

// LookupByEmail finds the member with that email. Slack answers users_not_found (a
// permanent error: see ErrorCode) when there is none. It needs the users:read.email scope.
//
// Slack API docs: https://api.slack.com/methods/users.lookupByEmail
//
//meta:operation GET /users.lookupByEmail
func (s *UsersService) LookupByEmail(ctx context.Context, email string) (*User, *Response, error) {
	q := url.Values{"email": {email}}
	req, err := s.client.NewRequest(http.MethodGet, pathf("users.lookupByEmail", q), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		User User `json:"user"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		// The email stays out of the error: it is personal data.
		return nil, resp, fmt.Errorf("look up a user by email: %w", err)
	}
	return &out.User, resp, nil
}

// Info returns one member by id. Slack answers user_not_found (a permanent error: see
// ErrorCode) for an id it does not have, and user_not_visible for one the app may not see
// (another organisation's, in Enterprise Grid). The profile's email is there only with the
// users:read.email scope.
//
// Slack API docs: https://api.slack.com/methods/users.info
//
//meta:operation GET /users.info
func (s *UsersService) Info(ctx context.Context, user string) (*User, *Response, error) {
	if user == "" {
		return nil, nil, fmt.Errorf("get user: the user id is empty")
	}
	q := url.Values{"user": {user}}
	req, err := s.client.NewRequest(http.MethodGet, pathf("users.info", q), nil)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		User User `json:"user"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("get user %s: %w", user, err)
	}
	return &out.User, resp, nil
}
