package lambdahub

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/queue"
	"github.com/urakata/urakata/shared/queue/sqsqueue"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/secrets/awssecrets"
	"github.com/urakata/urakata/shared/store/dynamostore"
	"github.com/urakata/urakata/shared/wiring"
)

// Open builds the hub of a function with role from the environment (getenv is os.Getenv in
// main): hub.yaml, the SDK's default configuration (with opts added; tests point it at an
// emulator), and the SQS, DynamoDB and Secrets Manager adapters. Only the connections the
// role serves are built, so a function reads only its own secrets. A function of its own
// (wiring.FunctionRole) takes its work from its own queue; every function sends each job
// and delivery to the queue of the function that runs its flow (Router). main calls it
// once, at cold start.
func Open(ctx context.Context, role wiring.Role, getenv func(string) string, opts ...func(*aws.Config)) (*Hub, error) {
	env, err := ReadEnv(getenv)
	if err == nil && env.Table == "" {
		err = fmt.Errorf("lambda environment: %s is not set", EnvTable)
	}
	if err != nil {
		return nil, err
	}
	log := NewLogger(os.Stderr, env.LogLevel)
	// hub.yaml's relative paths (a chat bot's kb: folder) are relative to where urakata
	// runs: in Lambda, the folder Lambda unpacked the asset in, where make lambdas put them.
	if root := getenv("LAMBDA_TASK_ROOT"); root != "" {
		if err := os.Chdir(root); err != nil {
			return nil, fmt.Errorf("lambda environment: LAMBDA_TASK_ROOT: %w", err)
		}
	}
	cfg, err := config.Load(env.ConfigPath, wiring.Vocabulary())
	if err != nil {
		return nil, err
	}
	awsCfg, err := lambdaConfig(getenv, opts...)
	if err != nil {
		return nil, err
	}
	q, err := routedQueue(sqs.NewFromConfig(awsCfg), env, role)
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
	prefetch(ctx, sec, cfg, role)
	home := q.Queue.(*sqsqueue.Queue)
	return Assemble(ctx, cfg, Ports{
		Queue: q, Store: st, Secrets: sec, MaxReceives: env.MaxReceives, Logger: log,
		Owner: owner(getenv), Role: role, Routes: env.Routes,
		Adopt: func(rec events.SQSMessage) queue.Message { return home.Adopt(Received(rec)) },
	})
}

// prefetch reads the secrets of the connections role builds (wiring.Needs) all at once, so
// that wiring.Build, which asks for them one connection after another, finds each kept in
// src, and a cold start waits for the slowest Secrets Manager read rather than for the sum
// of them. A read that fails is left to Build, which asks again and names the connection.
func prefetch(ctx context.Context, src secrets.Source, cfg *config.File, role wiring.Role) {
	conns, _ := wiring.Needs(cfg, role)
	var wg sync.WaitGroup
	for _, name := range conns {
		if c, ok := cfg.Connection(name); ok && c.Secret != "" {
			wg.Go(func() { _, _ = src.Lookup(ctx, c.Secret) })
		}
	}
	wg.Wait()
}

// routedQueue is the queue a function with role works on: its own (the work queue, or the
// queue of its function of its own), sending each flow's messages where env.Routes says.
func routedQueue(client *sqs.Client, env Env, role wiring.Role) (*Router, error) {
	shared := QueueURLs{Queue: env.QueueURL, DeadLetters: env.DeadLetterURL}
	home := shared
	if fn := role.Function(); fn != "" {
		var ok bool
		if home, ok = env.Functions[fn]; !ok {
			return nil, fmt.Errorf("lambda environment: %s routes no flow to the %s function; infra sets it for every function of its own that hub.yaml's flows need", EnvRoutes, fn)
		}
	}
	open := func(u QueueURLs) (*sqsqueue.Queue, error) { return newQueue(client, env, u) }
	q, err := open(home)
	if err != nil {
		return nil, err
	}
	r := &Router{Queue: q, Routes: map[string]queue.Queue{}}
	if home != shared {
		if r.Shared, err = open(shared); err != nil {
			return nil, err
		}
	}
	byFunction := map[string]queue.Queue{role.Function(): q}
	for flow, fn := range env.Routes {
		if byFunction[fn] == nil {
			if byFunction[fn], err = open(env.Functions[fn]); err != nil {
				return nil, err
			}
		}
		r.Routes[flow] = byFunction[fn]
	}
	return r, nil
}

// OpenReplay builds the replay function's handler: it needs the queues only, so it reads
// neither hub.yaml nor any secret. It replays the work queue's dead letters and those of
// every function of its own, each to its own queue.
func OpenReplay(ctx context.Context, getenv func(string) string, opts ...func(*aws.Config)) (*Replay, error) {
	env, err := ReadEnv(getenv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := lambdaConfig(getenv, opts...)
	if err != nil {
		return nil, err
	}
	client := sqs.NewFromConfig(awsCfg)
	q, err := newQueue(client, env, QueueURLs{Queue: env.QueueURL, DeadLetters: env.DeadLetterURL})
	if err != nil {
		return nil, err
	}
	r := &Replay{DeadLetters: q, Logger: NewLogger(os.Stderr, env.LogLevel)}
	for _, fn := range slices.Sorted(maps.Keys(env.Functions)) {
		fq, err := newQueue(client, env, env.Functions[fn])
		if err != nil {
			return nil, err
		}
		r.Functions = append(r.Functions, fq)
	}
	return r, nil
}

// lambdaConfig is the SDK configuration a function needs: the region and the execution
// role's credentials, which Lambda puts in the environment, and AWS_ENDPOINT_URL when a test
// points the SDK at an emulator; opts adjust it (tests). It stands in for
// config.LoadDefaultConfig, whose chain of providers (profiles, SSO, IMDS, STS) no Lambda
// uses and which adds about 4 MB to every bootstrap.
func lambdaConfig(getenv func(string) string, opts ...func(*aws.Config)) (aws.Config, error) {
	cfg := aws.Config{Region: getenv("AWS_REGION")}
	if cfg.Region == "" {
		cfg.Region = getenv("AWS_DEFAULT_REGION")
	}
	if id, key := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" && key != "" {
		cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id, key, getenv("AWS_SESSION_TOKEN")))
	}
	if ep := getenv("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	}
	for _, o := range opts {
		o(&cfg)
	}
	var missing []string
	if cfg.Region == "" {
		missing = append(missing, "AWS_REGION")
	}
	if cfg.Credentials == nil {
		missing = append(missing, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if len(missing) > 0 {
		return aws.Config{}, fmt.Errorf("aws configuration: %s not set (Lambda sets them for the function's role)", strings.Join(missing, " and "))
	}
	return cfg, nil
}

func newQueue(client *sqs.Client, env Env, u QueueURLs) (*sqsqueue.Queue, error) {
	q, err := sqsqueue.New(client, sqsqueue.Options{QueueURL: u.Queue, DeadLetterURL: u.DeadLetters, MaxReceives: env.MaxReceives})
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", u.Queue, err)
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
