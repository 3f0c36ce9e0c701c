# Sourced by bin/run and bin/test: points JAVA_HOME at a JDK >= 21.
# JAVA_HOME wins if it is one; otherwise the newest suitable JDK under /usr/lib/jvm.

jdk_feature_version() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit }'
}

jdk_is_suitable() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local version
  version=$(jdk_feature_version "$1")
  [ -n "$version" ] && [ "$version" -ge 21 ]
}

# select_jdk [--quiet]: --quiet leaves out the "Using JDK" line (bin/chorus output is for scripts).
select_jdk() {
  local quiet=""
  [ "${1:-}" = --quiet ] && quiet=1
  if [ -n "${JAVA_HOME:-}" ] && jdk_is_suitable "$JAVA_HOME"; then
    export JAVA_HOME
  else
    local best="" best_version=0 candidate version
    for candidate in /usr/lib/jvm/*; do
      [ -d "$candidate" ] && [ ! -L "$candidate" ] || continue
      jdk_is_suitable "$candidate" || continue
      version=$(jdk_feature_version "$candidate")
      if [ "$version" -gt "$best_version" ]; then best=$candidate; best_version=$version; fi
    done
    if [ -z "$best" ]; then
      echo "Chorus needs a JDK 21 or newer and found none." >&2
      echo "  JAVA_HOME=${JAVA_HOME:-<unset>}; looked in /usr/lib/jvm: $(ls /usr/lib/jvm 2>/dev/null | tr '\n' ' ')" >&2
      echo "  Install one (for example Temurin 25 or OpenJDK 21) or set JAVA_HOME to it." >&2
      return 1
    fi
    export JAVA_HOME=$best
  fi
  export PATH="$JAVA_HOME/bin:$PATH"
  [ -n "$quiet" ] || echo "Using JDK $(jdk_feature_version "$JAVA_HOME") at $JAVA_HOME" >&2
}
