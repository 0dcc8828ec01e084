package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ProcStatus;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Names written to a comm file by a process that made itself non-dumpable, traced without
 * CAP_SYS_PTRACE: its {@code /proc/PID/fd} links are root's, so which file a descriptor opened for
 * writing names cannot be asked, and the bytes it writes cannot be read from its memory. Such a
 * descriptor is kept as possibly a comm file ({@link CommDescriptors#addUnread}); around each write
 * on it the names of the process's threads are read from {@code /proc/TID/comm} (readable all the
 * same), and a thread whose name the write changed was named by it, as the kernel kept the name.
 * (A write of the name a thread already had changes nothing, and is not seen.)
 */
final class UnreadCommWrites {
    private UnreadCommWrites() {}

    /** At the write's entry: the names of the threads of process {@code tgid}, by tid. */
    static Map<Integer, byte[]> before(int tgid) {
        Map<Integer, byte[]> names = new HashMap<>();
        for (int tid : EndLooker.tids(tgid)) {
            byte[] comm = ProcStatus.comm(tid);
            if (comm != null) names.put(tid, comm);
        }
        return names;
    }

    /** At its exit: the thread among {@code before} whose name changed, and the name (null: none changed). */
    static Map.Entry<Integer, byte[]> renamed(Map<Integer, byte[]> before) {
        for (Map.Entry<Integer, byte[]> e : before.entrySet()) {
            byte[] now = ProcStatus.comm(e.getKey());
            if (now != null && !Arrays.equals(now, e.getValue())) return Map.entry(e.getKey(), now);
        }
        return null;
    }
}
