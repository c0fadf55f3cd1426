// Package hub is urakata's core: the records that travel on the queue (Envelope, Job,
// Delivery), the contract a flow implements (Flow), the connector registry, the planner that
// streams a source into deliveries (Engine) and the worker that writes them to targets
// exactly once (Worker).
//
// The core never imports aws-lambda-go, the CDK or SQLite: the embedded runtime and the
// Lambda functions wire adapters for the queue and store ports to it.
package hub
