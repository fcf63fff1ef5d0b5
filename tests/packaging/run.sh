#!/usr/bin/env bash
# Builds the Debian packages (build/pkg, build/packages) and runs the packaging tests in that
# tree: the "packages" step of .ci/test. Needs root: the tests install and purge the packages on
# this machine (see package_test.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

.ci/package -DNJ_BUILD_TESTS=ON -DNJ_TEST_PACKAGES=ON
ctest --test-dir build/pkg -L packaging --output-on-failure --timeout 900
