package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The agent's class cache: {@code $XDG_CACHE_HOME/jthreadtrace} (or {@code ~/.cache/jthreadtrace})
 * keeps the transformed {@code java.lang.Thread} between runs, and whatever is there runs inside
 * every traced JVM. So it is used only when it is a real directory owned by this user and
 * writable by nobody else, and an entry is used only when its SHA-256 is the one this tool
 * recorded after the run that wrote it (the agent checks, before defining the class). Entries are
 * keyed by the agent jar's digest: another build of the agent never reads them.
 */
final class ClassCache {
    private static final long MAX_ENTRY = 4 << 20;
    private static final String MANIFEST_PREFIX = "digests-";

    private final Path directory;
    private final String key;
    private final String note;

    private ClassCache(Path directory, String key, String note) {
        this.directory = directory;
        this.key = key;
        this.note = note;
    }

    /**
     * @param ourUid the uid that must own the directory (ours)
     */
    static ClassCache open(Map<String, String> env, Path agentJar, int ourUid) {
        String xdg = env.get("XDG_CACHE_HOME");
        String home = env.get("HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home != null && !home.isBlank() ? Path.of(home, ".cache") : null;
        if (base == null) return none(null);
        Path dir = base.resolve("jthreadtrace");
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(base);
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> mode = attributes.permissions();
            if (!attributes.isDirectory() || owner != ourUid || mode.contains(PosixFilePermission.GROUP_WRITE)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                return none("class cache " + dir + " not used: it must be a directory owned by you and writable only by you"
                        + " (it is " + (attributes.isSymbolicLink() ? "a symbolic link" : !attributes.isDirectory() ? "not a directory"
                        : "owned by uid " + owner + ", mode " + PosixFilePermissions.toString(mode)) + ")");
            }
            if (dir.toString().contains(",")) return none(null); // the agent's argument is comma-separated
            return new ClassCache(dir, key(agentJar), null);
        } catch (IOException | RuntimeException e) {
            return none("class cache " + dir + " not used: " + e.getMessage());
        }
    }

    private static ClassCache none(String note) {
        return new ClassCache(null, null, note);
    }

    /** Why the cache is not used, when that is worth a line; null otherwise. */
    String note() {
        return note;
    }

    /** {@code ,CACHE_DIR,KEY,ENTRY=SHA256,...} for the agent, or empty (no cache). */
    String agentArgument() {
        if (directory == null) return "";
        StringBuilder arg = new StringBuilder(",").append(directory).append(',').append(key);
        recorded().forEach((entry, digest) -> arg.append(',').append(entry).append('=').append(digest));
        return arg.toString();
    }

    /** After a run: record the digest of each entry the agent wrote for this key that has none yet. */
    void recordNewEntries() {
        if (directory == null) return;
        Map<String, String> digests = recorded();
        int before = digests.size();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith("-" + key + ".class") || digests.containsKey(name)) continue;
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_ENTRY) continue;
                digests.put(name, sha256(f));
            }
            if (digests.size() == before) return;
            Path temp = Files.createTempFile(directory, "tmp", ".digests",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringBuilder text = new StringBuilder();
            digests.forEach((entry, digest) -> text.append(entry).append(' ').append(digest).append('\n'));
            Files.writeString(temp, text);
            Files.move(temp, directory.resolve(MANIFEST_PREFIX + key), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            // No digest recorded: the agent will not use the entry, and makes it again next time.
        }
    }

    /** The digests this tool recorded for this key: entry file name to SHA-256 (hex). */
    private Map<String, String> recorded() {
        Map<String, String> out = new LinkedHashMap<>();
        Path manifest = directory.resolve(MANIFEST_PREFIX + key);
        try {
            if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS) || Files.size(manifest) > 64 * 1024) return out;
            for (String line : Files.readAllLines(manifest)) {
                String[] parts = line.split(" ");
                if (parts.length == 2 && parts[0].matches("[A-Za-z0-9._+-]+\\.class") && parts[1].matches("[0-9a-f]{64}")) {
                    out.put(parts[0], parts[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return out;
    }

    /** Agent jar to its key (the first 16 hex digits of its SHA-256), made once per jar and run. */
    private static final Map<Path, String> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The cache key of this agent jar: {@link #prepareKey} lets a warm-up thread digest the jar
     * while the main thread parses the command line.
     */
    static String key(Path agentJar) throws IOException {
        try {
            return KEYS.computeIfAbsent(agentJar, jar -> {
                try {
                    return sha256(jar).substring(0, 16);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Computes the key ahead of time (a warm-up thread); a failure is left for {@link #key} to report. */
    static void prepareKey(Path agentJar) {
        try {
            key(agentJar);
        } catch (IOException | RuntimeException e) {
            // open() will try again and say what is wrong
        }
    }

    /** The agent's own SHA-256, so the tool never initialises the security providers either. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return dev.jthreadtrace.agent.Sha256.hex(in.readAllBytes());
        }
    }

    /** For tests: the entries the manifest names. */
    List<String> recordedEntries() {
        return directory == null ? List.of() : List.copyOf(recorded().keySet());
    }
}
