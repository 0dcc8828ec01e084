package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.AfterSignal;
import dev.jthreadtrace.fixtures.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The traced program can write the agent's directory: a FIFO, a link to /dev/zero, a 1 GiB file
 * without newlines, a bad name and a subdirectory there (native/agent_dir_attack.c) must not hang,
 * crash or exhaust the tool. The report comes, one note names what was ignored, the directory goes.
 */
@Timeout(300)
class AgentDirectoryIT {
    private static final Path TMP = Path.of("/tmp");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void nothingLeftRunning() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
    @Test
    void whatTheTargetLeavesInTheAgentsDirectoryCannotHangOrCrashTheTool() {
        long started = System.nanoTime();
        List<String> cmd = new ArrayList<>(List.of("run", "-e", "mkdir", "--report", "tree", "--"));
        cmd.addAll(afterAJvm("agent_dir_attack"));
        Tool.Result r = Tool.run(Tool.jar(cmd.toArray(String[]::new)));
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(seconds < 60, "no hang: " + seconds + " s");
        assertTrue(r.out().contains("THREADS BY CREATOR") && r.out().contains("agent_dir_attac"), "the report came: " + r.out());
        List<String> notes = r.err().lines().filter(l -> l.startsWith("jthreadtrace: note: ignored")).toList();
        assertEquals(1, notes.size(), r.err());
        for (String name : List.of("jvm-1.tsv", "jvm-2.tsv", "jvm-3.tsv", "jvm-abc.tsv", "sub")) {
            assertTrue(notes.getFirst().contains(name), notes.getFirst());
        }
        assertFalse(r.err().contains("internal error"), r.err());
        String dir = r.out().lines().filter(l -> l.contains("jthreadtrace-")).findFirst().orElse("");
        Path agentDir = Path.of(dir.substring(dir.indexOf("/tmp/")).replaceAll("[\",)].*", ""));
        assertFalse(Files.exists(agentDir), "the agent's directory was removed: " + agentDir);
    }

