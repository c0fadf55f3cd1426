package xero

import (
	"context"
	"fmt"
	"net/http"
)

// ConnectionsService lists the organisations (tenants) an authorisation reaches.
type ConnectionsService service

// Connection is one organisation or practice the app is connected to.
type Connection struct {
	ID         string `json:"id"`
	TenantID   string `json:"tenantId"`
	TenantType string `json:"tenantType"`
	// TenantName is the organisation's name.
	TenantName     string `json:"tenantName"`
	CreatedDateUTC Time   `json:"createdDateUtc"`
	UpdatedDateUTC Time   `json:"updatedDateUtc"`
}

// OrganisationTenant is the TenantType of an organisation (the other kind is a practice).
const OrganisationTenant = "ORGANISATION"

// List returns the connections of the access token: the tenant ids that the
// xero-tenant-id header takes. The call needs no tenant itself.
//
// Xero API docs: https://developer.xero.com/documentation/guides/oauth2/tenants
//
//meta:operation GET /Connections
func (s *ConnectionsService) List(ctx context.Context) ([]Connection, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "Connections", nil)
	if err != nil {
		return nil, nil, err
	}
	var out []Connection
	resp, err := s.client.Do(ctx, req, &out)
	if err != nil {
		return nil, resp, fmt.Errorf("list connections: %w", err)
	}
	return out, resp, nil
}
