// Package awstest runs the AWS adapters and the Lambda handlers against kumo, an AWS API
// emulator served in-process on loopback, so that tests need no account and no network.
//
// A test takes the server and makes the resources it needs:
//
//	env := awstest.Start(t)
//	qs := env.QueuePair(t, 5)                // work queue + dead-letter queue, maxReceiveCount 5
//	table := env.Table(t)                    // pk/sk, TTL on "ttl", the lease index
//	prefix := awstest.Unique("urakata/e2e") + "/"
//	env.PutSecret(t, prefix+"FREEE_HR", `{"client_id":"…"}`)
//	q, _ := sqsqueue.New(env.SQS(), sqsqueue.Options{QueueURL: qs.URL,
//		DeadLetterURL: qs.DeadLetterURL, MaxReceives: 5, PollWait: time.Second})
//	st, _ := dynamostore.New(env.DynamoDB(), dynamostore.Options{Table: table,
//		LeaseIndex: dynamostore.LeaseIndex})
//	src, _ := awssecrets.New(env.SecretsManager(), awssecrets.Options{Prefix: prefix})
//
// Every test binary has one kumo server (see Start), and every name this package makes is
// unique within it, so parallel tests may each call Start or share one Env. A secret name
// given to PutSecret is the test's own: make it unique too.
// Env.Setenv points the SDK's default configuration (config.LoadDefaultConfig, as the
// Lambda functions use it) at the server through the environment, for tests that wire a
// function as it is wired in AWS; t.Setenv forbids t.Parallel in that test.
//
// kumo quirks to know (v0.33.1):
//   - Every server in a process shares one state (see Start).
//   - Queue URLs always say localhost:4566; clients route by their BaseEndpoint, and kumo
//     matches queues by path, so the URLs work as they are.
//   - DynamoDB's response checksum does not validate against it: Env.DynamoDB turns
//     DisableValidateResponseChecksum on; do the same for a client built otherwise.
//   - A long poll ends only when a message is sent, not when one becomes visible again or
//     its delay ends: poll in waits of a second (sqsqueue.Options.PollWait).
//   - A message goes to its dead-letter queue only when a receive finds its visibility
//     over, not when the visibility ends.
//   - An update expression must keep its clauses on one line (dynamostore does).
//   - Schedules and event-source mappings are stored but never fire: a test drives the
//     handlers itself.
package awstest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/sivchari/kumo"
)

// Region is the region every test config uses (the demo company's).
const Region = "ap-northeast-1"

// TTLAttribute is the table's time-to-live attribute, as infra declares it.
const TTLAttribute = "ttl"

// LeaseIndex is the table's sparse index of unsettled ledger claims, as infra declares it
// (dynamostore.LeaseIndex): partition key "pending" (S), sort key "lease" (N), projection ALL.
const LeaseIndex = "pending-leases"

// Env is the kumo server and an aws.Config pointed at it with dummy static credentials.
type Env struct {
	// Config is for any SDK client: BaseEndpoint, Region and Credentials are set.
	Config aws.Config
	// Server is the emulator, shared by every Env of the test binary; do not close it.
	Server *kumo.Server
}

var (
	serverOnce sync.Once
	server     *kumo.Server
)

// Start returns an Env on the test binary's kumo server, starting it on first use.
//
// kumo keeps its services' state in package variables, so every server in a process
// shares one state, and starting two at once races. One server per binary, never closed,
// is the honest equivalent; names from this package are unique per process, so tests do
// not see each other's resources.
func Start(t testing.TB) *Env {
	t.Helper()
	serverOnce.Do(func() { server = kumo.NewServer() })
	cfg := aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDKUMOTEST", "kumo-test-secret", ""),
		BaseEndpoint: aws.String(server.URL),
		// Tests must fail fast and plainly, not retry into their deadline.
		RetryMaxAttempts: 1,
	}
	return &Env{Config: cfg, Server: server}
}

// SQS returns an SQS client for the server.
func (e *Env) SQS() *sqs.Client { return sqs.NewFromConfig(e.Config) }

// DynamoDB returns a DynamoDB client for the server, with the response checksum check off
// (kumo's does not match).
func (e *Env) DynamoDB() *dynamodb.Client {
	return dynamodb.NewFromConfig(e.Config, func(o *dynamodb.Options) {
		o.DisableValidateResponseChecksum = true
	})
}

