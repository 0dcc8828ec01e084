package dev.jthreadtrace.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FoldQueueTest {
    private static final Exit OWN_EXIT = new Exit.Exited(0, true);

    /** Needs where only creators of kept tasks are needed, as the model would answer: {@code keptChildren} counts per creator tid. */
    private static final class Children implements FoldRule.Needs {
        final Set<Integer> withKeptChild = new HashSet<>();

        public boolean hasKeptChild(ThreadInfo t) {
            return withKeptChild.contains(t.tid());
        }

        public boolean processLive(int tgid) {
            return false;
        }

        public boolean waitedOn(ThreadInfo t) {
            return false;
        }

        public boolean mayBeLeak(ThreadInfo t) {
            return false;
        }
    }

    private static List<ThreadInfo> ended(FoldQueue q, int from, int count) {
        List<ThreadInfo> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ThreadInfo t = FoldTasks.task(from + i, 1, "w-" + i, i, (long) i + 1, OWN_EXIT);
            q.ended(t);
            out.add(t);
        }
        return out;
    }

    @Test
    void belowTheBoundNothingFolds() {
        FoldQueue q = new FoldQueue(5);
        ended(q, 10, 5);
        List<ThreadInfo> folded = new ArrayList<>();
        assertEquals(0, q.foldDue(new Children(), folded::add));
        assertEquals(5, q.keptEnded());
    }

    @Test
    void pastTheBoundTheOldestFold() {
        FoldQueue q = new FoldQueue(2);
        List<ThreadInfo> tasks = ended(q, 10, 5);
        List<ThreadInfo> folded = new ArrayList<>();
        assertEquals(3, q.foldDue(new Children(), folded::add));
        assertEquals(tasks.subList(0, 3), folded);
        assertEquals(2, q.keptEnded());
    }

    @Test
    void aNeededTaskWaitsAndFoldsOnceItsChildHasFolded() {
        FoldQueue q = new FoldQueue(1);
        List<ThreadInfo> tasks = ended(q, 10, 3); // 10 created 11: 10 is needed while 11 is kept
        Children needs = new Children();
        needs.withKeptChild.add(10);
        List<ThreadInfo> folded = new ArrayList<>();
        q.foldDue(needs, t -> {
            folded.add(t);
            if (t.tid() == 11) needs.withKeptChild.remove(10);
        });
        assertEquals(List.of(tasks.get(1), tasks.get(2)), folded, "11 and 12 fold; 10 went to the back");
        assertEquals(1, q.keptEnded());
        ended(q, 20, 1);
        q.foldDue(needs, folded::add);
        assertEquals(tasks.getFirst(), folded.getLast(), "asked again, 10 folds now");
    }

    @Test
    void oneLookInspectsABoundedNumberOfTasks() {
        int count = FoldQueue.INSPECTED_PER_LOOK * 3;
        FoldQueue q = new FoldQueue(0);
        ended(q, 10, count);
        Children needs = new Children();
        for (int i = 0; i < count; i++) needs.withKeptChild.add(10 + i);
        assertEquals(0, q.foldDue(needs, t -> { }));
        assertEquals(count, q.keptEnded(), "all kept: they are needed");
        needs.withKeptChild.clear();
        assertEquals(FoldQueue.INSPECTED_PER_LOOK, q.foldDue(needs, t -> { }));
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FoldQueue(-1));
    }
}
