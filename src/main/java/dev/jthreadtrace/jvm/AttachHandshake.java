package dev.jthreadtrace.jvm;

import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HotSpot's attach handshake, done the way the JDK's own client does it ({@code .attach_pid<PID>}
 * in the JVM's working directory, then SIGQUIT, then the JVM opens {@code /tmp/.java_pid<PID>}),
 * but watched every {@link #POLL_MS} ms instead of the JDK's growing sleeps (checks at 0.1, 0.3,
 * 0.6, 1.0 s): under ptrace the JVM's Attach Listener often comes up just after a check, and the
 * "last look" before a signal has a second in all. When the socket is there, the JDK's
 * {@code VirtualMachine.attach} connects at once and sends nothing. SIGQUIT is sent only while the
 * socket is absent and our attach file is in place, as the JDK does, so the JVM starts its
 * listener instead of printing a thread dump.
 */
final class AttachHandshake {
    private static final int SIGQUIT = 3;
    private static final long POLL_MS = 10;

    private AttachHandshake() {}

    /** Until JVM {@code pid}'s attach socket exists or {@code deadlineNanos}; false when it did not come (the JDK then tries its own way). */
    static boolean prime(int pid, long deadlineNanos) {
        String nsPid = namespacePid(pid);
        Path socket = Path.of("/proc", Integer.toString(pid), "root", "tmp", ".java_pid" + nsPid);
        if (Files.exists(socket)) return true;
        Path attachFile = Path.of("/proc", Integer.toString(pid), "cwd", ".attach_pid" + nsPid);
        try {
            Files.createFile(attachFile);
        } catch (IOException | RuntimeException e) {
            return false; // not ours to create (another client's, or no permission): the JDK's way
        }
        try {
            if (!Libc.kill(pid, SIGQUIT)) return false;
            while (System.nanoTime() < deadlineNanos) {
                if (Files.exists(socket)) return true;
                Thread.sleep(POLL_MS);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(attachFile);
            } catch (IOException e) {
                // the JVM may have removed it; a leftover one only starts a listener on a later SIGQUIT
            }
        }
    }

    /** The JVM's own pid in its pid namespace (the last NSpid field), which names its files. */
    private static String namespacePid(int pid) {
        String ns = ProcStatus.of(pid).text("NSpid");
        if (ns == null || ns.isBlank()) return Integer.toString(pid);
        String[] parts = ns.trim().split("\\s+");
        return parts[parts.length - 1];
    }
}