// SecretsManager returns a Secrets Manager client for the server.
func (e *Env) SecretsManager() *secretsmanager.Client { return secretsmanager.NewFromConfig(e.Config) }

// Setenv points the SDK's default configuration at the server for the rest of t:
// AWS_ENDPOINT_URL, AWS_REGION and static credentials. A DynamoDB client built from that
// configuration still needs DisableValidateResponseChecksum against kumo.
func (e *Env) Setenv(t testing.TB) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", e.Server.URL)
	t.Setenv("AWS_REGION", Region)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDKUMOTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "kumo-test-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
}

// Queues names a work queue and its dead-letter queue.
type Queues struct {
	URL, DeadLetterURL, DeadLetterARN string
	// MaxReceives is the redrive policy's maxReceiveCount (0: no redrive policy).
	MaxReceives int
}

// QueuePair creates a work queue and a dead-letter queue. With maxReceives > 0 the work
// queue gets a redrive policy that moves a message to the dead-letter queue once it was
// received maxReceives times; with 0 nothing moves on its own.
func (e *Env) QueuePair(t testing.TB, maxReceives int) Queues {
	t.Helper()
	ctx := context.Background()
	client := e.SQS()
	base := uniqueName("urakata-work")

	dlq, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(base + "-dlq")})
	if err != nil {
		t.Fatalf("awstest: create dead-letter queue: %v", err)
	}
	got, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       dlq.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		t.Fatalf("awstest: read dead-letter queue ARN: %v", err)
	}
	arn := got.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]

	attrs := map[string]string{}
	if maxReceives > 0 {
		policy, err := json.Marshal(map[string]string{
			"deadLetterTargetArn": arn,
			"maxReceiveCount":     strconv.Itoa(maxReceives),
		})
		if err != nil {
			t.Fatalf("awstest: redrive policy: %v", err)
		}
		attrs[string(sqstypes.QueueAttributeNameRedrivePolicy)] = string(policy)
	}
	work, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(base), Attributes: attrs})
	if err != nil {
		t.Fatalf("awstest: create work queue: %v", err)
	}
	return Queues{URL: *work.QueueUrl, DeadLetterURL: *dlq.QueueUrl, DeadLetterARN: arn, MaxReceives: maxReceives}
}

// Table creates a table as infra declares it: the key schema pk and sk (both strings), TTL
// on "ttl", and the sparse index LeaseIndex. It returns the table's name.
func (e *Env) Table(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	client := e.DynamoDB()
	name := uniqueName("urakata-state")
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: dbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []dbtypes.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: dbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: dbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("pending"), AttributeType: dbtypes.ScalarAttributeTypeS},
			{AttributeName: aws.String("lease"), AttributeType: dbtypes.ScalarAttributeTypeN},
		},
		KeySchema: []dbtypes.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: dbtypes.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: dbtypes.KeyTypeRange},
		},
		GlobalSecondaryIndexes: []dbtypes.GlobalSecondaryIndex{{
			IndexName: aws.String(LeaseIndex),
			KeySchema: []dbtypes.KeySchemaElement{
				{AttributeName: aws.String("pending"), KeyType: dbtypes.KeyTypeHash},
				{AttributeName: aws.String("lease"), KeyType: dbtypes.KeyTypeRange},
			},
			Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatalf("awstest: create table: %v", err)
	}
	_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &dbtypes.TimeToLiveSpecification{
			AttributeName: aws.String(TTLAttribute),
			Enabled:       aws.Bool(true),
		},
	})
	if err != nil {
		t.Fatalf("awstest: enable TTL: %v", err)
	}
	return name
}

// PutSecret creates the Secrets Manager secret name holding value.
func (e *Env) PutSecret(t testing.TB, name, value string) {
	t.Helper()
	_, err := e.SecretsManager().CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name:         aws.String(name),
		SecretString: aws.String(value),
	})
	if err != nil {
		// The name, never the value: test logs are logs too.
		t.Fatalf("awstest: create secret %s: %v", name, err)
	}
}

var counter atomic.Int64

// Unique returns prefix followed by a number no other call in this process returns: for
// names a test makes itself, such as a secret prefix.
func Unique(prefix string) string { return uniqueName(prefix) }

// uniqueName returns prefix with a number no other call in this process returns.
func uniqueName(prefix string) string {
	return strings.ToLower(fmt.Sprintf("%s-%d", prefix, counter.Add(1)))
}
