package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.Installer;
import dev.jthreadtrace.agent.PreparedClasses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the tool prepares for the run's directory before any JVM needs it: the agent's files and the JDK classes it rewrites. */
class AgentPreparationTest {
    @Test
    void theJarIsKeptWholeAndOnlyTheAgentsOwnClassesGoToTheBootClassPath(@TempDir Path tmp) throws IOException {
        Path jar = tmp.resolve("agent.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (String name : new String[] {"dev/jthreadtrace/agent/", "dev/jthreadtrace/agent/Agent.class",
                    "dev/jthreadtrace/agent/deeper/Other.class", "dev/jthreadtrace/Elsewhere.class", "dev/jthreadtrace/agent/notes.txt"}) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) out.write(name.getBytes());
                out.closeEntry();
            }
        }
        AgentFiles files = new AgentPreparation(jar).files();
        assertArrayEquals(Files.readAllBytes(jar), files.jar());
        assertEquals(Set.of("Agent.class"), files.bootClasses().keySet());
        assertArrayEquals("dev/jthreadtrace/agent/Agent.class".getBytes(), files.bootClasses().get("Agent.class"));
    }

    @Test
    void aMissingJarIsAnIoErrorEachTimeItIsAsked(@TempDir Path tmp) {
        AgentPreparation preparation = new AgentPreparation(tmp.resolve("missing.jar"));
        assertThrows(IOException.class, preparation::files);
        assertThrows(IOException.class, preparation::files);
    }

    @Test
    void theRewrittenClassesAreMadeOnceFromThisRuntimesOwn(@TempDir Path tmp) throws IOException {
        AgentPreparation preparation = new AgentPreparation(tmp.resolve("unused.jar"));
        preparation.startEarly();
        PreparedJdkClasses made = preparation.classes();
        assertNotNull(made);
        assertSame(made, preparation.classes(), "made once");
        assertSame(made, preparation.classesIfReady());
        assertEquals(Installer.REWRITTEN.size(), made.classes().size());
        for (PreparedJdkClasses.Prepared p : made.classes()) {
            try (InputStream in = Object.class.getModule().getResourceAsStream(p.internalName() + ".class")) {
                assertArrayEquals(in.readAllBytes(), p.original(), p.internalName());
            }
            assertFalse(Arrays.equals(p.original(), p.transformed()), p.internalName() + " is rewritten");
        }
        assertEquals(PreparedClasses.imageIdentity(), made.image());
        assertTrue(made.image() != null && !made.image().isBlank());
    }
}
