package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.NestedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's class cache runs inside every traced JVM, so it must not be a way in: a cache
 * directory that others can write, that someone else owns or that is a symbolic link is not used
 * (one note), and an entry whose digest this tool did not record is ignored and written anew.
 * A planted "transformed Thread" here is garbage: a JVM that defined it would not start.
 */
@Timeout(180)
class ClassCacheIT {
    private static final byte[] GARBAGE = "not a class file: if a JVM defines this, it dies".getBytes();

    private static String entryName() throws Exception {
        byte[] jar = Files.readAllBytes(Path.of(System.getProperty("jthreadtrace.jar", "target/jthreadtrace.jar"))
                .resolveSibling("jthreadtrace-agent.jar"));
        String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jar)).substring(0, 16);
        String runtime = System.getProperty("java.runtime.version").replaceAll("[^A-Za-z0-9.+_-]", "_");
        return "java.lang.Thread-" + runtime + "-" + key + ".class";
    }

    private static Tool.Result traceJvm(Path xdg) {
        List<String> cmd = new ArrayList<>(List.of("run", "--no-live", "--report", "tree", "--"));
        cmd.addAll(JvmIT.java(NestedThreads.class.getName()));
        return Tool.run(Tool.jar(cmd.toArray(String[]::new)), Map.of("XDG_CACHE_HOME", xdg.toString()));
    }

    private static void assertJavaViewWorks(Tool.Result r) {
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("inner-2"), "the JVM ran and its Java names are there: " + r.out());
        assertFalse(r.err().contains("reported no Java threads"), r.err());
    }

    @Test
    void aPlantedEntryInThePrivateCacheIsIgnoredAndReplaced(@TempDir Path xdg) throws Exception {
        Path dir = Files.createDirectory(xdg.resolve("jthreadtrace"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path planted = Files.write(dir.resolve(entryName()), GARBAGE);
        Tool.Result r = traceJvm(xdg);
        assertJavaViewWorks(r);
        assertFalse(new String(Files.readAllBytes(planted)).contains("not a class file"), "rewritten by the agent");
        String manifest = Files.readString(Files.list(dir).filter(f -> f.getFileName().toString().startsWith("digests-"))
                .findFirst().orElseThrow());
        assertTrue(manifest.contains(entryName() + " "), manifest);

        // The next run uses the entry the tool vouched for.
        assertJavaViewWorks(traceJvm(xdg));
    }

    @Test
    void aCacheOthersCanWriteOrOwnIsNotUsed(@TempDir Path xdg) throws Exception {
        Path dir = Files.createDirectory(xdg.resolve("jthreadtrace"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.write(dir.resolve(entryName()), GARBAGE);
        Files.writeString(dir.resolve("digests-whatever"), "");
        Tool.Result writable = traceJvm(xdg);
        assertJavaViewWorks(writable);
        assertTrue(writable.err().contains("class cache " + dir + " not used") && writable.err().contains("rwxrwxrwx"),
                writable.err());
        assertEquals(1, writable.err().lines().filter(l -> l.contains("class cache")).count(), writable.err());

        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setAttribute(dir, "unix:uid", 65534); // nobody
        Tool.Result foreign = traceJvm(xdg);
        assertJavaViewWorks(foreign);
        assertTrue(foreign.err().contains("owned by uid 65534"), foreign.err());
    }

    @Test
    void aSymbolicLinkInPlaceOfTheCacheIsNotFollowed(@TempDir Path xdg) throws Exception {
        Path elsewhere = Files.createDirectory(xdg.resolve("elsewhere"));
        Files.createSymbolicLink(xdg.resolve("jthreadtrace"), elsewhere);
        Tool.Result r = traceJvm(xdg);
        assertJavaViewWorks(r);
        assertTrue(r.err().contains("a symbolic link"), r.err());
        try (var files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "nothing written through the link");
        }
    }
}
