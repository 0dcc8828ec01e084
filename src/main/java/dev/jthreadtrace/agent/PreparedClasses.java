package dev.jthreadtrace.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Classes the tool transformed for this run, in the run's directory, so a traced JVM need not
 * load the ClassFile API to transform them itself (a third of the agent's start-up). For each
 * class, {@code classes/NAME.orig} holds the bytes the tool started from and {@code NAME.class}
 * the result; the agent uses the result only when its own JVM's class is exactly those original
 * bytes (another JDK build simply does its own transformation). Nothing lasts beyond the run: a
 * traced program that writes here changes only its own run, never what a later run executes. The
 * tool writes them ({@code jvm.AgentDirectory#storePrepared}); this side only reads.
 */
public final class PreparedClasses {
    public static final String DIRECTORY = "classes";
    private static final int MAX_BYTES = 4 << 20;

    private PreparedClasses() {}

    /** The prepared result for {@code internalName} when {@code original} is what it was made from, else null. */
    static byte[] lookup(String directory, String internalName, byte[] original) {
        Path dir = Path.of(directory, DIRECTORY);
        String base = internalName.replace('/', '.');
        byte[] made = read(dir.resolve(base + ".orig"));
        if (made == null || !Arrays.equals(made, original)) return null;
        return read(dir.resolve(base + ".class"));
    }

    private static byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            return bytes.length > MAX_BYTES ? null : bytes;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
