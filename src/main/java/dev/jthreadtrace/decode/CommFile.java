package dev.jthreadtrace.decode;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A thread's name file in /proc, which {@code pthread_setname_np} on another thread (and any write
 * to it, from the same process: the kernel refuses others) uses instead of {@code prctl}. Pure:
 * the tracer asks the kernel which file a descriptor is (its {@code /proc/TID/fd/N} link, never
 * the path the program spelled) and what was written; this says what that means, as the kernel's
 * {@code comm_write} (fs/proc/base.c) does it. Each write through such a descriptor, whatever the
 * file position, is the whole new name: at most 15 bytes of it are copied, the name ends at the
 * first NUL, and a newline stays in it. A vectored write ({@code writev}, {@code pwritev2}) is
 * one such write per segment, in order, the empty ones skipped after the first; a zero-length
 * {@code write} names the thread "".
 */
public final class CommFile {
    /** What comm_write copies of one buffer: TASK_COMM_LEN - 1. */
    public static final int NAME_MAX = 15;
    /**
     * A descriptor's link as the kernel gives it: {@code /proc/PID/comm} (that task, a thread's id
     * naming the thread), or {@code /proc/PID/task/TID/comm}; {@code self}, {@code thread-self},
     * symlinks, {@code //}, {@code .} and {@code ..} are already resolved.
     */
    private static final Pattern LINK = Pattern.compile("/.*/(\\d+)/comm");
    private static final int EFAULT = 14;

    private CommFile() {}

    /** The tid whose name the descriptor with this link target is, or -1 when it is no comm file. */
    public static int targetOfLink(String link) {
        if (link == null) return -1;
        Matcher m = LINK.matcher(link);
        if (!m.matches()) return -1;
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The name one write of a buffer beginning with {@code head} (its first bytes, up to 15) gives. */
    public static byte[] name(byte[] head) {
        int n = 0;
        while (n < head.length && n < NAME_MAX && head[n] != 0) n++;
        return Arrays.copyOf(head, n);
    }

    /**
     * The name a {@code write} (or {@code pwrite64}) left, or null when it named nothing (an error:
     * the kernel copies the bytes before it renames). {@code head}: the first
     * {@code min(count, 15)} bytes of the buffer, null when they could not be read.
     */
    public static byte[] afterWrite(byte[] head, boolean error) {
        return error || head == null ? null : name(head);
    }

    /**
     * The name a vectored write left, or null when it named nothing or the bytes that did it were
     * not readable. {@code lengths}: each segment's length; {@code heads}: each segment's first
     * {@code min(length, 15)} bytes (null when unreadable); {@code ret}: the result (bytes written,
     * or {@code -errno} when {@code error}). The kernel loops over the segments, one name each;
     * a segment it could not copy ends the loop ({@code EFAULT} if it was the first with bytes).
     */
    public static byte[] afterVectoredWrite(long[] lengths, byte[][] heads, long ret, boolean error) {
        if (lengths == null || lengths.length == 0) return null;
        long total = 0;
        for (long l : lengths) total += Math.max(l, 0);
        if (total == 0) return null; // vfs_writev writes nothing at all
        if (error) {
            // The one name written before a failure that returns an error: an empty first segment,
            // then the first segment with bytes faulted.
            return ret == -EFAULT && lengths[0] == 0 ? new byte[0] : null;
        }
        int last = lengths[0] == 0 ? 0 : -1;
        long consumed = 0;
        for (int i = 0; i < lengths.length && consumed < ret; i++) {
            if (lengths[i] <= 0) continue;
            last = i;
            consumed += lengths[i];
        }
        if (last < 0) return null;
        return heads[last] == null ? null : name(heads[last]);
    }
}
