package lambdahub

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/urakata/urakata/connectors/all"
	"github.com/urakata/urakata/shared/config"
	_ "github.com/urakata/urakata/shared/flows/all"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/wiring"
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

// gatedSource answers a lookup only once want lookups are waiting at the same time, so a
// prefetch that reads one secret after another never gets past its first.
type gatedSource struct {
	want    int
	mu      sync.Mutex
	asked   []string
	arrived chan struct{}
}

func (g *gatedSource) Lookup(ctx context.Context, name string) (secrets.Secret, error) {
	g.mu.Lock()
	g.asked = append(g.asked, name)
	if len(g.asked) == g.want {
		close(g.arrived)
	}
	g.mu.Unlock()
	select {
	case <-g.arrived:
		return secrets.New("v"), nil
	case <-ctx.Done():
		return secrets.Secret{}, ctx.Err()
	}
}

// A cold start reads the secrets of the connections its role builds at once, and no others.
func TestPrefetchReadsTheRolesSecretsAtOnce(t *testing.T) {
	t.Parallel()
	cfg, err := config.Parse("hub.yaml", []byte(`version: 1
company: {zone: Asia/Tokyo}
connections:
  freee-hr: {vendor: freee-hr, secret: FREEE_HR, settings: {company_id: 1}}
  freee-hr-stores: {vendor: freee-hr, secret: FREEE_HR_STORES, settings: {company_id: 2}}
  spare: {vendor: freee-hr, secret: SPARE, settings: {company_id: 3}}
flows:
  timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr
    target: freee-hr
    trigger: {schedule: {cron: "0 6 1 * *"}}
    period: {closing_day: 0, prescribed_daily_minutes: 480}
  stores-timeclock-to-payroll:
    type: timeclock-to-payroll
    source: freee-hr-stores
    target: freee-hr-stores
    trigger: {schedule: {cron: "0 7 16 * *"}}
    period: {closing_day: 15, prescribed_daily_minutes: 450}
`), wiring.Vocabulary())
	if err != nil {
		t.Fatal(err)
	}
	src := &gatedSource{want: 2, arrived: make(chan struct{})}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	prefetch(ctx, src, cfg, wiring.RoleWorker)
	if ctx.Err() != nil {
		t.Fatal("the secrets were read one after another: the first never saw the second arrive")
	}
	slices.Sort(src.asked)
	if want := []string{"FREEE_HR", "FREEE_HR_STORES"}; !slices.Equal(src.asked, want) {
		t.Fatalf("read %q; want the worker's two secrets, not the unused connection's", src.asked)
	}
}
