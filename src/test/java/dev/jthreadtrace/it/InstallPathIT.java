package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the tool lives must not matter: an install path with a space, an {@code =} and a comma
 * (the {@code -javaagent:JAR=ARGS} syntax splits at the first {@code =}), $HOME or $XDG_CACHE_HOME
 * with a space, a checkout moved with mv (its AOT cache was made for the old path), and a copy
 * whose original is then deleted (it must use its own agent jar) all trace a JVM with its Java view.
 */
@Timeout(300)
class InstallPathIT {
    private static Tool.Result traceJvm(Path launcher, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "run", "--no-live", "--report", "tree", "--"));
        cmd.addAll(JvmIT.java(NestedThreads.class.getName()));
        return Tool.run(cmd, env);
    }

    private static void assertJavaView(Tool.Result r, String where) {
        assertEquals(0, r.code(), where + ": " + r.err());
        assertTrue(r.out().contains("inner-2"), where + ": " + r.out());
        assertFalse(r.err().contains("reported no Java threads") || r.err().contains("internal error")
                || r.err().contains("Unrecognized option"), where + ": " + r.err());
    }

    /** The launcher and the built jars, as a user's install: scripts/ and target/. */
    private static void install(Path to) throws IOException {
        Path from = Tool.basedir();
        copyTree(from.resolve("scripts"), to.resolve("scripts"));
        Files.createDirectories(to.resolve("target"));
        for (String jar : List.of("jthreadtrace.jar", "jthreadtrace-agent.jar")) {
            Files.copy(from.resolve("target").resolve(jar), to.resolve("target").resolve(jar), StandardCopyOption.COPY_ATTRIBUTES);
        }
        copyTree(from.resolve("target/lib"), to.resolve("target/lib"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void delete(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }

    @Test
    void spacesInTheInstallPathHomeAndCacheAndAMovedOrCopiedInstall(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home dir"));
        Path first = tmp.resolve("install dir/a=b,c");
        install(first);
        Map<String, String> env = Map.of("HOME", home.toString(), "XDG_CACHE_HOME", home.resolve("cache dir").toString());
        assertJavaView(traceJvm(first.resolve("scripts/jthreadtrace"), env), "spaces, = and , in the install path");
        assertFalse(Files.exists(home.resolve("cache dir/jthreadtrace")), "no state kept between runs (nothing a traced"
                + " program could plant for a later run)");

        Path moved = tmp.resolve("install dir/b");
        Files.move(first, moved);
        assertJavaView(traceJvm(moved.resolve("scripts/jthreadtrace"), env), "after mv");

        Path copy = tmp.resolve("install dir/c");
        copyTree(moved, copy);
        delete(moved);
        assertJavaView(traceJvm(copy.resolve("scripts/jthreadtrace"), Map.of("HOME", home.toString())), "a copy, original deleted");
    }
}
