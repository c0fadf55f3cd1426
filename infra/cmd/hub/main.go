// Command hub is the urakata CDK app: it reads a hub.yaml and synthesizes the stack that
// runs it in AWS, checked by cdk-nag's AwsSolutions pack, into cdk.out/ (or wherever the
// CDK CLI asks). `make synth` runs it directly; `make deploy` runs it through
// `npx cdk deploy`. It needs no AWS account and no Docker, only Node for jsii.
//
// Settings, each a CDK context value (cdk … -c hub=my-hub.yaml) or else an environment
// variable:
//
//	hub         URAKATA_HUB          the hub.yaml to deploy (default hub.yaml)
//	assets      URAKATA_ASSETS       where make lambdas put the functions (default build/lambda)
//	stack       URAKATA_STACK        the stack's name; secrets are named <stack>/<SECRET> (default urakata)
//	alarmEmail  URAKATA_ALARM_EMAIL  an address to subscribe to the alarms (default none)
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/urakata/urakata/infra"
	"github.com/urakata/urakata/infra/plan"
	"github.com/urakata/urakata/shared/config"
	"github.com/urakata/urakata/shared/flows/helpdesktype"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "urakata infra:", err)
		os.Exit(1)
	}
}

func run() error {
	defer jsii.Close()
	props := &awscdk.AppProps{}
	if os.Getenv("CDK_OUTDIR") == "" { // run directly rather than by the CDK CLI
		props.Outdir = jsii.String("cdk.out")
	}
	app := awscdk.NewApp(props)
	setting := func(key, env, def string) string {
		if v, ok := app.Node().TryGetContext(&key).(string); ok && v != "" {
			return v
		}
		if v := os.Getenv(env); v != "" {
			return v
		}
		return def
	}
	hubPath := setting("hub", "URAKATA_HUB", "hub.yaml")
	assets := setting("assets", "URAKATA_ASSETS", filepath.Join("build", "lambda"))
	name := setting("stack", "URAKATA_STACK", "urakata")

	cfg, err := config.Load(hubPath, infra.Vocabulary())
	if err != nil {
		return err
	}
	p, err := plan.For(cfg)
	if err != nil {
		return err
	}
	functions := []string{infra.WebhookFunction, infra.ScheduleFunction, infra.WorkerFunction, infra.ReplayFunction}
	for _, fn := range p.Functions {
		functions = append(functions, fn.Name)
	}
	if err := checkAssets(assets, hubPath, functions); err != nil {
		return err
	}
	if err := checkKnowledgeBases(assets, hubPath, cfg); err != nil {
		return err
	}

	stack := infra.NewHubStack(app, name, &infra.HubStackProps{
		StackProps:   awscdk.StackProps{StackName: &name},
		Config:       cfg,
		AssetDir:     assets,
		SecretPrefix: name + "/",
		AlarmEmail:   setting("alarmEmail", "URAKATA_ALARM_EMAIL", ""),
	})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	assembly := app.Synth(nil)
	return nagVerdict(assembly.GetStackArtifact(stack.ArtifactId()))
}

// checkAssets makes sure every function the stack declares was built and carries the
// hub.yaml being deployed: the stack declares what that hub.yaml asks for, and the
// functions must run the same one.
func checkAssets(dir, hubPath string, functions []string) error {
	want, err := os.ReadFile(hubPath)
	if err != nil {
		return err
	}
	for _, fn := range functions {
		if _, err := os.Stat(filepath.Join(dir, fn, "bootstrap")); err != nil {
			return fmt.Errorf("function %s is not built (%w): run make lambdas HUB=%s", fn, err, hubPath)
		}
		got, err := os.ReadFile(filepath.Join(dir, fn, "hub.yaml"))
		if err != nil || !bytes.Equal(got, want) {
			return fmt.Errorf("%s does not carry %s: run make lambdas HUB=%s", filepath.Join(dir, fn), hubPath, hubPath)
		}
	}
	return nil
}

// checkKnowledgeBases makes sure the helpdesk function carries the knowledge-base folder
// of each chat bot that reads one from disk (kb: without kb_repo:), at the relative path
// hub.yaml gives: a Lambda function has no files but its asset's.
func checkKnowledgeBases(dir, hubPath string, cfg *config.File) error {
	var errs []error
	for _, f := range cfg.Flows {
		if f.Type != helpdesktype.TypeName {
			continue
		}
		kb, repo := helpdesktype.KB(f)
		if repo != "" {
			continue
		}
		if !filepath.IsLocal(kb) {
			errs = append(errs, fmt.Errorf("flow %s: kb %q: in AWS a knowledge base is a folder relative to where make lambdas runs (or a GitHub repository, kb_repo:)", f.Name, kb))
			continue
		}
		if st, err := os.Stat(filepath.Join(dir, helpdesktype.FunctionName, kb)); err != nil || !st.IsDir() {
			errs = append(errs, fmt.Errorf("flow %s: the %s function does not carry its knowledge base %s: run make lambdas HUB=%s KB=%s", f.Name, helpdesktype.FunctionName, kb, hubPath, kb))
		}
	}
	return errors.Join(errs...)
}

// nagVerdict prints what cdk-nag left unsuppressed, which the CDK CLI would print but a
// direct run would not, and fails on any error.
func nagVerdict(stack cxapi.CloudFormationStackArtifact) error {
	var errs []error
	for _, m := range *stack.Messages() {
		switch m.Level {
		case cxapi.SynthesisMessageLevel_ERROR:
			errs = append(errs, fmt.Errorf("%s: %v", *m.Id, m.Entry.Data))
		case cxapi.SynthesisMessageLevel_WARNING:
			fmt.Fprintf(os.Stderr, "warning: %s: %v\n", *m.Id, m.Entry.Data)
		}
	}
	return errors.Join(errs...)
}
