package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes everything in a directory the tool owns (its run directory, a killed tool's), through
 * its open descriptor: links themselves, never what they point to, at any depth. A tree is walked at
 * most {@link #MAX_DEPTH} directories down, each holding a descriptor; a directory that deep is
 * moved up into the top one (a rename inside the tree, never following a link) and emptied in a
 * later pass, so a traced program's chain of 10 000 nested directories costs no more descriptors
 * or stack than 16 (it was never removed, nor the run directory around it). At most a budget of
 * entries, moves included ({@link #MAX_REMOVED} for the run's own directory, less for a sweep): a
 * directory a program filled costs one run no more than that. One entry of the top directory can be
 * kept for last (a run directory's mark: a removal cut short leaves the directory provably ours).
 */
final class TreeRemoval {
    static final int MAX_DEPTH = 16, MAX_REMOVED = 100_000;
    /** Names of the directories moved up into the top one: only this tool's removal makes them. */
    private static final String MOVED = ".jthreadtrace-deeper-";

    private TreeRemoval() {}

    /**
     * Removes every entry of {@code top} but {@code keep} (null: none) while {@code removed}, which
     * counts the entries (a budget shared by several calls), is below {@code limit}.
     */
    static void empty(SecureDirectoryStream<Path> top, int[] removed, int limit, Path keep) throws IOException {
        boolean moved = true;
        while (moved && removed[0] < limit) {
            // A directory stream lists once: each pass lists top anew, through its descriptor.
            try (SecureDirectoryStream<Path> listing = top.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
                moved = pass(new Walk(top, removed, limit, keep), listing, 1); // true: what lay deeper than MAX_DEPTH is now in top
            }
        }
    }

    /**
     * {@link #empty} keeping {@code last}, then {@code last} too once nothing else is left (counted):
     * true when the directory is empty. A removal cut short (the budget, an entry that could not
     * go) keeps {@code last}, so a later one can still tell the directory is the tool's.
     */
    static boolean emptyKeepingLast(SecureDirectoryStream<Path> top, int[] removed, int limit, Path last) throws IOException {
        empty(top, removed, limit, last);
        try (SecureDirectoryStream<Path> listing = top.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path entry : listing) {
                if (!entry.getFileName().equals(last)) return false;
            }
        }
        top.deleteFile(last);
        removed[0]++;
        return true;
    }

    /** One removal's fixed parts: the top directory, the shared count, its limit, the entry of top kept. */
    private record Walk(SecureDirectoryStream<Path> top, int[] removed, int limit, Path keep) {}

    /** Removes {@code dir}'s entries depth first; true when a directory was moved up into the top one. */
    private static boolean pass(Walk walk, SecureDirectoryStream<Path> dir, int depth) throws IOException {
        int[] removed = walk.removed();
        List<Path> names = new ArrayList<>();
        for (Path entry : dir) {
            if (removed[0] + names.size() >= walk.limit()) break;
            if (depth == 1 && entry.getFileName().equals(walk.keep())) continue;
            names.add(entry.getFileName());
        }
        boolean moved = false;
        for (Path name : names) {
            BasicFileAttributes attributes;
            try {
                attributes = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            } catch (IOException e) {
                continue;
            }
            try {
                if (!attributes.isDirectory()) {
                    dir.deleteFile(name);
                } else if (depth < MAX_DEPTH) {
                    try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                        moved |= pass(walk, sub, depth + 1);
                    }
                    dir.deleteDirectory(name);
                } else {
                    // renameat(2): the entry itself moves, whatever it is by now (a link put there is then removed as a link).
                    dir.move(name, walk.top(), Path.of(MOVED + removed[0]));
                    moved = true;
                }
                removed[0]++;
            } catch (IOException e) {
                // left behind, like anything the traced program made unremovable
            }
        }
        return moved;
    }
}
