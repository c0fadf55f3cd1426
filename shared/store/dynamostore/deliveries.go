package dynamostore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/urakata/urakata/shared/store"
)

var _ store.Deliveries = (*Store)(nil)

const deliveryPrefix, deliverySK = "delivery#", "delivery"

// FirstSeen records a webhook delivery; see store.Deliveries. One conditional put: it
// succeeds when no record exists or the record has expired (DynamoDB's TTL deletes expired
// items only eventually, so the condition reads the expiry itself); ttl lets DynamoDB sweep
// them.
func (s *Store) FirstSeen(ctx context.Context, key string, keep time.Duration) (bool, error) {
	if key == "" || keep <= 0 {
		return false, fmt.Errorf("%w: a delivery needs a key and a time to keep it", ErrInvalid)
	}
	now := s.opts.Now()
	expires := now.Add(keep)
	item := itemKey(deliveryPrefix, key, deliverySK)
	item["expires"] = &types.AttributeValueMemberN{Value: fmt.Sprint(expires.UnixNano())}
	item["ttl"] = &types.AttributeValueMemberN{Value: fmt.Sprint(expires.Add(time.Second).Unix())}
	cond := expression.Name("pk").AttributeNotExists().Or(expression.Name("expires").LessThanEqual(expression.Value(now.UnixNano())))
	expr, err := expression.NewBuilder().WithCondition(cond).Build()
	if err != nil {
		return false, err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 aws.String(s.opts.Table),
		Item:                      item,
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dynamostore: record delivery: %w", err)
	}
	return true, nil
}

// Forget removes a delivery's record; see store.Deliveries.
func (s *Store) Forget(ctx context.Context, key string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.opts.Table),
		Key:       itemKey(deliveryPrefix, key, deliverySK),
	})
	if err != nil {
		return fmt.Errorf("dynamostore: forget delivery: %w", err)
	}
	return nil
}
