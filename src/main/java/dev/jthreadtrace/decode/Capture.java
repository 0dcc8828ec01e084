package dev.jthreadtrace.decode;

/**
 * A piece of tracee memory (or fd state) a decoder needs, to be copied by the tracer <em>at the
 * stop</em>: after the task resumes, a {@code clone_args} struct, a futex timeout or a name buffer
 * may already be gone or changed. Decoders declare these; the tracer executes them generically.
 */
public sealed interface Capture {
    /** Which syscall argument holds the pointer (or fd); also the key the bytes are stored under. */
    int arg();

    /** When the memory holds what the decoder needs: an input at syscall entry, an output buffer at exit. */
    enum When { AT_ENTRY, AT_EXIT }

    When when();

    /** {@code length} bytes at the pointer. */
    record Bytes(int arg, int length, When when) implements Capture {}

    /** As many bytes as argument {@code lengthArg} says, at most {@code max}. */
    record BytesSizedByArg(int arg, int lengthArg, int max, When when) implements Capture {}

    /** At exit, as many bytes as the syscall returned, at most {@code max}. */
    record BytesSizedByReturn(int arg, int max) implements Capture {
        @Override
        public When when() {
            return When.AT_EXIT;
        }
    }

    /** A NUL-terminated string of at most {@code max} bytes. */
    record CString(int arg, int max, When when) implements Capture {}

    /** A NULL-terminated array of string pointers ({@code argv}), at most {@code maxItems} strings, at entry. */
    record CStringArray(int arg, int maxItems, int maxLength) implements Capture {
        @Override
        public When when() {
            return When.AT_ENTRY;
        }
    }

    /** The path an fd argument refers to, read as the {@code /proc/PID/fd/N} link at entry. */
    record FdPath(int arg) implements Capture {
        @Override
        public When when() {
            return When.AT_ENTRY;
        }
    }
}
