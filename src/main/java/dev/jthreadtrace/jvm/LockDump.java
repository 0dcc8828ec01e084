package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's lock view from its {@code Thread.print -l} dump: for each platform thread that waits
 * for a lock or holds one, its state, the lock it waits for ({@code - waiting to lock},
 * {@code - parking to wait for}, {@code - waiting on}), the monitors ({@code - locked}) and
 * ownable synchronizers it holds, and its first {@link #FRAMES} frames; and how many deadlocks the
 * JVM itself found. Headers are read as {@link ThreadDump} reads them (a hostile name cannot move
 * a real header); a tid that two headers claim is dropped, and lines after a header that did not
 * parse belong to no thread. Bounded: at most {@link #MAX_THREADS} threads, {@link #MAX_HELD}
 * locks and {@link #FRAMES} frames each.
 */
final class LockDump implements ThreadDump.Body {
    static final int MAX_THREADS = 4096, MAX_HELD = 32, FRAMES = 10;

    private static final String STATE = "   java.lang.Thread.State: ", SYNCHRONIZERS = "   Locked ownable synchronizers:";
    private static final Pattern LOCK_LINE = Pattern.compile(
            "^\t- (waiting to lock|waiting to re-lock in wait\\(\\)|parking to wait for |waiting on|locked|) ?<(0x[0-9a-f]+)> \\(a (.+)\\)$");
    private static final Pattern FRAME = Pattern.compile("^\tat (.+)\\.([^.(]+)\\((.*)\\)$");
    private static final Pattern FOUND = Pattern.compile("^Found (\\d+) deadlocks?\\.$");

    /** One thread as its lines come. */
    private static final class Entry {
        final JavaRecord.Present header;
        String state = "";
        JavaRecord.LockWait waiting;
        final List<JavaRecord.Lock> held = new ArrayList<>();
        final List<JavaRecord.Frame> frames = new ArrayList<>();
        boolean synchronizers;

        Entry(JavaRecord.Present header) {
            this.header = header;
        }
    }

    /**
     * The JVM's tasks as the kernel shows them, which a thread name cannot forge: a header is taken
     * only for a task of the JVM's own process ({@code has}), and of the headers that claim one
     * tid (a name forged one), the one whose name begins with the task's kernel name ({@code comm}).
     */
    interface Tasks {
        boolean has(int tid);

        /** The task's kernel name, or null when it cannot be read. */
        String comm(int tid);

        /** /proc/PID/task: the tasks of the process {@code pid} now. */
        static Tasks of(int pid) {
            return new Tasks() {
                @Override
                public boolean has(int tid) {
                    return java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid)));
                }

                @Override
                public String comm(int tid) {
                    byte[] comm = dev.jthreadtrace.sys.ProcStatus.comm(tid);
                    return comm == null ? null : new String(comm, java.nio.charset.StandardCharsets.UTF_8);
                }
            };
        }
    }

    private final Tasks tasks;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Integer, Integer> headersByTid = new HashMap<>();
    private Entry current;
    private int deadlocksFound;

    private LockDump(Tasks tasks) {
        this.tasks = tasks;
    }

    /** The lock view of JVM {@code pid} from its dump, stamped {@code ns}; notes on what was left out go to {@code notes}. */
    static JavaRecord.Locks read(int pid, InputStream in, long ns, List<String> notes) throws IOException {
        return read(pid, in, ns, notes, Tasks.of(pid));
    }

    static JavaRecord.Locks read(int pid, InputStream in, long ns, List<String> notes, Tasks tasks) throws IOException {
        LockDump dump = new LockDump(tasks);
        ThreadDump.Result result = ThreadDump.read(pid, in, ns, dump);
        notes.addAll(result.notes());
        return dump.locks(pid, ns);
    }

    /** The same from a dump held in memory (tests). */
    static JavaRecord.Locks parse(int pid, byte[] dump, long ns, Tasks tasks) {
        try {
            return read(pid, new ByteArrayInputStream(dump), ns, new ArrayList<>(), tasks);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    @Override
    public void header(JavaRecord.Present thread) {
        current = null;
        if (thread == null) return;
        headersByTid.merge(thread.osTid(), 1, Integer::sum);
        if (entries.size() >= MAX_THREADS) return;
        current = new Entry(thread);
        entries.add(current);
    }

    @Override
    public void line(String text) {
        Matcher found = FOUND.matcher(text);
        if (found.matches()) {
            deadlocksFound = Integer.parseInt(found.group(1)); // the last such line is the JVM's summary
            return;
        }
        if (current == null) return;
        if (text.startsWith(STATE)) {
            current.state = text.substring(STATE.length());
        } else if (text.startsWith(SYNCHRONIZERS)) {
            current.synchronizers = true;
        } else if (text.startsWith("\tat ")) {
            Matcher m = FRAME.matcher(text);
            if (m.matches() && current.frames.size() < FRAMES) current.frames.add(frame(m.group(1), m.group(2), m.group(3)));
        } else if (text.isEmpty() && current.synchronizers) {
            current = null; // the end of this thread's part
        } else {
            lockLine(text);
        }
    }

    private void lockLine(String text) {
        Matcher m = LOCK_LINE.matcher(text);
        if (!m.matches()) return;
        JavaRecord.Lock lock = new JavaRecord.Lock(m.group(2), m.group(3));
        String verb = m.group(1);
        if (verb.equals("locked") || verb.isEmpty() && current.synchronizers) {
            if (current.held.size() < MAX_HELD && !current.held.contains(lock)) current.held.add(lock);
            return;
        }
        // The innermost wait is the first one printed.
        if (current.waiting != null || current.synchronizers) return;
        JavaRecord.WaitKind kind = switch (verb) {
            case "waiting to lock", "waiting to re-lock in wait()" -> JavaRecord.WaitKind.ENTER;
            case "parking to wait for " -> JavaRecord.WaitKind.PARK;
            case "waiting on" -> JavaRecord.WaitKind.WAIT;
            default -> null;
        };
        if (kind != null) current.waiting = new JavaRecord.LockWait(kind, lock);
    }

    /** {@code com.example.Cache.get(Cache.java:42)}, {@code (java.base@25/Thread.java:1487)}, {@code (Native Method)}. */
    private static JavaRecord.Frame frame(String className, String method, String where) {
        if (where.equals("Unknown Source")) return new JavaRecord.Frame(className, method, "", -1);
        String file = where.substring(where.lastIndexOf('/') + 1);
        int colon = file.lastIndexOf(':');
        int line = -1;
        if (colon > 0) {
            try {
                line = Integer.parseInt(file.substring(colon + 1));
                file = file.substring(0, colon);
            } catch (NumberFormatException e) {
                line = -1;
            }
        }
        return new JavaRecord.Frame(className, method, file, line);
    }

    /**
     * The threads that wait or hold, each a task of the JVM (a forged header may name the JVM's
     * other tasks, or another process's) and claimed once: of the headers that claim one tid, the
     * one its kernel name begins (a real thread keeps its facts when a name forged its header).
     */
    private JavaRecord.Locks locks(int pid, long ns) {
        List<JavaRecord.LockedThread> threads = new ArrayList<>();
        for (Entry e : entries) {
            int tid = e.header.osTid();
            if (!tasks.has(tid) || headersByTid.get(tid) != 1 && !theOneItsKernelNameBegins(e) || e.waiting == null && e.held.isEmpty()) {
                continue;
            }
            threads.add(new JavaRecord.LockedThread(e.header.osTid(), e.header.id(), e.header.name(), e.state, e.waiting,
                    e.held, e.frames));
        }
        return new JavaRecord.Locks(pid, ns, 0, threads, deadlocksFound);
    }

    private boolean theOneItsKernelNameBegins(Entry e) {
        String comm = tasks.comm(e.header.osTid());
        if (comm == null || comm.isEmpty()) return false;
        long begun = entries.stream().filter(o -> o.header.osTid() == e.header.osTid() && o.header.name().startsWith(comm)).count();
        return begun == 1 && e.header.name().startsWith(comm);
    }
}
