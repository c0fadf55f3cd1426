package lambdahub

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqsqueue"
	"github.com/urakata/urakata/shared/secrets/awssecrets"
	"github.com/urakata/urakata/shared/store/dynamostore"
	"github.com/urakata/urakata/shared/wiring"
)

// Open builds the hub of a function with role from the environment (getenv is os.Getenv in
// main): hub.yaml, the SDK's default configuration (with opts added; tests point it at an
// emulator), and the SQS, DynamoDB and Secrets Manager adapters. Only the connections the
// role serves are built, so a function reads only its own secrets. main calls it once, at
// cold start.
func Open(ctx context.Context, role wiring.Role, getenv func(string) string, opts ...func(*awsconfig.LoadOptions) error) (*Hub, error) {
	env, err := ReadEnv(getenv)
	if err == nil && env.Table == "" {
		err = fmt.Errorf("lambda environment: %s is not set", EnvTable)
	}
	if err != nil {
		return nil, err
	}
	log := NewLogger(os.Stderr, env.LogLevel)
	cfg, err := config.Load(env.ConfigPath, wiring.Vocabulary())
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws configuration: %w", err)
	}
	q, err := newQueue(awsCfg, env)
	if err != nil {
		return nil, err
	}
	st, err := dynamostore.New(dynamoClient(awsCfg), dynamostore.Options{Table: env.Table})
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", env.Table, err)
	}
	// Each secret is read once per cold start and again at most every awssecrets.DefaultTTL,
	// so a rotated one takes hold within that.
	sec, err := awssecrets.New(secretsmanager.NewFromConfig(awsCfg), awssecrets.Options{Prefix: env.SecretPrefix})
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return Assemble(ctx, cfg, Ports{
		Queue: q, Store: st, Secrets: sec, MaxReceives: env.MaxReceives, Logger: log,
		Owner: owner(getenv), Role: role,
		Adopt: func(rec events.SQSMessage) queue.Message { return q.Adopt(Received(rec)) },
	})
}

// OpenReplay builds the replay function's handler: it needs the queues only, so it reads
// neither hub.yaml nor any secret.
func OpenReplay(ctx context.Context, getenv func(string) string, opts ...func(*awsconfig.LoadOptions) error) (*Replay, error) {
	env, err := ReadEnv(getenv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("aws configuration: %w", err)
	}
	q, err := newQueue(awsCfg, env)
	if err != nil {
		return nil, err
	}
	return &Replay{DeadLetters: q, Logger: NewLogger(os.Stderr, env.LogLevel)}, nil
}

func newQueue(awsCfg aws.Config, env Env) (*sqsqueue.Queue, error) {
	q, err := sqsqueue.New(sqs.NewFromConfig(awsCfg), sqsqueue.Options{
		QueueURL: env.QueueURL, DeadLetterURL: env.DeadLetterURL, MaxReceives: env.MaxReceives,
	})
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", env.QueueURL, err)
	}
	return q, nil
}

// dynamoClient is a DynamoDB client for awsCfg. Against an endpoint set for tests
// (AWS_ENDPOINT_URL) the response checksum check is off, because local emulators do not
// compute DynamoDB's CRC32; against AWS it stays on.
func dynamoClient(awsCfg aws.Config) *dynamodb.Client {
	return dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if awsCfg.BaseEndpoint != nil {
			o.DisableValidateResponseChecksum = true
		}
	})
}
