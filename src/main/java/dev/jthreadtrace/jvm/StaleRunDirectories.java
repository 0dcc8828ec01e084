package dev.jthreadtrace.jvm;

import dev.jthreadtrace.sys.MountPoints;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Removes the run directories that tools killed before their end left in the temp directory (a
 * SIGKILLed tool runs no removal): done by a later run as it removes its own. Only what is surely
 * such a directory goes: a name {@link RunDirectoryName} makes, whose tool is gone (same PID
 * namespace, pid dead or started at another time), or an older version's name left alone for a day
 * ({@link LegacyRunDirectory}), a real directory (never a symbolic link,
 * opened without following one and checked to be the very entry whose owner was read) owned by
 * the user the run's own directory belongs to. Its contents are removed through that open
 * directory, never following a link, at any depth ({@link TreeRemoval}), so nothing outside it is
 * touched, whatever a traced program or another local user planted there or beside it.
 */
final class StaleRunDirectories {
    /** Directories removed at most per run: a temp directory full of them costs one run no more than this. */
    static final int MAX_PER_RUN = 16;

    private StaleRunDirectories() {}

    /** A stale directory's entry name and the file key read with its owner: the one opened must be that entry. */
    private record Candidate(Path name, Object fileKey) {}

    /** Removes up to {@link #MAX_PER_RUN} stale run directories of user {@code ownerUid} from {@code tmp}; how many went. */
    static int sweep(Path tmp, int ownerUid) {
        Long namespace = RunDirectoryName.ownPidNamespace();
        if (namespace == null) return 0;
        int removed = 0;
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(tmp, RunDirectoryName.PREFIX + "*")) {
            if (!(listing instanceof SecureDirectoryStream<Path> parent)) return 0;
            List<Candidate> stale = new ArrayList<>();
            Instant now = Instant.now();
            for (Path entry : parent) {
                String entryName = entry.getFileName().toString();
                RunDirectoryName name = RunDirectoryName.parse(entryName);
                boolean legacy = name == null && LegacyRunDirectory.matches(entryName);
                // Another user's look-alikes must not take the slots: the owner is checked before a name counts.
                Object key = name == null && !legacy ? null : ownedDirectory(entry, ownerUid);
                if (key != null && (legacy ? LegacyRunDirectory.gone(entryName, entry, now) : name.ownerGone(namespace))) {
                    stale.add(new Candidate(entry.getFileName(), key));
                }
                if (stale.size() >= MAX_PER_RUN) break;
            }
            // One budget of entries for the whole sweep: a directory a traced program filled costs one run no more than its own would.
            int[] entries = {0};
            // The mount table read once for every candidate (a sweep with none reads nothing).
            MountPoints mounts = stale.isEmpty() ? null : MountPoints.read();
            for (Candidate c : stale) {
                if (remove(parent, tmp.resolve(c.name()), c, mounts, entries)) removed++;
            }
        } catch (IOException | RuntimeException e) {
            // a temp directory that cannot be listed has nothing this run can clean
        }
        return removed;
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

    /** Empties and removes the candidate if nothing is mounted in it and it is still the entry whose owner was read. */
    private static boolean remove(SecureDirectoryStream<Path> parent, Path path, Candidate c, MountPoints mounts, int[] entries) {
        try {
            // A bind mount inside (root, a container runtime) would have what it shows emptied.
            if (mounts.within(path)) return false;
            // O_NOFOLLOW|O_DIRECTORY: a link put there since fails; the same inode as the one whose owner was read.
            try (SecureDirectoryStream<Path> dir = parent.newDirectoryStream(c.name(), LinkOption.NOFOLLOW_LINKS)) {
                Object key = dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
                if (!Objects.equals(key, c.fileKey())) return false;
                TreeRemoval.empty(dir, entries);
            }
            parent.deleteDirectory(c.name());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
