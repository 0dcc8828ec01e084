package dev.jthreadtrace.agent;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The JVM's record file. Its first {@link #APPENDS_BEFORE_MAPPING} writes are appended by system
 * calls (a directory check, an open, a write and a close, the open two ptrace stops under the
 * trace), which cost a platform thread more than its own start did; later ones are copied into a
 * shared mapping of the file, with no system call. Either way a record is in the file (the
 * kernel's page cache) at once, and stays there when the JVM is killed by SIGKILL or ended by
 * {@code Runtime.halt}.
 *
 * <p>The file grows by chunks (64 KiB, doubling up to 1 MiB, each starting where the records end,
 * so a write is never split), each filled with zeros by a write before it is mapped: its blocks are allocated then, so a full file system fails that write
 * rather than a store into the mapping (SIGBUS). The tool reads up to the first NUL byte (no
 * record holds one: {@link RecordField} escapes it); a write copies all its bytes but the first,
 * then, after a fence, the first, so the tool sees a write's bytes whole or not yet. No descriptor
 * stays open (a mapping needs none: the JDK opens files without close-on-exec, and a descriptor
 * kept open would be inherited by every process the program starts natively), and a mapping is
 * not inherited across an exec.
 *
 * <p>A chunk is mapped only while the run's directory is still the one the agent found at its
 * start, and opened without following a link: a directory under /tmp that the tool removed can be
 * made again by anyone, with a link where the file was. A mapping already made stays the file's
 * own, whatever happens to its name. Created owner-only (0600) by the open itself, whatever the
 * program's umask ({@link #open}).
 */
final class RecordFile {
    private static final int S_IFMT = 0170000, S_IFDIR = 0040000;
    private static final int FIRST_CHUNK = 64 * 1024, MAX_CHUNK = 1 << 20;
    /** The tool reads no more of a file (AgentFile.MAX_BYTES): past it nothing is mapped. */
    private static final long MAX_BYTES = 256L << 20;
    /**
     * Writes made by system calls before the file is mapped: the first mapping costs a JVM ~40 ms of
     * CPU (the JDK's memory-segment classes, method handles spun), a write by system calls tens of
     * microseconds untraced and ~0.5 ms traced (the open is two ptrace stops). A JVM that starts a
     * few threads (most records are then written at its start and exit) never maps it; one that
     * starts many pays the mapping once.
     */
    static final int APPENDS_BEFORE_MAPPING = 64;
    private int appended;
    /** Where the records end, once the first write found it (appended writes only). */
    private long end = -1;
    /** One set, not one per write (the varargs form copies its options into a new set each time). */
    private static final Set<OpenOption> READ_WRITE = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
    /** rw-------: the records are the tool's and the user's, as the run's 0700 directory. */
    private static final Set<PosixFilePermission> READ_WRITE_BY_OWNER = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(READ_WRITE_BY_OWNER);
    private static final int OWNER_READ_WRITE = 0600;
    private static final byte[] ZEROS = new byte[16 * 1024];
    private final Path directory;
    private final Path file;
    private final Object directoryKey;
    private boolean gone;
    /** Whether the file was seen readable and writable by its owner (given that once, when the umask took it). */
    private boolean ownersMode;
    /** The chunk being filled, the bytes of it used, and the file offset where it starts. */
    private ByteBuffer chunk;
    private int used;
    private long chunkStart = -1;

    RecordFile(Path directory, String name) throws IOException {
        this.directory = directory;
        this.file = directory.resolve(name);
        this.directoryKey = key(directory);
    }

    /**
     * The directory's device, inode, owner and mode, from one stat. Not the inode alone: a
     * directory removed and made again by name gets the same inode number at once (ext4), and
     * anyone may make one under /tmp; another user's is never the tool's user's, 0700.
     */
    private static Object key(Path directory) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(directory, "unix:dev,ino,uid,mode", LinkOption.NOFOLLOW_LINKS);
        Object mode = attributes.get("mode");
        if (!(mode instanceof Integer m) || (m & S_IFMT) != S_IFDIR) throw new IOException(directory + " is no directory");
        return attributes;
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        if (gone) throw new IOException("the run's directory " + directory + " is gone");
        if (length == 0) return;
        if (chunk == null && appended < APPENDS_BEFORE_MAPPING) {
            appended++;
            append(bytes, offset, length);
            return;
        }
        if (chunk == null || length > chunk.capacity() - used) mapNext(length);
        if (length > 1) chunk.put(used + 1, bytes, offset + 1, length - 1);
        // The tool stops at the first NUL: these bytes must be in place before the one that lets it read them.
        VarHandle.fullFence();
        chunk.put(used, bytes[offset]);
        used += length;
    }

    /**
     * One write by system calls: the directory checked, the file opened, written where the records
     * end and closed. Not with O_APPEND: a JVM attached to again may find a mapped chunk's room
     * (NUL bytes) at the file's end, which the tool does not read past.
     */
    private void append(byte[] bytes, int offset, int length) throws IOException {
        checkDirectory();
        try (FileChannel channel = open()) {
            if (end < 0) end = dataEnd(channel);
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) channel.write(buffer, end + buffer.position() - offset);
            end += length;
        }
    }

    /**
     * The file opened for reading and writing, made if absent. The open that makes it gives it 0600
     * less the program's umask, which is the program's own (never changed): under {@code umask 0277}
     * or {@code 0777} it was 0400 or 0000, and neither the agent's next open nor the tool could read
     * it (no Java view). So the first open looks at its mode (one lstat per JVM) and gives the owner
     * read and write when they lack: by name, in the run's 0700 directory, where only the user, whose
     * file it is, could have put a link.
     */
    private FileChannel open() throws IOException {
        FileChannel channel = FileChannel.open(file, READ_WRITE, OWNER_ONLY);
        if (!ownersMode) {
            try {
                if (Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer mode
                        && (mode & OWNER_READ_WRITE) != OWNER_READ_WRITE) {
                    Files.setPosixFilePermissions(file, READ_WRITE_BY_OWNER);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            ownersMode = true;
        }
        return channel;
    }

    private void checkDirectory() throws IOException {
        if (gone || !directoryKey.equals(key(directory))) {
            gone = true; // removed (or replaced): never written again
            throw new IOException("the run's directory " + directory + " is gone");
        }
    }

    /**
     * Maps a chunk of at least {@code needed} bytes where the records end: at first after what the
     * file holds already (a JVM attached again, a pid used again), then over the room left in the
     * chunk before (a write is never split: nothing of one the next chunk refused is written).
     */
    private void mapNext(int needed) throws IOException {
        checkDirectory();
        try (FileChannel channel = open()) {
            long start = chunk != null ? chunkStart + used : end >= 0 ? end : dataEnd(channel);
            int size = Math.max(needed, chunk == null ? FIRST_CHUNK : Math.min(MAX_CHUNK, chunk.capacity() * 2));
            if (start + size > MAX_BYTES) {
                gone = true;
                throw new IOException("the record file is full");
            }
            // In small pieces: a chunk-sized array could be more than a small heap has room for (-Xmx4m).
            for (long at = start; at < start + size; ) {
                at += channel.write(ByteBuffer.wrap(ZEROS, 0, (int) Math.min(ZEROS.length, start + size - at)), at);
            }
            // Through a segment: FileChannel.map's own buffer is made by reflection, whose first use spins
            // method handles (~100 ms of CPU in every JVM); a segment's view is made without.
            chunk = channel.map(FileChannel.MapMode.READ_WRITE, start, size, Arena.ofAuto()).asByteBuffer();
            chunkStart = start;
            used = 0;
        }
    }

    /** Where the records in the file end: its first NUL byte (the room an earlier agent in this JVM left), else its end. */
    private static long dataEnd(FileChannel channel) throws IOException {
        ByteBuffer block = ByteBuffer.wrap(ZEROS.clone());
        long at = 0;
        for (int n; at < MAX_BYTES && (n = channel.read(block.clear(), at)) > 0; at += n) {
            for (int i = 0; i < n; i++) {
                if (block.get(i) == 0) return at + i;
            }
        }
        return at;
    }
}
