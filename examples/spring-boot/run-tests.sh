#!/usr/bin/env bash
# Installs Caspian (the repository root; its tests neither compiled nor run) into the local Maven repository, then
# runs this example's tests: two instances of the shop against one real memcached that the test starts
# (CASPIAN_MEMCACHED_BIN, else memcached from /usr/bin, /usr/local/bin or the PATH). Extra arguments go to the
# example's mvn, e.g. -Dexample.args=--spring.cache.type=simple to watch the cross-instance tests fail.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
flags=(-B -ntp -Dstyle.color=never)

offline=()
if [ -d "$repo/org/springframework/boot/spring-boot-starter-parent/4.0.7" ] \
    && [ -d "$repo/org/springframework/boot/spring-boot-starter-webmvc/4.0.7" ] \
    && [ -d "$repo/org/springframework/boot/spring-boot-starter-test/4.0.7" ]; then
  offline=(-o) # everything was downloaded before: no remote look-ups
fi

start=$SECONDS
(cd "$here/../.." && mvn "${flags[@]}" -q "${offline[@]}" -Dmaven.test.skip=true install)
echo "examples/spring-boot: io.caspian:caspian installed in $((SECONDS - start)) s"
cd "$here"
mvn "${flags[@]}" "${offline[@]}" test "$@"
echo "examples/spring-boot: done in $((SECONDS - start)) s"
