package dev.jthreadtrace.ptrace;

/**
 * Whether the seccomp filter is in the traced tree, and in words for --stats and notes: "on",
 * "on (no_new_privs set)", "off", "off (attach)", or why it is not. {@code failed}: it was wanted
 * and could not be installed (the tool then says so and traces every syscall).
 */
public record SeccompStatus(boolean active, String description, boolean failed) {
    static final SeccompStatus OFF = new SeccompStatus(false, "off", false);
    static final SeccompStatus ATTACH = off("attach");

    static SeccompStatus on(boolean noNewPrivs) {
        return new SeccompStatus(true, noNewPrivs ? "on (no_new_privs set)" : "on", false);
    }

    /** Not installed, on purpose: {@code why}. */
    static SeccompStatus off(String why) {
        return new SeccompStatus(false, "off (" + why + ")", false);
    }

    /** Wanted, but the kernel refused it: {@code why}. */
    static SeccompStatus failed(String why) {
        return new SeccompStatus(false, "off (" + why + ")", true);
    }

    @Override
    public String toString() {
        return description;
    }
}
