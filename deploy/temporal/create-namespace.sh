#!/bin/sh
# One-shot (the `temporal-namespace` service): registers the namespace reposync runs in once the
# server answers, unless it exists already.
set -eu
namespace="${TEMPORAL_NAMESPACE:-default}"
address="${TEMPORAL_ADDRESS:-temporal:7233}"
attempt=0
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then echo "Temporal at $address is not healthy after 5 minutes" >&2; exit 1; fi
  sleep 5
done
if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --namespace "$namespace" --retention "${TEMPORAL_RETENTION:-72h}" --address "$address"
fi
