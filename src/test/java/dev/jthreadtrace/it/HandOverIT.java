package dev.jthreadtrace.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tool neither waits for its caller's children nor holds the command's descriptors, so what
 * the shell set up around the command behaves as around {@code env CMD}. bash forks a process
 * substitution's reader before it execs the tool ({@code run -- CMD 2> >(tee log >&2)}): the
 * reader is the tool's child, untraced. The tool waited for it, and the reader for the end of a
 * pipe the tool held: the run never ended. Each case runs untraced ({@code env}) and traced through
 * the launcher, whose list of inherited descriptors is what the tool lets go of once the command
 * holds its own. No durations: each reader or producer leaves a marker when it sees what it waits
 * for, and the command or the reader waits (bounded) for that marker.
 */
@Timeout(300)
class HandOverIT {
    /** How long a shell loop waits for a marker: 400 turns of 50 ms. */
    private static final String AWAIT = "i=0; while [ ! -e %1$s ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; ";
    /**
     * A process substitution's reader: it notes its parent's name while the parent lives (the
     * process that forked the reader, then exec'd the command untraced, the tool traced), waits
     * for the parent's end and only then leaves the marker {@code after}: the parent's exit came
     * first, it did not wait for the reader. (It gives up after a minute, without the marker.)
     */
    private static final String OUTLIVER = "while read -r k v; do [ $k = PPid: ] && p=$v; done < /proc/$BASHPID/status; i=0;"
            + " while kill -0 $p 2>/dev/null && [ $i -lt 1200 ]; do c=$(cat /proc/$p/comm 2>/dev/null) && echo \"$c\" > parent;"
            + " sleep 0.05; i=$((i+1)); done; kill -0 $p 2>/dev/null || touch after";

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static String launcher() {
        return Tool.basedir().resolve("scripts/jthreadtrace").toAbsolutePath().toString();
    }

    /** The command as a shell line: alone ({@code env}) or traced through the launcher without output of the tool's. */
    private static String command(boolean traced, String command) {
        return (traced ? launcher() + " run --no-live --report none -- " : "env ") + command;
    }

    record Ran(int code, String err) {}

    /** {@code bash -c script} in {@code dir}, stdin from /dev/null, stdout to /dev/null; fails the test if it does not end. */
    private Ran bash(Path dir, String script) throws IOException, InterruptedException {
        Path err = dir.resolve("bash.err");
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        started.add(p);
        if (!p.waitFor(90, TimeUnit.SECONDS)) fail("did not end: " + script + "\n" + Files.readString(err));
        return new Ran(p.exitValue(), Files.readString(err));
    }

