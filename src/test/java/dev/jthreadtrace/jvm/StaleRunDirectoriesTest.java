package dev.jthreadtrace.jvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep of what killed tools left, on directories crafted in a private temp directory: a
 * killed tool's directory that holds the mark of its name under the user's key goes (nested deeper
 * than 16 levels, larger than a run's budget over two runs); look-alikes without a valid mark (none,
 * a forged one, another directory's), a live tool's, another user's and older versions' stay, and
 * the sweep lists none of their entries.
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

    /** The user's key in {@code tmp}, made on first use as a run makes it. */
    private static RunKey key(Path tmp) {
        RunKey key = RunKey.ofUser(tmp, UID);
        assertNotNull(key, "the user's key in " + tmp);
        return key;
    }

    /** {@code dir} made and marked as a run marks its own: an empty file named by the keyed hash of its name. */
    private static Path marked(Path dir, RunKey key) throws IOException {
        Files.createDirectories(dir);
        Files.createFile(dir.resolve(key.markOf(dir.getFileName().toString())));
        return dir;
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

    /** {@code count} empty files in {@code dir}. */
    private static void filled(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) Files.createFile(dir.resolve("f" + i));
    }

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.count() - 1;
        }
    }

    @Test
    void aKilledToolsDirectoryNestedDeeperThan16LevelsIsRemovedNotWhatItsLinksPointTo(@TempDir Path tmp, @TempDir Path outside)
            throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "kept\n");
        Path linkedDir = Files.createDirectory(outside.resolve("dir"));
        Files.writeString(linkedDir.resolve("keep"), "kept\n");
        RunKey key = key(tmp);
        Path stale = marked(tmp.resolve(killedToolsName(deadPid(), "00000000000000b1")), key);
        Path bottom = nested(stale, 200, victim);
        Files.createSymbolicLink(bottom.resolve("dirlink"), linkedDir);
        StaleRunDirectories.Swept swept = StaleRunDirectories.sweep(tmp, UID, key);
        assertEquals(1, swept.removed());
        assertFalse(Files.exists(stale, LinkOption.NOFOLLOW_LINKS), "200 levels deep, removed whole");
        assertEquals("kept\n", Files.readString(victim));
        assertEquals("kept\n", Files.readString(linkedDir.resolve("keep")), "nothing through a link to a directory");
    }

    /**
     * hostile11u F12: a traced program minted dead tools' names, and every later run paid to delete
     * their files. Without the mark of its own name a directory is left whole, and none of its
     * entries is even listed: the sweep's work is the killed tool's directory beside them, exactly.
     */
    @Test
    void lookAlikesWithoutTheMarkOfTheirNameAreLeftWholeAndCostNothing(@TempDir Path tmp, @TempDir Path outside) throws Exception {
        RunKey key = key(tmp);
        long dead = deadPid(), self = ProcessHandle.current().pid();
        Path real = marked(tmp.resolve(killedToolsName(dead, "00000000000000c0")), key);
        filled(real.resolve("classes"), 40);
        long realEntries = entries(real);
        List<Path> planted = new ArrayList<>();
        for (int i = 0; i < 16; i++) planted.add(tmp.resolve(killedToolsName(dead, String.format("%016x", 0xd000 + i)))); // no mark
        Path forged = tmp.resolve(killedToolsName(dead, "00000000000000e1"));
        Path copied = tmp.resolve(killedToolsName(dead, "00000000000000e2"));
        Path markDirectory = tmp.resolve(killedToolsName(dead, "00000000000000e3"));
        Path others = tmp.resolve(killedToolsName(dead, "00000000000000e4"));
        Path live = tmp.resolve(new RunDirectoryName(self, RunDirectoryName.startTime(self), RunDirectoryName.ownPidNamespace(),
                "00000000000000e5").name());
        Path pidForm = tmp.resolve("jthreadtrace-" + dead + "-" + Long.toHexString(System.nanoTime()));
        Path randomForm = tmp.resolve("jthreadtrace-8436291750264918273");
        for (Path p : planted) filled(p, 500);
        filled(forged, 500);
        Files.createFile(forged.resolve(RunKey.MARK_PREFIX + "0123456789abcdef0123456789abcdef"));
        filled(copied, 500);
        Files.createFile(copied.resolve(key.markOf(real.getFileName().toString()))); // a real mark, of another name
        filled(markDirectory, 500);
        Files.createDirectory(markDirectory.resolve(key.markOf(markDirectory.getFileName().toString()))); // right name, not a file
        filled(marked(others, key), 500);
        Files.setAttribute(others, "unix:uid", 65534);
        filled(marked(live, key), 500);
        for (Path old : List.of(pidForm, randomForm)) {
            nested(old, 2, Files.writeString(outside.resolve("victim"), "kept\n", java.nio.file.StandardOpenOption.CREATE));
            try (Stream<Path> all = Files.walk(old)) {
                for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setTimes(FileTime.from(TWO_DAYS_AGO), null, null);
                }
            }
        }
        List<Path> kept = new ArrayList<>(planted);
        kept.addAll(List.of(forged, copied, markDirectory, others, live, pidForm, randomForm));
        List<Long> before = new ArrayList<>();
        for (Path p : kept) before.add(entries(p));

        StaleRunDirectories.Swept swept = StaleRunDirectories.sweep(tmp, UID, key);
        assertEquals(1, swept.removed(), swept.toString());
        assertEquals(realEntries, swept.entries(), "entries removed: the killed tool's and no other: " + swept);
        assertEquals(16 + 6, swept.looked(), "names of the form looked at (old forms are not): " + swept);
        assertFalse(Files.exists(real, LinkOption.NOFOLLOW_LINKS));
        for (int i = 0; i < kept.size(); i++) assertEquals(before.get(i), entries(kept.get(i)), kept.get(i).toString());

        StaleRunDirectories.Swept again = StaleRunDirectories.sweep(tmp, UID, key);
        assertEquals(new StaleRunDirectories.Swept(16 + 5, 0, 0), again, "a run after: nothing removed, nothing listed");
    }

    /** A directory larger than a run's budget: the first run removes the budget's worth and keeps the mark, the next one the rest. */
    @Test
    void aDirectoryLargerThanTheBudgetGoesOverTwoRunsItsMarkLast(@TempDir Path tmp) throws Exception {
        RunKey key = key(tmp);
        Path stale = marked(tmp.resolve(killedToolsName(deadPid(), "00000000000000f1")), key);
        filled(stale.resolve("flood"), StaleRunDirectories.MAX_ENTRIES + 100);
        StaleRunDirectories.Swept first = StaleRunDirectories.sweep(tmp, UID, key);
        assertEquals(new StaleRunDirectories.Swept(1, 0, StaleRunDirectories.MAX_ENTRIES), first);
        assertTrue(Files.isRegularFile(stale.resolve(key.markOf(stale.getFileName().toString()))), "the mark stays while anything else does");
        StaleRunDirectories.Swept second = StaleRunDirectories.sweep(tmp, UID, key);
        assertEquals(1, second.removed(), second.toString());
        assertFalse(Files.exists(stale, LinkOption.NOFOLLOW_LINKS));
    }
}
