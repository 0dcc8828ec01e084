package dev.jthreadtrace.model;

import dev.jthreadtrace.decode.FutexWord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The joins {@link FutexLog} has seen, in order, and what is kept of folded threads for a join
 * that comes after they folded: the bounded memory of "who was joined" once ended tasks fold.
 *
 * <p>A join is two threads' fact. When the joined thread folds, its join leaves the list of joins
 * (the fold counts it), but the joiner's "J" mark on its own lane stays while the joiner is kept:
 * the timeline, the HTML lane and Perfetto's join instant draw it from {@link #marks}. At most
 * {@link #MAX_MARKS_PER_JOINER} such marks per joiner (a lane has fewer cells than that), so a
 * thread that joins a million folded threads still costs a constant.
 */
final class Joins {
    static final int MAX_FOLDED_EXITS = 4096;
    static final int MAX_MARKS_PER_JOINER = 512;

    /** A folded thread's exit that a late join may still find: its tid, start, and the folded sums that count its join. */
    private record FoldedExit(int tid, long start, Runnable credit) {}

    /** Each thread joined, and its join (a thread is joined once). */
    private final Map<ThreadInfo, FutexAnalysis.Join> joined = new IdentityHashMap<>();
    /** The joins in the order seen; those of folded threads are taken out in bulk ({@link #foldedJoins}). */
    private final List<FutexAnalysis.Join> inOrder = new ArrayList<>();
    /** Joins of folded threads still in {@link #inOrder}: removing one at a time would cost O(n) per fold. */
    private final Set<FutexAnalysis.Join> foldedJoins = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Joins whose joined thread folded, kept in {@link #inOrder} only as their joiner's mark. */
    private final Set<FutexAnalysis.Join> marksOnly = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Each kept joiner's joins still in {@link #inOrder}, by its tid: let go (or kept from becoming marks) when it folds. */
    private final Map<Integer, Set<FutexAnalysis.Join>> byJoiner = new HashMap<>();
    /** How many of {@link #marksOnly} each joiner has. */
    private final Map<Integer, Integer> markCounts = new HashMap<>();
    /** Joins whose joiner folded while the joined thread is kept: listed, but no mark once the joined thread folds too. */
    private final Set<FutexAnalysis.Join> joinerFolded = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * The clear-tid words of folded threads nobody had joined yet, one per word (the latest started),
     * with what a join credits: a join whose wait returns after the thread folded (a pthread_join
     * that began waiting, or read the word, before the exit and returns after many more ends) is
     * still counted. At most {@link #MAX_FOLDED_EXITS}, the oldest let go first (a word a later
     * thread reuses is that thread's anyway).
     */
    private final Map<FutexWord, FoldedExit> foldedExits = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FutexWord, FoldedExit> eldest) {
            return size() > MAX_FOLDED_EXITS;
        }
    };

    /**
     * A wait on {@code key} by {@code waiter} that ended by the exit of the thread it waited for:
     * a folded thread started after the kept candidate (and before the wait began at {@code sinceNs})
     * is the one it was for, and its folded sums count the join; else the kept candidate is joined,
     * once.
     */
    void joined(FutexWord key, ThreadInfo kept, int waiter, long sinceNs, long exitNs) {
        FoldedExit late = foldedExits.isEmpty() ? null : foldedExits.get(key);
        if (late != null && late.tid() != waiter && late.start() <= sinceNs && (kept == null || late.start() > kept.start())) {
            foldedExits.remove(key);
            late.credit().run();
            return;
        }
        if (kept != null && kept.calledExitItself() && !joined.containsKey(kept)) {
            FutexAnalysis.Join join = new FutexAnalysis.Join(waiter, kept.tid(), exitNs, exitNs - sinceNs);
            joined.put(kept, join);
            inOrder.add(join);
            byJoiner.computeIfAbsent(waiter, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(join);
        }
    }

    /**
     * {@code t} folded: its join, if it had one, leaves the list (counted by the fold) and stays as
     * its joiner's mark while the joiner is kept; the marks of its own joins of folded threads are
     * let go. Returns whether it had a join.
     */
    boolean forget(ThreadInfo t) {
        joinerFolded(t.tid());
        FutexAnalysis.Join join = joined.remove(t);
        if (join == null) return false;
        Set<FutexAnalysis.Join> joinersJoins = byJoiner.get(join.joiner());
        if (joinerFolded.remove(join) || joinersJoins == null || markCounts.getOrDefault(join.joiner(), 0) >= MAX_MARKS_PER_JOINER) {
            if (joinersJoins != null) joinersJoins.remove(join);
            letGo(join);
        } else {
            marksOnly.add(join);
            markCounts.merge(join.joiner(), 1, Integer::sum);
        }
        return true;
    }

    /** The joiner {@code tid} folded: its marks go, and its joins of kept threads will leave no mark. */
    private void joinerFolded(int tid) {
        Set<FutexAnalysis.Join> joins = byJoiner.remove(tid);
        markCounts.remove(tid);
        if (joins == null) return;
        for (FutexAnalysis.Join j : joins) {
            if (marksOnly.remove(j)) letGo(j);
            else joinerFolded.add(j);
        }
    }

    private void letGo(FutexAnalysis.Join join) {
        foldedJoins.add(join);
        if (foldedJoins.size() >= Math.max(1024, inOrder.size() / 4)) compact();
    }

    /**
     * {@code t} folded unjoined: its clear-tid word {@code key} is kept (with {@code credit}, which
     * counts a join in the folded sums it went to) so that a join returning later is still counted.
     * Only a thread that called exit itself can be joined.
     */
    void foldedUnjoined(FutexWord key, ThreadInfo t, Runnable credit) {
        if (!t.calledExitItself()) return;
        FoldedExit before = foldedExits.get(key);
        if (before == null || before.start() <= t.start()) foldedExits.put(key, new FoldedExit(t.tid(), t.start(), credit));
    }

    /** The joins of kept threads, in the order seen. */
    List<FutexAnalysis.Join> inOrder() {
        compact();
        if (marksOnly.isEmpty()) return List.copyOf(inOrder);
        return inOrder.stream().filter(j -> !marksOnly.contains(j)).toList();
    }

    /** The joins that leave a mark on a kept joiner's lane: those of kept threads and the kept marks of folded ones, in the order seen. */
    List<FutexAnalysis.Join> marks() {
        compact();
        return List.copyOf(inOrder);
    }

    private void compact() {
        if (foldedJoins.isEmpty()) return;
        inOrder.removeIf(foldedJoins::contains);
        foldedJoins.clear();
    }
}
