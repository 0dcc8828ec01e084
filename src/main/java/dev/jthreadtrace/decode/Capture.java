package dev.jthreadtrace.decode;

/**
 * A piece of tracee memory (or fd state) a decoder needs, to be copied by the tracer <em>at the
 * stop</em>: after the task resumes, a {@code clone_args} struct, a futex timeout or a name buffer
 * may already be gone or changed. Decoders declare these; the tracer executes them generically.
 * Captures at exit are taken only when the call succeeded (an output argument of a failed call
 * holds nothing the kernel wrote; strace prints its address), except {@link Gather}, which decides.
 */
public sealed interface Capture {
    /**
     * A length limit meaning "as many bytes as {@code -s} shows, and one more": a data buffer
     * (read, write, sendto, ...) is never copied beyond what a line prints.
     */
    int SHOWN = -1;

    /** Which syscall argument holds the pointer (or fd); also the slot the value is stored under ({@link Captures}). */
    int arg();

    /** When the memory holds what the decoder needs: an input at syscall entry, an output buffer at exit. */
    enum When { AT_ENTRY, AT_EXIT }

    When when();

    /** {@code length} bytes at the pointer. */
    record Bytes(int arg, int length, When when) implements Capture {}

    /** As many bytes as argument {@code lengthArg} says, at most {@code max} ({@link #SHOWN}: what -s shows). */
    record BytesSizedByArg(int arg, int lengthArg, int max, When when) implements Capture {}

    /** At exit, as many bytes as the syscall returned, at most {@code max} ({@link #SHOWN}: what -s shows). */
    record BytesSizedByReturn(int arg, int max) implements Capture {
        @Override
        public When when() {
            return When.AT_EXIT;
        }
    }

    /** A NUL-terminated string of at most {@code max} bytes ({@link #SHOWN}: what -s shows). */
    record CString(int arg, int max, When when) implements Capture {}

    /** A NULL-terminated array of string pointers ({@code argv}), at most {@code maxItems} strings, at entry. */
    record CStringArray(int arg, int maxItems, int maxLength) implements Capture {
        @Override
        public When when() {
            return When.AT_ENTRY;
        }
    }

    /**
     * The path an fd argument refers to, read as the {@code /proc/PID/fd/N} link at entry, always
     * (the model uses it: the file a mapping maps).
     */
    record FdPath(int arg) implements Capture {
        @Override
        public When when() {
            return When.AT_ENTRY;
        }
    }

    /**
     * The device and inode ({@link FileId}) of the object a MAP_SHARED mmap of fd argument {@code fdArg}
     * mapped, in {@link Captures#EXTRA}: at the exit, the /proc/PID/maps line of the address it
     * returned (the descriptor, read at the entry, could name another file by the time the kernel
     * took it: another thread's dup2). Which memory object its futex words are (model.SharedMappings).
     */
    record FdFile(int fdArg) implements Capture {
        @Override
        public int arg() {
            return Captures.EXTRA;
        }

        @Override
        public When when() {
            return When.AT_EXIT;
        }
    }

    /** The same, only when {@code -y} shows paths: an fd argument of a call the model does not need. */
    record ShownFdPath(int arg) implements Capture {
        @Override
        public When when() {
            return When.AT_ENTRY;
        }
    }

    /** With {@code -y}: the path of the descriptor a call returned ({@code = 3</etc/passwd>}), in {@link Captures#RETURNED}. */
    record ReturnedFdPath() implements Capture {
        @Override
        public int arg() {
            return Captures.RETURNED;
        }

        @Override
        public When when() {
            return When.AT_EXIT;
        }
    }

    /**
     * Memory reached through pointers (an iovec array and its buffers, a msghdr, a sockaddr sized by
     * a length word): {@code gatherer} reads it at the stop and returns it as {@link Chunks}, stored
     * in {@code slot} (an argument index, or {@link Captures#EXTRA} when that argument's slot is taken).
     * At exit it is called whether or not the call failed; {@code ret} tells.
     */
    record Gather(int slot, When when, Gatherer gatherer) implements Capture {
        @Override
        public int arg() {
            return slot;
        }
    }
}
