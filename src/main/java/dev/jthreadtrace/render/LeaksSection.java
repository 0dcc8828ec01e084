package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.LeakAnalysis;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TidHolders;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.List;

/**
 * The threads that outlived their scope: per process, what ended it (an exit_group, as the kernel
 * showed it, the main thread's exit, or its JVM's main return or shutdown) and which threads were still running then, with where each was created and how long
 * it went on. What a test suite's thread-leak check reports, read from the kernel.
 */
final class LeaksSection extends SectionRenderer {
    LeaksSection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        LeakAnalysis leaks = model.leaks();
        out.accept("");
        out.accept(palette.heading("OUTLIVED THEIR SCOPE (threads still running when their program's scope ended, as each line says)"));
        if (leaks.scopes().isEmpty()) {
            out.accept("  (no process's scope ended under the trace: it was killed, detached, or ran on)");
        }
        for (LeakAnalysis.Scope scope : leaks.scopes()) {
            List<LeakAnalysis.Leak> mine = leaks.leaked().stream().filter(l -> l.scope() == scope).toList();
            String process = label(scope.pid(), scope.end().ns());
            List<LeakAnalysis.Leak> jdk = leaks.byDesign().stream().filter(l -> l.scope() == scope).toList();
            String none = jdk.isEmpty() ? "no other thread was running" : "none of the program's threads was running";
            out.accept("  process " + process + ": " + describe(scope) + " " + Units.at(scope.end().ns()) + ": "
                    + (mine.isEmpty() ? none : mine.size() + " thread" + (mine.size() == 1 ? " was" : "s were") + " still running"));
            rows(mine);
            if (!jdk.isEmpty()) {
                out.accept("    and " + jdk.size() + " thread" + (jdk.size() == 1 ? "" : "s") + " " + kinds(jdk)
                        + ", which outlive main by design (not counted):");
                rows(jdk);
            }
        }
        for (String note : leaks.unchecked()) out.accept("  not checked: " + Escape.text(note));
        // FoldRule keeps a task that ended after its process's scope ended; a JVM's scope end (main's
        // return) comes with the agent's records at the end, after its threads may have folded.
        long jvmFolded = model.folded().all().jvmTasks();
        if (jvmFolded > 0) out.accept("  not checked: " + SummaryFacts.plural(jvmFolded, "folded thread") + " of JVMs, folded before"
                + " their JVM's scope end was known (threads.leaked is unknown)");
    }

    /** What the JDK's threads that outlived main are: its pools' workers, threads it made for itself, or both. */
    private static String kinds(List<LeakAnalysis.Leak> jdk) {
        boolean pools = jdk.stream().anyMatch(l -> l.jdkPool() != null), own = jdk.stream().anyMatch(l -> l.jdkPool() == null);
        return pools && own ? "of the JDK's own pools or made by the JDK for itself" : pools ? "of the JDK's own pools" : "the JDK made for itself";
    }

    private void rows(List<LeakAnalysis.Leak> leaks) {
        for (LeakAnalysis.Leak l : leaks.subList(0, Math.min(leaks.size(), ReportContext.MAX_ROWS))) out.accept(row(l));
        if (leaks.size() > ReportContext.MAX_ROWS) out.accept("    … " + (leaks.size() - ReportContext.MAX_ROWS) + " more (see --format jsonl)");
    }

    private String describe(LeakAnalysis.Scope scope) {
        String what = scope.end().what();
        // "exit_group(3) by 1234": name the thread that called it.
        return what.startsWith("exit_group(") && what.endsWith(" by " + scope.end().tid())
                ? what.substring(0, what.lastIndexOf(' ') + 1) + label(scope.end().tid(), scope.end().ns()) : Escape.text(what);
    }

    private String row(LeakAnalysis.Leak l) {
        ThreadInfo t = l.thread();
        String daemon = t.java() != null && "true".equals(t.java().attributes().get("daemon")) ? "daemon  " : "";
        // A JDK pool's thread: its pool, not the application frame that first used it (a parallel stream's).
        String at = l.jdkPool() != null ? "the JDK's " + Escape.text(l.jdkPool()) + ": outlives main by design  "
                : l.jdkThread() != null ? "the JDK's own thread, started by " + Escape.text(l.jdkThread()) + ": outlives main by design  "
                : t.java() == null || t.java().createdAt() == null ? "" : "created at " + Escape.text(t.java().createdAt()) + "  ";
        // As it was when the scope ended: a thread that exec'd later had another tid and name then.
        long then = l.scope().end().ns();
        return "    " + Units.pad(Units.cut(label(TidHolders.tidAt(t, then), then), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH)
                + daemon + at + end(t);
    }

    private String end(ThreadInfo t) {
        if (t.exit() instanceof Exit.GroupExit g && g.tornDown()) return "torn down by the process's exit " + Units.at(t.end());
        if (t.exit() == null) return "still running at the end of the trace";
        return "ended " + Units.at(t.end());
    }
}
