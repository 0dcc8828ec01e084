package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.Signals;

/**
 * How a task ended. {@link #kind()} and {@link #how()} are the JSONL contract's {@code exit.kind}
 * and {@code exit.how}.
 */
public sealed interface Exit {
    /** "exited", "group", "killed", "exec" or "untraced". */
    String kind();

    /** The exit code, or the signal for {@link Killed}, 0 otherwise. */
    int value();

    /** In words: {@code exit(0)}, {@code torn down by 12's exit_group(1)}, {@code killed by SIGKILL}. */
    String how();

    /** The shell's view of the status: the code, or 128+signal. */
    default int shellStatus() {
        return this instanceof Killed k ? 128 + k.signal() : value();
    }

    /** It called exit itself ({@code ownCall}), or exited without the tracer seeing the call. */
    record Exited(int code, boolean ownCall) implements Exit {
        public String kind() {
            return "exited";
        }

        public int value() {
            return code;
        }

        public String how() {
            return ownCall ? "exit(" + code + ")" : "exited with " + code;
        }
    }

    /** Its process ended with exit_group: its own call ({@code tornDownBy} null) or another thread's. */
    record GroupExit(int code, Integer tornDownBy) implements Exit {
        public String kind() {
            return "group";
        }

        public int value() {
            return code;
        }

        public String how() {
            return tornDownBy == null ? "exit_group(" + code + ")" : "torn down by " + tornDownBy + "'s exit_group(" + code + ")";
        }

        public boolean tornDown() {
            return tornDownBy != null;
        }
    }

    record Killed(int signal, boolean coreDumped) implements Exit {
        public String kind() {
            return "killed";
        }

        public int value() {
            return signal;
        }

        public String how() {
            return "killed by " + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
        }
    }

    /**
     * Ended by another thread's execve ({@code execBy}: that thread's tid before the exec): the
     * kernel ends every other thread of the process. {@code leader}: it was the old leader, whose
     * tid the exec'ing thread took (strace: "superseded by execve"); else the kernel reported an
     * exit with 0 that the thread never called. A call it was in never returned.
     */
    record ReplacedByExec(int execBy, boolean leader) implements Exit {
        public String kind() {
            return "exec";
        }

        public int value() {
            return 0;
        }

        public String how() {
            return (leader ? "superseded by execve in thread " : "ended by the execve in thread ") + execBy;
        }
    }

    /** A CLONE_UNTRACED child: the tracer never saw it run. */
    record Untraced() implements Exit {
        public String kind() {
            return "untraced";
        }

        public int value() {
            return 0;
        }

        public String how() {
            return "not traced (CLONE_UNTRACED)";
        }
    }
}
