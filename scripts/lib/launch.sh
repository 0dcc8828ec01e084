# shellcheck shell=bash
# Shared by the two launchers: the checkout's (scripts/jthreadtrace, which finds a JDK and builds)
# and the installed one (bin/jthreadtrace of the tarball and the .deb, src/dist/jthreadtrace, which
# runs the Java runtime bundled beside it). Sourced; by itself it only unsets the variables below.
#
# Both launchers start with "#!/bin/bash -p": in privileged mode bash reads no BASH_ENV, imports no
# functions and ignores SHELLOPTS, BASHOPTS, CDPATH and GLOBIGNORE from the environment, which is
# the traced command's, not the launcher's (SHELLOPTS=xtrace traced the launcher onto stderr,
# BASH_ENV was sourced, a broken BASH_FUNC_* printed import errors). launcher_capture undoes the
# rest a user's environment could do to this shell.
#
#   launcher_capture    records what the traced command must get unchanged, before anything here can
#                       change it: the environment block (env_fd: a descriptor on a private copy of
#                       it), user_fds, sig_ign, sig_blk, sig_pnd, shd_pnd, coredump_filter. Called first, by the
#                       launcher's own shell (it reads /proc/$$). The launchers run their helpers
#                       (readlink, mktemp, find...) with "exec -c", an empty environment: the
#                       user's (LD_PRELOAD, say) is the command's.
#   launcher_preflight  says in one line, exit 125, when the tool's JVM could not start here (a JVM
#                       that cannot start exits 1, which would look like the command's status).
#   launcher_jvm_flags  sets jvm_flags: the tool's JVM options that an AOT cache is made with and
#                       every start uses.
#   launcher_tool_env   sets tool_env: the small environment the tool's own JVM runs with.
#   launcher_exec JAVA_HOME JAR AGENT_JAR AOT_CACHE ARGS...
#                       execs the tool's JVM (AOT_CACHE: a cache file to start from, or "" for none).

# Variables of the user's environment that change what this shell does even in privileged mode:
# compatibility level, a function nesting limit, names left out of the command search, read
# timeouts, POSIX mode, glob order. Bash's copies go; the command gets them (launcher_capture
# copies the environment block the kernel gave this process, which no assignment here changes).
unset -v BASH_COMPAT FUNCNEST EXECIGNORE TMOUT GLOBSORT POSIXLY_CORRECT
set +o posix
# The standard utilities the launchers use (find, mktemp, mv...) are found even when the user's PATH
# does not have them: bash takes the last of repeated PATH entries (PATH=/usr/bin:/bin ...
# PATH=/nowhere made the launcher fail with "readlink: command not found", exit 127), the command
# gets the first, as getenv does. The user's directories stay first, for java and mvn.
PATH=${PATH:+$PATH:}/usr/bin:/bin

