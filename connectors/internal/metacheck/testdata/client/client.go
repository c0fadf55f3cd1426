package client

// ThingsService reaches the things API.
type ThingsService struct{}

// List lists things.
//
// Docs: https://example.com/docs/things/list
//
//meta:operation GET /things
func (s *ThingsService) List() {}

// ListIter pages through List, so it names no operation of its own.
func (s *ThingsService) ListIter() {}

// Get reads one thing.
//
// Docs: https://example.com/docs/things/get
//
//meta:operation GET /things/{thing_id}
func (s ThingsService) Get() {}

// Undocumented names no operation.
func (s *ThingsService) Undocumented() {}

// Twice names two operations.
//
//meta:operation GET /things
//meta:operation POST /things
func (s *ThingsService) Twice() {}

// Malformed misspells its method.
//
//meta:operation FETCH /things
func (s *ThingsService) Malformed() {}

// helper is unexported, so it is not audited.
func (s *ThingsService) helper() {}

// Client is no service, so it is not audited.
type Client struct{}

// Do is not audited.
func (c *Client) Do() {}
