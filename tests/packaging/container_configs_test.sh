#!/bin/sh
# The container examples ship configs that `phpeek-pm check-config` accepts (the only warnings
# allowed: programs that exist in the image but not on this machine), and the Kubernetes
# manifests agree with the config they mount (ports, grace period, token).
#   container_configs_test.sh PHPEEK_PM_BINARY SOURCE_DIR
set -eu
bin=$1
src=$2
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cfg in "$src/packaging/docker/phpeek-pm.yaml" "$src/packaging/kubernetes/phpeek-pm.yaml"; do
  rc=0
  PHPEEK_PM_API_TOKEN=test-token "$bin" check-config -c "$cfg" >"$tmp/out" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL: check-config $cfg exited $rc"
    cat "$tmp/out"
    fail=1
  fi
  if grep ': warning: ' "$tmp/out" | grep -v 'is not found on PATH'; then
    echo "FAIL: unexpected warnings in $cfg"
    fail=1
  fi
done
# The Kubernetes config takes its token from the Secret and must not start without it.
if env -u PHPEEK_PM_API_TOKEN "$bin" check-config -c "$src/packaging/kubernetes/phpeek-pm.yaml" \
     >/dev/null 2>&1; then
  echo "FAIL: the Kubernetes config is valid without PHPEEK_PM_API_TOKEN"
  fail=1
fi

k8s="$src/packaging/kubernetes"
value() { sed -n "s/^  $1: *\\([0-9]*\\).*/\\1/p" "$k8s/phpeek-pm.yaml"; }
grep -q "containerPort: $(value api_port)$" "$k8s/deployment.yaml" || { echo "FAIL: api port"; fail=1; }
grep -q "prometheus.io/port: \"$(value metrics_port)\"" "$k8s/deployment.yaml" ||
  { echo "FAIL: prometheus.io/port differs from metrics_port"; fail=1; }
# Liveness on /api/v1/health, readiness on /api/v1/ready (lifecycle.md, "Readiness").
grep -A2 'livenessProbe:' "$k8s/deployment.yaml" | grep -q 'path: /api/v1/health' ||
  { echo "FAIL: liveness probe"; fail=1; }
grep -A2 'readinessProbe:' "$k8s/deployment.yaml" | grep -q 'path: /api/v1/ready' ||
  { echo "FAIL: readiness probe"; fail=1; }
grace=$(sed -n 's/^ *terminationGracePeriodSeconds: *//p' "$k8s/deployment.yaml")
[ "$grace" -gt "$(value shutdown_timeout)" ] || { echo "FAIL: grace period <= shutdown_timeout"; fail=1; }
grep -q '^      - phpeek-pm.yaml$' "$k8s/kustomization.yaml" || { echo "FAIL: kustomization"; fail=1; }
grep -q '^COPY docker/phpeek-pm.yaml /etc/phpeek-pm/phpeek-pm.yaml$' "$src/packaging/docker/Dockerfile" ||
  { echo "FAIL: the Dockerfile does not install its config"; fail=1; }
exit $fail
