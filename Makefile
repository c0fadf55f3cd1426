# urakata: make run (the demo on the embedded runtime), make test (what CI runs).
GO      ?= go
PKGS    ?= ./...
BIN     ?= bin

.PHONY: run test build lint bench fmt clean

## run: the demo: sandbox vendors, every flow of hub.example.yaml once, then serve webhooks.
run:
	$(GO) run ./cmd/urakata dev --config hub.example.yaml

## test: lint, then every test.
test: lint
	$(GO) test -count=1 $(PKGS)

## build: the CLI into bin/, and one linux/arm64 bootstrap per Lambda function (make lambdas).
build: lambdas
	$(GO) build -trimpath -o $(BIN)/urakata ./cmd/urakata

## lint: gofmt must have nothing to change; go vet must be clean.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

## bench: every benchmark, with allocations.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf $(BIN) .urakata

## lambdas: one linux/arm64 bootstrap per Lambda function in $(LAMBDA_DIR)/<name>/, with the
## hub.yaml named by HUB= copied beside it as hub.yaml; CDK takes each folder as an asset.
## The helpdesk function (the chat bot) also carries the knowledge-base folders KB= names:
## the kb: of hub.yaml's chat-helpdesk flows, relative paths copied to the same paths beside
## its bootstrap, where it runs (a knowledge base kept in GitHub, kb_repo:, needs none).
## The same source builds byte-identical bootstraps, so asset hashes change only with code.
HUB        ?= hub.example.yaml
LAMBDA_DIR ?= build/lambda
LAMBDAS    := webhook schedule worker replay helpdesk
KB         ?= testdata/faq
.PHONY: lambdas
lambdas:
	@for fn in $(LAMBDAS); do \
		mkdir -p $(LAMBDA_DIR)/$$fn && \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -buildvcs=false \
			-ldflags='-s -w -buildid=' -o $(LAMBDA_DIR)/$$fn/bootstrap ./functions/$$fn && \
		cp $(HUB) $(LAMBDA_DIR)/$$fn/hub.yaml && \
		echo "$(LAMBDA_DIR)/$$fn/bootstrap $$(wc -c < $(LAMBDA_DIR)/$$fn/bootstrap) bytes" || exit 1; \
	done
	@for kb in $(KB); do \
		case $$kb in /*|*..*) echo "KB=$$kb: want a folder relative to here, as hub.yaml's kb: gives it"; exit 1;; esac; \
		rm -rf $(LAMBDA_DIR)/helpdesk/$$kb && mkdir -p $(LAMBDA_DIR)/helpdesk/$$kb && \
		cp -R $$kb/. $(LAMBDA_DIR)/helpdesk/$$kb/ && echo "$(LAMBDA_DIR)/helpdesk/$$kb (knowledge base)" || exit 1; \
	done

## synth: the CloudFormation template for HUB= into cdk.out/, checked by cdk-nag: no AWS
## account and no Docker, only Node (for jsii) and the functions make lambdas builds.
## deploy: the same, deployed with the pinned CDK CLI to the account of the current AWS
## credentials (bootstrap it first: see "In your AWS account" in README.md). STACK= names the stack and
## prefixes its secrets (default urakata).
JSII_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
STACK    ?= urakata
.PHONY: synth deploy
synth: lambdas
	$(JSII_ENV) URAKATA_HUB=$(HUB) URAKATA_ASSETS=$(LAMBDA_DIR) URAKATA_STACK=$(STACK) $(GO) run ./infra/cmd/hub
	@echo "cdk.out/$(STACK).template.json"

# The CDK CLI lives in infra/_cli (a folder the go command skips, so its node_modules,
# which ship .go templates, never reach go build ./...).
CDK := infra/_cli/node_modules/.bin/cdk

deploy: lambdas $(CDK)
	$(JSII_ENV) $(CDK) deploy -c hub=$(HUB) -c assets=$(LAMBDA_DIR) -c stack=$(STACK) $(if $(ALARM_EMAIL),-c alarmEmail=$(ALARM_EMAIL))

$(CDK): infra/_cli/package.json infra/_cli/package-lock.json
	npm ci --prefix infra/_cli --no-audit --no-fund
