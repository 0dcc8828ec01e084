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
        PreparedClasses.Found found = PreparedClasses.lookup(run.toString(), CLASSES, NAMES, true);
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
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, true));
    }

    @Test
    void nothingIsTakenWhenAPreparedFileIsMissing(@TempDir Path run) throws IOException {
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, true), "no classes/ yet: the tool was not done");
        prepare(run, runtimeClassFile("java/lang/Thread"));
        Files.delete(run.resolve(PreparedClasses.DIRECTORY).resolve("java.lang.Thread.class"));
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, true));
    }

    @Test
    void aLinkWhereAPreparedFileWasIsNotFollowed(@TempDir Path run, @TempDir Path elsewhere) throws IOException {
        prepare(run, runtimeClassFile("java/lang/Thread"));
        Path classes = run.resolve(PreparedClasses.DIRECTORY);
        Path moved = Files.move(classes.resolve("java.lang.Thread.class"), elsewhere.resolve("Thread.class"));
        Files.createSymbolicLink(classes.resolve("java.lang.Thread.class"), moved);
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, true));
    }

    @Test
    void classesMadeFromThisVeryImageFileAreTakenWithoutReadingTheImage(@TempDir Path run) throws IOException {
        byte[] transformed = prepare(run, runtimeClassFile("java/lang/Thread"));
        Path classes = run.resolve(PreparedClasses.DIRECTORY);
        // An .orig that no longer matches: only the image's identity decides, and no original is read for a launched JVM.
        Files.write(classes.resolve("java.lang.Thread.orig"), new byte[] {1});
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, false), "no image file: compared, and the .orig differs");
        String identity = PreparedClasses.imageIdentity();
        assertNotNull(identity, "this runtime has a lib/modules");
        Files.writeString(classes.resolve(PreparedClasses.IMAGE), identity);
        PreparedClasses.Found found = PreparedClasses.lookup(run.toString(), CLASSES, NAMES, false);
        assertNotNull(found, "made from the image this JVM runs");
        assertArrayEquals(transformed, found.prepared()[0].getDefinitionClassFile());
        assertNull(found.originals());
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, true), "an attach keeps the originals: they are compared");
        Files.writeString(classes.resolve(PreparedClasses.IMAGE), identity + "0");
        assertNull(PreparedClasses.lookup(run.toString(), CLASSES, NAMES, false), "another image: compared");
    }
}
