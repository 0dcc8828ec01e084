package dev.jthreadtrace.cli;

import java.util.List;
import java.util.Optional;

/**
 * strace's options and what each one is in jthreadtrace: the same, different in a way the man page
 * says, accepted (nothing to do here), or answered with one line saying what to use instead. The
 * man page's FOR STRACE USERS table and a test over it are checked against this table.
 */
final class StraceFlags {
    enum Kind { SAME, DIFFERS, ACCEPTED, ANSWERED }

    /**
     * @param flag        as strace spells it, e.g. {@code -p}
     * @param takesValue  whether strace's flag takes a value ({@code -p PID}), so {@code -p1234} is it too
     * @param here        the jthreadtrace form, or the one-line answer for {@link Kind#ANSWERED}
     */
    record Flag(String flag, boolean takesValue, Kind kind, String here) {}

    static final List<Flag> FLAGS = List.of(
            new Flag("-c", false, Kind.SAME, "-c, --summary-only: the table in strace's layout, wall-clock times (-w)"),
            new Flag("-C", false, Kind.SAME, "-C, --summary"),
            new Flag("-S", true, Kind.DIFFERS, "-S time|calls|errors|name|nothing (no min-time, max-time, avg-time)"),
            new Flag("-w", false, Kind.ACCEPTED, "always: the table's time is wall-clock time in the call"),
            new Flag("-e", true, Kind.DIFFERS, "-e SET, trace=, status=, signal=, decode-fds=; !SET and /regex; strace's classes (%file, %desc, %network, ...) and %thread, %futex, %hooks"),
            new Flag("-o", true, Kind.SAME, "-o FILE: the lines and the report"),
            new Flag("-s", true, Kind.SAME, "-s SIZE (default 32)"),
            new Flag("-t", false, Kind.SAME, "-t HH:MM:SS (in 0.1 it meant -tt)"),
            new Flag("-tt", false, Kind.SAME, "-tt HH:MM:SS.microseconds (also --absolute-time)"),
            new Flag("-ttt", false, Kind.SAME, "-ttt seconds since the epoch"),
            new Flag("-r", false, Kind.SAME, "-r seconds since the previous line"),
            new Flag("-T", false, Kind.DIFFERS, "durations are shown by default; --no-durations hides them"),
            new Flag("-z", false, Kind.SAME, "-z, --successful-only"),
            new Flag("-Z", false, Kind.SAME, "-Z, --failed-only"),
            new Flag("-y", false, Kind.SAME, "-y, --decode-fds: paths of fd arguments and of returned fds, AT_FDCWD's directory"),
            new Flag("-f", false, Kind.ACCEPTED, "always: threads and child processes are always followed"),
            new Flag("-Y", false, Kind.ACCEPTED, "always: every line names its thread"),
            new Flag("-q", false, Kind.SAME, "no detach message on stderr after attach (-q, -qq, -qqq); the +++ lines of the trace stay"),
            new Flag("--seccomp-bpf", false, Kind.ACCEPTED, "on by default; --no-seccomp turns it off"),
            new Flag("-V", false, Kind.SAME, "-V, --version"),
            new Flag("-h", false, Kind.SAME, "-h, --help"),
            new Flag("-ff", false, Kind.ANSWERED, "-ff (one output file per process) is not supported: every line names its thread;"
                    + " filter them with grep '^ *[^ ]* \\[TID ' (the field after the time) or use --format jsonl and jq"),
            new Flag("-yy", false, Kind.ANSWERED, "-yy (socket and device details) is not supported: -y prints paths"),
            new Flag("-p", true, Kind.ANSWERED, "-p: attaching is its own command: jthreadtrace attach [OPTIONS] PID"
                    + " (e.g. jthreadtrace attach --duration 30s 4242)"),
            new Flag("-P", true, Kind.ANSWERED, "-P (trace calls on a path) is not supported: choose calls with -e (e.g. -e %file)"
                    + " and grep the path"),
            new Flag("-u", true, Kind.ANSWERED, "-u (run as another user) is not supported: run jthreadtrace as that user"
                    + " (sudo -u USER jthreadtrace run -- COMMAND)"),
            new Flag("-E", true, Kind.ANSWERED, "-E (set an environment variable) is not supported: jthreadtrace run -- env VAR=VALUE COMMAND"),
            new Flag("-b", true, Kind.ANSWERED, "-b execve (detach at exec) is not supported: the thread model follows execs"),
            new Flag("-D", false, Kind.ANSWERED, "-D (tracer as a detached grandchild) is not supported: jthreadtrace stays in the foreground"),
            new Flag("-I", true, Kind.ANSWERED, "-I (interruptible) is not needed: Ctrl-C goes to the traced command, a second one"
                    + " (or --kill-after) ends it"),
            new Flag("-a", true, Kind.ANSWERED, "-a (result column) is not supported: results follow the call, as strace's default"),
            new Flag("-i", false, Kind.ANSWERED, "-i (instruction pointer) is not supported"),
            new Flag("-k", false, Kind.ANSWERED, "-k (stack trace per call) is not supported: --report tree shows who created each thread"),
            new Flag("-n", false, Kind.ANSWERED, "-n (syscall numbers) is not supported in lines: --format jsonl has nr on every syscall"),
            new Flag("-x", false, Kind.ANSWERED, "-x (hex strings) is not supported: non-printable bytes are printed in octal, as strace's default"),
            new Flag("-xx", false, Kind.ANSWERED, "-xx (all strings in hex) is not supported: non-printable bytes are printed in octal, as strace's default"),
            new Flag("-X", true, Kind.ANSWERED, "-X (constant format) is not supported: constants are printed as strace's default"
                    + " (abbrev); raw values are in --format jsonl (args)"),
            new Flag("-v", false, Kind.ANSWERED, "-v (unabbreviated structures) is not supported: structures are printed as strace prints them without -v"),
            new Flag("-A", false, Kind.ANSWERED, "-A (append to -o FILE) is not supported: write to standard output and append"
                    + " with the shell (>> FILE)"),
            new Flag("-O", true, Kind.ANSWERED, "-O (overhead to subtract) is not supported: -c times are wall-clock time in the call"),
            new Flag("-U", true, Kind.ANSWERED, "-U (summary columns) is not supported: -c prints strace's default columns"),
            new Flag("-d", false, Kind.ANSWERED, "-d (debug output) is not supported: --stats prints the tracer's own figures"),
            new Flag("-F", false, Kind.ANSWERED, "-F is strace's old spelling of -f: threads and processes are always followed"));

    private StraceFlags() {}

    /** An answered strace flag met while checking the options: its one line is printed alone, without "Try --help". */
    static final class Answer extends IllegalArgumentException {
        private Answer(String line) {
            super(line);
        }
    }

    /** The answer for {@code flag} (one of {@link #FLAGS}), to throw. */
    static Answer answered(String flag) {
        return new Answer(answer(flag).orElseThrow());
    }

    /** The answer for an argument that is an answered strace flag ({@code -p}, {@code -p1234}, {@code -xx}); empty otherwise. */
    static Optional<String> answer(String arg) {
        for (Flag f : FLAGS) {
            if (f.kind() != Kind.ANSWERED) continue;
            if (arg.equals(f.flag()) || (f.takesValue() && arg.startsWith(f.flag()) && !arg.startsWith("--"))) {
                return Optional.of(f.here());
            }
        }
        return Optional.empty();
    }
}
