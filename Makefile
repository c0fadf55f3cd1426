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

## build: the CLI into bin/.
build:
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
