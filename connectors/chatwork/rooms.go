package chatwork

import (
	"context"
	"fmt"
	"net/http"
)

// RoomsService reads the rooms (チャット) the token's account is in, and their members.
type RoomsService service

// Room types.
const (
	// RoomMy is the account's own notes room (マイチャット).
	RoomMy = "my"
	// RoomDirect is a one-to-one chat (ダイレクトチャット).
	RoomDirect = "direct"
	// RoomGroup is a group chat (グループチャット).
	RoomGroup = "group"
)

// Room is a room as Chatwork lists it.
type Room struct {
	RoomID int64  `json:"room_id"`
	Name   string `json:"name"`
	// Type is RoomMy, RoomDirect or RoomGroup.
	Type string `json:"type"`
	// Role is the token account's role in the room: admin, member or readonly (which
	// cannot post).
	Role           string    `json:"role"`
	Sticky         bool      `json:"sticky"`
	UnreadNum      int       `json:"unread_num"`
	MentionNum     int       `json:"mention_num"`
	MytaskNum      int       `json:"mytask_num"`
	MessageNum     int       `json:"message_num"`
	FileNum        int       `json:"file_num"`
	TaskNum        int       `json:"task_num"`
	IconPath       string    `json:"icon_path"`
	LastUpdateTime Timestamp `json:"last_update_time"`
	// Description is given by Get only.
	Description string `json:"description,omitempty"`
}

// Member is a member of a room. Chatwork gives no email address for members: mapping them to
// employees takes the hub.yaml mapping.
type Member struct {
	AccountID int64 `json:"account_id"`
	// Role is admin, member or readonly.
	Role             string `json:"role"`
	Name             string `json:"name"`
	ChatworkID       string `json:"chatwork_id"`
	OrganizationID   int64  `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Department       string `json:"department"`
	AvatarImageURL   string `json:"avatar_image_url"`
}

// List returns every room the account is in, in one answer (Chatwork does not paginate).
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /rooms)
//
//meta:operation GET /rooms
func (s *RoomsService) List(ctx context.Context) ([]Room, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "rooms", nil)
	if err != nil {
		return nil, nil, err
	}
	var rooms []Room
	resp, err := s.client.Do(ctx, req, &rooms)
	if err != nil {
		return nil, resp, fmt.Errorf("list rooms: %w", err)
	}
	return rooms, resp, nil
}

// Get returns one room, with its description.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /rooms/{room_id})
//
//meta:operation GET /rooms/{room_id}
func (s *RoomsService) Get(ctx context.Context, roomID int64) (*Room, *Response, error) {
	path, err := roomPath(roomID, "")
	if err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	var room Room
	resp, err := s.client.Do(ctx, req, &room)
	if err != nil {
		return nil, resp, fmt.Errorf("get room %d: %w", roomID, err)
	}
	return &room, resp, nil
}

// Members returns every member of a room, in one answer.
//
// Chatwork API docs: https://developer.chatwork.com/reference/ (GET /rooms/{room_id}/members)
//
//meta:operation GET /rooms/{room_id}/members
func (s *RoomsService) Members(ctx context.Context, roomID int64) ([]Member, *Response, error) {
	path, err := roomPath(roomID, "/members")
	if err != nil {
		return nil, nil, err
	}
	req, err := s.client.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, err
	}
	var members []Member
	resp, err := s.client.Do(ctx, req, &members)
	if err != nil {
		return nil, resp, fmt.Errorf("list members of room %d: %w", roomID, err)
	}
	return members, resp, nil
}
