package dev.jthreadtrace.it;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.ThreadInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs of kinds the JVM, C and Go fixtures did not cover (a survey of Python, Node, Perl, OpenMP, make,
 * xz, Go with cgo against strace and /proc), where the tool was found wrong: each traced and held to what
 * the kernel said.
 */
@Timeout(120)
class OtherProgramsIT {

    /** The kernel's signal mask of each thread, by tid, as {@code native/block_all} read it from /proc SigBlk. */
    private static Map<Integer, Long> kernelMasks(Path file) throws Exception {
        Map<Integer, Long> masks = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            masks.put(Integer.parseInt(f[0]), Long.parseUnsignedLong(f[2], 16));
        }
        return masks;
    }

    /** Traces a fixture that prints each thread's /proc SigBlk, and holds main's and "worker"'s masks to it. */
    private static Traced masksAsTheKernelHadThem(Path dir, Path program, String... args) throws Exception {
        assertTrue(Files.isExecutable(program), program + " is not built (native/build; the musl one needs musl-gcc, which"
                + " scripts/test installs: apt-get install musl-tools)");
        Path said = dir.resolve("said.txt");
        List<String> command = new ArrayList<>(List.of(program.toString(), said.toString()));
        command.addAll(List.of(args));
        Traced t = Traced.run(command);
        Map<Integer, Long> kernel = kernelMasks(said);
        ThreadInfo main = t.model().thread(t.model().rootPid()), worker = t.named("worker");
        assertEquals(2, kernel.size(), kernel.toString());
        assertEquals(kernel.get(main.tid()), main.hooks().sigmask(), "main's mask, as the kernel had it");
        assertEquals(kernel.get(worker.tid()), worker.inherited().sigmask(), "the worker inherited it");
        assertEquals(kernel.get(worker.tid()), worker.hooks().sigmask(), "and kept it");
        return t;
    }

    /**
     * A program that blocks every signal (sigfillset: all but KILL, STOP and the C library's own 32 and 33)
     * before it creates a thread: the mask is a setting the thread inherits, as /proc SigBlk says. It was
     * taken for glibc's transient block around clone (which blocks 32 and 33 too) and read as [].
     */
    @Test
    void aProgramThatBlocksEverySignalHandsTheMaskToItsThreads(@TempDir Path dir) throws Exception {
        Traced t = masksAsTheKernelHadThem(dir, Traced.fixture("block_all"));
        assertEquals("~[KILL STOP RTMIN RT_1]", t.named("worker").inherited().value(Hook.SIGMASK));
    }

    /**
     * glibc's pthread_attr_setsigmask_np: main blocks [USR2], the worker is created with [USR1] and runs
     * with it from its first instruction (/proc SigBlk 0x200; strace -f: glibc's start_thread sets it, the
     * thread's first rt_sigprocmask, before the worker's code). The tool said "inherited [USR2]" and a
     * change to [USR1] made by the worker itself; it inherited [USR1], from the attribute, and made no change.
     */
    @Test
    void aThreadStartedWithTheAttributesMaskInheritsThatMask(@TempDir Path dir) throws Exception {
        Traced t = masksAsTheKernelHadThem(dir, Traced.fixture("block_all"), "12", "10");
        ThreadInfo worker = t.named("worker");
        assertEquals("[USR1]", worker.inherited().value(Hook.SIGMASK));
        assertTrue(worker.sigmaskNotTheCreators(), "the attribute's mask, not its creator's");
        assertEquals(List.of(), t.model().hookChanges(worker).stream().filter(c -> c.hook() == Hook.SIGMASK).toList(),
                "the worker changed no mask");
        assertEquals("[USR2]", t.model().thread(t.model().rootPid()).hooks().value(Hook.SIGMASK));
    }

    /**
     * musl blocks its application signals (all but 32..34) around pthread_create's clone and in pthread_exit: a
     * transient, as glibc's block is. The worker was told to inherit, and end with, all of them blocked; it
     * inherits [USR2], as /proc SigBlk says.
     */
    @Test
    void aMuslThreadInheritsItsCreatorsMaskNotMuslsBlockAroundTheClone(@TempDir Path dir) throws Exception {
        Traced t = masksAsTheKernelHadThem(dir, Path.of(System.getProperty("jthreadtrace.native", "target/native"), "musl_threads"),
                "12");
        assertEquals("[USR2]", t.named("worker").inherited().value(Hook.SIGMASK));
        assertEquals("[USR2]", t.named("worker").hooks().value(Hook.SIGMASK), "musl's block in pthread_exit is no setting");
    }
}
