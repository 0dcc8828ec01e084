# shellcheck shell=bash
# Shared by the two launchers: the checkout's (scripts/jthreadtrace, which finds a JDK and builds)
# and the installed one (bin/jthreadtrace of the tarball and the .deb, src/dist/jthreadtrace, which
# runs the Java runtime bundled beside it). Sourced; runs nothing by itself.
#
#   launcher_capture    records what the traced command must get unchanged, before anything here can
#                       change it: user_env, user_fds, sig_ign, sig_blk. Called first, by the
#                       launcher's own shell (it reads /proc/$$).
#   launcher_jvm_flags  sets jvm_flags: the tool's JVM options that an AOT cache is made with and
#                       every start uses.
#   launcher_exec JAVA_HOME JAR AGENT_JAR AOT_CACHE ARGS...
#                       execs the tool's JVM with the user's environment as it came (AOT_CACHE: a
#                       cache file to start from, or "" for none).

launcher_capture() {
  # The environment exactly as this script was given it (bash has already reordered it and set _,
  # SHLVL, PWD and OLDPWD, but /proc/$$/environ keeps the original block), the descriptors open
  # without close-on-exec, and the ignored and blocked signals. Builtins only, no fork.
  local LC_ALL=C entry fd_link fd flags key value
  user_env=()
  while IFS= read -r -d '' entry; do
    case $entry in
      # The JVM options variables are the user's, for the JVMs they run, not for the tool's own (a GC
      # flag there would clash with ours, an APM agent would load into the tracer): each moves aside,
      # at its place, as JTHREADTRACE_USER_<NAME>, which the tool hands back to the traced command
      # (a variable already named so gets the prefix once more, to come back unchanged too).
      JAVA_TOOL_OPTIONS=*|JDK_JAVA_OPTIONS=*|_JAVA_OPTIONS=*|JTHREADTRACE_USER_*) user_env+=("JTHREADTRACE_USER_$entry") ;;
      *=*) user_env+=("$entry") ;;
      *) ;; # no NAME=VALUE: env(1) could not pass it on
    esac
  done < "/proc/$$/environ"
  user_fds=""
  for fd_link in /proc/$$/fd/*; do
    fd=${fd_link##*/}
    [ -e "$fd_link" ] || [ -L "$fd_link" ] || continue # the listing's own descriptor, gone now
    flags=0
    while IFS=$':\t ' read -r key value; do
      [ "$key" = flags ] && flags=$value && break
    done < "/proc/$$/fdinfo/$fd" 2>/dev/null || continue
    (( 8#$flags & 8#2000000 )) && continue # close-on-exec: no child would get it
    user_fds+="${user_fds:+,}$fd"
  done
  # Every bash ignores SIGQUIT itself (its children get it back); a trap shows whether it was ignored
  # on entry: then the trap cannot change it, else the signal is caught now, no longer ignored.
  trap : QUIT
  sig_ign=0 sig_blk=0
  while IFS=$':\t ' read -r key value; do
    case $key in SigIgn) sig_ign=$value ;; SigBlk) sig_blk=$value ;; esac
  done < "/proc/$$/status"
  # A closed stdin, stdout or stderr stays closed for the command (it is not in user_fds); the tool
  # itself gets /dev/null there, so no file it opens can take the number and receive its output.
  [ -e /proc/$$/fd/0 ] || exec 0</dev/null
  [ -e /proc/$$/fd/1 ] || exec 1>/dev/null
  [ -e /proc/$$/fd/2 ] || exec 2>/dev/null
}

# Serial GC and no perf-data file: a small heap that lives seconds, started often (-27 ms measured).
# A 16 MiB young generation: what the tool keeps is aggregates, the rest is garbage of one event,
# so a small eden keeps the resident size flat however long the trace (with the default eden of
# a third of 1/64 of RAM, pages of a 100 MiB eden were touched one after another).
# -XX:-MaxFDLimit: the JVM would raise its soft RLIMIT_NOFILE to the hard limit, and the traced
# command would inherit the raised one.
launcher_jvm_flags() {
  jvm_flags=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -Xmn16m -XX:-MaxFDLimit)
}

launcher_exec() {
  local java_home=$1 jar=$2 agent_jar=$3 aot=$4
  shift 4
  launcher_jvm_flags
  local flags=("${jvm_flags[@]}")
  if [ -n "$aot" ] && [ -f "$aot" ]; then
    flags+=(-XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off)
  else
    flags+=(-Xshare:auto)
  fi
  # C1 alone, for every command: on two cores C2's compiler threads take their CPU from the traced
  # program. Measured side by side: a traced javac 4.4 -> 3.9 s, a JVM HTTP server under load 2.4 ->
  # 2.25 s, 2000 Java threads 4.1 -> 3.9 s (6.3 -> 4.8 s of CPU), /bin/true 0.30 -> 0.24 s. Only a
  # long syscall-heavy trace is faster with C2 (a C ping-pong of 400 000+ stops: ~15%):
  # JTHREADTRACE_JAVA_OPTS=-XX:TieredStopAtLevel=4 gives it back (the later option wins).
  flags+=(-XX:TieredStopAtLevel=1)
  # JTHREADTRACE_JAVA_OPTS: options for the tool's own JVM (e.g. -Xmx4g for a trace of millions of threads).
  # shellcheck disable=SC2206
  flags+=(${JTHREADTRACE_JAVA_OPTS:-})
  # The agent jar of this installation: named here, so a copy uses its own.
  flags+=(-Djthreadtrace.agent.jar="$agent_jar")
  flags+=(-Djthreadtrace.launcher.fds="$user_fds" -Djthreadtrace.launcher.sigign="$sig_ign" -Djthreadtrace.launcher.sigblk="$sig_blk")
  # The tool's JVM starts with the user's environment as it came (see launcher_capture), nothing of this script's.
  exec /usr/bin/env -i -- "${user_env[@]}" "$java_home/bin/java" "${flags[@]}" -jar "$jar" "$@"
}
