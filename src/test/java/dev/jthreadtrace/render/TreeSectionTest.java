package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.CloneFlags;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.jvm.JavaJoin;
import dev.jthreadtrace.model.JavaThread;
import dev.jthreadtrace.model.JavaView;
import dev.jthreadtrace.model.RecordedTrace;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trees: a folded row stands for one creator's threads, and no row is cut. */
class TreeSectionTest {
    private static final long THREAD = CloneFlags.CLONE_VM | CloneFlags.CLONE_FS | CloneFlags.CLONE_FILES
            | CloneFlags.CLONE_SIGHAND | CloneFlags.CLONE_THREAD;

    private static void spawn(TraceModel model, long ns, int creator, int child) {
        model.accept(new TraceEvent.Spawned(ns, creator, child, TraceEvent.SpawnKind.CLONE3, THREAD));
    }

    private static List<String> tree(TraceModel model) {
        model.accept(new TraceEvent.TraceEnded(1_000_000, 0));
        List<String> lines = new ArrayList<>();
        new Report(model, Palette.PLAIN, 100, lines::add).render(EnumSet.of(ReportSection.TREE));
        return lines;
    }

    @Test
    void aFoldedRowHoldsThreadsOfOneCreatorOnlyInTheKernelTreeToo() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/bin/app", List.of("app")));
        spawn(model, 10, 100, 101);                       // boss, created by main
        for (int i = 0; i < 2; i++) spawn(model, 20 + i, 100, 110 + i);   // w-0, w-1 by main
        for (int i = 0; i < 3; i++) spawn(model, 30 + i, 101, 120 + i);   // w-2.. by boss
        Map<ThreadInfo, JavaThread> names = new IdentityHashMap<>();
        int[] workers = {110, 111, 120, 121, 122};
        for (int i = 0; i < workers.length; i++) {
            names.put(model.thread(workers[i]), new JavaThread(i, "w-" + i, false, 0, null, null, Map.of()));
        }
        model.attachJava(new JavaView(List.of(), names, Map.of(), Map.of(), List.of()));
        List<String> lines = tree(model);
        String kernel = String.join("\n", lines.subList(lines.indexOf("KERNEL TREE (by PPid: what ps, pstree and /proc show)"), lines.size()));
        assertTrue(kernel.contains("─120..122 w-2..w-4 ×3   thread of 100, created by 101 app"), kernel);
        assertTrue(kernel.contains("─110 w-0   thread of 100") && kernel.contains("─111 w-1   thread of 100"), kernel);
        assertFalse(kernel.contains("×5"), "main's and boss's threads are not one row: " + kernel);
    }

    /** A JVM, pid 100, whose main made threads 101 and 102. */
    private static TraceModel javaWithThreads101And102() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/usr/bin/java", List.of("java")));
        spawn(model, 10, 100, 101);
        spawn(model, 20, 100, 102);
        return model;
    }

    /** "(was NAME)" is the name a thread started with, not the one before its last rename: a pool thread renamed per task. */
    @Test
    void wasNamesTheNameAThreadStartedWithHoweverOftenItWasRenamed() {
        TraceModel model = javaWithThreads101And102();
        JavaThread pool = new JavaThread(7, "pool-orig", false, 100, "main", 100, Map.of());
        for (int i = 0; i < 4; i++) pool = pool.renamed("renamed-" + i);
        model.attachJava(new JavaView(List.of(), Map.of(model.thread(102), pool), Map.of(), Map.of(), List.of()));
        String tree = String.join("\n", tree(model));
        assertTrue(tree.contains("102 renamed-3 (was pool-orig)"), tree);
    }

    @Test
    void aLongJavaNameAndItsConstructorAreNeverCutAndTheRowStillFitsTheWidth() {
        TraceModel model = javaWithThreads101And102();
        ThreadInfo worker = model.thread(102);
        String longName = "order-processing-worker-with-a-long-descriptive-name-7";
        model.attachJava(new JavaView(List.of(), Map.of(worker, new JavaThread(7, longName, false, 101, "factory", 100, Map.of())),
                Map.of(), Map.of(), List.of()));
        List<String> lines = tree(model);
        int at = lines.indexOf(lines.stream().filter(l -> l.contains(longName)).findFirst().orElseThrow());
        String row = lines.get(at), columns = lines.get(at + 1);
        assertTrue(row.contains(longName + " [constructed by 101 "), row);
        for (String l : lines) assertTrue(l.codePointCount(0, l.length()) <= 100, "within the width: " + l);
        int kind = lines.get(1).indexOf("KIND");
        assertEquals(kind, columns.indexOf("thread "), "its columns go under it, under their headings:\n" + String.join("\n", lines));
    }

    @Test
    void namedVirtualThreadsAreListedUnderTheirConstructor() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/usr/bin/java", List.of("java")));
        spawn(model, 10, 100, 101);
        List<JavaRecord> records = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            records.add(new JavaRecord.Constructed(100, 20 + i, 101, 1, "main", 40 + i,
                    i < 7 ? "order-" + i : "", true, Map.of()));
        }
        model.attachJava(JavaJoin.join(model, records));
        // The row is wider than the report: it goes on under itself, nothing lost.
        String tree = String.join("\n", tree(model)).replaceAll("\n +", " ");
        assertTrue(tree.contains("⋯ 8 virtual threads constructed here, named: order-0, order-1, order-2, order-3, order-4 and 2 more"),
                tree);
    }

    @Test
    void anInheritedThreadLocalIsCreditedToTheThreadThatRanTheConstructor() {
        TraceModel model = new TraceModel();
        model.accept(new TraceEvent.TargetStarted(0, 100, 1, "/usr/bin/java", List.of("java")));
        spawn(model, 10, 100, 101);   // "starter", which will start the handoff thread
        spawn(model, 20, 101, 102);   // the handoff thread: cloned by 101, constructed by 100
        ThreadInfo handoff = model.thread(102);
        model.attachJava(new JavaView(List.of(), Map.of(handoff, new JavaThread(9, "handoff", false, 100, "main", 101,
                Map.of("RequestContext", "r-1"))), Map.of(), Map.of(), List.of()));
        model.accept(new TraceEvent.TraceEnded(1_000_000, 0));
        List<String> lines = new ArrayList<>();
        // Wide enough for the row on one line: this is about whom the value is credited to.
        new Report(model, Palette.PLAIN, 200, lines::add).render(EnumSet.of(ReportSection.TIMELINE));
        String row = lines.stream().filter(l -> l.contains("itl:RequestContext=r-1")).findFirst().orElseThrow();
        assertTrue(row.contains("from 101 ") && row.contains("itl:RequestContext=r-1 (copied from 100 java at construction)"), row);
    }

    @Test
    void atSixtyColumnsTheColumnsAndTheEndGoUnderTheRowAndTheTreeStaysDrawn() {
        List<String> lines = new ArrayList<>();
        new Report(RecordedTrace.model(RecordedTrace.threadsFixture()), Palette.PLAIN, 60, lines::add).render(EnumSet.of(ReportSection.TREE));
        for (String l : lines) assertTrue(l.codePointCount(0, l.length()) <= 60, "within 60 columns: " + l);
        int row = lines.indexOf(lines.stream().filter(l -> l.startsWith("├─1202 inner-1")).findFirst().orElseThrow());
        String tree = String.join("\n", lines);
        assertTrue(lines.get(row + 1).startsWith("│ ") && lines.get(row + 1).contains("thread"), "its columns, the tree's line beside them:\n" + tree);
        assertTrue(lines.get(row + 2).startsWith("│ ") && lines.get(row + 2).endsWith(" exit 0"), "its end, under its KIND:\n" + tree);
    }
}
