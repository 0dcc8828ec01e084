package dev.jthreadtrace.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The agent takes the tool's prepared classes exactly when they were made from its own runtime's
 * class files: what the tool writes (its runtime's bytes, read as the tool reads them) must match
 * what the agent reads from its image, or every traced JVM transforms the classes itself again.
 */
class PreparedClassesTest {
    private static final Class<?>[] CLASSES = {Thread.class};
    private static final String[] NAMES = {"java/lang/Thread"};

    /** This runtime's class file, read as the tool reads it (JvmAgent.prepareClassesOnce). */
    private static byte[] runtimeClassFile(String internalName) throws IOException {
        try (InputStream in = Object.class.getModule().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    /** The run's directory with {@code classes/} as the tool fills it; returns the transformed bytes. */
    private static byte[] prepare(Path run, byte[] original) throws IOException {
        Path classes = Files.createDirectories(run.resolve(PreparedClasses.DIRECTORY));
        byte[] transformed = Installer.transform("java/lang/Thread", original);
        Files.write(classes.resolve("java.lang.Thread.class"), transformed);
        Files.write(classes.resolve("java.lang.Thread.orig"), original);
        return transformed;
    }

    @Test
    void classesMadeFromThisRuntimesOwnAreTakenWithTheOriginalsToGiveBack(@TempDir Path run) throws IOException {
        byte[] original = runtimeClassFile("java/lang/Thread");
        byte[] transformed = prepare(run, original);
        PreparedClasses.Found found = PreparedClasses.lookup(run.toString(), CLASSES, NAMES);
        assertNotNull(found, "the tool's classes match the runtime image the agent reads");
        assertEquals(1, found.prepared().length);
        assertSame(Thread.class, found.prepared()[0].getDefinitionClass());
        assertArrayEquals(transformed, found.prepared()[0].getDefinitionClassFile());
        assertArrayEquals(original, found.originals()[0].getDefinitionClassFile(), "a detach redefines the image's own class file");
    }

    @Test
    void classesMadeFromAnotherBuildAreNotTaken(@TempDir Path run) throws IOException {
        byte[] other = runtimeClassFile("java/lang/Thread");
        other[other.length - 1] ^= 1;
        prepare(run, other);
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES));
    }

    @Test
    void nothingIsTakenWhenAPreparedFileIsMissing(@TempDir Path run) throws IOException {
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES), "no classes/ yet: the tool was not done");
        prepare(run, runtimeClassFile("java/lang/Thread"));
        Files.delete(run.resolve(PreparedClasses.DIRECTORY).resolve("java.lang.Thread.class"));
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES));
    }

    @Test
    void aLinkWhereAPreparedFileWasIsNotFollowed(@TempDir Path run, @TempDir Path elsewhere) throws IOException {
        prepare(run, runtimeClassFile("java/lang/Thread"));
        Path classes = run.resolve(PreparedClasses.DIRECTORY);
        Path moved = Files.move(classes.resolve("java.lang.Thread.class"), elsewhere.resolve("Thread.class"));
        Files.createSymbolicLink(classes.resolve("java.lang.Thread.class"), moved);
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES));
    }
}
