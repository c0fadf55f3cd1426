// Package sandboxkit is the machinery the vendors' sandboxes share: the fault switches a
// test arms with Fail, and the loopback server a sandbox runs on. What a vendor answers
// (the body of its throttle, of an expired token) stays in each sandbox; only the engine
// is here. It is internal to connectors so that only sandboxes link it, never a Lambda
// binary.
package sandboxkit
