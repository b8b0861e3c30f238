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
# The custom search attributes reposync's workflows set (src/shared/search-attributes.ts); the
# server refuses to start a workflow that sets one it does not know. Created only where missing.
existing="$(temporal operator search-attribute list --namespace "$namespace" --address "$address")"
for attribute in ProjectId TenantId Repository SyncKind SyncPhase LastErrorCode; do
  if printf '%s\n' "$existing" | grep -qw "$attribute"; then
    echo "search attribute $attribute exists"
  else
    temporal operator search-attribute create --namespace "$namespace" --name "$attribute" --type Keyword --address "$address"
  fi
done
