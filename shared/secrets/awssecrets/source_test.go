package awssecrets_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/urakata/urakata/shared/awstest"
	"github.com/urakata/urakata/shared/secrets"
	"github.com/urakata/urakata/shared/secrets/awssecrets"
)

// calls counts the requests that reach the server, can hold them at a gate, and can fail
// them as a network would.
type calls struct {
	n    atomic.Int64
	gate chan struct{} // nil: never held
	down atomic.Bool
	next aws.HTTPClient
}

func (c *calls) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	if c.gate != nil {
		<-c.gate
	}
	if c.down.Load() {
		return nil, errors.New("connection refused")
	}
	return c.next.Do(r)
}

// clock is a fake time the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	// prefix is this test's own: the kumo server is shared by the whole binary.
	prefix string
	env    *awstest.Env
	src    *awssecrets.Source
	calls  *calls
	clock  *clock
}

func setup(t *testing.T, gate chan struct{}) fixture {
	t.Helper()
	env := awstest.Start(t)
	counter := &calls{gate: gate, next: http.DefaultClient}
	client := secretsmanager.NewFromConfig(env.Config, func(o *secretsmanager.Options) { o.HTTPClient = counter })
	clk := &clock{now: time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)}
	prefix := awstest.Unique("urakata/test") + "/"
	src, err := awssecrets.New(client, awssecrets.Options{Prefix: prefix, TTL: time.Minute, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{prefix: prefix, env: env, src: src, calls: counter, clock: clk}
}

func (f fixture) lookup(t *testing.T, name string) secrets.Secret {
	t.Helper()
	s, err := f.src.Lookup(t.Context(), name)
	if err != nil {
		t.Fatalf("look up %s: %v", name, err)
	}
	return s
}

func TestLookupReadsTheSecretUnderThePrefix(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	f.env.PutSecret(t, f.prefix+"FREEE_HR", `{"client_id":"id-1","client_secret":"cs-1"}`)

	s := f.lookup(t, "FREEE_HR")
	fields, err := secrets.DecodeFields(s, "client_id", "client_secret")
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if fields["client_id"].Reveal() != "id-1" || fields["client_secret"].Reveal() != "cs-1" {
		t.Error("the fields read differ from the ones stored")
	}
	if got := fmt.Sprint(s); got != secrets.Redacted {
		t.Errorf("the secret prints as %q", got)
	}
	if got := f.src.SecretID("FREEE_HR"); got != f.prefix+"FREEE_HR" {
		t.Errorf("secret id = %q", got)
	}
}

func TestLookupWithinTheTTLMakesNoCallAndAfterItReadsAgain(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	f.env.PutSecret(t, f.prefix+"SLACK_BOT", "xoxb-old")

	f.lookup(t, "SLACK_BOT")
	f.clock.Advance(59 * time.Second)
	if s := f.lookup(t, "SLACK_BOT"); s.Reveal() != "xoxb-old" {
		t.Error("the kept value differs from the one read")
	}
	if n := f.calls.n.Load(); n != 1 {
		t.Fatalf("%d calls for two lookups within the TTL, want 1", n)
	}

	_, err := f.env.SecretsManager().PutSecretValue(t.Context(), &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(f.prefix + "SLACK_BOT"), SecretString: aws.String("xoxb-rotated")})
	if err != nil {
		t.Fatalf("rotate: %v", err)
	}
	f.clock.Advance(time.Second)
	if s := f.lookup(t, "SLACK_BOT"); s.Reveal() != "xoxb-rotated" {
		t.Error("after the TTL the rotated value was not read")
	}
	if n := f.calls.n.Load(); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

func TestConcurrentLookupsOfOneNameMakeOneCall(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	f := setup(t, gate)
	// Created with another client: the gate holds only the source's calls.
	f.env.PutSecret(t, f.prefix+"XERO", "xero-secret")

	const lookups = 20
	var wg sync.WaitGroup
	errs := make([]error, lookups)
	vals := make([]string, lookups)
	for i := range lookups {
		wg.Go(func() {
			s, err := f.src.Lookup(t.Context(), "XERO")
			errs[i], vals[i] = err, s.Reveal()
		})
	}
	// Wait for the first call to reach the server, then let it through; every other
	// lookup either joined it or finds its value kept.
	for f.calls.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	for i := range lookups {
		if errs[i] != nil || vals[i] != "xero-secret" {
			t.Fatalf("lookup %d: err %v, value right %v", i, errs[i], vals[i] == "xero-secret")
		}
	}
	if n := f.calls.n.Load(); n != 1 {
		t.Errorf("%d calls for %d concurrent lookups, want 1", n, lookups)
	}
}

func TestAMissingSecretIsNotFoundNamingTheSecretTriedAndIsNotKept(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)

	_, err := f.src.Lookup(t.Context(), "FREEE_ACCOUNTING")
	if !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("err = %v, want secrets.ErrNotFound", err)
	}
	nf, ok := errors.AsType[*secrets.NotFoundError](err)
	if !ok || nf.Name != "FREEE_ACCOUNTING" || len(nf.Tried) != 1 || !strings.Contains(nf.Tried[0], f.prefix+"FREEE_ACCOUNTING") {
		t.Errorf("err = %#v, want a NotFoundError naming the Secrets Manager secret %s", err, f.prefix+"FREEE_ACCOUNTING")
	}
	_, err = secrets.ForConnection(t.Context(), f.src, "accounting", "FREEE_ACCOUNTING")
	if !strings.Contains(fmt.Sprint(err), "connection accounting") || !strings.Contains(fmt.Sprint(err), f.prefix+"FREEE_ACCOUNTING") {
		t.Errorf("a miss for a connection says %q, want the connection and the secret tried", err)
	}

	// IT staff fill it in: the next lookup finds it, with no TTL to wait out.
	f.env.PutSecret(t, f.prefix+"FREEE_ACCOUNTING", "filled-in")
	if s := f.lookup(t, "FREEE_ACCOUNTING"); s.Reveal() != "filled-in" {
		t.Error("the secret filled in was not found")
	}
}

func TestAFailingServiceIsAnErrorNotAMissAndNeverCarriesTheValue(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	f.env.PutSecret(t, f.prefix+"GITHUB", "ghp-very-secret")
	f.lookup(t, "GITHUB")
	f.calls.down.Store(true)
	f.clock.Advance(2 * time.Minute)

	_, err := f.src.Lookup(t.Context(), "GITHUB")
	if err == nil || errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("err = %v, want a failure that is not a miss", err)
	}
	if strings.Contains(err.Error(), "ghp-very-secret") {
		t.Error("the error carries the secret's value")
	}
	if !strings.Contains(err.Error(), f.prefix+"GITHUB") {
		t.Errorf("err = %v, want it to name the secret tried", err)
	}
}

func TestALookupLeavesWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	f := setup(t, gate)
	t.Cleanup(func() { close(gate) })
	f.env.PutSecret(t, f.prefix+"SLOW", "value")

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := f.src.Lookup(ctx, "SLOW")
		done <- err
	}()
	for f.calls.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestNewRefusesNoClient(t *testing.T) {
	t.Parallel()
	if _, err := awssecrets.New(nil, awssecrets.Options{}); !errors.Is(err, awssecrets.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
}
