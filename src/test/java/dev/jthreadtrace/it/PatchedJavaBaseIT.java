package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.Hello;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started with {@code --patch-module java.base=DIR} runs its patched classes traced as
 * untraced: the agent takes the classes the tool prepared from the runtime image only for a JVM
 * that runs that image unpatched. The module system removes the {@code jdk.module.patch.N}
 * properties at boot, so an agent that looked there took the image's Shutdown and the patch's
 * code never ran (found by the hostile test).
 */
@Timeout(180)
class PatchedJavaBaseIT {
    private static final String MARK = "PATCHED runHooks";

    @Test
    void aPatchedShutdownRunsAsUntraced(@TempDir Path tmp) throws Exception {
        Path patch = patchedShutdown(tmp);
        List<String> java = new ArrayList<>(JvmIT.java(Hello.class.getName()));
        java.add(1, "--patch-module");
        java.add(2, "java.base=" + patch);
        Tool.Result untraced = Tool.run(java);
        assertEquals(0, untraced.code(), untraced.err());
        assertTrue(untraced.err().contains(MARK), "the patch runs untraced: " + untraced.err());

        Path trace = tmp.resolve("trace.jsonl");
        List<String> run = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--"));
        run.addAll(java);
        Tool.Result traced = Tool.run(Tool.jar(run.toArray(String[]::new)));
        assertEquals(0, traced.code(), traced.err());
        assertTrue(traced.err().contains(MARK), "the patch runs traced: " + traced.err());
        assertTrue(Files.readString(trace).contains("\"type\":\"java\""), "the agent was in: " + traced.err());
    }

    /** java.lang.Shutdown from this JDK's sources, printing {@link #MARK} first thing in runHooks, compiled into a patch directory. */
    private static Path patchedShutdown(Path tmp) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("java.home"));
        Path sources = tmp.resolve("src/java/lang/Shutdown.java"), out = Files.createDirectories(tmp.resolve("patch"));
        Files.createDirectories(sources.getParent());
        try (ZipFile zip = new ZipFile(home.resolve("lib/src.zip").toFile());
             InputStream in = zip.getInputStream(zip.getEntry("java.base/java/lang/Shutdown.java"))) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String hook = "private static void runHooks() {";
            assertTrue(text.contains(hook), "this JDK's Shutdown has runHooks");
            Files.writeString(sources, text.replace(hook, hook + " System.err.println(\"" + MARK + "\");"));
        }
        Process javac = new ProcessBuilder(home.resolve("bin/javac").toString(), "--patch-module", "java.base=" + tmp.resolve("src"),
                "-d", out.toString(), sources.toString()).redirectErrorStream(true).start();
        String log = new String(javac.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), log);
        return out;
    }
}
