package chatwork

import (
	"context"
	"fmt"
	"net/http"
)

// ContactsService lists the token account's contacts (コンタクト).
type ContactsService service

// Contact is a person the account has a contact with. RoomID is the direct chat the two
// share: the room to tell them something alone. Chatwork gives no email address for
// contacts.
type Contact struct {
	AccountID        int64  `json:"account_id"`
	RoomID           int64  `json:"room_id"`
	Name             string `json:"name"`
	ChatworkID       string `json:"chatwork_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Department       string `json:"department"`
	AvatarImageURL   string `json:"avatar_image_url"`
}

// List returns every contact, in one answer; none when Chatwork answers 204.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /contacts)
//
//meta:operation GET /contacts
func (s *ContactsService) List(ctx context.Context) ([]Contact, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "contacts", nil)
	if err != nil {
		return nil, nil, err
	}
	var contacts []Contact
	resp, err := s.client.Do(ctx, req, &contacts)
	if err != nil {
		return nil, resp, fmt.Errorf("list contacts: %w", err)
	}
	return contacts, resp, nil
}
