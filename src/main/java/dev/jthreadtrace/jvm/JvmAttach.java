package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code jthreadtrace attach} to a running JVM, through the JDK's Attach API ({@code jdk.attach}):
 * loads the agent (JDK 25+), so threads created from now on get Java names, creators and
 * inherited thread-locals; and reads the {@code Thread.print} diagnostic command, whose
 * {@code "name" #ID [NID]} header gives the Java name and OS tid of every platform thread that
 * existed before. Runs on a thread of its own: the target answers only while the tracer resumes it.
 */
public final class JvmAttach {
    /** What one attach gave: records for the threads that existed, and remarks for the user. */
    public record Result(List<JavaRecord> existing, List<String> notes, boolean connected, boolean agentLoaded) {}

    private static final int OLDEST_AGENT_JDK = 25;

    private JvmAttach() {}

    /** Whether {@code pid} runs a HotSpot JVM: libjvm.so is mapped (whatever the launcher was called). */
    public static boolean isJvm(int pid) {
        try (var lines = Files.lines(Path.of("/proc", Integer.toString(pid), "maps"), StandardCharsets.ISO_8859_1)) {
            return lines.anyMatch(l -> l.endsWith("/libjvm.so"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Attaches to {@code pid}; loads the agent when {@code agentJar} (its path as the JVM sees it,
     * in its own mount namespace) is not null and the JVM is JDK 25+. Every failure becomes a note: the trace goes on with the kernel's view.
     */
    public static Result attach(int pid, String agentJar, String agentOptions) {
        List<String> notes = new ArrayList<>();
        List<JavaRecord> existing = new ArrayList<>();
        com.sun.tools.attach.VirtualMachine vm;
        try {
            vm = AttachCommand.attach(pid);
        } catch (com.sun.tools.attach.AttachNotSupportedException | IOException | RuntimeException e) {
            notes.add(ended(pid) ? endedNote(pid, e) : "cannot attach to JVM " + pid + " (" + oneLine(e)
                    + "; started with -XX:+DisableAttachMechanism, another user's, or in another container?): kernel view only");
            return new Result(existing, notes, false, false);
        }
        boolean loaded = false;
        try {
            int feature = feature(AttachCommand.property(pid, "java.specification.version"));
            if (agentJar != null && feature >= OLDEST_AGENT_JDK) {
                try {
                    AttachCommand.loadAgent(pid, agentJar, agentOptions);
                    loaded = true;
                } catch (AttachCommand.NotAJvm e) {
                    throw e;
                } catch (com.sun.tools.attach.AgentLoadException | com.sun.tools.attach.AgentInitializationException
                         | IOException | RuntimeException e) {
                    if (ended(pid)) {
                        notes.add(endedNote(pid, e));
                        return new Result(existing, notes, true, false);
                    }
                    notes.add("JVM " + pid + " refused the agent (" + oneLine(e) + "; started with"
                            + " -XX:-EnableDynamicAgentLoading?): names of the threads it had, kernel view of the new ones");
                }
            } else if (agentJar != null) {
                notes.add("JVM " + pid + " is JDK " + feature + ": the agent needs JDK " + OLDEST_AGENT_JDK
                        + "+; names of the threads it had, kernel view of the new ones");
            }
            existing.addAll(threadDump(pid, notes));
        } catch (AttachCommand.NotAJvm e) {
            notes.add(ended(pid) ? endedNote(pid, e) : notAJvmNote(pid, e));
            return new Result(existing, notes, false, false);
        } catch (IOException | RuntimeException e) {
            notes.add(ended(pid) ? endedNote(pid, e) : "JVM " + pid + ": " + oneLine(e));
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the connection is closed either way
            }
        }
        return new Result(existing, notes, true, loaded);
    }

    /**
     * Whether process {@code pid} has ended (gone, or a zombie), now or within a moment: a JVM that
     * exits in the middle of an attach fails it with whatever its half-closed end gives (a refused
     * connection, an EOF), which is no sign of a disabled attach mechanism or agent loading.
     */
    static boolean ended(int pid) {
        for (int i = 0; i < 10; i++) {
            if (gone(pid)) return true;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return gone(pid);
            }
        }
        return false;
    }

    private static boolean gone(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')');
            char state = close < 0 || close + 2 >= stat.length() ? '?' : stat.charAt(close + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return true; // no /proc/PID: it has ended and been reaped
        }
    }

    /**
     * The note for an answer no JVM gives ({@link AttachCommand.NotAJvm}): the attach socket is the
     * program's to bind. The attach counts as failed: no lock view is asked of that socket later.
     */
    private static String notAJvmNote(int pid, AttachCommand.NotAJvm e) {
        return "no JVM's answer on JVM " + pid + "'s attach socket (" + e.getMessage()
                + "; a program may answer on its own /tmp/.java_pid" + pid + "): kernel view only";
    }

    private static String endedNote(int pid, Exception e) {
        return "JVM " + pid + " ended during the attach (" + oneLine(e) + "): kernel view only";
    }

    /**
     * Thread.print over a connection of ours ({@link AttachCommand}), read as a stream to
     * {@link ThreadDump#MAX_BYTES} ({@link ThreadDump}): a busy JVM's dump is megabytes.
     */
    private static List<JavaRecord> threadDump(int pid, List<String> notes) {
        try {
            try (InputStream in = AttachCommand.jcmd(pid, "Thread.print", ThreadDump.MAX_BYTES + 1)) {
                ThreadDump.Result dump = ThreadDump.read(pid, in, System.nanoTime());
                notes.addAll(dump.notes());
                List<JavaRecord> threads = new ArrayList<>(dump.threads());
                threads.addAll(dump.vmThreads());
                return threads;
            }
        } catch (IOException | RuntimeException e) {
            notes.add("JVM " + pid + ": no thread dump (" + oneLine(e) + "): the threads it had keep their kernel names");
            return List.of();
        }
    }

    /**
     * What is read of a lock view's dump at most: a dump of 512 threads, each waiting in a lock 30
     * frames deep, is 0.8 MiB (measured), and the attach socket is the program's to answer on: a reply of
     * its own may be endless.
     */
    static final long LOCK_VIEW_CAP = 8L << 20;

    /** A JVM's lock view ({@link LockDump}), or null with notes saying why not. */
    public record LockView(JavaRecord.Locks locks, List<String> notes) {}

    /**
     * The JVM's own view of its threads' locks now: {@code Thread.print -l} over the Attach API
     * (the JVM finds deadlocks among monitors and ownable synchronizers itself, at a safepoint).
     * Nothing is loaded into the JVM and it prints nothing; its Attach Listener thread starts if
     * it was not running. The JDK's own client does the handshake: it sends the SIGQUIT that starts
     * that thread only to a JVM whose attach mechanism is on (else the JVM would print a thread dump
     * into the program's output); the command goes over a connection of ours, read to
     * {@link #LOCK_VIEW_CAP} ({@link AttachCommand}). Blocks as long as the JVM takes to answer: call
     * it off the consumer thread.
     */
    public static LockView lockView(int pid) {
        List<String> notes = new ArrayList<>();
        com.sun.tools.attach.VirtualMachine vm;
        try {
            vm = AttachCommand.attach(pid);
        } catch (com.sun.tools.attach.AttachNotSupportedException | IOException | RuntimeException e) {
            notes.add("no Java lock view of JVM " + pid + " (" + oneLine(e) + "): kernel view only");
            return new LockView(null, notes);
        }
        try {
            long ns = System.nanoTime();
            try (AttachCommand.Reply in = AttachCommand.jcmd(pid, "Thread.print -l", LOCK_VIEW_CAP)) {
                JavaRecord.Locks locks = LockDump.read(pid, in, ns, notes);
                if (in.cut()) {
                    notes.add("JVM " + pid + "'s lock view was cut at " + (LOCK_VIEW_CAP >> 20) + " MiB (a dump of 512 threads is"
                            + " under 1 MiB; a program may answer on its own attach socket): the threads after that are left out");
                }
                return new LockView(locks, notes);
            }
        } catch (IOException | RuntimeException e) {
            notes.add("no Java lock view of JVM " + pid + " (" + oneLine(e) + "): kernel view only");
            return new LockView(null, notes);
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the connection is closed either way
            }
        }
    }

    private static int feature(String version) {
        try {
            return Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
