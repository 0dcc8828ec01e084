package dev.jthreadtrace.check;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.JavaThread;
import dev.jthreadtrace.model.SyscallStats;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Escape;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a selector picks from a trace (threads by name or creation site, -c table rows by syscall)
 * and, when it picks nothing, the line that says so together with what the trace does have: a
 * typo in a selector must fail the build with a hint, not pass it on a sum of nothing.
 */
final class Selection {
    /** Names listed in a message before "…". */
    private static final int SHOWN = 8;

    private Selection() {}

    static List<ThreadInfo> named(TraceModel model, String glob) {
        Glob p = Glob.compile(glob);
        return model.threads().stream().filter(t -> p.matches(t.name())).toList();
    }

    /** Threads whose Java creation site (the first frame of the stack that started them) matches. */
    static List<ThreadInfo> createdAt(List<ThreadInfo> threads, String glob) {
        Glob at = Glob.compile(glob);
        return threads.stream().filter(t -> t.java() != null && t.java().createdAt() != null
                && at.matches(t.java().createdAt())).toList();
    }

    static boolean hasCreationSites(TraceModel model) {
        return model.threads().stream().anyMatch(t -> t.java() != null && t.java().createdAt() != null);
    }

    static String noThreadNamed(TraceModel model, String glob) {
        // The folded groups' names too (one per group): what the trace had, not only what it kept.
        List<String> names = new ArrayList<>(model.threads().stream().map(ThreadInfo::name).toList());
        model.folded().groups().forEach(g -> names.add(g.sampleName()));
        return "no thread named like \"" + Escape.text(glob) + "\" (" + listed("threads", names) + ")";
    }

    static String noCreationSites() {
        return "no thread has a Java creation site to match created_at against (no JVM view: --jvm off, a JVM older"
                + " than 25, or --java-stack 0)";
    }

    /** Whether any thread of the trace has this hook among what it started with. */
    static boolean anyHas(TraceModel model, String hook) {
        return model.threads().stream().anyMatch(t -> t.inheritedValue(hook) != null);
    }

    /** {@code no thread has hook "itl:RequestContext"; hooks seen: itl:InheritableThreadLocal#1, ccl, …}. */
    static String noHook(TraceModel model, String hook) {
        // The thread-locals and scoped values first: those are the keys a typo is made in.
        Set<String> named = new LinkedHashSet<>(), settings = new LinkedHashSet<>();
        for (ThreadInfo t : model.threads()) {
            for (String key : t.allInheritedValues().keySet()) {
                boolean value = key.startsWith(Hook.THREAD_LOCAL_PREFIX) || key.startsWith(JavaThread.SCOPED_VALUE_PREFIX);
                (value ? named : settings).add(key);
            }
        }
        named.addAll(settings);
        return "no thread has hook \"" + Escape.text(hook) + "\"; " + listed("hooks seen", named);
    }

    /** The -c table rows of the selected threads whose syscall matches {@code glob}. */
    static List<SyscallStats.Row> rows(TraceModel model, List<ThreadInfo> threads, String glob) {
        Glob syscall = Glob.compile(glob);
        return model.syscallStats().rows(threads).stream().filter(r -> syscall.matches(r.name())).toList();
    }

    /** The whole trace's -c table rows (the folded tasks' sum included) whose syscall matches {@code glob}. */
    static List<SyscallStats.Row> rowsWithFolded(TraceModel model, String glob) {
        Glob syscall = Glob.compile(glob);
        return model.syscallStats().rowsWithFolded(model.threads()).stream().filter(r -> syscall.matches(r.name())).toList();
    }

    static String noSyscallCalls(TraceModel model, List<ThreadInfo> threads, String glob) {
        return "no call of a syscall named like \"" + Escape.text(glob) + "\" in the trace (" + listed("calls seen",
                model.syscallStats().rows(threads).stream().map(SyscallStats.Row::name).toList()) + ")";
    }

    /** {@code threads: main, inner-1, … (12 in all)}: distinct, escaped, the first few. */
    static String listed(String what, Collection<String> values) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(values));
        if (distinct.isEmpty()) return what + ": none";
        List<String> shown = distinct.subList(0, Math.min(SHOWN, distinct.size())).stream().map(Escape::text).toList();
        return what + ": " + String.join(", ", shown) + (distinct.size() > SHOWN ? ", … (" + distinct.size() + " in all)" : "");
    }
}
