// Package sandboxkit is the machinery the vendors' sandboxes share: the fault switches a
// test arms with Fail, the loopback server a sandbox runs on, and the OAuth token endpoint
// with rotating refresh tokens. What a vendor answers (the body of its throttle, of an
// expired token, its token body) stays in each sandbox; only the engine is here. Its
// sub-package openapikit validates traffic against a vendor's OpenAPI description. It is
// internal to connectors so that only sandboxes link it, never a Lambda binary.
package sandboxkit
