package infra

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/urakata/urakata/infra/hubconstructs"
)

// The cdk-nag AwsSolutions findings the stack accepts, each with the reason a reviewer
// reads. They are all here, in one place, and each applies to named resources (and, for
// IAM5, to the named wildcard only), never to the whole stack.
const (
	reasonKMSGrantWildcards = "CDK's grants on the hub's KMS-encrypted queues, table and dead letters " +
		"(grantSendMessages, grantReadWriteData) generate kms:GenerateDataKey* and kms:ReEncrypt*: " +
		"the variants of two KMS operations that SQS and DynamoDB call, on this stack's one key as the only resource."
	reasonInvokeVersions = "The Scheduler target grants lambda:InvokeFunction on the schedule function and " +
		"its versions and aliases (<arn>:*), as CDK's grantInvoke does; the resource is still that one function."
	reasonWebhookAuth = "Vendors post webhooks without AWS credentials or a token an authorizer could check. " +
		"Each request is authenticated by the webhook function, which verifies the vendor's signature over the " +
		"raw body and rejects stale timestamps before anything is queued (401, nothing enqueued); the stage is throttled."
	reasonVendorCredentials = "These secrets hold credentials the vendors issue (OAuth client secrets and refresh " +
		"tokens, webhook signing secrets); a Secrets Manager rotation function cannot mint new ones. OAuth refresh " +
		"tokens rotate on every refresh through the token store; the rest are rotated in the vendor's console and " +
		"put with aws secretsmanager put-secret-value."
)

// suppressed are the parts of the stack that findings are suppressed on.
type suppressed struct {
	webhook, schedule, worker, replay *hubconstructs.Function
	// own are the functions of their own (the helpdesk), granted as the worker is.
	own       []*hubconstructs.Function
	api       *hubconstructs.WebhookAPI
	secrets   *hubconstructs.ConnectionSecrets
	schedules *hubconstructs.FlowSchedules
}

func suppress(stack awscdk.Stack, s suppressed) {
	kms := rule("AwsSolutions-IAM5", reasonKMSGrantWildcards, "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*")
	for _, role := range []awsiam.Role{s.webhook.Role, s.schedule.Role, s.worker.Role, s.replay.Role} {
		on(role, kms)
	}
	for _, f := range s.own {
		on(f.Role, kms)
	}
	fn := stack.GetLogicalId(s.schedule.Function.Node().DefaultChild().(awscdk.CfnElement))
	on(s.schedules.Role, kms, rule("AwsSolutions-IAM5", reasonInvokeVersions, "Resource::<"+*fn+".Arn>:*"))
	on(s.api.API, rule("AwsSolutions-APIG4", reasonWebhookAuth))
	on(s.secrets.Construct, rule("AwsSolutions-SMG4", reasonVendorCredentials))
}

func rule(id, reason string, appliesTo ...string) *cdknag.NagPackSuppression {
	r := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		a := make([]any, len(appliesTo))
		for i, s := range appliesTo {
			a[i] = s
		}
		r.AppliesTo = &a
	}
	return r
}

// on suppresses rules on construct and everything under it.
func on(construct any, rules ...*cdknag.NagPackSuppression) {
	cdknag.NagSuppressions_AddResourceSuppressions(construct, &rules, jsii.Bool(true))
}
