package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.event.TraceEvent;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * By thread, its latest call a signal interrupted with -ERESTART_RESTARTBLOCK: a restart_syscall
 * with its arguments continues it and is written as strace does,
 * {@code restart_syscall(<... resuming interrupted futex ...>)}. One class for the text lines and
 * the JSONL {@code text}, so the two name it alike.
 */
public final class RestartNames {
    private static final long ERESTART_RESTARTBLOCK = -516;
    private final Map<Integer, TraceEvent.Syscall> restartable = new HashMap<>();
    private final int max;

    /** @param max how many threads' interrupted calls are kept at most (a thread already kept is always updated) */
    public RestartNames(int max) {
        this.max = max;
    }

    /** A restart_syscall of thread {@code tid} with {@code args}: the call it continues when its arguments say so, else as it is. */
    public String resuming(int tid, long[] args, int stringMax) {
        TraceEvent.Syscall interrupted = restartable.get(tid);
        return interrupted != null && Arrays.equals(interrupted.args(), args) ? Syscalls.resuming(interrupted.nr())
                : SyscallDecoder.call(SyscallTable.RESTART_SYSCALL, args, Captures.NONE, stringMax);
    }

    /** A call of thread {@code tid} as strace writes it: a restart_syscall names the call it continues. */
    public String call(int tid, int nr, long[] args, Captures captures, int stringMax) {
        return nr == SyscallTable.RESTART_SYSCALL ? resuming(tid, args, stringMax) : SyscallDecoder.call(nr, args, captures, stringMax);
    }

    /**
     * What of {@link #call} is printed when the call begins ({@link SyscallDecoder#entryPart}): a
     * restart_syscall's text without its closing parenthesis.
     */
    public String entryPart(int tid, int nr, long[] args, Captures captures, int stringMax) {
        return nr == SyscallTable.RESTART_SYSCALL ? resuming(tid, args, stringMax).replaceFirst("\\)$", "")
                : SyscallDecoder.entryPart(nr, args, captures, stringMax);
    }

    /** An event seen (after its line was made): a call interrupted with a restart block is kept, a thread's end forgets it. */
    public void saw(TraceEvent event) {
        if (event instanceof TraceEvent.Syscall s && s.returned() && s.ret() == ERESTART_RESTARTBLOCK
                && s.nr() != SyscallTable.RESTART_SYSCALL && (restartable.size() < max || restartable.containsKey(s.tid()))) {
            restartable.put(s.tid(), s);
        } else if (event instanceof TraceEvent.Exited e) {
            restartable.remove(e.tid());
        } else if (event instanceof TraceEvent.Killed k) {
            restartable.remove(k.tid());
        }
    }
}
