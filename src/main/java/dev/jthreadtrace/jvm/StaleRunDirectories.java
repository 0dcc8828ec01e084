package dev.jthreadtrace.jvm;

import dev.jthreadtrace.sys.MountPoints;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Removes the run directories that tools killed before their end left in the temp directory (a
 * SIGKILLed tool runs no removal): done by a later run, on a thread of its own while it traces
 * ({@link AgentDirectory}). Only what this tool can prove it made goes: a name {@link RunDirectoryName}
 * makes, whose tool is gone (same PID namespace, pid dead or started at another time), a real
 * directory (never a symbolic link, opened without following one and checked to be the very entry
 * whose owner was read) owned by the user the run's own directory belongs to, that holds the mark
 * of its name under the user's key ({@link RunKey}). Anything else is left as it is, its contents
 * never listed: a look-alike a traced program made (any name can be minted, 64 of them with 20 000
 * files each cost each later run seconds) is the program's, as are older versions' names, which
 * carry no mark. A proven directory is emptied through its open descriptor, never following a link,
 * at any depth ({@link TreeRemoval}), its mark last, so a removal cut short (the budget, the tool's
 * end) is finished by a later run.
 */
final class StaleRunDirectories {
    /** Directories removed at most per run. */
    static final int MAX_PER_RUN = 16;
    /**
     * Entries removed at most per run, in all: a killed tool's directory holds about 50 (the jar, the
     * agent's classes, the prepared classes, a record file per JVM), so this is 80 of them; one a
     * program filled (or marked, having read the user's key) costs a run no more than this.
     */
    static final int MAX_ENTRIES = 4096;
    /**
     * Names of the form looked at most per run, a uniform sample of all there are: each costs a few
     * system calls (its tool's /proc entry, lstat, open, the mark's fstatat), and a flood of
     * look-alikes cannot hide a real directory from every later run.
     */
    static final int MAX_LOOKED_AT = 1024;

    private StaleRunDirectories() {}

    /** What one sweep did: names of the form looked at, directories removed, entries removed inside them. */
    record Swept(int looked, int removed, int entries) {}

    /** Removes up to {@link #MAX_PER_RUN} proven stale run directories of user {@code ownerUid} from {@code tmp}. */
    static Swept sweep(Path tmp, int ownerUid, RunKey key) {
        Long namespace = RunDirectoryName.ownPidNamespace();
        if (namespace == null) return new Swept(0, 0, 0);
        int removed = 0;
        int[] entries = {0};
        List<Path> sample = List.of();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(tmp, RunDirectoryName.PREFIX + "*")) {
            if (!(listing instanceof SecureDirectoryStream<Path> parent)) return new Swept(0, 0, 0);
            sample = sample(parent.iterator());
            MountPoints mounts = null;
            for (Path name : sample) {
                RunDirectoryName parsed = RunDirectoryName.parse(name.toString());
                if (!parsed.ownerGone(namespace)) continue;
                Object fileKey = ownedDirectory(tmp.resolve(name), ownerUid);
                if (fileKey == null) continue;
                // The mount table read once, for the first directory that could be removed (a sweep with none reads nothing).
                if (mounts == null) mounts = MountPoints.read();
                if (remove(parent, tmp.resolve(name), fileKey, key.markOf(name.toString()), mounts, entries)) removed++;
                if (removed >= MAX_PER_RUN || entries[0] >= MAX_ENTRIES) break;
            }
        } catch (IOException | RuntimeException e) {
            // a temp directory that cannot be listed has nothing this run can clean
        }
        return new Swept(sample.size(), removed, entries[0]);
    }

    /** Up to {@link #MAX_LOOKED_AT} of the names {@link RunDirectoryName} makes, each as likely as any other (reservoir sampling). */
    private static List<Path> sample(Iterator<Path> listing) {
        List<Path> sample = new ArrayList<>();
        int seen = 0;
        while (listing.hasNext()) {
            Path name = listing.next().getFileName();
            if (RunDirectoryName.parse(name.toString()) == null) continue;
            seen++;
            if (sample.size() < MAX_LOOKED_AT) {
                sample.add(name);
            } else {
                int slot = ThreadLocalRandom.current().nextInt(seen);
                if (slot < MAX_LOOKED_AT) sample.set(slot, name);
            }
        }
        return sample;
    }

    /** The file key of {@code entry} when it is a directory (not a link to one) owned by {@code uid}; else null. */
    private static Object ownedDirectory(Path entry, int uid) {
        try {
            Map<String, Object> seen = Files.readAttributes(entry, "unix:uid,fileKey,isDirectory", LinkOption.NOFOLLOW_LINKS);
            return Boolean.TRUE.equals(seen.get("isDirectory")) && Objects.equals(seen.get("uid"), uid) ? seen.get("fileKey") : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Empties and removes the directory if it is still the entry whose owner was read, holds its
     * mark, and has nothing mounted inside; the mark goes last, once nothing else is left.
     */
    private static boolean remove(SecureDirectoryStream<Path> parent, Path path, Object fileKey, String mark, MountPoints mounts,
                                  int[] entries) {
        Path name = path.getFileName(), markName = Path.of(mark);
        try {
            // O_NOFOLLOW|O_DIRECTORY: a link put there since fails; the same inode as the one whose owner was read.
            try (SecureDirectoryStream<Path> dir = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                Object opened = dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
                if (!Objects.equals(opened, fileKey) || !marked(dir, markName)) return false;
                // A bind mount inside (root, a container runtime) would have what it shows emptied.
                if (mounts.within(path)) return false;
                if (!TreeRemoval.emptyKeepingLast(dir, entries, MAX_ENTRIES, markName)) return false;
            }
            parent.deleteDirectory(name);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code dir} holds the regular file {@code mark}: one fstatat, nothing opened. */
    private static boolean marked(SecureDirectoryStream<Path> dir, Path mark) {
        try {
            return dir.getFileAttributeView(mark, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes().isRegularFile();
        } catch (IOException e) {
            return false;
        }
    }
}
