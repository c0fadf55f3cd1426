// Tests of the Lambda binaries as built: what they link, and that the build is
// reproducible, so that CDK's asset hashes change only when the code does.
package functions_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var functions = []string{"webhook", "schedule", "worker", "replay", "helpdesk"}

// ceiling is the most a function's bootstrap may weigh. The shared four stay within 12 MB,
// which keeps their cold starts short. The helpdesk function carries the FAQ tokenizer's IPA
// dictionary (about 13 MB) on top of the same hub: 23.2 MB when measured (linux/arm64, Go
// 1.26), so 30 MB leaves it room to grow by a quarter before someone must look, and is still
// well within Lambda's 50 MB for a zipped package even before the zip compresses it.
var ceiling = map[string]int{
	"webhook": 12_000_000, "schedule": 12_000_000, "worker": 12_000_000, "replay": 12_000_000,
	"helpdesk": 30_000_000,
}

// lambdaEnv is the environment `make lambdas` builds in.
func lambdaEnv() []string {
	return append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
}

// A Lambda binary must not carry the embedded runtime, the CDK, an emulator or a sandbox:
// they would swell the asset, slow the cold start, and put test vendors in production.
func TestFunctionsLinkNothingTheyMustNot(t *testing.T) {
	t.Parallel()
	forbidden := []string{
		"modernc.org/sqlite",
		"github.com/urakata/urakata/shared/sqlitedb",
		"github.com/urakata/urakata/shared/local",
		"github.com/aws/aws-cdk-go",
		"github.com/aws/jsii-runtime-go",
		"github.com/aws/constructs-go",
		"github.com/cdklabs/",
		"github.com/urakata/urakata/infra",
		"github.com/urakata/urakata/connectors/freee/freeetest",
		"github.com/urakata/urakata/connectors/sandboxes",
		"github.com/sivchari/kumo",
		"github.com/urakata/urakata/connectors/internal/sandboxkit",
		"github.com/urakata/urakata/shared/awstest",
		"testing",
		"net/http/httptest",
	}
	// The FAQ tokenizer and its dictionary would take a shared bootstrap past 12 MB: only
	// the helpdesk function, which answers chat, links them.
	sharedForbidden := []string{"github.com/ikawaha/kagome", "github.com/urakata/urakata/shared/flows/helpdesk", "github.com/urakata/urakata/shared/faq"}
	// What each must link, so the check cannot pass by listing nothing.
	required := map[string][]string{
		"webhook":  {"github.com/urakata/urakata/connectors/freee", "github.com/urakata/urakata/shared/queue/sqsqueue"},
		"schedule": {"github.com/urakata/urakata/shared/flows/timeclock", "github.com/urakata/urakata/shared/store/dynamostore"},
		"worker":   {"github.com/urakata/urakata/shared/flows/timeclock", "github.com/urakata/urakata/shared/store/dynamostore", "github.com/urakata/urakata/shared/secrets/awssecrets"},
		"replay":   {"github.com/urakata/urakata/shared/queue/sqsqueue"},
		"helpdesk": {"github.com/urakata/urakata/shared/flows/helpdesk", "github.com/ikawaha/kagome-dict/ipa", "github.com/urakata/urakata/connectors/slack",
			"github.com/urakata/urakata/shared/store/dynamostore", "github.com/urakata/urakata/shared/secrets/awssecrets"},
	}
	for _, fn := range functions {
		t.Run(fn, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", "./"+fn)
			cmd.Env = lambdaEnv()
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list: %v", err)
			}
			deps := map[string]bool{}
			banned := forbidden
			if fn != "helpdesk" {
				banned = append(slices.Clone(forbidden), sharedForbidden...)
			}
			for _, p := range strings.Fields(string(out)) {
				deps[p] = true
				for _, f := range banned {
					if p == f || strings.HasPrefix(p, strings.TrimSuffix(f, "/")+"/") {
						t.Errorf("%s links %s", fn, p)
					}
				}
			}
			for _, r := range required[fn] {
				if !deps[r] {
					t.Errorf("%s does not link %s", fn, r)
				}
			}
			if fn == "replay" && deps["github.com/urakata/urakata/connectors/freee"] {
				t.Error("replay links a connector; it needs the queues only")
			}
		})
	}
}

// `make lambdas` twice, into two folders, gives the same bytes, each bootstrap within its
// ceiling. It compiles for linux/arm64: about a minute with a cold build cache, seconds
// with a warm one, so -short leaves it out; `make test` runs it.
func TestLambdaBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the five bootstraps twice; run without -short (make test does)")
	}
	t.Parallel()
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for _, dir := range dirs {
		cmd := exec.Command("make", "-s", "-C", "..", "lambdas", "LAMBDA_DIR="+dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("make lambdas: %v\n%s", err, stderr.String())
		}
	}
	for _, fn := range functions {
		var sums [2][sha256.Size]byte
		for i, dir := range dirs {
			b, err := os.ReadFile(filepath.Join(dir, fn, "bootstrap"))
			if err != nil {
				t.Fatal(err)
			}
			sums[i] = sha256.Sum256(b)
			if i == 0 {
				t.Logf("%s/bootstrap: %d bytes", fn, len(b))
				if len(b) > ceiling[fn] {
					t.Errorf("%s/bootstrap is %d bytes; its ceiling is %d", fn, len(b), ceiling[fn])
				}
			}
			if _, err := os.Stat(filepath.Join(dir, fn, "hub.yaml")); err != nil {
				t.Errorf("%s: no hub.yaml beside the bootstrap: %v", fn, err)
			}
			if fn == "helpdesk" {
				// The demo's knowledge base, at the path hub.example.yaml's kb: gives.
				if entries, err := filepath.Glob(filepath.Join(dir, fn, "testdata", "faq", "*", "*.md")); err != nil || len(entries) == 0 {
					t.Errorf("helpdesk: no FAQ entries under testdata/faq beside the bootstrap (%v)", err)
				}
			}
		}
		if sums[0] != sums[1] {
			t.Errorf("%s/bootstrap differs between two builds: %x, %x", fn, sums[0], sums[1])
		}
	}
}
