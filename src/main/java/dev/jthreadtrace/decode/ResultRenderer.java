package dev.jthreadtrace.decode;

/**
 * Renders a successful return value where strace adds to the number: {@code 0x8002 (flags
 * O_RDWR|O_LARGEFILE)}, {@code 1 ([{fd=3, revents=POLLIN}])}, {@code 0 (Timeout)}, {@code 10 (SIGUSR1)}.
 */
@FunctionalInterface
public interface ResultRenderer {
    String render(long[] args, long ret, Captures captures);
}
