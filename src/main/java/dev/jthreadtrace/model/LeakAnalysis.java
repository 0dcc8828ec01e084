package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Threads that outlived their scope, the check test suites write by hand (Kafka's
 * {@code verifyNoUnexpectedThreads}, Lucene's thread-leak control): per process, the threads still
 * running when its scope ended (an exit_group, by its main thread or another, or its main thread's
 * exit; for a JVM, main's return or the JVM's shutdown, whichever came first), with that moment.
 *
 * <p>In a JVM only Java threads started by {@code start()} while the agent watched count: the
 * JVM's own threads (GC, compiler, Reference Handler) outlive main by design. So do the threads of
 * the JDK's own pools, which Java code starts (the common ForkJoinPool, the virtual-thread scheduler):
 * the agent names their pool from facts, and they are listed apart ({@link #byDesign}), not counted.
 * A JVM without the Java view cannot tell the two apart and is named in {@link #unchecked}.
 *
 */
public final class LeakAnalysis {
    /** HotSpot's thread that waits for the non-daemon threads once main has returned (its constructor is recorded). */
    static final String DESTROY_JAVA_VM = "DestroyJavaVM";
    /** HotSpot's VM thread: a process that has one is a JVM, with or without the Java view. */
    static final String VM_THREAD = "VM Thread";
    /** A JVM's scope end when main ended by an uncaught exception, before the exception's class. */
    public static final String MAIN_THREW = "main threw ";

    /** One process's scope end; {@code jvm}: judged by the Java rules. */
    public record Scope(int pid, ScopeEnd end, boolean jvm) {}

    /**
     * A thread still running when its process's scope ended; {@code jdkPool}: the JDK's own pool it works
     * for (its common ForkJoinPool, the virtual-thread scheduler...), {@code jdkThread}: else the JDK class
     * that started it when the JDK made it for itself (process reaper, Keep-Alive-Timer, Common-Cleaner);
     * either outlives main by design and is not counted; both null for the program's own thread, a leak.
     */
    public record Leak(ThreadInfo thread, Scope scope, String jdkPool, String jdkThread) {
        public Leak(ThreadInfo thread, Scope scope, String jdkPool) {
            this(thread, scope, jdkPool, null);
        }

        public boolean byDesign() {
            return jdkPool != null || jdkThread != null;
        }
    }

    private final List<Scope> scopes;
    private final List<Leak> leaked;
    private final List<Leak> byDesign;
    private final List<String> unchecked;
    private final Map<ThreadInfo, Leak> byThread = new IdentityHashMap<>();

    private LeakAnalysis(List<Scope> scopes, List<Leak> outlived, List<String> unchecked) {
        this.scopes = List.copyOf(scopes);
        this.leaked = outlived.stream().filter(l -> !l.byDesign()).toList();
        this.byDesign = outlived.stream().filter(Leak::byDesign).toList();
        this.unchecked = List.copyOf(unchecked);
        for (Leak l : outlived) byThread.put(l.thread(), l);
    }

    /** The end of each process's scope that was seen. */
    public List<Scope> scopes() {
        return scopes;
    }

    /** Each of the program's threads still running when its process's scope ended, in creation order: the leaks. */
    public List<Leak> leaked() {
        return leaked;
    }

    /** The threads of the JDK's own pools still running then, in creation order: shown, not counted. */
    public List<Leak> byDesign() {
        return byDesign;
    }

    /** One line per process that could not be checked. */
    public List<String> unchecked() {
        return unchecked;
    }

    /** How this thread outlived its scope (a leak, or a JDK pool's by design), or null when it did not. */
    public Leak of(ThreadInfo t) {
        return byThread.get(t);
    }

    /** Whether this thread is one of the leaks {@code threads.leaked} counts. */
    public boolean leaked(ThreadInfo t) {
        Leak l = byThread.get(t);
        return l != null && !l.byDesign();
    }

    static LeakAnalysis of(TraceModel model) {
        Map<Integer, List<ThreadInfo>> byProcess = new LinkedHashMap<>();
        for (ThreadInfo t : model.threads()) byProcess.computeIfAbsent(t.tgid(), k -> new ArrayList<>()).add(t);
        List<Scope> scopes = new ArrayList<>();
        List<Leak> leaked = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        // Java threads some code started with start() while the agent watched: not the JVM's own, which it starts natively.
        Set<String> started = new HashSet<>();
        for (JavaRecord r : model.javaView().records()) if (r instanceof JavaRecord.Started s) started.add(s.pid() + ":" + s.id());
        for (ProcessInfo p : model.processes()) {
            List<ThreadInfo> tasks = byProcess.getOrDefault(p.pid(), List.of());
            boolean javaView = tasks.stream().anyMatch(t -> t.java() != null);
            boolean jvm = javaView || tasks.stream().anyMatch(t -> t.nameHistory().contains(VM_THREAD));
            if (jvm && !javaView) {
                unchecked.add(p.pid() + " is a JVM without the Java view (--jvm off, or older than JDK 25): its threads cannot"
                        + " be told from the JVM's own, so which outlived main is not checked");
                continue;
            }
            ScopeEnd end = jvm ? jvmScopeEnd(model, p) : p.scopeEnd();
            if (end == null) continue; // killed, detached, or still running at the end of the trace: no scope ended
            Scope scope = new Scope(p.pid(), end, jvm);
            scopes.add(scope);
            for (ThreadInfo t : tasks) {
                // Main's scope: main itself (the leader) never outlives it, whoever ended the process; a thread
                // whose later exec gave it the leader's tid was not main then (its tid then is the one that counts).
                int tidThen = TidHolders.tidAt(t, end.ns());
                if (tidThen != end.tid() && tidThen != p.pid() && aliveAt(t, end.ns()) && (!jvm || startedByTheProgram(t, started))) {
                    leaked.add(jvm ? new Leak(t, scope, t.java().jdkPool(), t.java().jdkThread()) : new Leak(t, scope, null));
                }
            }
        }
        return new LeakAnalysis(scopes, leaked, unchecked);
    }

    /**
     * A JVM's scope ends when main returns or throws (the launcher then calls DestroyJavaVM, which
     * HotSpot makes a thread of that name on main's task) or when the JVM begins to shut down
     * (System.exit), whichever the agent saw first; else at the process's own end (Runtime.halt).
     * Main threw when the agent saw an uncaught exception dispatched on that task before.
     */
    private static ScopeEnd jvmScopeEnd(TraceModel model, ProcessInfo p) {
        ScopeEnd first = null;
        Map<Integer, String> uncaught = new HashMap<>();
        for (JavaRecord r : model.javaView().records()) {
            if (r.pid() != p.pid()) continue;
            if (r instanceof JavaRecord.Uncaught u) uncaught.put(u.osTid(), u.exception());
            ScopeEnd end = switch (r) {
                case JavaRecord.Constructed c when !c.virtual() && c.id() == c.creatorId() && c.name().equals(DESTROY_JAVA_VM) ->
                        new ScopeEnd(model.rel(c.ns()), c.osTid(), uncaught.containsKey(c.osTid())
                                ? MAIN_THREW + uncaught.get(c.osTid()) : "main returned");
                case JavaRecord.ShutdownBegan x -> new ScopeEnd(model.rel(x.ns()), x.osTid(), "the JVM began to shut down");
                default -> null;
            };
            if (end != null && (first == null || end.ns() < first.ns())) first = end;
        }
        return first != null ? first : p.scopeEnd();
    }

    private static boolean aliveAt(ThreadInfo t, long ns) {
        return t.start() <= ns && (t.end() == null || t.end() > ns);
    }

    /** A Java platform thread some code of the program (or a library it called) started, not the JVM or the tool. */
    private static boolean startedByTheProgram(ThreadInfo t, Set<String> started) {
        return t.java() != null && started.contains(t.tgid() + ":" + t.java().id()) && !t.startedForAttach();
    }
}
