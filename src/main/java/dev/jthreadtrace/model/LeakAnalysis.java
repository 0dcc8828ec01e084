package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;

import java.util.ArrayList;
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
 * JVM's own threads (GC, compiler, Reference Handler) outlive main by design. A JVM without the
 * Java view cannot tell the two apart and is named in {@link #unchecked}.
 *
 */
public final class LeakAnalysis {
    /** HotSpot's thread that waits for the non-daemon threads once main has returned (its constructor is recorded). */
    static final String DESTROY_JAVA_VM = "DestroyJavaVM";
    /** HotSpot's VM thread: a process that has one is a JVM, with or without the Java view. */
    static final String VM_THREAD = "VM Thread";

    /** One process's scope end; {@code jvm}: judged by the Java rules. */
    public record Scope(int pid, ScopeEnd end, boolean jvm) {}

    /** A thread still running when its process's scope ended. */
    public record Leak(ThreadInfo thread, Scope scope) {}

    private final List<Scope> scopes;
    private final List<Leak> leaked;
    private final List<String> unchecked;
    private final Map<ThreadInfo, Leak> byThread = new IdentityHashMap<>();

    private LeakAnalysis(List<Scope> scopes, List<Leak> leaked, List<String> unchecked) {
        this.scopes = List.copyOf(scopes);
        this.leaked = List.copyOf(leaked);
        this.unchecked = List.copyOf(unchecked);
        for (Leak l : leaked) byThread.put(l.thread(), l);
    }

    /** The end of each process's scope that was seen. */
    public List<Scope> scopes() {
        return scopes;
    }

    /** Each thread still running when its process's scope ended, in creation order. */
    public List<Leak> leaked() {
        return leaked;
    }

    /** One line per process that could not be checked. */
    public List<String> unchecked() {
        return unchecked;
    }

    /** The leak of this thread, or null when it did not outlive its scope. */
    public Leak of(ThreadInfo t) {
        return byThread.get(t);
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
                // Main's scope: main itself (the leader) never outlives it, whoever ended the process.
                if (t.tid() != end.tid() && t.tid() != p.pid() && aliveAt(t, end.ns()) && (!jvm || startedByTheProgram(t, started))) {
                    leaked.add(new Leak(t, scope));
                }
            }
        }
        return new LeakAnalysis(scopes, leaked, unchecked);
    }

    /**
     * A JVM's scope ends when main returns (HotSpot then constructs its DestroyJavaVM thread on main's
     * task) or when the JVM begins to shut down (System.exit), whichever the agent saw first; else at
     * the process's own end (Runtime.halt).
     */
    private static ScopeEnd jvmScopeEnd(TraceModel model, ProcessInfo p) {
        ScopeEnd first = null;
        for (JavaRecord r : model.javaView().records()) {
            if (r.pid() != p.pid()) continue;
            ScopeEnd end = switch (r) {
                case JavaRecord.Constructed c when !c.virtual() && c.id() == c.creatorId() && c.name().equals(DESTROY_JAVA_VM) ->
                        new ScopeEnd(model.rel(c.ns()), c.osTid(), "main returned");
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
