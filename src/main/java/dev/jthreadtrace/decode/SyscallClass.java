package dev.jthreadtrace.decode;

/** The {@code -e %class} names: groups of syscalls a user selects at once (strace's trace classes). */
public enum SyscallClass {
    THREAD("%thread"), PROCESS("%process"), FUTEX("%futex"), MEMORY("%memory"), HOOKS("%hooks");

    private final String spelling;

    SyscallClass(String spelling) {
        this.spelling = spelling;
    }

    /** How the user writes it: {@code %thread}. */
    public String spelling() {
        return spelling;
    }
}
