package dev.jthreadtrace.model;

import dev.jthreadtrace.event.JavaRecord;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How many folded threads were created at a Java creation site ({@code threads{created_at="glob"}.count}
 * once a JVM's threads folded past --keep-ended). A folded task never had its Java facts joined (the
 * agents' records are joined at the end), but the records are all kept: a platform thread's start()
 * record that joined no kept task, by a starter some of whose created tasks folded, is a folded
 * thread's. Counted per starter and held to the folded tasks it created (the groups', bounded, by
 * their creators): a starter with more such records than folded and unjoined kept tasks had a
 * start() that made no task (it failed), and which record that was is not known, so the answer is
 * unknown rather than one too many.
 */
public final class FoldedCreationSites {
    private FoldedCreationSites() {}

    /**
     * The trace's count: {@code kept} (the kept threads created at a matching site) plus the folded
     * ones whose start() record's first frame {@code site} matches; or why it is not known.
     */
    public static FoldedMetrics.Answer count(TraceModel model, long kept, Predicate<String> site) {
        // By creator, every folded task, not only those of a process known as a JVM when they folded (one
        // whose "VM Thread" came later, another JVM than HotSpot): a start() record says it was a Java thread.
        Map<Integer, Long> foldedBy = new HashMap<>();
        long others = 0;
        for (FoldedGroup g : model.folded().groups()) {
            if (g.key().equals(FoldedTasks.OTHERS)) others = g.figures().tasks();
            else foldedBy.merge(g.key().creator(), g.figures().tasks(), Long::sum);
        }
        Set<String> joined = new HashSet<>();
        Map<Integer, Long> unjoinedKept = new HashMap<>();
        model.javaView().threads().forEach((task, java) -> joined.add(task.tgid() + ":" + java.id()));
        Set<Integer> jvms = new HashSet<>();
        model.javaView().threads().keySet().forEach(t -> jvms.add(t.tgid()));
        for (ThreadInfo t : model.threads()) {
            // A kept thread its start() record could not be joined to (its starter's tasks partly folded, its name not unique).
            if (t.java() == null && t.creator() != null && jvms.contains(t.tgid())) unjoinedKept.merge(t.creator(), 1L, Long::sum);
        }
        Map<Integer, Long> records = new HashMap<>();
        Set<String> started = new HashSet<>();
        long matched = 0;
        for (JavaRecord r : model.javaView().records()) {
            if (!(r instanceof JavaRecord.Started s) || joined.contains(s.pid() + ":" + s.id())) continue;
            // A thread starts once: a second start() record of it is a start() that threw (IllegalThreadStateException).
            if (!started.add(s.pid() + ":" + s.id())) continue;
            if (!foldedBy.containsKey(s.osTid())) {
                // Past the groups' bound a folded task's creator is let go: its start() record cannot be told from a failed start's.
                if (others > 0) return unknown(others + " task" + (others == 1 ? "" : "s") + " folded into the group of other creators"
                        + " (past " + FoldedTasks.MAX_GROUPS + " groups), a Java thread's start() joined to none");
                continue;
            }
            records.merge(s.osTid(), 1L, Long::sum);
            if (!s.stack().isEmpty() && site.test(s.stack().getFirst().toString())) matched++;
        }
        for (Map.Entry<Integer, Long> e : records.entrySet()) {
            long tasks = foldedBy.get(e.getKey()) + unjoinedKept.getOrDefault(e.getKey(), 0L);
            if (e.getValue() > tasks) {
                return unknown((e.getValue() - tasks) + " Java thread start" + (e.getValue() - tasks == 1 ? "" : "s") + " by " + e.getKey()
                        + " made no task the trace kept or folded (a start() that failed?), and its threads folded");
            }
        }
        return new FoldedMetrics.Answer.Value(Sums.add(kept, matched));
    }

    private static FoldedMetrics.Answer unknown(String why) {
        return new FoldedMetrics.Answer.Unknown("unknown: " + why);
    }
}
