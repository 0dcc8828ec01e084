package dev.jthreadtrace.jsonl;

import dev.jthreadtrace.event.TraceEvent;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a saved trace's events may say about one task, checked as they are read: a record repeated
 * by hand with its {@code seq} renumbered passes the sequence check, and would make a thread born
 * twice (one more in {@code threads.total}), a call counted twice ({@code syscalls.time}) or an
 * exit taken twice. The kernel never reports these, so the reader refuses them:
 * <ul>
 * <li>a task is born (the command's start, an attach's existing tasks, a spawn, an untraced child)
 *     only while no task of its tid is alive: a tid is reused only after its task ended;</li>
 * <li>a task that ended (exit, killed, replaced by another thread's exec) ends again only after it
 *     was born again;</li>
 * <li>one task's calls follow each other: a call begins no earlier than its previous call ended
 *     (a call and its copy begin at the same moment);</li>
 * <li>no task is its own creator, nor its creator's creator, and so on: a creator exists before
 *     what it makes, so only a spawn that names a creator not yet born can start a cycle, and only
 *     the birth of such a creator is followed up its creators (a real trace never pays for it).</li>
 * </ul>
 * A task never seen born (one let go without its creator's event) is checked for nothing but its
 * calls. An exec by a thread that is not the leader gives it the leader's tid: both tids start a
 * new run of calls there (the old leader may have finished a call after the exec began).
 * Memory: one entry per task alive, one per tid that ended and was not reused, one per creator
 * named before it was born.
 */
final class TaskLedger {
    /** By tid: the line of the record that made the task alive. */
    private final Map<Integer, Integer> alive = new HashMap<>();
    /** By tid: the line of the record that ended it, while no record made it again. */
    private final Map<Integer, Integer> ended = new HashMap<>();
    /** By tid: {entry ns, exit ns, syscall number, line} of the task's latest call. */
    private final Map<Integer, long[]> lastCall = new HashMap<>();
    /** By tid, for tasks alive that a spawn made: its creator's tid. */
    private final Map<Integer, Integer> creatorOf = new HashMap<>();
    /** Tids a spawn named as creator while no task of theirs was alive: their birth may close a cycle. */
    private final Set<Integer> creatorsBeforeBirth = new HashSet<>();

    /** Whether a record made a task of {@code tid} (alive now, or ended). */
    boolean made(int tid) {
        return alive.containsKey(tid) || ended.containsKey(tid);
    }

    /** Why {@code event}, read on {@code line}, cannot follow what came before, or null when it can. */
    String check(TraceEvent event, int line) {
        return switch (event) {
            case TraceEvent.TargetStarted s -> born(s.pid(), line, "start");
            case TraceEvent.Attached a -> {
                for (TraceEvent.ExistingTask t : a.tasks()) {
                    String why = born(t.tid(), line, "attach");
                    if (why != null) yield why;
                }
                yield null;
            }
            case TraceEvent.Spawned s -> {
                String why = born(s.child(), line, "spawn");
                if (why == null) why = cycle(s.child(), s.creator(), line);
                if (why == null) madeBy(s.child(), s.creator());
                yield why;
            }
            case TraceEvent.UntracedChild u -> {
                String why = born(u.child(), line, "untraced");
                if (why == null) end(u.child(), line);
                yield why;
            }
            case TraceEvent.Exited x -> ends(x.tid(), line);
            case TraceEvent.Killed k -> ends(k.tid(), line);
            case TraceEvent.Exec x -> {
                lastCall.remove(x.tid());
                lastCall.remove(x.formerTid());
                if (x.formerTid() != x.tid() && alive.containsKey(x.formerTid())) end(x.formerTid(), line);
                yield null;
            }
            case TraceEvent.Syscall s -> call(s, line);
            case TraceEvent.SyscallEntered s -> entered(s);
            default -> null;
        };
    }

    private String born(int tid, int line, String how) {
        Integer since = alive.get(tid);
        if (since != null) {
            return "thread " + tid + " is made again (a \"" + how + "\" record) while alive since line " + since
                    + ", not ended since: a record repeated or forged";
        }
        ended.remove(tid);
        lastCall.remove(tid);
        alive.put(tid, line);
        return null;
    }

    /** Why {@code child}, made by {@code creator}, would be its own creator's creator; null when it is not. */
    private String cycle(int child, int creator, int line) {
        if (creator == child) {
            return "thread " + child + " is made by itself (a \"spawn\" record naming it as its own creator): a record repeated or forged";
        }
        if (!creatorsBeforeBirth.contains(child)) return null;
        Integer up = creator;
        for (int steps = 0; up != null && steps <= creatorOf.size(); steps++) {
            if (up == child) {
                return "thread " + child + " is made (a \"spawn\" record) by " + creator + ", which descends from "
                        + child + " (made on line " + alive.get(creator) + "): creators form a cycle; a record repeated or forged";
            }
            up = creatorOf.get(up);
        }
        return null;
    }

    private void madeBy(int child, int creator) {
        creatorOf.put(child, creator);
        if (!alive.containsKey(creator)) creatorsBeforeBirth.add(creator);
    }

    private String ends(int tid, int line) {
        Integer at = ended.get(tid);
        if (at != null) {
            return "thread " + tid + " ends again (it ended on line " + at + ", and no record made it again): a record repeated or"
                    + " forged";
        }
        creatorsBeforeBirth.remove(tid);
        if (alive.containsKey(tid)) end(tid, line);
        return null;
    }

    private void end(int tid, int line) {
        alive.remove(tid);
        lastCall.remove(tid);
        creatorOf.remove(tid);
        creatorsBeforeBirth.remove(tid);
        ended.put(tid, line);
    }

    /** A call's {@code enter} record: its call begins after the thread's previous one ended, as its record will say. */
    private String entered(TraceEvent.SyscallEntered s) {
        long[] last = lastCall.get(s.tid());
        return last == null || s.ns() >= last[1] ? null : overlaps(s.tid(), s.ns(), last);
    }

    private String call(TraceEvent.Syscall s, int line) {
        long[] last = lastCall.get(s.tid());
        if (last != null && (s.ns() < last[1] || s.ns() == last[0] && s.exitNs() == last[1] && s.nr() == last[2])) {
            return overlaps(s.tid(), s.ns(), last);
        }
        lastCall.put(s.tid(), new long[] {s.ns(), s.exitNs(), s.nr(), line});
        return null;
    }

    private static String overlaps(int tid, long ns, long[] last) {
        return "a call of thread " + tid + " that begins (ns " + ns + ") before its previous call, on line " + last[3]
                + ", ended (ns " + last[1] + "): one thread's calls do not overlap; a record repeated or forged";
    }
}
