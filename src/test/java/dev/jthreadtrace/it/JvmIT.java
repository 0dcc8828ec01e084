package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.fixtures.NestedThreads;
import dev.jthreadtrace.model.ThreadInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real JVM traced from its first instruction to its exit. */
@Timeout(120)
class JvmIT {
    static List<String> java(String mainClass, String... args) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = System.getProperty("jthreadtrace.testClasses", "target/test-classes");
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xshare:auto", "-XX:+UseSerialGC", "-cp", classes, mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void jvmThreadsAreSeenOnceWithTheirCreatorsAndJavaNames() {
        Traced t = Traced.run(java(NestedThreads.class.getName(), "3"));
        ThreadInfo inner1 = t.named("inner-1"), inner2 = t.named("inner-2");
        assertEquals(inner1.tid(), inner2.creator(), "inner-2 was created by inner-1's clone");
        ThreadInfo mainJava = t.model().thread(inner1.creator());
        assertEquals(t.model().rootPid(), mainJava.tgid());
        assertTrue(mainJava.isThread(), "the Java main thread is not the process leader: the launcher created it");
        assertEquals(t.model().rootPid(), mainJava.creator(), "the launcher's primordial thread created main");
        for (ThreadInfo th : List.of(mainJava, inner1, inner2)) {
            assertEquals(t.model().tracerPid(), th.osParent(), "a JVM thread's kernel parent is the JVM's parent");
            assertTrue(th.reparented());
        }
        // Names arrive through prctl(PR_SET_NAME) called by each thread itself.
        for (ThreadInfo th : List.of(inner1, inner2)) {
            assertTrue(t.events(TraceEvent.Syscall.class).stream().anyMatch(s -> s.tid() == th.tid()
                    && s.nr() == SyscallTable.PRCTL && th.name().equals(s.captures().string(1))), th.name());
        }
        // Every task the kernel created appears once, and all but the root have a creator.
        Set<Integer> tids = new HashSet<>();
        for (ThreadInfo th : t.model().threads()) assertTrue(tids.add(th.tid()), "tid seen twice: " + th.tid());
        assertEquals(t.events(TraceEvent.Spawned.class).size() + 1, t.model().threads().size());
        assertTrue(t.model().threads().size() >= 8, "a JVM starts GC, compiler and service threads too");
        assertEquals(3, t.model().targetExit().value());
    }
}
