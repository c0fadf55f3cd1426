package slack

import (
	"context"
	"fmt"
	"net/http"
)

// AuthService checks the connection's token.
type AuthService service

// Identity is who the token acts as: the workspace and the app's bot user.
type Identity struct {
	URL    string `json:"url"`
	Team   string `json:"team"`
	TeamID string `json:"team_id"`
	// User and UserID are the bot user's name and id.
	User   string `json:"user"`
	UserID string `json:"user_id"`
	// BotID is the bot's id (B…), which its own messages carry in events.
	BotID string `json:"bot_id"`
}

// Test checks the token and says which workspace and bot it belongs to: the cheap call to
// make at start-up, and the one that tells a revoked token from a network fault.
//
// Slack API docs: https://api.slack.com/methods/auth.test
//
//meta:operation GET /auth.test
func (s *AuthService) Test(ctx context.Context) (*Identity, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "auth.test", nil)
	if err != nil {
		return nil, nil, err
	}
	var id Identity
	resp, err := s.client.Do(ctx, req, &id)
	if err != nil {
		return nil, resp, fmt.Errorf("check token: %w", err)
	}
	return &id, resp, nil
}
