package slack

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// ConversationsService lists channels and opens direct messages.
type ConversationsService service

// Conversation is a channel, a private channel, a direct message or a group DM.
type Conversation struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Created    int64  `json:"created"`
	IsChannel  bool   `json:"is_channel"`
	IsGroup    bool   `json:"is_group"`
	IsIM       bool   `json:"is_im"`
	IsMpIM     bool   `json:"is_mpim"`
	IsPrivate  bool   `json:"is_private"`
	IsArchived bool   `json:"is_archived"`
	IsGeneral  bool   `json:"is_general"`
	// IsMember says whether the app's bot is in the channel (it can post only there).
	IsMember bool `json:"is_member"`
	// User is the other member of a direct message.
	User       string `json:"user"`
	NumMembers int    `json:"num_members"`
}

// Conversation types for ConversationsListOptions.Types.
const (
	PublicChannel  = "public_channel"
	PrivateChannel = "private_channel"
	DirectMessage  = "im"
	GroupMessage   = "mpim"
)

// ConversationsListOptions selects the conversations to list.
type ConversationsListOptions struct {
	// Types are the kinds to list; none means public channels only, as Slack does.
	Types []string
	// ExcludeArchived leaves archived channels out.
	ExcludeArchived bool
	ListOptions
}

type conversationsPage struct {
	Channels []Conversation `json:"channels"`
}

// List returns one page of the conversations the app can see.
//
// Slack API docs: https://api.slack.com/methods/conversations.list
//
//meta:operation GET /conversations.list
func (s *ConversationsService) List(ctx context.Context, opts *ConversationsListOptions) ([]Conversation, *Response, error) {
	q := url.Values{}
	if opts == nil {
		opts = &ConversationsListOptions{}
	}
	if len(opts.Types) > 0 {
		q.Set("types", strings.Join(opts.Types, ","))
	}
	if opts.ExcludeArchived {
		q.Set("exclude_archived", "true")
	}
	opts.ListOptions.values(q)
	req, err := s.client.NewRequest(http.MethodGet, pathf("conversations.list", q), nil)
	if err != nil {
		return nil, nil, err
	}
	var page conversationsPage
	resp, err := s.client.Do(ctx, req, &page)
	if err != nil {
		return nil, resp, fmt.Errorf("list conversations: %w", err)
	}
	return page.Channels, resp, nil
}

// ListIter walks every page of List, starting at opts.
func (s *ConversationsService) ListIter(ctx context.Context, opts ConversationsListOptions) iter.Seq2[Conversation, error] {
	return all(&opts.ListOptions, func(o *ListOptions) ([]Conversation, *Response, error) {
		page := opts
		page.ListOptions = *o
		return s.List(ctx, &page)
	})
}

// Open opens (or finds, when it exists) the direct message with one member, or the group
// DM with several, and returns it; its ID is where to post to reach them. Opening an open
// conversation again returns the same one, so the call is safe to repeat.
//
// Slack API docs: https://api.slack.com/methods/conversations.open
//
//meta:operation POST /conversations.open
func (s *ConversationsService) Open(ctx context.Context, users ...string) (*Conversation, *Response, error) {
	if len(users) == 0 {
		return nil, nil, fmt.Errorf("open conversation: no users")
	}
	body := struct {
		Users string `json:"users"`
	}{strings.Join(users, ",")}
	req, err := s.client.NewRequest(http.MethodPost, "conversations.open", body)
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Channel Conversation `json:"channel"`
	}
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("open conversation: %w", err)
	}
	return &out.Channel, resp, nil
}
