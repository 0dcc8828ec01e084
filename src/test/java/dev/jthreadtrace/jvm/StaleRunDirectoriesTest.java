package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep of what killed tools left, on directories crafted in a private temp directory: one
 * nested deeper than 16 levels and the names of older versions go; links are never followed, and a
 * live tool's, another user's, or an old-style directory still in use stay.
 */
class StaleRunDirectoriesTest {
    private static final int UID = (int) uidOfThisProcess();
    private static final Instant TWO_DAYS_AGO = Instant.now().minus(Duration.ofDays(2));

    private static long uidOfThisProcess() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A pid no process has: a command's that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertFalse(Files.exists(Path.of("/proc", Long.toString(p.pid()))));
        return p.pid();
    }

    /** A killed tool's name for the current format: its pid is dead, in this namespace. */
    private static String killedToolsName(long pid, String random) {
        return new RunDirectoryName(pid, 1, RunDirectoryName.ownPidNamespace(), random).name();
    }

    /** {@code depth} directories one in another under {@code top}, a file and a link to {@code victim} at the bottom: the bottom. */
    private static Path nested(Path top, int depth, Path victim) throws IOException {
        Path p = top;
        for (int i = 0; i < depth; i++) p = p.resolve("d" + i);
        Files.createDirectories(p);
        Files.writeString(p.resolve("records.tsv"), "x\n");
        Files.createSymbolicLink(p.resolve("link"), victim);
        return p;
    }

    /** Sets every time in {@code dir}'s tree (links themselves) to two days ago, the directory's last. */
    private static void leftAlone(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(TWO_DAYS_AGO), null, null);
            }
        }
    }

    @Test
    void aKilledToolsDirectoryNestedDeeperThan16LevelsIsRemovedNotWhatItsLinksPointTo(@TempDir Path tmp, @TempDir Path outside)
            throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "kept\n");
        Path linkedDir = Files.createDirectory(outside.resolve("dir"));
        Files.writeString(linkedDir.resolve("keep"), "kept\n");
        Path stale = tmp.resolve(killedToolsName(deadPid(), "00000000000000b1"));
        Path bottom = nested(stale, 200, victim);
        Files.createSymbolicLink(bottom.resolve("dirlink"), linkedDir);
        assertEquals(1, StaleRunDirectories.sweep(tmp, UID));
        assertFalse(Files.exists(stale, LinkOption.NOFOLLOW_LINKS), "200 levels deep, removed whole");
        assertEquals("kept\n", Files.readString(victim));
        assertEquals("kept\n", Files.readString(linkedDir.resolve("keep")), "nothing through a link to a directory");
    }

    @Test
    void olderVersionsDirectoriesLeftAloneForADayAreRemovedAndNothingElse(@TempDir Path tmp, @TempDir Path outside) throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "kept\n");
        long dead = deadPid(), self = ProcessHandle.current().pid();
        // 0.1.x: jthreadtrace-PID-NANOTIME; before: createTempDirectory's jthreadtrace-DIGITS.
        Path pidForm = tmp.resolve("jthreadtrace-" + dead + "-" + Long.toHexString(System.nanoTime()));
        Path randomForm = tmp.resolve("jthreadtrace-8436291750264918273");
        Path deepOld = tmp.resolve("jthreadtrace-" + dead + "-1f2e3d");
        for (Path p : List.of(pidForm, randomForm)) nested(p, 2, victim);
        nested(deepOld, 40, victim);
        // Kept: a live pid's, one whose records changed an hour ago, another user's, a link to a directory of that name, a probe's.
        Path livePid = tmp.resolve("jthreadtrace-" + self + "-abc123");
        Path recent = tmp.resolve("jthreadtrace-5550001112223334");
        Path others = tmp.resolve("jthreadtrace-" + dead + "-aa11");
        Path target = Files.createDirectory(outside.resolve("target"));
        Files.writeString(target.resolve("keep"), "kept\n");
        for (Path p : List.of(livePid, recent, others)) nested(p, 1, victim);
        Files.setAttribute(others, "unix:uid", 65534);
        Path link = Files.createSymbolicLink(tmp.resolve("jthreadtrace-" + dead + "-bb22"), target);
        Path probe = Files.createDirectory(tmp.resolve("jthreadtrace-probe-123"));
        for (Path p : List.of(pidForm, randomForm, deepOld, livePid, recent, others, probe)) leftAlone(p);
        leftAlone(target);
        Files.writeString(recent.resolve("d0").resolve("records.tsv"), "y\n"); // written just now: an old version's live tool
        Files.getFileAttributeView(link, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(TWO_DAYS_AGO), null, null);

        assertEquals(3, StaleRunDirectories.sweep(tmp, UID));
        for (Path gone : List.of(pidForm, randomForm, deepOld)) assertFalse(Files.exists(gone, LinkOption.NOFOLLOW_LINKS), gone.toString());
        for (Path kept : List.of(livePid, recent, others, link, probe)) assertTrue(Files.exists(kept, LinkOption.NOFOLLOW_LINKS), kept.toString());
        assertEquals("kept\n", Files.readString(victim));
        assertEquals("kept\n", Files.readString(target.resolve("keep")));
        assertTrue(Files.isSymbolicLink(link));
    }

    /** A directory of the current form whose tool runs (this JVM's pid and start time) is never touched, however old. */
    @Test
    void aLiveToolsDirectoryStays(@TempDir Path tmp, @TempDir Path outside) throws Exception {
        long self = ProcessHandle.current().pid();
        Path live = tmp.resolve(new RunDirectoryName(self, RunDirectoryName.startTime(self), RunDirectoryName.ownPidNamespace(),
                "00000000000000c1").name());
        nested(live, 20, Files.writeString(outside.resolve("victim"), "kept\n"));
        leftAlone(live);
        assertEquals(0, StaleRunDirectories.sweep(tmp, UID));
        assertTrue(Files.exists(live.resolve("d0")));
    }
}
