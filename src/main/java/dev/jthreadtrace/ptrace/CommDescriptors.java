package dev.jthreadtrace.ptrace;

import java.util.HashSet;
import java.util.Set;

/**
 * The descriptors of one descriptor table that the kernel said are a thread's /proc comm file
 * ({@link NameWrites}): shared by every task that shares the table (CLONE_FILES: a process's
 * threads), copied where the kernel copies it (a thread made without CLONE_FILES, unshare). While
 * it holds one, the tasks that use the table stop at every syscall, so that its writes, copies
 * and closes are seen; usually it is empty, and they run at full speed.
 */
final class CommDescriptors {
    private final Set<Integer> fds = new HashSet<>();
    /** Opened for writing where the kernel would not say which file (a non-dumpable process): possibly a comm file. */
    private final Set<Integer> unread = new HashSet<>();

    boolean isEmpty() {
        return fds.isEmpty() && unread.isEmpty();
    }

    boolean contains(int fd) {
        return fds.contains(fd);
    }

    void add(int fd) {
        fds.add(fd);
        unread.remove(fd);
    }

    /** A descriptor whose file could not be asked ({@link UnreadCommWrites}). */
    void addUnread(int fd) {
        unread.add(fd);
        fds.remove(fd);
    }

    boolean unread(int fd) {
        return unread.contains(fd);
    }

    void remove(int fd) {
        fds.remove(fd);
        unread.remove(fd);
    }

    /** close_range: every descriptor from {@code first} to {@code last} (unsigned, inclusive). */
    void removeRange(long first, long last) {
        fds.removeIf(fd -> Long.compareUnsigned(fd, first & 0xffffffffL) >= 0 && Long.compareUnsigned(fd, last & 0xffffffffL) <= 0);
        unread.removeIf(fd -> Long.compareUnsigned(fd, first & 0xffffffffL) >= 0 && Long.compareUnsigned(fd, last & 0xffffffffL) <= 0);
    }

    /** Every descriptor kept, the unread ones too (an exec makes a process dumpable again: they are asked anew). */
    Set<Integer> all() {
        Set<Integer> out = new HashSet<>(fds);
        out.addAll(unread);
        return out;
    }

    /** A table of its own with the same descriptors (the kernel's copy of a table). */
    CommDescriptors copy() {
        CommDescriptors out = new CommDescriptors();
        out.fds.addAll(fds);
        out.unread.addAll(unread);
        return out;
    }
}
