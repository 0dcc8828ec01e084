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
 * code never ran (found by the hostile test). A patched Thread whose {@code checkAccess()} throws,
 * or that has none, keeps the Java view.
 */
@Timeout(180)
class PatchedJavaBaseIT {
    private static final String MARK = "PATCHED runHooks";

    @Test
    void aPatchedShutdownRunsAsUntraced(@TempDir Path tmp) throws Exception {
        String hook = "private static void runHooks() {";
        Path patch = patched(tmp, "java/lang/Shutdown.java", hook, hook + " System.err.println(\"" + MARK + "\");");
        List<String> java = withPatch(patch);
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

    /**
     * {@code Thread.checkAccess()} (deprecated for removal) throwing, as a hostile tester patched it:
     * the agent's hand-over comes first, at its entry, so the Java view stays on and the program runs
     * as untraced; the throw reaches no one.
     */
    @Test
    void aThrowingCheckAccessLeavesTheJavaViewOn(@TempDir Path tmp) throws Exception {
        Path patch = patched(tmp, "java/lang/Thread.java", CHECK_ACCESS, "public final void checkAccess() { throw new SecurityException(\"patched\"); }");
        Tool.Result traced = tracedWithJavaView(tmp, withPatch(patch));
        assertTrue(!traced.err().contains("swallowed errors"), "no fallback was needed: " + traced.err());
    }

    /**
     * A JDK whose Thread has no {@code checkAccess()}: the agent's hooks need no hand-over, so the
     * Java view stays on; only its jar stays on the application class path, and one note says why.
     */
    @Test
    void aThreadWithoutCheckAccessFallsBackWithOneNote(@TempDir Path tmp) throws Exception {
        Path patch = patched(tmp, "java/lang/Thread.java", CHECK_ACCESS, "");
        Tool.Result traced = tracedWithJavaView(tmp, withPatch(patch));
        List<String> notes = traced.err().lines().filter(l -> l.contains("handed over no Lookup")).toList();
        assertEquals(1, notes.size(), traced.err());
        assertTrue(notes.get(0).contains("NoSuchMethodError"), notes.get(0));
    }

    private static final String CHECK_ACCESS = "public final void checkAccess() { }";

    private static List<String> withPatch(Path patch) {
        List<String> java = new ArrayList<>(JvmIT.java(Hello.class.getName()));
        java.add(1, "--patch-module");
        java.add(2, "java.base=" + patch);
        return java;
    }

    /** {@code java} run untraced and traced: the same status and output, and the agent's Java records in the trace. */
    private static Tool.Result tracedWithJavaView(Path tmp, List<String> java) throws IOException {
        Tool.Result untraced = Tool.run(java);
        assertEquals(0, untraced.code(), untraced.err());
        Path trace = tmp.resolve("trace.jsonl");
        List<String> run = new ArrayList<>(List.of("run", "--no-live", "--format", "jsonl", "-o", trace.toString(), "--"));
        run.addAll(java);
        Tool.Result traced = Tool.run(Tool.jar(run.toArray(String[]::new)));
        assertEquals(0, traced.code(), traced.err());
        assertEquals(untraced.out(), traced.out());
        assertTrue(Files.readString(trace).contains("\"type\":\"java\""), "the agent was in: " + traced.err());
        return traced;
    }

    /** A java.base class from this JDK's sources ({@code file}), {@code from} replaced by {@code to}, compiled into a patch directory. */
    private static Path patched(Path tmp, String file, String from, String to) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("java.home"));
        Path sources = tmp.resolve("src/" + file), out = Files.createDirectories(tmp.resolve("patch"));
        Files.createDirectories(sources.getParent());
        try (ZipFile zip = new ZipFile(home.resolve("lib/src.zip").toFile());
             InputStream in = zip.getInputStream(zip.getEntry("java.base/" + file))) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains(from), "this JDK's " + file + " has " + from);
            Files.writeString(sources, text.replace(from, to));
        }
        Process javac = new ProcessBuilder(home.resolve("bin/javac").toString(), "--patch-module", "java.base=" + tmp.resolve("src"),
                "-d", out.toString(), sources.toString()).redirectErrorStream(true).start();
        String log = new String(javac.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), log);
        return out;
    }
}
