package dev.jthreadtrace.decode;

/** How a successful return value is printed, as strace does per syscall. */
public enum ReturnStyle {
    /** {@code = 1237} */
    DECIMAL,
    /** {@code = 0x7f2c1c000000}: addresses (mmap, mremap, brk). */
    HEX,
    /** {@code = 022}: a file mode creation mask (umask). */
    OCTAL,
    /** {@code = 3}, with {@code -y} {@code = 3</etc/passwd>}: a new descriptor (open, socket, dup, ...). */
    FD,
    /** {@code = ?}: the call never returns (exit, exit_group). */
    NONE
}
