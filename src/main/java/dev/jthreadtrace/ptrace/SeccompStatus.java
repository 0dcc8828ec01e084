package dev.jthreadtrace.ptrace;

/**
 * Whether the seccomp filter is in the traced tree, and in words for --stats and notes: "on",
 * "on (no_new_privs set)", "off", "off (attach)", or why it is not. {@code failed}: it was wanted
 * and could not be installed (the tool then says so and traces every syscall); {@code advice}: then
 * a note that says why and what to change, or null for the plain note.
 *
 * @param noNewPrivs the tool set no_new_privs in the start gate for the filter (it lacks CAP_SYS_ADMIN):
 *                   set-user-ID programs the command runs gain no privileges
 */
public record SeccompStatus(boolean active, String description, boolean failed, String advice, boolean noNewPrivs) {
    static final SeccompStatus OFF = new SeccompStatus(false, "off", false, null, false);
    static final SeccompStatus ATTACH = off("attach");

    static SeccompStatus on(boolean noNewPrivs) {
        return new SeccompStatus(true, noNewPrivs ? "on (no_new_privs set)" : "on", false, null, noNewPrivs);
    }

    /** Not installed, on purpose: {@code why}. */
    static SeccompStatus off(String why) {
        return new SeccompStatus(false, "off (" + why + ")", false, null, false);
    }

    /** Wanted, but the kernel refused it: {@code why}. */
    static SeccompStatus failed(String why) {
        return failed(why, null);
    }

    /** Wanted, but refused: {@code why}, and {@code advice}, the whole note to print instead of the plain one (or null). */
    static SeccompStatus failed(String why, String advice) {
        return new SeccompStatus(false, "off (" + why + ")", true, advice, false);
    }

    @Override
    public String toString() {
        return description;
    }
}
