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
 * or stack than 16 (it was never removed, nor the run directory around it). At most
 * {@link #MAX_REMOVED} entries per call, moves included: a directory a program filled costs one
 * run no more than that.
 */
final class TreeRemoval {
    static final int MAX_DEPTH = 16, MAX_REMOVED = 100_000;
    /** Names of the directories moved up into the top one: only this tool's removal makes them. */
    private static final String MOVED = ".jthreadtrace-deeper-";

    private TreeRemoval() {}

    /** Removes every entry of {@code top}; {@code removed} counts the entries (a budget shared by several calls). */
    static void empty(SecureDirectoryStream<Path> top, int[] removed) throws IOException {
        boolean moved = true;
        while (moved && removed[0] < MAX_REMOVED) {
            // A directory stream lists once: each pass lists top anew, through its descriptor.
            try (SecureDirectoryStream<Path> listing = top.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
                moved = pass(top, listing, 1, removed); // true: what lay deeper than MAX_DEPTH is now in top
            }
        }
    }

    /** Removes {@code dir}'s entries depth first; true when a directory was moved up into {@code top}. */
    private static boolean pass(SecureDirectoryStream<Path> top, SecureDirectoryStream<Path> dir, int depth, int[] removed) throws IOException {
        List<Path> names = new ArrayList<>();
        for (Path entry : dir) {
            if (removed[0] + names.size() >= MAX_REMOVED) break;
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
                        moved |= pass(top, sub, depth + 1, removed);
                    }
                    dir.deleteDirectory(name);
                } else {
                    // renameat(2): the entry itself moves, whatever it is by now (a link put there is then removed as a link).
                    dir.move(name, top, Path.of(MOVED + removed[0]));
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
