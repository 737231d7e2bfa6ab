# resuMAX developer commands. `make run` and `make test` are the two a newcomer needs.

CARGO ?= cargo
BUF := node_modules/.bin/buf

.PHONY: run test lint fmt buf-lint buf-breaking bench clean

## Build and start the embedded product on http://127.0.0.1:8080 (data under ./.resumax).
run:
	$(CARGO) run --bin resumax -- serve

## Build and run every test (unit, gRPC round trips, HTTP contract, system tests). The npm
## packages (buf, and playwright-core for the browser test) are installed first when missing.
test: $(BUF)
	$(CARGO) test --workspace --all-targets

## Formatting, clippy with warnings denied, and buf lint of the protobuf contracts.
lint: buf-lint
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

$(BUF): package.json
	npm install --no-audit --no-fund
	@touch $(BUF)

buf-lint: $(BUF)
	$(BUF) lint

## Proto changes stay wire-compatible with the previous commit (or are versioned deliberately).
buf-breaking: $(BUF)
	@if git rev-parse -q --verify HEAD~1 >/dev/null; then \
		$(BUF) breaking --against '.git#ref=HEAD~1'; \
	else echo "buf-breaking: no previous commit to compare with"; fi

## Benchmarks (release build); results and the machine go in docs/benchmarks.md.
bench:
	$(CARGO) bench -p resumax-document -p resumax-scoring

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean

## Render the k8s overlays, validate them against the Kubernetes schemas and run checkov (k8s/check).
.PHONY: k8s
k8s:
	k8s/check
