package lambdahub

import (
	"strings"
	"testing"
)

func TestLambdaConfigReadsWhatLambdaSets(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AWS_REGION": "ap-northeast-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok"}
	cfg, err := lambdaConfig(func(k string) string { return env[k] })
	if err != nil || cfg.Region != "ap-northeast-1" || cfg.Credentials == nil || cfg.BaseEndpoint != nil {
		t.Fatalf("lambdaConfig = %+v, %v; want the region and the role's credentials, no endpoint", cfg, err)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || creds.AccessKeyID != "AKIDEXAMPLE" || creds.SessionToken != "tok" {
		t.Errorf("credentials %+v, %v", creds, err)
	}

	env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566"
	if cfg, _ := lambdaConfig(func(k string) string { return env[k] }); cfg.BaseEndpoint == nil || *cfg.BaseEndpoint != "http://127.0.0.1:4566" {
		t.Errorf("AWS_ENDPOINT_URL was not used")
	}

	_, err = lambdaConfig(func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "AWS_REGION") || !strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID") {
		t.Errorf("without Lambda's variables: %v; want both named", err)
	}
	if strings.Contains(err.Error(), "AKIDEXAMPLE") {
		t.Error("a credential in an error")
	}
}
