package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.CommFile;

import java.util.HashMap;
import java.util.Map;

/**
 * Descriptors that processes opened on a thread's /proc comm file, so that a write through one
 * renames that thread: how {@code pthread_setname_np} names a thread other than the caller (no
 * {@code prctl} happens). Keyed by process and descriptor; bounded (a process keeps such a
 * descriptor only between its open, its write and its close).
 */
final class CommWrites {
    private static final int MAX = 4096;
    private final Map<Long, Integer> targetByDescriptor = new HashMap<>();

    /** {@code t} opened {@code path} as descriptor {@code fd}. */
    void opened(ThreadInfo t, int fd, String path) {
        long key = key(t.tgid(), fd);
        int target = CommFile.target(path, t.tid(), t.tgid());
        if (target < 0) {
            targetByDescriptor.remove(key); // the number now names another file
        } else if (targetByDescriptor.size() < MAX) {
            targetByDescriptor.put(key, target);
        }
    }

    /**
     * The thread whose comm file {@code fd} of {@code t}'s process is, or -1; once: a name is written
     * once per open, and a descriptor whose close was not seen must not rename anyone later.
     */
    int written(ThreadInfo t, int fd) {
        Integer target = targetByDescriptor.remove(key(t.tgid(), fd));
        return target == null ? -1 : target;
    }

    void closed(ThreadInfo t, int fd) {
        targetByDescriptor.remove(key(t.tgid(), fd));
    }

    private static long key(int tgid, int fd) {
        return ((long) tgid << 32) | (fd & 0xffffffffL);
    }
}
