package awstest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/urakata/urakata/shared/awstest"
)

func TestQueuePairMovesAMessagePastItsReceiveLimitToTheDeadLetterQueue(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	qs := env.QueuePair(t, 1)
	client, ctx := env.SQS(), t.Context()

	sent, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qs.URL), MessageBody: aws.String("doomed")})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	got, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qs.URL), VisibilityTimeout: 1, WaitTimeSeconds: 1})
	if err != nil || len(got.Messages) != 1 {
		t.Fatalf("first receive: %d messages, err %v", len(got.Messages), err)
	}
	// kumo moves a message when a receive finds its visibility over, so poll both queues
	// until it has moved; SQS moves it on the receive past the limit.
	var dead *sqs.ReceiveMessageOutput
	for range 5 {
		again, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qs.URL), WaitTimeSeconds: 1})
		if err != nil || len(again.Messages) != 0 {
			t.Fatalf("receive past the limit: %d messages, err %v; want none", len(again.Messages), err)
		}
		dead, err = client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qs.DeadLetterURL)})
		if err != nil {
			t.Fatalf("dead-letter receive: %v", err)
		}
		if len(dead.Messages) > 0 {
			break
		}
	}
	if len(dead.Messages) != 1 {
		t.Fatalf("the dead-letter queue holds %d messages, want 1", len(dead.Messages))
	}
	if *dead.Messages[0].MessageId != *sent.MessageId || *dead.Messages[0].Body != "doomed" {
		t.Errorf("dead letter %s %q, want %s as sent", *dead.Messages[0].MessageId, *dead.Messages[0].Body, *sent.MessageId)
	}
}

func TestTableHasTheHubKeySchemaAndTTL(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	table := env.Table(t)
	client, ctx := env.DynamoDB(), t.Context()

	_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]dbtypes.AttributeValue{
		"pk": &dbtypes.AttributeValueMemberS{Value: "cursor#demo"},
		"sk": &dbtypes.AttributeValueMemberS{Value: "-"},
	}})
	if err != nil {
		t.Fatalf("put an item keyed by pk and sk: %v", err)
	}
	ttl, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("describe TTL: %v", err)
	}
	if d := ttl.TimeToLiveDescription; d == nil || aws.ToString(d.AttributeName) != awstest.TTLAttribute || d.TimeToLiveStatus != dbtypes.TimeToLiveStatusEnabled {
		t.Errorf("TTL = %+v, want enabled on %q", d, awstest.TTLAttribute)
	}
}

func TestPutSecretIsReadableByName(t *testing.T) {
	t.Parallel()
	env := awstest.Start(t)
	name := awstest.Unique("urakata/test") + "/FREEE_HR"
	env.PutSecret(t, name, "s3cr3t")
	out, err := env.SecretsManager().GetSecretValue(t.Context(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(name)})
	if err != nil {
		t.Fatalf("get secret: %v", err)
	}
	if aws.ToString(out.SecretString) != "s3cr3t" {
		t.Error("the secret read back differs from the one put")
	}
}
