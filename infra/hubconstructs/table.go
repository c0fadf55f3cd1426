package hubconstructs

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The table's key and TTL attributes, the names the DynamoDB store adapter
// (shared/store/dynamostore) reads and writes.
const (
	PartitionKey = "pk"
	SortKey      = "sk"
	TTLAttribute = "ttl"
)

// NewTable declares the one table that holds the ledger, the cursors and the tokens (they
// differ by partition key prefix): on-demand, encrypted with key, with point-in-time
// recovery and expiry on the ttl attribute. It is retained when the stack is deleted: the
// ledger is what keeps a re-deployed hub from writing twice.
func NewTable(scope constructs.Construct, id string, key awskms.IKey) awsdynamodb.Table {
	return awsdynamodb.NewTable(scope, &id, &awsdynamodb.TableProps{
		PartitionKey:  &awsdynamodb.Attribute{Name: jsii.String(PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:       &awsdynamodb.Attribute{Name: jsii.String(SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:   awsdynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:    awsdynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey: key,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		TimeToLiveAttribute: jsii.String(TTLAttribute),
		RemovalPolicy:       awscdk.RemovalPolicy_RETAIN,
	})
}
