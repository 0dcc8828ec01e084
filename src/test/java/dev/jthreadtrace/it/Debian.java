package dev.jthreadtrace.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A throwaway root for dpkg ({@code dpkg --root}): its own database, nothing else installed. */
final class Debian {
    private static final String DATABASE = "var/lib/dpkg";

    private Debian() {}

    /** An empty root with an empty dpkg database. */
    static Path emptyRoot(Path root) throws IOException {
        Path db = Files.createDirectories(root.resolve(DATABASE));
        Files.createDirectories(db.resolve("info"));
        Files.createDirectories(db.resolve("updates"));
        Files.writeString(db.resolve("status"), "");
        Files.writeString(db.resolve("available"), "");
        return root;
    }

    /** dpkg --root=ROOT ARGS..., which must succeed. */
    static void dpkg(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root));
        cmd.addAll(List.of(args));
        Tool.Result r = Tool.run(cmd, Map.of(), 300);
        assertEquals(0, r.code(), String.join(" ", cmd) + ":\n" + r.out() + r.err());
    }

    /** Every file and directory under the root but dpkg's own database and the directories holding it. */
    static List<String> leftOver(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> root.relativize(p).toString())
                    .filter(p -> !p.isEmpty() && !DATABASE.startsWith(p) && !p.startsWith(DATABASE + "/")).sorted().toList();
        }
    }

    /** Installed as root's, writable by root alone: what a traced program of another user could change decides nothing. */
    static void assertRootOwnedAndNotWritableByOthers(Path root, String under) throws IOException {
        Set<PosixFilePermission> othersWrite = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        try (Stream<Path> all = Files.walk(root.resolve(under))) {
            for (Path p : all.toList()) {
                assertEquals(0, (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), "owned by root: " + p);
                if (Files.isSymbolicLink(p)) continue;
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                assertTrue(mode.stream().noneMatch(othersWrite::contains), "not writable by group or others: " + p + " " + mode);
            }
        }
    }
}
