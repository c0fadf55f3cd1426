package client

// Tests are not audited.
func (s *ThingsService) Fake() {}
