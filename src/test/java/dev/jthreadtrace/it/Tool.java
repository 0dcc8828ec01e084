package dev.jthreadtrace.it;

import dev.jthreadtrace.sys.ProcStatus;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs the packaged tool (or the launcher script) as a user would, as a separate process (the JVM as the launcher starts it: ToolJvm). */
final class Tool {
    record Result(int code, String out, String err) {}

    private Tool() {}

    static Path basedir() {
        return Path.of(System.getProperty("jthreadtrace.basedir", "."));
    }

    /** {@code java -jar} of the packaged tool with no option of the launchers' (no AOT cache): a user's bare start. */
    static List<String> bareJar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", System.getProperty("jthreadtrace.jar", "target/jthreadtrace.jar")));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static List<String> jar(String... args) {
        String jar = System.getProperty("jthreadtrace.jar", "target/jthreadtrace.jar");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ToolJvm.options(Path.of(jar).toAbsolutePath(), List.of(args)));
        cmd.addAll(List.of("-jar", jar));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Sends {@code kill -NAME} to {@code pid}. A signal this test JVM inherited as ignored (SIGINT
     * and SIGQUIT are, for a command a non-interactive shell started with {@code &}; SIGHUP under
     * {@code nohup}) is ignored by the tool too, as by any program: the test fails at once saying so,
     * instead of timing out.
     */
    static void signal(long pid, String name) {
        int number = switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException(name);
        };
        // SIGQUIT is ignored by the tool itself whatever it inherits: nothing to check.
        if (number != 3 && (ProcStatus.self().hex("SigIgn", 0) & 1L << (number - 1)) != 0) {
            fail("SIG" + name + " is ignored in this test's process tree (inherited: the build was started with '&' by a"
                    + " non-interactive shell, or under nohup), so the tool ignores it too; run the tests in the foreground");
        }
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor();
        } catch (IOException e) {
            fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
        }
    }

    static Result run(List<String> command) {
        return run(command, Map.of());
    }

    static Result run(List<String> command, Map<String, String> env) {
        return run(command, env, 90);
    }

    /**
     * Runs {@code command} with {@code env} added to this environment (a null value removes the
     * variable), stdin from /dev/null, and fails the test if it takes more than {@code seconds}.
     */
    static Result run(List<String> command, Map<String, String> env, int seconds) {
        try {
            File out = File.createTempFile("jtt-out", ".txt"), err = File.createTempFile("jtt-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                env.forEach((k, v) -> {
                    if (v == null) pb.environment().remove(k);
                    else pb.environment().put(k, v);
                });
                Process p = pb.start();
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail("timed out after " + seconds + " s: " + command + "\n"
                            + java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
                }
                return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                        Files.readString(err.toPath(), StandardCharsets.UTF_8));
            } finally {
                out.delete();
                err.delete();
            }
        } catch (IOException e) {
            return fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(e);
        }
    }

    /** A tool attached to a target, and the target's output after its "ready". */
    record Attached(Process tool, BufferedReader targetOut) {}

    /**
     * Attaches {@code jthreadtrace attach --no-live --format jsonl -o TRACE} (stderr to {@code err})
     * to a target that printed "ready" and waits for "go" on its stdin; says "go" once the trace
     * holds the threads that existed at the attach. Both processes join {@code started}, for cleanup.
     */
    static Attached attachWhenReady(Process target, Path trace, Path err, List<Process> started) throws IOException, InterruptedException {
        return attachWhenReady(target, trace, err, started, pid -> new ProcessBuilder(jar("attach", "--no-live", "--format", "jsonl", "-o",
                trace.toString(), Long.toString(pid))));
    }

    /** The same with the tool as {@code tool} makes it for the target's pid: an attach that writes its JSONL trace to {@code trace}. */
    static Attached attachWhenReady(Process target, Path trace, Path err, List<Process> started, LongFunction<ProcessBuilder> tool)
            throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine());
        Process attached = tool.apply(target.pid()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        started.add(attached);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(trace) && Files.readString(trace).contains("\"existing_at_attach\""))) {
            assertTrue(attached.isAlive() && System.nanoTime() < deadline, "attached: " + Files.readString(err));
            Thread.sleep(20);
        }
        target.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
        target.getOutputStream().flush();
        return new Attached(attached, out);
    }
}