    /** Waits (bounded) for a marker file a reader leaves once it is done. */
    private static void awaitMarker(Path marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(marker)) {
            assertTrue(System.nanoTime() < deadline, "no " + marker.getFileName() + " within 30 s");
            Thread.sleep(20);
        }
    }

    /** A fresh directory of {@code tmp} for one run. */
    private static Path runDir(Path tmp, String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    /**
     * {@code CMD 2> >(cat >&2)} and {@code CMD > >(cat)}: the reader ends when the tool does, and
     * gets what the command wrote; it used to hang for ever (the tool waited for the reader).
     */
    @Test
    void aProcessSubstitutionReadingTheOutputEndsWithTheTool(@TempDir Path tmp) throws Exception {
        String cmd = "sh -c 'echo out; echo err >&2'";
        for (String redirect : List.of("2> >(cat > got; touch done)", "> >(cat > got; touch done)")) {
            List<String> got = new ArrayList<>();
            for (boolean traced : List.of(false, true)) {
                Path dir = runDir(tmp, (traced ? "traced-" : "untraced-") + (redirect.startsWith("2") ? "stderr" : "stdout"));
                Ran r = bash(dir, command(traced, cmd) + " " + redirect);
                assertEquals(0, r.code(), redirect + ": " + r.err());
                awaitMarker(dir.resolve("done"));
                got.add(Files.readString(dir.resolve("got")));
            }
            assertEquals(redirect.startsWith("2") ? "err\n" : "out\n", got.getFirst(), redirect);
            assertEquals(got.getFirst(), got.getLast(), redirect + ": traced as untraced");
        }
    }

    /**
     * {@code CMD 3> >(reader)}: the reader is the tool's child (its parent is the tool's JVM), and
     * the tool ends before it, as {@code env CMD} does: the reader waits for its parent's end
     * before it ends. Waited for, a reader's {@code sleep 6} kept {@code true} traced for 6 s; here
     * the two waited for each other. (The command lives a second, for the reader to find its
     * parent alive untraced too.)
     */
    @Test
    void theToolEndsBeforeAChildItDidNotStart(@TempDir Path tmp) throws Exception {
        for (boolean traced : List.of(false, true)) {
            Path dir = runDir(tmp, traced ? "traced" : "untraced");
            Ran r = bash(dir, command(traced, "sleep 1") + " 3> >(" + OUTLIVER + ")");
            assertEquals(0, r.code(), r.err());
            awaitMarker(dir.resolve("after"));
            assertEquals(traced ? "java" : "sleep", Files.readString(dir.resolve("parent")).strip(), "the reader's parent");
        }
    }

    /**
     * The command writes a line to fd 3 (a pipe to a reader), closes it, and waits for the reader
     * to see the pipe's end: the tool holds no copy of fd 3. It did, so the reader saw the end only
     * when the tool exited, after the command.
     */
    @Test
    void aReaderSeesThePipesEndWhenTheCommandClosesIt(@TempDir Path tmp) throws Exception {
        String cmd = "sh -c 'echo line >&3; exec 3>&-; " + AWAIT.formatted("eof")
                + "[ -e eof ] && echo reader-saw-the-end >&2 || echo reader-still-waiting >&2'";
        // fd 3 to the pipe, stdout away from it: the reader is bash's child, the only writers the command and the tool.
        for (Path dir : saysBothWays(tmp, cmd, c -> c + " 3>&1 >/dev/null | { cat > got; touch eof; }", "reader-saw-the-end")) {
            assertEquals("line\n", Files.readString(dir.resolve("got")));
        }
    }

    /**
     * A producer piping into the command gets EPIPE once the command has closed its stdin, while
     * the command still runs (it waits for the producer's marker): the tool's stdin is /dev/null
     * then. It held the pipe, so the producer wrote on until the tool exited.
     */
    @Test
    void aProducerGetsEpipeWhileTheConsumerStillRuns(@TempDir Path tmp) throws Exception {
        String consumer = "sh -c 'head -c 10 >/dev/null; exec 0<&-; " + AWAIT.formatted("epipe")
                + "[ -e epipe ] && echo producer-stopped >&2 || echo producer-still-writing >&2'";
        saysBothWays(tmp, consumer, c -> "{ yes 2>/dev/null; touch epipe; } | " + c, "producer-stopped");
    }

    /**
     * Runs {@code around} the command {@code cmd}, untraced and then traced, each in a directory of
     * its own: each run's stderr must be the one line {@code said}. The two directories.
     */
    private List<Path> saysBothWays(Path tmp, String cmd, UnaryOperator<String> around, String said) throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (boolean traced : List.of(false, true)) {
            Path dir = runDir(tmp, traced ? "traced" : "untraced");
            Ran r = bash(dir, around.apply(command(traced, cmd)));
            assertEquals(List.of(said), r.err().lines().toList(), traced ? "traced" : "untraced");
            dirs.add(dir);
        }
        return dirs;
    }

    /**
     * attach: the trace ends when the attached process exits, whatever child of the tool's own
     * lives on (a process substitution's reader that waits for the tool's end). An attach ends on
     * its own table of tasks, and did so before the loop stopped waiting for such children: this
     * keeps it so.
     */
    @Test
    void anAttachEndsWithTheAttachedProcessNotWithTheToolsChild(@TempDir Path tmp) throws Exception {
        Process target = new ProcessBuilder("sh", "-c", "echo ready; read x").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(target);
        Path trace = tmp.resolve("trace.jsonl"), err = tmp.resolve("tool.err");
        Process tool = Tool.attachWhenReady(target, trace, err, started, pid -> new ProcessBuilder("bash", "-c", launcher()
                + " attach --no-live --format jsonl -o " + trace + " " + pid + " 3> >(" + OUTLIVER + ")").directory(tmp.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)).tool();
        assertTrue(tool.waitFor(60, TimeUnit.SECONDS), "the attach ended with the process: " + Files.readString(err));
        assertEquals(0, tool.exitValue(), Files.readString(err));
        awaitMarker(tmp.resolve("after"));
        assertEquals("java", Files.readString(tmp.resolve("parent")).strip(), "the reader was the tool's child");
    }
}
