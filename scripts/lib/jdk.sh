# Shared by scripts/jthreadtrace, scripts/test and scripts/bench: finds a JDK >= 22 (the FFM API is
# final since 22; the project compiles for 25, so in practice 25+ builds it) and Maven.
#
#   find_jdk      sets JAVA_HOME to the first suitable JDK: $JAVA_HOME, then `java` on PATH, then
#                 the directories under /usr/lib/jvm (or under each directory of
#                 $JTHREADTRACE_JDK_DIRS, colon-separated, which replaces /usr/lib/jvm: for tests
#                 and unusual installs). Prints one line and returns 1 when there is none.
#   require_maven returns 1 with one line when mvn is missing.

JTHREADTRACE_MIN_JDK=${JTHREADTRACE_MIN_JDK:-25}

# The feature version of the JDK at $1 ("25"), from its release file or, failing that, java -version:
# printed, and left in $jdk_version. Returns 1 when $1 is not a JDK. The release file is read with
# bash builtins: the launcher runs this at every start, and each fork costs a millisecond or two.
jdk_feature_version() {
  local home=$1 line
  jdk_version=""
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  if [ -f "$home/release" ]; then
    while IFS= read -r line; do
      case $line in
        JAVA_VERSION=*) line=${line#JAVA_VERSION=\"}; jdk_version=${line%%[!0-9]*}; break ;;
      esac
    done < "$home/release"
  fi
  if [ -z "$jdk_version" ]; then
    jdk_version=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  fi
  [ "$jdk_version" = 1 ] && jdk_version=8
  [ -n "$jdk_version" ] && echo "$jdk_version"
}

# Whether the JDK at $1 is new enough; remembers an old one for the error message.
jdk_suitable() {
  jdk_feature_version "$1" >/dev/null || return 1
  [ "$jdk_version" -ge "$JTHREADTRACE_MIN_JDK" ] && return 0
  found_old="$found_old ${jdk_version}@$1"
  return 1
}

find_jdk() {
  local candidates=() seen="" home found_old=""
  # The usual case first, without a fork: JAVA_HOME names a suitable JDK.
  if [ -n "${JAVA_HOME:-}" ] && jdk_suitable "$JAVA_HOME"; then
    export JAVA_HOME
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    # exec -c: an empty environment for the helper (the user's LD_PRELOAD and such are the traced command's).
    home=$(exec -c readlink -f -- "$(command -v java)") && home=${home%/*} && candidates+=("${home%/*}")
  fi
  local dirs=${JTHREADTRACE_JDK_DIRS:-/usr/lib/jvm}
  local IFS=:
  for d in $dirs; do
    for home in "$d"/*; do [ -d "$home" ] && candidates+=("$home"); done
  done
  unset IFS
  for home in "${candidates[@]}"; do
    # Only a symlink is resolved (a fork and an exec each: six at every start here, where java on
    # PATH is an older JDK and the one found is the last directory of /usr/lib/jvm).
    [ -L "$home" ] && home=$(exec -c readlink -f -- "$home" 2>/dev/null || echo "$home")
    case " $seen " in *" $home "*) continue ;; esac
    seen="$seen $home"
    if jdk_suitable "$home"; then
      export JAVA_HOME=$home
      return 0
    fi
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
