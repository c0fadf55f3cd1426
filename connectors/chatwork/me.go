package chatwork

import (
	"context"
	"fmt"
	"net/http"
)

// MeService reads the account the API token belongs to.
type MeService service

// Me is the token's own account. It is the only account Chatwork gives an email address
// for (Mail and LoginMail): members and contacts carry none.
type Me struct {
	AccountID int64 `json:"account_id"`
	// RoomID is the account's "my chat", a room only it is in.
	RoomID           int64  `json:"room_id"`
	Name             string `json:"name"`
	ChatworkID       string `json:"chatwork_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Department       string `json:"department"`
	Title            string `json:"title"`
	// Mail is the address on the profile; LoginMail the one used to sign in. Personal data.
	Mail           string `json:"mail"`
	LoginMail      string `json:"login_mail"`
	AvatarImageURL string `json:"avatar_image_url"`
}

// Get returns the token's own account: the bot's account id, which replies name as their
// author.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /me)
//
//meta:operation GET /me
func (s *MeService) Get(ctx context.Context) (*Me, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "me", nil)
	if err != nil {
		return nil, nil, err
	}
	var me Me
	resp, err := s.client.Do(ctx, req, &me)
	if err != nil {
		return nil, resp, fmt.Errorf("get me: %w", err)
	}
	return &me, resp, nil
}
