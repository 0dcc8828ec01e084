package dev.jthreadtrace.sys;

/**
 * Runs a task on a platform thread of its own whose effective and file-system uid and gid are
 * another process's (raw {@code setresgid}/{@code setresuid}: Linux credentials belong to each
 * thread, and only glibc's wrappers would change every thread of the tool). For talking to a JVM in
 * a user namespace of its own (a rootless container), which sees a host root that is not mapped
 * into it as {@code nobody}: it refuses its attach socket to such a peer ({@code SO_PEERCRED}),
 * ignores an attach trigger file such a user made, and its tmpfs refuses files such a user would
 * own ({@code EOVERFLOW}). The real and saved ids stay, so the thread could switch back; it ends
 * with the task instead.
 */
public final class ThreadCredentials {
    private static final long SYS_SETRESUID = 117, SYS_SETRESGID = 119;
    private static final long UNCHANGED = -1;

    private ThreadCredentials() {}

    /** Runs {@code task} as {@code uid}/{@code gid} and waits for it; an error switching is thrown before the task runs. */
    public static void runAs(int uid, int gid, Runnable task) throws InterruptedException {
        RuntimeException[] failed = new RuntimeException[1];
        Thread thread = Thread.ofPlatform().name("jthreadtrace-as-" + uid).start(() -> {
            try {
                // The group first: changing it needs CAP_SETGID, which the thread loses with a non-root euid.
                Libc.checked("setresgid", SYS_SETRESGID, UNCHANGED, gid, UNCHANGED, 0);
                Libc.checked("setresuid", SYS_SETRESUID, UNCHANGED, uid, UNCHANGED, 0);
            } catch (RuntimeException e) {
                failed[0] = e;
                return;
            }
            task.run();
        });
        thread.join();
        if (failed[0] != null) throw failed[0];
    }
}