launcher_capture() {
  # (Everything read here is ASCII: no LC_ALL=C, whose restoring would make bash warn once more
  # about a LC_ALL that names no installed locale.)
  local fd_link fd flags key value line self dir proc_pid
  # /proc must show this shell's own PID namespace, or /proc/$$ below is another process (under
  # "unshare --pid --fork" without --mount-proc $$ is 1: the host's init, "Permission denied").
  # /proc/self/stat as bash itself opens it (a builtin's redirection, no fork) names the pid /proc
  # sees for this shell; the tool's JVM would refuse in the same words (RefusalText).
  if read -r proc_pid _ < /proc/self/stat 2>/dev/null && [ "$proc_pid" != "$$" ]; then
    echo "jthreadtrace: /proc shows another PID namespace than jthreadtrace's (/proc/self is $proc_pid, its pid is $$):" \
      "mount a /proc of its own namespace (unshare --pid --fork --mount-proc, or mount -t proc proc /proc in the container)" >&2
    exit 125
  fi
  # Signals first. /proc/$$/status shows this shell's dispositions and mask, which bash changed at
  # its start in two places: it catches SIGCHLD (and unblocks it) and ignores SIGQUIT. For those two
  # bash remembers whether they were ignored when it started (trap -p shows '' for such a signal;
  # a builtin with a redirection, no fork). A blocked SIGCHLD it does not remember: README, Safety.
  # The pending ones too (SigPnd: this thread's, ShdPnd: the process's), which an exec keeps and a
  # fork drops: blocked, they wait for the command (the tool's JVM lost a thread's own at its start).
  sig_ign=0 sig_blk=0 sig_pnd=0 shd_pnd=0
  local umask_now=""
  while IFS=$':\t ' read -r key value; do
    case $key in
      SigIgn) sig_ign=$value ;; SigBlk) sig_blk=$value ;; SigPnd) sig_pnd=$value ;; ShdPnd) shd_pnd=$value ;;
      Umask) umask_now=$value ;;
    esac
  done < "/proc/$$/status"
  # The environment goes to a file only this user can read, which is deleted as soon as it is open
  # (the tool's JVM reads the descriptor): the block the kernel gave this process, byte for byte,
  # entries without '=' and repeated names included (/proc/$$/environ cannot be read after the exec).
  # Read and written by bash's builtins (cat was a fork and an exec): mapfile splits at each NUL,
  # printf puts them back, bytes that are not text and empty entries included.
  local entries=() dir failed=()
  if ! mapfile -d '' -t entries 2>/dev/null < "/proc/$$/environ"; then
    echo "jthreadtrace: cannot read the environment's block (/proc/$$/environ) to hand it on" >&2
    exit 125
  fi
  # The lowest free descriptor above 2, not {env_fd} (bash's start at 10 may be at or above a small
  # soft RLIMIT_NOFILE, with bash's own descriptor of this script on the last number below it).
  env_fd=3
  while [ -e "/proc/$$/fd/$env_fd" ] || [ -L "/proc/$$/fd/$env_fd" ]; do env_fd=$((env_fd + 1)); done
  # In $TMPDIR, else /tmp, else /dev/shm: a directory where the file cannot be made or written
  # (a full, read-only or missing $TMPDIR) is left for the next one, with the same care in each;
  # bash's "printf: write error" and 125 ended the launcher at the first. The command's TMPDIR is
  # its own whichever is used (it is in the copied block). When all fail, one line names each
  # directory and what the kernel answered.
  local chld_ignored=0 quit_ignored=0 launcher_err=/dev/null
  env_file=""
  for dir in "${TMPDIR:-}" /tmp /dev/shm; do
    [[ $dir == /* ]] || continue
    launcher_env_copy "${dir%/}" "$umask_now" && break
    failed+=("${dir%/}")
  done
  if [ -z "$env_file" ]; then
    launcher_env_refusal "$umask_now" "${failed[@]}"
    exit 125
  fi
  entries=()
  sig_ign=$(( (16#$sig_ign & ~(1 << 2 | 1 << 16)) | quit_ignored << 2 | chld_ignored << 16 ))
  printf -v sig_ign '%x' "$sig_ign"
  coredump_filter=""
  read -r coredump_filter < "/proc/$$/coredump_filter" 2>/dev/null || coredump_filter=""
  # The descriptors open without close-on-exec, but the environment's copy. When stderr was closed,
  # bash opened this script on descriptor 2 and keeps it there (it moves the script's descriptor
  # up but never closes 2): a descriptor 2 open read-only on the launcher script itself is that one.
  self=${BASH_SOURCE[${#BASH_SOURCE[@]} - 1]}
  user_fds=""
  for fd_link in /proc/$$/fd/*; do
    fd=${fd_link##*/}
    [ "$fd" = "$env_fd" ] && continue
    [ -e "$fd_link" ] || [ -L "$fd_link" ] || continue # the listing's own descriptor, gone now
    [ -r "/proc/$$/fdinfo/$fd" ] || continue
    # (No 2>/dev/null here: for descriptor 2 that would read the flags of /dev/null.)
    flags=0
    while IFS=$':\t ' read -r key value; do
      [ "$key" = flags ] && flags=$value && break
    done < "/proc/$$/fdinfo/$fd"
    (( 8#$flags & 8#2000000 )) && continue # close-on-exec: no child would get it
    if [ "$fd" = 2 ] && (( (8#$flags & 3) == 0 )) && [ "$fd_link" -ef "$self" ]; then
      exec 2>&-
      continue
    fi
    user_fds+="${user_fds:+,}$fd"
  done
  # A closed stdin, stdout or stderr stays closed for the command (it is not in user_fds); the tool
  # itself gets /dev/null there, so no file it opens can take the number and receive its output.
  [ -e /proc/$$/fd/0 ] || exec 0</dev/null
  [ -e /proc/$$/fd/1 ] || exec 1>/dev/null
  [ -e /proc/$$/fd/2 ] || exec 2>/dev/null
  return 0
}

# Makes the environment's copy in directory $1 (umask $2 to restore): entries (the block), env_fd
# (the descriptor to open it on) and launcher_err (where bash's own messages go) are the caller's.
# On success env_file is open on env_fd and already deleted, and chld_ignored and quit_ignored
# are set; on failure nothing is left behind and env_step says which step failed.
# Bash makes the file itself (mktemp was a fork and an exec at each start): under set -C it opens
# a name that does not exist with O_EXCL, which no file or symlink planted there satisfies, and the
# name has 64 bits from the kernel's getrandom (SRANDOM) no one can guess to plant anything; mode
# 0600 under umask 077, the user's umask back at once (the command inherits it). After that the
# name is never opened again: every later open goes through the descriptor that made the file
# (/proc/self/fd/N is that file whatever the name has become), since in a directory others may write
# without the sticky bit anyone can rename a symlink of theirs over the name between two opens (the
# environment written into their file, or theirs read back as the command's). mktemp where bash has
# no SRANDOM (before 5.1) or the kernel shows no umask (before 4.7): its name is opened once more,
# so only in a directory with the sticky bit or of our own.
launcher_env_copy() {
  local dir=$1 umask_now=$2 name line made_fd file made=""
  env_file="" env_step=create
  # A low free number, as env_fd's (bash's {var} starts at 10, which a small RLIMIT_NOFILE may not allow).
  made_fd=$((env_fd + 1))
  while [ -e "/proc/self/fd/$made_fd" ] || [ -L "/proc/self/fd/$made_fd" ]; do made_fd=$((made_fd + 1)); done
  if [ -n "${SRANDOM:-}" ] && [[ $umask_now =~ ^[0-7]+$ ]]; then
    printf -v name '%s/jthreadtrace-env.%08x%08x' "$dir" "$SRANDOM" "$SRANDOM"
    umask 077
    set -C
    { eval "exec $made_fd>\"\$name\""; } 2>"$launcher_err" && env_file=$name made=1
    set +C
    umask "$umask_now"
  elif [ -k "$dir" ] || [ -O "$dir" ]; then
    env_file=$(exec -c /bin/mktemp "$dir/jthreadtrace-env.XXXXXXXXXX" 2>"$launcher_err") || env_file=""
    [ -n "$env_file" ] && { eval "exec $made_fd>>\"\$env_file\""; } 2>"$launcher_err" && made=1
  fi
  if [ -z "$made" ]; then
    [ -n "$env_file" ] && (exec -c /bin/rm -f "$env_file")
    env_file=""
    return 1
  fi
  file=/proc/self/fd/$made_fd
  # Which of SIGCHLD and SIGQUIT were ignored at bash's start (trap -p shows '' for those: a builtin
  # writing into the new file, no fork).
  env_step=write
  if { builtin trap -p CHLD; builtin trap -p QUIT; } > "$file" 2>"$launcher_err"; then
    chld_ignored=0 quit_ignored=0
    while IFS= read -r line; do
      case $line in
        *" '' SIGCHLD") chld_ignored=1 ;;
        *" '' SIGQUIT") quit_ignored=1 ;;
      esac
    done < "$file"
    if { (( ${#entries[@]} == 0 )) || printf '%s\0' "${entries[@]}"; } > "$file" 2>"$launcher_err"; then
      env_step=open
      if eval "exec $env_fd<\"\$file\"" 2>"$launcher_err"; then
        eval "exec $made_fd>&-"
        (exec -c /bin/rm -f "$env_file")
        return 0
      fi
    fi
  fi
  eval "exec $made_fd>&-"
  (exec -c /bin/rm -f "$env_file")
  env_file=""
  return 1
}

# The one line when no directory would do (umask $1, then the directories that failed): each with
# the step that failed and the kernel's answer, taken from bash's own message of a second try in a
# subshell (a fork or two only on this way out).
launcher_env_refusal() {
  local umask_now=$1 dir answer step text what=""
  shift
  for dir in "$@"; do
    answer=$(launcher_err=/dev/stderr; launcher_env_copy "$dir" "$umask_now" 2>&1 >/dev/null; echo "$env_step")
    step=${answer##*$'\n'} text=""
    [ "$step" = "$answer" ] || text=${answer%$'\n'*}
    text=${text##*$'\n'}
    text=${text##*: }
    what+="${what:+; }$dir: cannot $step a file there${text:+ ($text)}"
  done
  [ -n "$what" ] || what="no directory to try"
  echo "jthreadtrace: cannot make the temporary file that hands the environment on to the command (in \$TMPDIR, /tmp or /dev/shm): $what" >&2
}

launcher_preflight() {
  # A deleted current directory: the JVM cannot determine it and does not start.
  if ! builtin pwd -P >/dev/null 2>&1; then
    echo "jthreadtrace: the current directory no longer exists; cd to one that does" >&2
    exit 125
  fi
  # An address-space limit (ulimit -v): the JVM reserves its heap, class space and code cache up
  # front; launcher_exec sizes them to the limit, below which no JVM starts.
  launcher_limits
  local as=$limit_as_kib
  if [ "$as" != unlimited ] && (( as < launcher_min_as_kib )); then
    echo "jthreadtrace: the tool's JVM needs at least $((launcher_min_as_kib / 1024)) MiB of address space; ulimit -v allows $((as / 1024)) MiB" >&2
    exit 125
  fi
  # A data limit (ulimit -d) counts the JVM's committed heap, thread stacks and malloc arenas:
  # launcher_exec sizes the heap to it as to ulimit -v; below this no JVM of the tool starts.
  local data=$limit_data_kib
  if [ "$data" != unlimited ] && (( data < launcher_min_data_kib )); then
    echo "jthreadtrace: the tool's JVM needs at least $((launcher_min_data_kib / 1024)) MiB of data segment; ulimit -d allows $((data / 1024)) MiB" >&2
    exit 125
  fi
  # Free descriptor numbers below the soft limit (this script's own descriptor, closed at the
  # exec, counts as taken: a margin).
  local limit=$limit_nofile fd free=0
  [ "$limit" = unlimited ] && return 0
  for ((fd = 0; fd < limit && free < launcher_min_free_fds; fd++)); do
    [ -e "/proc/$$/fd/$fd" ] || [ -L "/proc/$$/fd/$fd" ] || free=$((free + 1))
  done
  if (( free < launcher_min_free_fds )); then
    echo "jthreadtrace: the tool's JVM needs $launcher_min_free_fds free descriptors; ulimit -n $limit leaves $free" >&2
    exit 125
  fi
}
launcher_min_as_kib=$((1024 * 1024))
# Measured: a 20 MiB heap starts under ulimit -d 80000, not under 60000; 128 MiB leaves a margin.
launcher_min_data_kib=$((128 * 1024))

# Sets limit_as_kib (the soft RLIMIT_AS in KiB, as "ulimit -S -v" prints it, or "unlimited"),
# limit_data_kib (RLIMIT_DATA, likewise) and limit_nofile (the soft RLIMIT_NOFILE) from
# /proc/$$/limits, read by bash itself: each
# $(ulimit ...) forked a subshell, three per start (2 ms each here, 15-40 ms on a loaded machine).
# ulimit's own answer when the file has not got them.
launcher_limits() {
  local w1 w2 w3 soft rest
  limit_as_kib="" limit_data_kib="" limit_nofile=""
  while read -r w1 w2 w3 soft rest; do
    case "$w1 $w2 $w3" in
      "Max address space") [[ $soft == unlimited || $soft =~ ^[0-9]+$ ]] && limit_as_kib=$soft ;;
      "Max data size") [[ $soft == unlimited || $soft =~ ^[0-9]+$ ]] && limit_data_kib=$soft ;;
      "Max open files") [[ $soft == unlimited || $soft =~ ^[0-9]+$ ]] && limit_nofile=$soft ;;
    esac
  done 2>/dev/null < "/proc/$$/limits" || true
  if [[ $limit_as_kib =~ ^[0-9]+$ ]]; then limit_as_kib=$((limit_as_kib / 1024)); fi
  if [[ $limit_data_kib =~ ^[0-9]+$ ]]; then limit_data_kib=$((limit_data_kib / 1024)); fi
  [ -n "$limit_as_kib" ] || limit_as_kib=$(ulimit -S -v)
  [ -n "$limit_data_kib" ] || limit_data_kib=$(ulimit -S -d)
  [ -n "$limit_nofile" ] || limit_nofile=$(ulimit -S -n)
  return 0
}
# Descriptors: the JVM opens the jar, lib/modules, the AOT cache, libc and /proc files at its start,
# each on the lowest free number below the soft RLIMIT_NOFILE, which it does not raise
# (-XX:-MaxFDLimit, so the command inherits the user's). Measured: it starts with 9 free and
# crashes with 8 ("libc has no symbol syscall"); 12 leaves a margin.
launcher_min_free_fds=12

# Serial GC and no perf-data file: a small heap that lives seconds, started often (-27 ms measured).
# A 16 MiB young generation: what the tool keeps is aggregates, the rest is garbage of one event,
# so a small eden keeps the resident size flat however long the trace (with the default eden of
# a third of 1/64 of RAM, pages of a 100 MiB eden were touched one after another).
# -XX:-MaxFDLimit: the JVM would raise its soft RLIMIT_NOFILE to the hard limit, and the traced
# command would inherit the raised one.
# A 128 MiB class space instead of 1 GiB (the tool loads a few thousand classes): with 1 GiB
# reserved, a JVM under ulimit -v 2000000 did not start.
# No attach listener in the tool's own JVM: a traced program runs as the same user, and through the
# JDK's attach mechanism it could load an agent into the tracer that holds it, which Yama's ptrace
# scope would not let it trace: with -Xrs (below) the JVM opens its /tmp/.java_pidPID socket at its
# start (a hostile tester found them left behind by killed tools). The tool still attaches to the JVMs it traces.
# The JVM's files in the current directory (the user's: the tool runs there, for the command's
# relative paths) are not the tool's: .hotspotrc and .hotspot_compiler made it print a warning on
# every start (-XX:Flags and CompileCommandFile name empty ones instead), and a crash log would be
# written there as hs_err_pidPID.log. It goes to the tool's stderr instead: not into a file of a name
# known in advance, such as $TMPDIR/jthreadtrace-hs_err_pidPID.log, which the JVM opens with O_TRUNC
# following links: a traced program (whose parent the tool is) linked that name to a file of the
# user's and sent the tool SIGSEGV, and the file was replaced by the crash report. Whatever the JVM
# itself prints goes there too, never into the tool's stdout, the trace's (DisplayVMOutputToStderr).
launcher_jvm_flags() {
  jvm_flags=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:-UsePerfData -Xmn16m -XX:-MaxFDLimit
    -XX:CompressedClassSpaceSize=128m -XX:+DisableAttachMechanism
    -XX:Flags=/dev/null -XX:CompileCommandFile=/dev/null -XX:+ErrorFileToStderr -XX:+DisplayVMOutputToStderr)
}

# Transparent huge pages for the heap where the kernel gives them on request (madvise): a trace of a
# thread churn fills eden once, and each of its 4 KiB pages was a page fault the first time (~3 300
# for 13 MiB, 10-20 us each on this VM: ~1/10 of the tool's CPU per thread created, #34 step 9);
# 2 MiB pages make that a few faults, for 2-5 MiB more resident at most. Asked for only there: with
# `never` the JVM prints two warnings on the tool's stdout, with `always` the heap has them anyway.
# Not among jvm_flags, so the AOT cache is the same whatever the machine's setting.
launcher_huge_pages() {
  local mode=
  [ -r /sys/kernel/mm/transparent_hugepage/enabled ] && IFS= read -r mode < /sys/kernel/mm/transparent_hugepage/enabled
  [[ $mode == *"[madvise]"* ]] && flags+=(-XX:+UseTransparentHugePages)
  return 0
}

# The tool's own JVM runs with a few variables of the user's environment that it reads (the
# locale, which decides how it decodes file names and arguments; TERM, NO_COLOR and COLUMNS for its
# output; its own JTHREADTRACE_*) and nothing else: not the user's JVM options (JAVA_TOOL_OPTIONS,
# JDK_JAVA_OPTIONS, _JAVA_OPTIONS, JDK_AOT_VM_OPTIONS: a GC flag there ended the tool with
# "Multiple garbage collectors selected"), not LD_LIBRARY_PATH or LD_PRELOAD (the JDK's launcher
# re-executes itself with its own directories in front of a LD_LIBRARY_PATH that names a libjvm).
# The command gets the whole environment from env_fd.
launcher_tool_env() {
  local name
  tool_env=()
  for name in LANG LANGUAGE TERM NO_COLOR COLUMNS TZ ${!LC_*} ${!JTHREADTRACE_*}; do
    [[ -v $name && ${!name@a} == *x* ]] && tool_env+=("$name=${!name}")
  done
  return 0
}

launcher_exec() {
  local java_home=$1 jar=$2 agent_jar=$3 aot=$4
  shift 4
  launcher_jvm_flags
  launcher_tool_env
  # The JVM's own log lines go to stderr, never into the tool's stdout (its trace, maybe JSONL for jq):
  # a command's kill(0, SIGUSR2) made the JVM write "[warning][os] Non-attached thread received stray SR
  # signal" there (SIGUSR2 is the JVM's suspend signal, a stray one is otherwise harmless: not logged).
  local flags=("${jvm_flags[@]}" -Xlog:disable -Xlog:all=warning:stderr -Xlog:os=error:stderr)
  if [ -n "$aot" ] && [ -f "$aot" ]; then
    flags+=(-XX:AOTCache="$aot" -Xlog:aot=off:stderr -Xlog:cds=off:stderr)
  else
    flags+=(-Xshare:auto)
  fi
  # Under an address-space or data limit: a heap of at most a quarter of the smaller, a smaller code
  # cache, and two malloc arenas (glibc reserves 64 MiB of address space for each of up to 8 per core).
  # Under ulimit -d 400000 the default heap (its initial size a 64th of the machine's memory, committed
  # at once) left the VM Thread no stack: the JVM failed with exit 1 and an hs_err file.
  [ -n "${limit_as_kib:-}" ] || launcher_limits
  local limit=$limit_as_kib
  [ "$limit_data_kib" = unlimited ] || { [ "$limit" != unlimited ] && (( limit < limit_data_kib )); } || limit=$limit_data_kib
  if [ "$limit" != unlimited ]; then
    flags+=(-Xmx$((limit / 4))k -XX:ReservedCodeCacheSize=32m)
    tool_env+=(MALLOC_ARENA_MAX=2)
  fi
  # C1 alone, for every command: on two cores C2's compiler threads take their CPU from the traced
  # program. Measured side by side: a traced javac 4.4 -> 3.9 s, a JVM HTTP server under load 2.4 ->
  # 2.25 s, 2000 Java threads 4.1 -> 3.9 s (6.3 -> 4.8 s of CPU), /bin/true 0.30 -> 0.24 s. Only a
  # long syscall-heavy trace is faster with C2 (a C ping-pong of 400 000+ stops: ~15%):
  # JTHREADTRACE_JAVA_OPTS=-XX:TieredStopAtLevel=4 gives it back (the later option wins).
  flags+=(-XX:TieredStopAtLevel=1)
  launcher_huge_pages
  # JTHREADTRACE_JAVA_OPTS: options for the tool's own JVM (e.g. -Xmx4g for a trace of millions of threads).
  # shellcheck disable=SC2206
  flags+=(${JTHREADTRACE_JAVA_OPTS:-})
  # The agent jar of this installation: named here, so a copy uses its own.
  flags+=(-Djthreadtrace.agent.jar="$agent_jar")
  flags+=(-Djthreadtrace.launcher.env="$env_fd" -Djthreadtrace.launcher.fds="$user_fds"
    -Djthreadtrace.launcher.sigign="$sig_ign" -Djthreadtrace.launcher.sigblk="$sig_blk"
    -Djthreadtrace.launcher.sigpnd="$sig_pnd" -Djthreadtrace.launcher.shdpnd="$shd_pnd"
    -Djthreadtrace.launcher.coredumpfilter="$coredump_filter")
  local env_flags=()
  launcher_held_signals "${1:-}"
  [ -z "$shrugged_signals" ] || env_flags+=(--ignore-signal="$shrugged_signals")
  if [ -n "$held_signals" ]; then
    local due
    printf -v due '%x' "${timers_due:-0}"
    flags+=(-Djthreadtrace.launcher.timers="$timer_mask" -Djthreadtrace.launcher.timersdue="$due")
  fi
  if [ -n "$held_signals" ]; then
    # The launcher's traps would be reset to the default at the exec: from there until env blocks
    # them a signal killed it without a word (hit by SignalsIT at 60 ms). Ignored instead, which
    # the exec keeps, env sets them back to the default as it blocks them (microseconds apart): a
    # signal in that instant is lost, not fatal.
    trap '' INT TERM HUP ALRM VTALRM PROF
    env_flags+=(--default-signal="$held_signals" --block-signal="$held_signals")
    flags+=(-Xrs -Djthreadtrace.launcher.held="$held_mask")
  fi
  # exec -c: env starts with an empty environment too (an LD_PRELOAD is the command's, not env's).
  exec -c /usr/bin/env "${env_flags[@]}" -- "${tool_env[@]}" "$java_home/bin/java" "${flags[@]}" -jar "$jar" "$@"
}

# run, attach, demo: SIGINT, SIGTERM and SIGHUP cross the exec of the tool's JVM blocked (env
# --block-signal) and the JVM runs with -Xrs, which leaves them blocked in every thread: a thread of
# the tool takes them with sigtimedwait (session/StopSignals). Without this, from the exec until the
# tool's handler was in place (its JVM's start: 0.1-0.5 s on a loaded machine) a signal killed the
# JVM at its default disposition, or its own handler exited, with 130 and not a word. A signal the
# user's caller ignored stays ignored and is not held. SIGQUIT is blocked too (with -Xrs the JVM has
# no handler of its own for it; the tool ignores it). Sets held_signals (env's list, empty for none,
# or when this env has no --block-signal: coreutils before 8.31) and held_mask (hex, without SIGQUIT).
# For run, SIGALRM, SIGVTALRM and SIGPROF cross it blocked too (timer_mask, hex: those not ignored):
# an interval timer the tool was exec'd with (alarm 3; exec jthreadtrace run ...) is the command's,
# and until the tool has taken it over (cli/Inherited) its expiry must wait, pending, not kill the JVM.
launcher_held_signals() {
  local mask=0 names="" timers=0 not_ignored=0
  held_signals="" held_mask=0 timer_mask=0 shrugged_signals=""
  case $1 in run | attach | demo) ;; *) return 0 ;; esac
  # coreutils 8.31 brought env's --default-signal, --ignore-signal and --block-signal together: one exec
  # asks for them all (--version after them: an env without them stops at the first, 125).
  (exec -c /usr/bin/env --block-signal=HUP --ignore-signal=USR1 --version) >/dev/null 2>&1 || return 0
  launcher_shrugged_signals
  if [ "$1" = run ]; then
    launcher_not_ignored ALRM:14 VTALRM:26 PROF:27
    timers=$not_ignored
  fi
  launcher_not_ignored HUP:1 INT:2 TERM:15
  mask=$not_ignored
  [ -n "$names" ] || return 0
  (( (16#$sig_ign >> 2) & 1 )) || names+=",QUIT"
  held_signals=$names
  printf -v held_mask '%x' "$mask"
  printf -v timer_mask '%x' "$timers"
}

# The signals the tool's JVM ignores (shrugged_signals, env's list; launcher_held_signals calls it
# only when this env has --ignore-signal). A traced command's kill(0, SIG) reaches the tool's process group, and its
# kill(getppid(), SIG) the tool itself (its parent): at their default disposition SIGUSR1, SIGTRAP,
# SIGABRT, SIGSTKFLT, SIGIO, SIGPWR, SIGSYS and every real-time signal ended the tool's JVM without a
# word, and EXITKILL took the command with it (Apache's killpg(getpgrp(), SIGUSR1), `kill -USR1 $PPID`
# of a program telling its parent it is ready). The JVM uses none of them (with -Xrs; SIGUSR2 is its
# own), the tool neither, and the command gets its own dispositions back at its exec (the gate sets
# each to what the caller gave: sig_ign). SIGXCPU too: the tool raises its own soft CPU limit to the
# hard one and ends the trace itself before that (session/CpuBudget), so none is its own. SIGSEGV,
# SIGBUS, SIGFPE and SIGILL stay the JVM's, which takes one sent by kill for a fault of its own: README,
# Safety. glibc keeps 32 and 33 for itself; its abort() sets SIGABRT back to the default before it
# raises it again, so the JVM's own abort still ends it. SIGTTOU too: a command that takes the terminal
# for a process group of its own (an interactive shell, `set -m`) leaves the tool in a background
# group, and under `stty tostop` the tool's first live line stopped it, and with it the traced tree
# (bash: "Stopped (tty output)"; fg stopped it again). Ignored, the write is allowed, as it is for
# the untraced command's own parent that does not write.
launcher_shrugged_signals() {
  local number
  shrugged_signals=USR1,TRAP,ABRT,STKFLT,IO,PWR,SYS,TTOU,XCPU
  for ((number = 34; number <= 64; number++)); do shrugged_signals+=",$number"; done
}

# Of the signals NAME:NUMBER given, those the user's caller did not ignore (sig_ign): their names
# added to the caller's names (env's list), their mask in the caller's not_ignored.
launcher_not_ignored() {
  local entry number
  not_ignored=0
  for entry in "$@"; do
    number=${entry#*:}
    (( (16#$sig_ign >> (number - 1)) & 1 )) && continue
    not_ignored=$((not_ignored | 1 << (number - 1)))
    names+="${names:+,}${entry%:*}"
  done
}
