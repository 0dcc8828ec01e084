# Shared by scripts/jthreadtrace, scripts/test and scripts/bench: finds a JDK >= 22 (the FFM API is
# final since 22; the project compiles for 25, so in practice 25+ builds it) and Maven.
#
#   find_jdk      sets JAVA_HOME to the first suitable JDK: $JAVA_HOME, then `java` on PATH, then
#                 the directories under /usr/lib/jvm (or under each directory of
#                 $JTHREADTRACE_JDK_DIRS, colon-separated, which replaces /usr/lib/jvm: for tests
#                 and unusual installs). Prints one line and returns 1 when there is none.
#   require_maven returns 1 with one line when mvn is missing.

JTHREADTRACE_MIN_JDK=${JTHREADTRACE_MIN_JDK:-25}

# The feature version of the JDK at $1 ("25"), from its release file or, failing that, java -version.
jdk_feature_version() {
  local home=$1 v=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  [ "$v" = 1 ] && v=8
  [ -n "$v" ] && echo "$v"
}

find_jdk() {
  local candidates=() seen="" home v found_old=""
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local dirs=${JTHREADTRACE_JDK_DIRS:-/usr/lib/jvm}
  local IFS=:
  for d in $dirs; do
    for home in "$d"/*; do [ -d "$home" ] && candidates+=("$home"); done
  done
  unset IFS
  for home in "${candidates[@]}"; do
    home=$(readlink -f "$home" 2>/dev/null || echo "$home")
    case " $seen " in *" $home "*) continue ;; esac
    seen="$seen $home"
    v=$(jdk_feature_version "$home") || continue
    if [ "$v" -ge "$JTHREADTRACE_MIN_JDK" ]; then
      export JAVA_HOME=$home
      return 0
    fi
    found_old="$found_old ${v}@$home"
  done
  echo "jthreadtrace: needs JDK $JTHREADTRACE_MIN_JDK or newer (found:${found_old:- none}); install one (Debian/Ubuntu: apt-get install openjdk-25-jdk, or Temurin 25 from adoptium.net) and/or set JAVA_HOME to it" >&2
  return 1
}

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "jthreadtrace: Maven (mvn) is needed to build; install it (Debian/Ubuntu: apt-get install maven)" >&2
    return 1
  fi
}

# JDK 24+ warns about Maven 3.8's use of sun.misc.Unsafe on every run; keep the build output readable.
maven_opts_for_jdk() {
  local v
  v=$(jdk_feature_version "$JAVA_HOME")
  if [ "$v" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in
      *sun-misc-unsafe-memory-access*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}
