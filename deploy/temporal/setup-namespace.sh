#!/bin/sh
# One-off job of docker-compose.yml (service temporal-setup, image temporalio/admin-tools):
# once the server answers, makes sure the namespace exists and registers the product's search
# attributes (CONTRACT.md). Both steps are idempotent, so the job runs on every start.
#   SEARCH_ATTRIBUTES="RegenStatus=Keyword SceneId=Int ..."  (names and types, space separated)
set -eu

: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS to the Temporal frontend, host:port}"
: "${SEARCH_ATTRIBUTES:?set SEARCH_ATTRIBUTES to Name=Type pairs}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-30d}"

echo "Waiting for the Temporal server at $TEMPORAL_ADDRESS"
tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then
    echo "Temporal server at $TEMPORAL_ADDRESS did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "Namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "Namespace $NAMESPACE created"
fi

# A namespace just created takes a few seconds to reach every server role, and until then
# registering attributes in it fails with "not found": such steps are retried for a while.
retry() {
  tries=0
  until "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
      echo "Gave up after $tries tries: $*" >&2
      return 1
    fi
    sleep 2
  done
}

# Creating an attribute that already exists with the same type succeeds; a different type fails
# (for good: the workflows would write the wrong type), and stops the stack.
for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  retry temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" \
    --name "$name" --type "$type"
done
echo "Search attributes registered: $SEARCH_ATTRIBUTES"
