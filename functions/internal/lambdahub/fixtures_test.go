package lambdahub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/urakata/urakata/functions/internal/lambdahub"
)

// roundTrip decodes a fixture into T and encodes it again: the decode must keep every
// member the payload has (AWS's payloads are what the types must read), and a second decode
// must give the same value.
func roundTrip[T any](t *testing.T, name string) T {
	t.Helper()
	raw := fixture(t, name)
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	again, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(again, &got); err != nil {
		t.Fatal(err)
	}
	if path, ok := within(want, got, "$"); !ok {
		t.Fatalf("%s: %s is lost or changed by decoding into %T", name, path, v)
	}
	var v2 T
	if err := json.Unmarshal(again, &v2); err != nil || !reflect.DeepEqual(v, v2) {
		t.Fatalf("%s: a second decode differs (err %v)", name, err)
	}
	return v
}

// within reports whether every member of want is in got with the same value, and if not,
// where the first difference is.
func within(want, got any, path string) (string, bool) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if p, ok := within(w[k], g[k], path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path, false
		}
		for i := range w {
			if p, ok := within(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(want, got)
}

func TestFixturesRoundTrip(t *testing.T) {
	t.Parallel()
	t.Run("the API Gateway webhook request", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"apigw-v2-webhook.json", "apigw-v2-webhook-base64.json"} {
			req := roundTrip[events.APIGatewayV2HTTPRequest](t, name)
			if req.RequestContext.HTTP.Method != "POST" || req.PathParameters["connection"] != "freee-hr" || req.Headers["x-freee-token"] == "" {
				t.Fatalf("%s: %+v; want a POST to freee-hr's hook with its token", name, req)
			}
		}
	})
	t.Run("the SQS batch", func(t *testing.T) {
		t.Parallel()
		ev := roundTrip[events.SQSEvent](t, "sqs-batch.json")
		if len(ev.Records) != 2 {
			t.Fatalf("%d records; want 2", len(ev.Records))
		}
		first, second := lambdahub.Message(ev.Records[0]), lambdahub.Message(ev.Records[1])
		if first.ReceiveCount != 1 || second.ReceiveCount != 5 || first.Attributes["flow"] != "timeclock-to-payroll" {
			t.Fatalf("messages %+v, %+v; want receive counts 1 and 3+2 and the flow attribute", first, second)
		}
		if r := lambdahub.Received(ev.Records[1]); r.Attributes["ApproximateReceiveCount"] != "5" || r.MessageAttributes[lambdahub.PriorReceivesAttribute] != "" {
			t.Fatalf("received %+v; want the prior receives folded into the count", r)
		}
	})
	t.Run("the Scheduler input", func(t *testing.T) {
		t.Parallel()
		if in := roundTrip[lambdahub.ScheduleInput](t, "scheduler-input.json"); in.Flow != "timeclock-to-payroll" {
			t.Fatalf("input %+v", in)
		}
	})
	t.Run("the replay input", func(t *testing.T) {
		t.Parallel()
		if in := roundTrip[lambdahub.ReplayInput](t, "replay-input.json"); len(in.IDs) != 1 || in.All {
			t.Fatalf("input %+v", in)
		}
	})
}

// Malformed payloads fail the invocation in the runtime's decoding, before any handler runs.
func TestMalformedPayloadsAreRefusedBeforeTheHandler(t *testing.T) {
	t.Parallel()
	called := errors.New("the handler was called")
	webhook := func(_ context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{}, called
	}
	worker := func(_ context.Context, _ events.SQSEvent) (events.SQSEventResponse, error) {
		return events.SQSEventResponse{}, called
	}
	schedule := func(_ context.Context, _ lambdahub.ScheduleInput) (lambdahub.ScheduleOutput, error) {
		return lambdahub.ScheduleOutput{}, called
	}
	replay := func(_ context.Context, _ lambdahub.ReplayInput) (lambdahub.ReplayOutput, error) {
		return lambdahub.ReplayOutput{}, called
	}
	for _, tc := range []struct {
		name    string
		handler lambda.Handler
		file    string
	}{
		{"a truncated API Gateway request", lambda.NewHandler(webhook), "malformed/apigw-v2-truncated.json"},
		{"an SQS event whose records are not a list", lambda.NewHandler(worker), "malformed/sqs-records-not-a-list.json"},
		{"a Scheduler input whose flow is not a string", lambda.NewHandlerWithOptions(schedule, lambdahub.StrictInput), "malformed/scheduler-flow-not-a-string.json"},
		{"a Scheduler input with a misspelt key", lambda.NewHandlerWithOptions(schedule, lambdahub.StrictInput), "malformed/scheduler-unknown-field.json"},
		{"a Scheduler input that is not JSON", lambda.NewHandlerWithOptions(schedule, lambdahub.StrictInput), "malformed/scheduler-not-json.txt"},
		{"a replay input whose ids are not a list", lambda.NewHandlerWithOptions(replay, lambdahub.StrictInput), "malformed/replay-ids-not-a-list.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.handler.Invoke(t.Context(), fixture(t, tc.file))
			if err == nil || errors.Is(err, called) {
				t.Fatalf("err = %v; want a decoding error before the handler", err)
			}
		})
	}
	t.Run("the well-formed fixtures reach the handler", func(t *testing.T) {
		t.Parallel()
		for file, h := range map[string]lambda.Handler{
			"apigw-v2-webhook.json": lambda.NewHandler(webhook),
			"sqs-batch.json":        lambda.NewHandler(worker),
			"scheduler-input.json":  lambda.NewHandlerWithOptions(schedule, lambdahub.StrictInput),
			"replay-input.json":     lambda.NewHandlerWithOptions(replay, lambdahub.StrictInput),
		} {
			if _, err := h.Invoke(t.Context(), fixture(t, file)); err == nil || err.Error() != called.Error() {
				t.Fatalf("%s: err = %v; want the handler called", file, err)
			}
		}
	})
}
