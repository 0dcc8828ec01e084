package dev.jthreadtrace.sys;

/** A libc call failed; carries the call's name and the {@code errno} it left. */
public final class ErrnoException extends RuntimeException {
    private final String call;
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, as named when thrown ("waitpid", "ptrace(16902, 42)"). */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
