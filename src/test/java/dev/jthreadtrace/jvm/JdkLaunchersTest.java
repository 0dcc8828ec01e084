package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdkLaunchersTest {
    private static final String OPTION = "-javaagent:/opt/jtt/jthreadtrace-agent.jar=/tmp/d";
    private final JdkLaunchers launchers = new JdkLaunchers(OPTION, Path.of("/opt/jtt/jthreadtrace-agent.jar"));

    private static Path jdk(Path root, String... tools) throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("lib"));
        Files.writeString(root.resolve("lib/modules"), "");
        for (String tool : tools) Files.writeString(root.resolve("bin").resolve(tool), "");
        return root;
    }

    @Test
    void javaTakesTheOptionItselfOtherJdkToolsThroughMinusJ(@TempDir Path tmp) throws IOException {
        Path home = jdk(tmp.resolve("jdk"), "java", "javac", "jshell");
        assertEquals(List.of(OPTION), launchers.insertAfterArgv0(home.resolve("bin/java"), List.of("java", "-version")));
        assertEquals(List.of("-J" + OPTION), launchers.insertAfterArgv0(home.resolve("bin/javac"), List.of("javac", "X.java")));
        assertEquals(List.of("-J" + OPTION), launchers.insertAfterArgv0(home.resolve("bin/jshell"), List.of("jshell")));
        assertTrue(launchers.mayInsertInto(home.resolve("bin/java")) && launchers.mayInsertInto(home.resolve("bin/javac")));
    }

    @Test
    void anythingElseIsLeftAlone(@TempDir Path tmp) throws IOException {
        // A wrapper script named java outside a JDK, a JDK 8 layout without lib/modules, a bin/ without java.
        Path scripts = Files.createDirectories(tmp.resolve("scripts/bin"));
        Files.writeString(scripts.resolve("java"), "#!/bin/sh\n");
        assertEquals(List.of(), launchers.insertAfterArgv0(scripts.resolve("java"), List.of("java")));
        assertFalse(launchers.mayInsertInto(scripts.resolve("java")), "its argv is not even read");
        Path old = Files.createDirectories(tmp.resolve("jdk8/bin"));
        Files.writeString(old.resolve("java"), "");
        assertEquals(List.of(), launchers.insertAfterArgv0(old.resolve("java"), List.of("java")));
        Path noJava = jdk(tmp.resolve("odd"), "javac");
        assertEquals(List.of(), launchers.insertAfterArgv0(noJava.resolve("bin/javac"), List.of("javac")));
        Path home = jdk(tmp.resolve("jdk"), "java");
        assertEquals(List.of(), launchers.insertAfterArgv0(home.resolve("lib/modules"), List.of("modules")));
    }

    @Test
    void aLauncherThatReExecutesItselfIsNotGivenTheAgentTwice(@TempDir Path tmp) throws IOException {
        Path home = jdk(tmp.resolve("jdk"), "java");
        assertEquals(List.of(), launchers.insertAfterArgv0(home.resolve("bin/java"), List.of("java", OPTION, "-version")));
    }
}
