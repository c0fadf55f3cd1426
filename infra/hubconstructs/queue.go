package hubconstructs

import (
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// deadLetterRetention is SQS's longest: dead letters wait for a person to read and replay
// them, and a long weekend should not lose any.
const deadLetterRetention = 14 * 24 * time.Hour

// WorkQueueProps configure the work queue.
type WorkQueueProps struct {
	// Key encrypts both queues.
	Key awskms.IKey
	// MaxReceives is how many receives a message gets before SQS moves it to DeadLetters.
	MaxReceives int
	// Visibility is the work queue's visibility timeout.
	Visibility time.Duration
}

// WorkQueue is the queue between ingress and the worker, with the dead-letter queue its
// redrive policy feeds. Both are KMS-encrypted and refuse requests not made over TLS.
type WorkQueue struct {
	constructs.Construct
	Queue       awssqs.Queue
	DeadLetters awssqs.Queue
}

// NewWorkQueue declares the work queue and its dead letters.
func NewWorkQueue(scope constructs.Construct, id string, props *WorkQueueProps) *WorkQueue {
	this := constructs.NewConstruct(scope, &id)
	dead := awssqs.NewQueue(this, jsii.String("DeadLetters"), &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: props.Key,
		EnforceSSL:          jsii.Bool(true),
		RetentionPeriod:     duration(deadLetterRetention),
	})
	queue := awssqs.NewQueue(this, jsii.String("Queue"), &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: props.Key,
		EnforceSSL:          jsii.Bool(true),
		VisibilityTimeout:   duration(props.Visibility),
		DeadLetterQueue: &awssqs.DeadLetterQueue{
			Queue:           dead,
			MaxReceiveCount: jsii.Number(props.MaxReceives),
		},
	})
	return &WorkQueue{Construct: this, Queue: queue, DeadLetters: dead}
}

// NewDeadLetterQueue declares a dead-letter queue for what is not a work-queue message: a
// schedule that could not start its flow. It is kept apart from the work queue's dead
// letters, which the replay function moves back to the work queue.
func NewDeadLetterQueue(scope constructs.Construct, id string, key awskms.IKey) awssqs.Queue {
	return awssqs.NewQueue(scope, &id, &awssqs.QueueProps{
		Encryption:          awssqs.QueueEncryption_KMS,
		EncryptionMasterKey: key,
		EnforceSSL:          jsii.Bool(true),
		RetentionPeriod:     duration(deadLetterRetention),
	})
}
