package dev.jthreadtrace.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the packaged tool (or the launcher script) as a user would, as a separate process. */
final class Tool {
    record Result(int code, String out, String err) {}

    private Tool() {}

    static Path basedir() {
        return Path.of(System.getProperty("jthreadtrace.basedir", "."));
    }

    static List<String> jar(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar",
                System.getProperty("jthreadtrace.jar", "target/jthreadtrace.jar")));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result run(List<String> command) {
        return run(command, Map.of());
    }

    static Result run(List<String> command, Map<String, String> env) {
        try {
            File out = File.createTempFile("jtt-out", ".txt"), err = File.createTempFile("jtt-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                pb.environment().putAll(env);
                env.forEach((k, v) -> {
                    if (v == null) pb.environment().remove(k);
                });
                Process p = pb.start();
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("timed out: " + command);
                }
                return new Result(p.exitValue(), java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8),
                        java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
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
}
