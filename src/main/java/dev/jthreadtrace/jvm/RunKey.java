package dev.jthreadtrace.jvm;

import dev.jthreadtrace.sys.DirectoryCalls;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.Libc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The user's key that proves a run directory was made by this tool: each run puts in its directory
 * an empty file named {@code mark-} and a keyed hash (HMAC-SHA256, 128 bits) of the directory's
 * name, and the sweep of killed tools' directories ({@link StaleRunDirectories}) removes only a
 * directory holding the mark of its own name. Anyone can make a directory of a dead tool's name in
 * {@code /tmp} (a traced program did, 64 of them with 20 000 files each, and every later run paid
 * seconds to delete them); without the key its mark cannot be made, and a mark copied from a real
 * directory names another directory. The hash is in the mark's name, not in a file to read: the
 * sweep checks a candidate with one {@code fstatat}, and never opens what a program may have put
 * there (a FIFO would block).
 *
 * <p>The key, 32 bytes from the kernel, is {@code TMP/jthreadtrace-key-UID/key}: a directory of
 * the user's, mode 0700 (one of another user's, a link, or one others may read: no key), the file
 * 0600, made once as a new file and linked into place (two first runs at once agree on one), read
 * without following a link or waiting on a FIFO, refused unless it is a regular file of the user's
 * that no one else can read. It lives and dies with the directories it vouches for (a reboot that
 * empties {@code /tmp} takes both). A program running as the same user can read it (so it could
 * still make marks): what such a forgery can cost a later run is the sweep's budget.
 *
 * <p>The hash is {@link HmacSha256}, the tool's own: the JDK's Mac loaded the security providers.
 */
final class RunKey {
    static final String DIRECTORY_PREFIX = "jthreadtrace-key-", FILE = "key", MARK_PREFIX = "mark-";
    static final int BYTES = 32;
    /** Hex digits of the hash in a mark's name: 128 bits. */
    private static final int MARK_HEX = 32;
    private static final Pattern MARK = Pattern.compile(Pattern.quote(MARK_PREFIX) + "[0-9a-f]{" + MARK_HEX + "}");

    private final HmacSha256 mac;

    private RunKey(byte[] key) {
        mac = new HmacSha256(key);
    }

    /** Whether {@code name} has the form of a mark (said of an entry in the run's own directory: not an agent's record). */
    static boolean isMark(String name) {
        return MARK.matcher(name).matches();
    }

    /** The mark's name for the run directory named {@code directoryName}. */
    String markOf(String directoryName) {
        byte[] hash = mac.of(directoryName.getBytes(StandardCharsets.UTF_8));
        return MARK_PREFIX + HexFormat.of().formatHex(hash, 0, MARK_HEX / 2);
    }

    /** User {@code uid}'s key under {@code tmp}, made now if it has none yet; null when none can be had (nothing is then marked or swept). */
    static RunKey ofUser(Path tmp, int uid) {
        try {
            Path directory = ownDirectory(tmp.resolve(DIRECTORY_PREFIX + uid), uid);
            if (directory == null) return null;
            Path file = directory.resolve(FILE);
            byte[] key = read(file, uid);
            if (key == null) key = make(directory, file, uid);
            return key == null ? null : new RunKey(key);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The key's directory, made 0700 if absent; null unless it is a real directory of {@code uid} that no one else can use. */
    private static Path ownDirectory(Path directory, int uid) throws IOException {
        try {
            ExactModes.newDirectory(directory);
        } catch (FileAlreadyExistsException e) {
            // made by an earlier run, or by someone else: checked below
        }
        Map<String, Object> seen = Files.readAttributes(directory, "unix:uid,mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
        boolean ours = Boolean.TRUE.equals(seen.get("isDirectory")) && Objects.equals(seen.get("uid"), uid)
                && ((Integer) seen.get("mode") & 077) == 0;
        return ours ? directory : null;
    }

    /**
     * The key in {@code file}, or null when there is none. Opened O_NOFOLLOW|O_NONBLOCK (a FIFO put
     * there opens at once, then is refused), then judged by what was opened ({@code /proc/self/fd/N}
     * is that very file): a regular file of {@code uid}, no one else's to read, of the key's size.
     */
    private static byte[] read(Path file, int uid) throws IOException {
        int fd;
        try {
            fd = DirectoryCalls.openFileWithoutWaiting(file.toString());
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        try {
            Path opened = Path.of("/proc/self/fd/" + fd);
            Map<String, Object> seen = Files.readAttributes(opened, "unix:uid,mode,size,isRegularFile");
            if (!Boolean.TRUE.equals(seen.get("isRegularFile")) || !Objects.equals(seen.get("uid"), uid)
                    || ((Integer) seen.get("mode") & 077) != 0 || !Objects.equals(seen.get("size"), (long) BYTES)) {
                throw new IOException(file + " is not a key of the user's alone");
            }
            byte[] key = Files.readAllBytes(opened);
            if (key.length != BYTES) throw new IOException(file + " changed while it was read");
            return key;
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * A new key: written to a new file of its own (O_EXCL, 0600), then linked to {@code file}, which
     * fails if another run made one first; that one is then read. The key never has its name while
     * it is partly written.
     */
    private static byte[] make(Path directory, Path file, int uid) throws IOException {
        byte[] key = KernelRandom.bytes(BYTES);
        Path temp = directory.resolve(FILE + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(KernelRandom.bytes(8)));
        try {
            try (SeekableByteChannel out = Files.newByteChannel(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buffer = ByteBuffer.wrap(key);
                while (buffer.hasRemaining()) out.write(buffer);
            }
            ExactModes.give(temp, ExactModes.FILE);
            try {
                Files.createLink(file, temp);
                return key;
            } catch (FileAlreadyExistsException e) {
                return read(file, uid);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
