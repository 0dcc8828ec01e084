package dev.jthreadtrace.sys;

/** A libc call failed; carries the call's name and the {@code errno} it left. */
public final class ErrnoException extends RuntimeException {
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
