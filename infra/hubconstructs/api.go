package hubconstructs

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// WebhookPath is the route vendors post to; the webhook function reads the connection from
// it, as the embedded server does.
const WebhookPath = "/hooks/{connection}"

// accessLogFormat is one JSON line per request. It names the connection (in the path) and
// the outcome, never a header or a body: those carry signatures and personal data.
const accessLogFormat = `{"requestId":"$context.requestId","time":"$context.requestTime",` +
	`"sourceIp":"$context.identity.sourceIp","route":"$context.routeKey","path":"$context.path",` +
	`"status":"$context.status","latencyMs":"$context.responseLatency",` +
	`"integrationError":"$context.integrationErrorMessage"}`

// WebhookAPIProps configure the webhook API.
type WebhookAPIProps struct {
	// Handler is the webhook function.
	Handler awslambda.IFunction
	// RateLimit (requests a second, steady) and BurstLimit throttle every route.
	RateLimit, BurstLimit float64
	// LogRetention is how long access log lines are kept.
	LogRetention awslogs.RetentionDays
}

// WebhookAPI is the HTTP API vendors post their webhooks to: POST /hooks/{connection} on
// the webhook function, throttled, with access logs.
type WebhookAPI struct {
	constructs.Construct
	API   awsapigatewayv2.HttpApi
	Stage awsapigatewayv2.HttpStage
}

// NewWebhookAPI declares the API, its one route and its throttled, logged stage.
func NewWebhookAPI(scope constructs.Construct, id string, props *WebhookAPIProps) *WebhookAPI {
	this := constructs.NewConstruct(scope, &id)
	api := awsapigatewayv2.NewHttpApi(this, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		Description:        jsii.String("urakata: vendors' webhooks"),
		CreateDefaultStage: jsii.Bool(false),
	})
	api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
		Path:        jsii.String(WebhookPath),
		Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod_POST},
		Integration: awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Webhook"), props.Handler, nil),
	})
	stage := awsapigatewayv2.NewHttpStage(this, jsii.String("Stage"), &awsapigatewayv2.HttpStageProps{
		HttpApi:    api,
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(props.RateLimit),
			BurstLimit: jsii.Number(props.BurstLimit),
		},
	})
	logs := awslogs.NewLogGroup(this, jsii.String("AccessLogs"), &awslogs.LogGroupProps{Retention: props.LogRetention})
	// The stage's L2 takes access log settings only as a jsii interface; the L1 property
	// says the same with less machinery.
	cfn := stage.Node().DefaultChild().(awsapigatewayv2.CfnStage)
	cfn.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: logs.LogGroupArn(),
		Format:         jsii.String(accessLogFormat),
	})
	return &WebhookAPI{Construct: this, API: api, Stage: stage}
}

// HooksURL is the address vendors are given, with the connection's name appended:
// https://…/hooks/.
func (w *WebhookAPI) HooksURL() *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{w.Stage.Url(), jsii.String("hooks/")})
}