    /**
     * Well-formed records by the hundred megabytes (4 files of 64 MiB, threads that never existed)
     * are read up to the tool's bound, in a heap of 512 MiB where reading them all ran it out of
     * memory: the report comes, and one note says how much was left unread.
     */
    @Test
    void aFloodOfWellFormedRecordsIsReadUpToABoundAndSaidSo() {
        List<String> run = new ArrayList<>(List.of("run", "-e", "mkdir", "--report", "tree", "--"));
        run.addAll(afterAJvm("agent_dir_attack", "flood", "4", "64"));
        List<String> cmd = new ArrayList<>(Tool.jar(run.toArray(String[]::new)));
        cmd.add(1, "-Xmx512m");
        // 256 MiB written by the target and 64 MiB read: a minute on a loaded 2-core machine.
        Tool.Result r = Tool.run(cmd, Map.of(), 240);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("THREADS BY CREATOR"), "the report came: " + r.out());
        List<String> notes = r.err().lines().filter(l -> l.contains("left unread")).toList();
        assertEquals(1, notes.size(), r.err());
        assertTrue(notes.getFirst().contains("64 MiB"), notes.getFirst());
        assertFalse(r.err().contains("out of memory") || r.err().contains("internal error"), r.err());
        // Records of pids no traced process has: not said to come from a JVM in a PID namespace as if that were known.
        assertTrue(r.err().lines().filter(l -> l.contains("which is no traced process"))
                .allMatch(l -> l.contains("or the traced program forged them")), r.err());
    }

    /**
     * A traced JVM that appends 1.5 million well-formed records (60 MiB) to its own record file
     * (hostile9i F8: the tool, which read its 64 MiB, reached 1 GB): the records are kept up to the
     * tool's memory bound, so a 192 MiB heap, which ran out before, holds the run; one note says
     * what was dropped, and the report's Java view keeps what came before (the real thread's name).
     */
    @Test
    void aJvmFloodingItsOwnRecordFileIsKeptWithinTheToolsMemory() {
        List<String> run = new ArrayList<>(List.of("run", "--no-live", "-e", "none", "--report", "tree", "--"));
        run.addAll(JvmIT.java(dev.jthreadtrace.fixtures.OwnRecordFlood.class.getName(), "1500000"));
        List<String> cmd = new ArrayList<>(Tool.jar(run.toArray(String[]::new)));
        cmd.add(1, "-Xmx192m");
        Tool.Result r = Tool.run(cmd, Map.of(), 240);
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("flooded jvm-"), "the JVM found its record file: " + r.out());
        assertTrue(r.out().contains("real-worker-before-the-flood"), "its Java view: " + r.out());
        List<String> notes = r.err().lines().filter(l -> l.contains("left unread")).toList();
        assertEquals(1, notes.size(), r.err());
        assertTrue(notes.getFirst().matches("jthreadtrace: note: the agents' records past the first \\d+ were dropped .*"), notes.getFirst());
        assertFalse(r.err().contains("out of memory") || r.err().contains("internal error"), r.err());
    }

    /**
     * The command of a traced run that starts a JVM ({@code java -version}) and then execs the C
     * fixture {@code fixture}: the run's directory is made at the first JVM's exec, so a program
     * can attack it only after one ran (the shell keeps its pid, so the fixture's parent is the tool).
     */
    private static List<String> afterAJvm(String fixture, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "\"$0\" -Xshare:auto -version >/dev/null 2>&1; exec \"$@\"", java,
                Traced.fixture(fixture).toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * {@code --jvm on} costs a program that starts no JVM nothing: it makes no directory. The first
     * JVM finds it made before it runs (its Java view comes), and it goes at the end.
     */
    @Test
    void theDirectoryIsMadeAtTheFirstJvmAndNotBefore() {
        // The tool is the shell's parent: its directory would be /tmp/jthreadtrace-$PPID-*.
        String script = "ls -d /tmp/jthreadtrace-$PPID-* 2>/dev/null | wc -l; \"$@\"; ls -d /tmp/jthreadtrace-$PPID-*";
        List<String> cmd = new ArrayList<>(List.of("run", "--no-live", "--report", "tree", "--", "/bin/sh", "-c", script, "sh"));
        cmd.addAll(JvmIT.java(Hello.class.getName()));
        Tool.Result r = Tool.run(Tool.jar(cmd.toArray(String[]::new)));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("0", lines.getFirst().strip(), "no directory before the JVM: " + r.out());
        assertEquals("hello", lines.get(1), r.out());
        Path made = Path.of(lines.get(2));
        assertTrue(made.getFileName().toString().startsWith("jthreadtrace-"), "made for the JVM: " + r.out());
        assertTrue(r.out().contains("main"), "the JVM's Java view: " + r.out());
        assertFalse(r.err().contains("no Java view") || r.err().contains("wrote no records"), r.err());
        assertFalse(Files.exists(made, LinkOption.NOFOLLOW_LINKS), "removed at the end: " + made);
    }

    /** The quick ends that once left the directory behind: a JVM that fails at once, a reader that closes the pipe. */
    private static final int ROUNDS = 6;

    private Process start(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static ProcessBuilder tool(String... args) {
        return new ProcessBuilder(Tool.jar(args)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    /** The run directories of the tool with pid {@code pid} that exist now. */
    private static List<Path> runDirectories(long pid) throws IOException {
        try (Stream<Path> entries = Files.list(TMP)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("jthreadtrace-" + pid + "-")).toList();
        }
    }

    /**
     * {@code ROUNDS} runs of each quick end, with {@code eachTool} told every tool's pid before it
     * can have made its directory; returns the untraced exit status of the failing JVM and the
     * traced ones.
     */
    private List<Integer> quickEnds(java.util.function.LongConsumer eachTool) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Integer> codes = new ArrayList<>();
        codes.add(Tool.run(List.of(java, "-XX:ReservedCodeCacheSize=2m", "-version")).code());
        for (int round = 0; round < ROUNDS; round++) {
            Process failing = start(tool("run", "--no-live", "--report", "none", "--", java, "-XX:ReservedCodeCacheSize=2m", "-version")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            eachTool.accept(failing.pid());
            assertTrue(failing.waitFor(90, TimeUnit.SECONDS), "the tool ended");
            codes.add(failing.exitValue());
            List<String> traced = new ArrayList<>(List.of("run", "--no-live", "--"));
            traced.addAll(JvmIT.java(Hello.class.getName()));
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(tool(traced.toArray(String[]::new)),
                    new ProcessBuilder("head", "-1").redirectOutput(ProcessBuilder.Redirect.DISCARD)));
            started.addAll(pipeline);
            eachTool.accept(pipeline.getFirst().pid());
            for (Process p : pipeline) assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the pipeline ended");
        }
        return codes;
    }

    /**
     * Another local user watches /tmp and, the moment a run's directory is removed, makes one of the
     * same name with {@code classes -> VICTIM}: the tool (root here) must write nothing there. The
     * preparation of the agent's classes went on after the removal and wrote java.lang.Thread.class
     * and .orig files into the victim directory. The same quick ends (a JVM that ends at once, a
     * reader that closes the pipe) leave no run directory behind (1-2 of 6 runs did) and exit as
     * untraced.
     */
    @Test
    void noLateWriteFollowsALinkPlantedWhereTheDirectoryWas(@TempDir Path victim) throws Exception {
        Set<Long> tools = ConcurrentHashMap.newKeySet();
        List<Path> planted = new ArrayList<>();
        List<Integer> codes;
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            TMP.register(watch, StandardWatchEventKinds.ENTRY_DELETE);
            Thread attacker = Thread.ofPlatform().daemon().start(() -> plantAfterRemoval(watch, tools, victim, planted));
            try {
                codes = quickEnds(tools::add);
            } finally {
                watch.close();
                attacker.join(10_000);
                synchronized (planted) {
                    for (Path dir : planted) {
                        Files.deleteIfExists(dir.resolve("classes"));
                        Files.deleteIfExists(dir);
                    }
                }
            }
        }
        synchronized (planted) {
            assertFalse(planted.isEmpty(), "the attacker saw the directories go");
        }
        try (Stream<Path> written = Files.list(victim)) {
            assertEquals(List.of(), written.toList(), "nothing was written through the planted link");
        }
        for (int code : codes.subList(1, codes.size())) assertEquals(codes.getFirst(), code, "exit status as untraced: " + codes);
        for (long pid : tools) assertEquals(List.of(), runDirectories(pid), "the tool " + pid + " removed its directory for good");
    }

    /**
     * The traced program swaps the run's directory while its JVM runs: it renames the directory
     * away and puts a link to {@code victim} where it was, then the JVM starts threads (its agent
     * writes records) and the run ends (the tool removes its directory). Neither the agent nor the
     * tool writes or removes anything through the link: the victim keeps exactly what it had.
     */
    @Test
    void aRunDirectorySwappedForALinkWhileTheJvmRunsIsNeverWrittenThrough(@TempDir Path tmp) throws Exception {
        Path victim = Files.createDirectory(tmp.resolve("victim")), ready = tmp.resolve("ready"), signal = tmp.resolve("go");
        Files.writeString(victim.resolve("keep"), "kept\n");
        String java = String.join(" ", JvmIT.java(AfterSignal.class.getName(), ready.toString(), signal.toString()));
        // The tool is the shell's parent: its directory is /tmp/jthreadtrace-$PPID-*. The swap comes
        // once the JVM's main runs (its agent loaded, however slow the machine), at most after 120 s.
        String script = java + " & i=0; while [ ! -e " + ready + " ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done;"
                + " run=$(ls -d /tmp/jthreadtrace-$PPID-*); mv \"$run\" \"$run.moved\"; ln -s "
                + victim + " \"$run\"; echo \"$run\"; touch " + signal + "; wait";
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--", "/bin/sh", "-c", script), Map.of(), 180);
        Path run = Path.of(r.out().lines().filter(l -> l.startsWith("/tmp/jthreadtrace-")).findFirst().orElseThrow(() -> new AssertionError(r.out() + r.err())));
        try {
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("done"), "the JVM ran to its end: " + r.out() + r.err());
            try (Stream<Path> left = Files.list(victim)) {
                assertEquals(List.of(victim.resolve("keep")), left.toList(), "nothing written or removed through the link");
            }
            assertEquals("kept\n", Files.readString(victim.resolve("keep")));
        } finally {
            Files.deleteIfExists(run);
            Path moved = Path.of(run + ".moved");
            if (Files.isDirectory(moved, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> all = Files.walk(moved)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * A tool SIGKILLed mid-run leaves its directory (no removal runs in it); its name holds 64
     * random bits beside the tool's pid, start time and PID namespace, and it holds the mark of
     * that name under the user's key. The next run that makes a directory removes it, with
     * everything in it (a link inside is removed, not what it points to), and touches nothing else:
     * a live tool's directory, a look-alike that is a link, a file, a directory of another user, a
     * name of another form, and (hostile11u F12) the directories the killed run's own program
     * minted with dead tools' names: without a mark, with a forged one, with the killed directory's
     * real mark copied in (it names another directory). They stay whole, not one file removed.
     */
    @Test
    void aKilledToolsDirectoryIsRemovedByTheNextRunAndNothingElse(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String namespace = Long.toHexString(Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "")));
        // The traced program mints 16 directories of dead tools' names (pids past pid_max), 500 files each, as F12's did 64 of 20 000.
        String plant = "for p in $(seq 4194305 4194320); do d=/tmp/jthreadtrace-$p-1234-" + namespace + "-$(printf %016x $p); "
                + "mkdir -p $d && (cd $d && seq 1 500 | xargs touch); done";
        Process killed = start(tool("run", "--no-live", "--report", "none", "--", "/bin/sh", "-c",
                "\"$0\" -version >/dev/null 2>&1; " + plant + "; echo ready; exec sleep 120", java));
        List<Path> minted = new ArrayList<>();
        for (int p = 4194305; p <= 4194320; p++) minted.add(TMP.resolve("jthreadtrace-" + p + "-1234-" + namespace + "-" + String.format("%016x", p)));
        try {
            assertEquals("ready", new String(killed.getInputStream().readNBytes(6)).strip(), "the JVM ran under the tool");
            List<Path> left = runDirectories(killed.pid());
            assertEquals(1, left.size(), "the run's directory while it runs: " + left);
            Path stale = left.getFirst();
            assertTrue(stale.getFileName().toString().matches("jthreadtrace-" + killed.pid() + "-[0-9a-f]+-[0-9a-f]+-[0-9a-f]{16}"), stale.toString());
            // The mark is written off the command's path, on the tool's sweeping thread: waited for, then the tool is killed.
            Path mark = null;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); mark == null && System.nanoTime() < deadline; ) {
                try (Stream<Path> entries = Files.list(stale)) {
                    mark = entries.filter(e -> e.getFileName().toString().matches("mark-[0-9a-f]{32}")).findFirst().orElse(null);
                }
                if (mark == null) Thread.sleep(50);
            }
            assertTrue(mark != null, "the run's directory is marked: " + stale);
            killed.destroyForcibly();
            assertTrue(killed.waitFor(60, TimeUnit.SECONDS));
            assertTrue(Files.isDirectory(stale, LinkOption.NOFOLLOW_LINKS), "a SIGKILLed tool leaves its directory: " + stale);
            Path victim = Files.writeString(tmp.resolve("victim"), "kept\n");
            Files.createSymbolicLink(stale.resolve("link"), victim);
            Files.createDirectories(stale.resolve("sub/deeper"));
            // Forged marks in two of the minted directories: a made-up hash, and the killed directory's real mark.
            Files.createFile(minted.get(0).resolve("mark-0123456789abcdef0123456789abcdef"));
            Files.createFile(minted.get(1).resolve(mark.getFileName()));
            List<Long> mintedBefore = new ArrayList<>();
            for (Path m : minted) mintedBefore.add(entries(m));

            // Look-alikes in the same namespace: a dead pid's name that is a link to a directory, a file, another user's directory.
            String dead = "jthreadtrace-" + killed.pid() + "-1-" + namespace + "-";
            Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
            Files.writeString(elsewhere.resolve("keep"), "kept\n");
            Path link = Files.createSymbolicLink(TMP.resolve(dead + "00000000000000a1"), elsewhere);
            Path file = Files.writeString(TMP.resolve(dead + "00000000000000a2"), "kept\n");
            Path others = Files.createDirectory(TMP.resolve(dead + "00000000000000a3"));
            Files.setAttribute(others, "unix:uid", 65534);
            Path live = Files.createDirectory(TMP.resolve("jthreadtrace-" + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(startTime(ProcessHandle.current().pid())) + "-" + namespace + "-00000000000000a4"));
            Path oldForm = Files.createDirectory(TMP.resolve("jthreadtrace-" + killed.pid() + "-1a2b3c"));
            try {
                List<String> cmd = new ArrayList<>(List.of("run", "--no-live", "--report", "none", "--"));
                cmd.addAll(JvmIT.java(Hello.class.getName()));
                Tool.Result r = Tool.run(Tool.jar(cmd.toArray(String[]::new)));
                assertEquals(0, r.code(), r.err());
                assertFalse(Files.exists(stale, LinkOption.NOFOLLOW_LINKS), "the killed tool's directory went: " + stale);
                assertEquals("kept\n", Files.readString(victim), "a link inside is removed, not what it points to");
                for (Path kept : List.of(link, file, others, live, oldForm)) assertTrue(Files.exists(kept, LinkOption.NOFOLLOW_LINKS), kept.toString());
                assertTrue(Files.isSymbolicLink(link));
                assertEquals("kept\n", Files.readString(elsewhere.resolve("keep")), "nothing through a look-alike link");
                for (int i = 0; i < minted.size(); i++) assertEquals(mintedBefore.get(i), entries(minted.get(i)), "left whole: " + minted.get(i));
            } finally {
                for (Path p : List.of(link, file, others, live, oldForm)) Files.deleteIfExists(p);
            }
        } finally {
            for (Path m : minted) removeTree(m);
        }
    }

    /** Entries under {@code dir}, itself excluded. */
    private static long entries(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.count() - 1;
        }
    }

    private static void removeTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Field 22 of /proc/PID/stat: the clock tick the process started at. */
    private static long startTime(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }

    /** The attacker: a directory of the removed one's name, with {@code classes} linked to {@code victim}. */
    private static void plantAfterRemoval(WatchService watch, Set<Long> tools, Path victim, List<Path> planted) {
        try {
            while (true) {
                WatchKey key = watch.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (!(event.context() instanceof Path name)) continue;
                    String[] parts = name.toString().split("-");
                    if (parts.length != 5 || !parts[0].equals("jthreadtrace") || !tools.contains(Long.parseLong(parts[1]))) continue;
                    Path dir = TMP.resolve(name);
                    try {
                        Files.createDirectory(dir);
                        Files.createSymbolicLink(dir.resolve("classes"), victim);
                    } catch (IOException e) {
                        continue; // made again by someone else: not ours to plant
                    }
                    synchronized (planted) {
                        planted.add(dir);
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // the test is over
        }
    }
}
