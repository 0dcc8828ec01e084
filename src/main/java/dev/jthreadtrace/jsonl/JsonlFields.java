package dev.jthreadtrace.jsonl;

/**
 * The JSONL contract's vocabulary, shared by the writer ({@link JsonLines}) and the reader
 * ({@link TraceReader}): record types and the field names both sides use. A name changed here
 * changes on both sides at once; {@code JsonlRoundTripTest} reads back what the writer wrote.
 */
final class JsonlFields {
    /** The format version, field {@code v}: bumped on a breaking change. */
    static final int VERSION = 2;
    /**
     * The oldest version still read: 1 differs only in the Java view (a "mounted" record per
     * virtual-thread mount, and virtual_threads_carried, where 2 has "mounts" counts and
     * virtual_thread_mounts).
     */
    static final int OLDEST_READ = 1;

    /** Record types (field {@code type}). */
    static final String T_START = "start", T_SYSCALL = "syscall", T_ENTER = "enter", T_SPAWN = "spawn", T_UNTRACED = "untraced", T_EXEC = "exec", T_COMM = "comm", T_COMM_SEEN = "comm_seen", T_MASK_SEEN = "mask_seen", T_EXIT = "exit", T_KILLED = "killed", T_SIGNAL = "signal", T_STOP = "stop", T_END = "end", T_DETACH = "detach", T_JAVA = "java", T_THREAD = "thread", T_PROCESS = "process", T_ASSERTION = "assertion", T_SUMMARY = "summary", T_DEADLOCK = "deadlock", T_END_LOOK = "end_look", T_PARENT = "parent";

    /** Kinds of {@code java} records. */
    static final String JAVA_CONSTRUCTED = "constructed", JAVA_STARTED = "started", JAVA_MOUNTS = "mounts", JAVA_PRESENT = "present", JAVA_DUMPED = "dumped", JAVA_SCOPED_VALUES = "scoped_values", BINDINGS = "bindings", JAVA_MOUNTED_V1 = "mounted", JAVA_RENAMED = "renamed", JAVA_SHUTDOWN = "shutdown",
            JAVA_VIRTUAL_STARTED = "virtual_started", JAVA_LOCKS = "locks", JAVA_UNCAUGHT = "uncaught";

    /** Field names. {@code seq} and {@code run} are on every record: its number in the file and the run's token. */
    static final String SEQ = "seq", RUN = "run",
            ARGS = "args",
            ARGV = "argv",
            BY_ID = "by_id",
            BY_NAME = "by_name",
            EXCEPTION = "exception",
            CAPTURES = "captures",
            CHILD = "child",
            EXISTING = "existing_at_attach", PPID = "ppid", SIGMASK = "sigmask", AFFINITY = "affinity", SECCOMP = "seccomp",
            NO_NEW_PRIVS = "no_new_privs", DETACHED = "detached",
            CODE = "code",
            COMM = "comm",
            CUT = "cut",
            THREADS = "threads", STATE = "state", WAITING = "waiting", HELD = "held", LOCK = "lock", CLASS = "class",
            FRAMES = "frames", DEADLOCKS_FOUND = "deadlocks_found", UNAVAILABLE = "unavailable",
            CORE_DUMPED = "core_dumped",
            CREATOR = "creator",
            DUR_NS = "dur_ns",
            ERROR = "error",
            FAILURE = "failure",
            FLAGS_RAW = "flags_raw", FLAGS_UNKNOWN = "flags_unknown",
            FORMER_TID = "former_tid",
            TARGET = "target", NEW_NAME = "new_name", SEEN_AT = "seen_at", BY = "by", FD = "fd", SYSCALL = "syscall",
            ID = "id",
            INTERRUPTED_BY = "interrupted_by",
            ITL = "itl",
            KIND = "kind",
            NAME = "name",
            NR = "nr",
            NS = "ns",
            OS_TID = "os_tid",
            NS_TID = "ns_tid", NS_OUTER = "ns_outer",
            PATH = "path",
            PID = "pid",
            RET = "ret",
            RETURNED = "returned",
            RUNTIME = "runtime",
            SECCOMP_FILTER_INHERITED = "seccomp_filter_inherited",
            SIGNAL = "signal",
            SIGINFO = "siginfo",
            TID = "tid",
            TRACER_PID = "tracer_pid",
            TYPE = "type",
            STACK = "stack", ATTRIBUTES = "attributes", FRAME_CLASS = "class", FRAME_METHOD = "method", FRAME_FILE = "file", FRAME_LINE = "line",
            COUNT = "count",
            V = "v",
            VIRTUAL = "virtual",
            HEX = "hex",
            WALL_NS = "wall_ns", STRING_LIMIT = "string_limit", SHOWN = "shown",
            KEEP_ENDED = "keep_ended", FOLDED = "folded",
            EXPR = "expr", PASSED = "passed", ACTUAL = "actual", EXPECTED = "expected";

    private JsonlFields() {}
}
