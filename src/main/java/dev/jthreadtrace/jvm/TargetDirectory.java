package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.sys.DirectoryCalls;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code attach}'s directory for one JVM that cannot see the run's own ({@link AgentDirectory}):
 * one in another mount namespace (a container, {@code unshare --mount}, a private {@code /tmp}),
 * whose {@code /tmp} is reached through {@code /proc/PID/root/tmp}. It holds what the agent needs
 * there (the attach jar, its options, the socket the tool listens on) and what it writes (its
 * records), under the path the JVM itself uses, {@code /tmp/NAME}.
 *
 * <p>The target may be hostile and owns its {@code /tmp}: every step is one name relative to a
 * directory held open ({@link DirectoryCalls}), never following a link, into a directory new for
 * this attach (mkdirat fails if the name exists), owned by the uid/gid the JVM runs with as the
 * host sees them (a user namespace's are mapped there already) with mode 0700, files 0600. The
 * tool reads it back through its own descriptor ({@code /proc/self/fd/N}), so a link planted for
 * {@code /tmp} later changes nothing, and removes everything in it, then it, at the end.
 */
final class TargetDirectory implements AutoCloseable {
    private final String name;
    private final int tmpFd;
    private final int dirFd;
    private final int uid, gid;
    private boolean closed;

    private TargetDirectory(String name, int tmpFd, int dirFd, int uid, int gid) {
        this.name = name;
        this.tmpFd = tmpFd;
        this.dirFd = dirFd;
        this.uid = uid;
        this.gid = gid;
    }

    /** Makes the directory in {@code pid}'s {@code /tmp} and writes the attach jar and options into it. */
    static TargetDirectory create(int pid, byte[] attachJar, byte[] options) throws IOException {
        ProcStatus status = ProcStatus.of(pid);
        if (status == null) throw new IOException("process " + pid + " is gone");
        int uid = fsId(status.text("Uid")), gid = fsId(status.text("Gid"));
        int rootFd = -1, tmpFd = -1;
        try {
            rootFd = DirectoryCalls.openDirectory("/proc/" + pid + "/root");
            tmpFd = openTmp(rootFd, pid);
            String name = makeDirectory(tmpFd);
            int dirFd = DirectoryCalls.openDirectoryAt(tmpFd, name);
            TargetDirectory made = new TargetDirectory(name, tmpFd, dirFd, uid, gid);
            tmpFd = -1;
            try {
                DirectoryCalls.chown(dirFd, uid, gid);
                DirectoryCalls.writeNewFileAt(dirFd, AgentOptions.ATTACH_JAR, attachJar, 0600, uid, gid);
                DirectoryCalls.writeNewFileAt(dirFd, AgentOptions.FILE, options, 0600, uid, gid);
            } catch (ErrnoException e) {
                made.close();
                throw e;
            }
            return made;
        } catch (ErrnoException e) {
            throw new IOException("/proc/" + pid + "/root/tmp: " + e.getMessage(), e);
        } finally {
            closeQuietly(rootFd);
            closeQuietly(tmpFd);
        }
    }

    /**
     * The target's /tmp, never through a symbolic link (the program could point it anywhere): when it
     * is one, the error says so rather than the kernel's ENOTDIR.
     */
    private static final int ELOOP = 40;

    private static int openTmp(int rootFd, int pid) throws IOException {
        try {
            return DirectoryCalls.openDirectoryAt(rootFd, "tmp");
        } catch (ErrnoException e) {
            if ((e.errno() == Errno.ENOTDIR || e.errno() == ELOOP) && Files.isSymbolicLink(Path.of("/proc/" + pid + "/root/tmp"))) {
                throw new IOException("its /tmp is a symbolic link, not followed on purpose (the program could point it anywhere)", e);
            }
            throw e;
        }
    }

    /** A new directory in the target's /tmp, 0700, its name unguessable; another name is tried when one is taken. */
    private static String makeDirectory(int tmpFd) throws IOException {
        String prefix = "jthreadtrace-attach-" + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            String name = prefix + RunDirectoryName.ofThisProcess().random();
            try {
                DirectoryCalls.makeDirectoryAt(tmpFd, name, 0700);
                return name;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST || attempt >= 100) throw e;
            }
        }
    }

    /** The ids a JVM runs with as the host sees them, when it runs in another user namespace than the tool. */
    record UserOutside(int uid, int gid) {}

    /**
     * The JVM's file-system uid and gid as the host sees them when it lives in another user
     * namespace than the tool (a rootless container): the tool must then speak to it as that user
     * ({@link dev.jthreadtrace.sys.ThreadCredentials}). Null in the same user namespace, in one that
     * maps the tool's own uid (a peer it knows already), or when it cannot be read.
     */
    static UserOutside inOtherUserNamespace(int pid) {
        try {
            Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
            if (own.equals(Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "ns", "user")))) return null;
            // Host root mapped there (uid_map "0 0 1" beside a range) is a peer the JVM accepts as it
            // is, with the capabilities its /proc/PID/root/tmp needs; taking the JVM's uid would lose them.
            // The kernel gives the outside ids in the reader's own namespace: the tool's uid as it is.
            if (uidMap(pid).mapsOutside(effectiveUid())) return null;
            ProcStatus status = ProcStatus.of(pid);
            return status == null ? null : new UserOutside(fsId(status.text("Uid")), fsId(status.text("Gid")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code /proc/PID/uid_map}; one that cannot be read maps nothing (the JVM's own uid is taken, as before). */
    private static UidMap uidMap(int pid) {
        try {
            return new UidMap(Files.readString(Path.of("/proc", Integer.toString(pid), "uid_map")));
        } catch (IOException | RuntimeException e) {
            return new UidMap("");
        }
    }

    /** The tool's effective uid, the second of its status line's four. */
    private static long effectiveUid() throws IOException {
        String[] ids = ProcStatus.self().text("Uid").split("\\s+");
        try {
            return Long.parseLong(ids[1]);
        } catch (RuntimeException e) {
            throw new IOException("cannot read the tool's own uid");
        }
    }

    /** The file-system id, the last of a status line's four ("Uid:\t1000\t1000\t1000\t1000"). */
    private static int fsId(String line) throws IOException {
        String[] ids = line.split("\\s+");
        try {
            return Integer.parseInt(ids[ids.length - 1]);
        } catch (NumberFormatException e) {
            throw new IOException("cannot read the ids it runs with");
        }
    }

    /** The directory as the JVM names it, in its own mount namespace. */
    String targetPath() {
        return "/tmp/" + name;
    }

    /** The same directory for the tool, through the descriptor it holds. */
    Path hostPath() {
        return Path.of("/proc/self/fd/" + dirFd);
    }

    /** The socket the agent connects to; owned by the JVM's ids once bound, so it may connect. */
    Path socket() {
        return hostPath().resolve(AgentDirectory.ATTACH_SOCKET);
    }

    /** After the bind: the socket file belongs to the JVM's ids (connecting needs write permission on it). */
    void socketBound() throws IOException {
        try {
            DirectoryCalls.chownAt(dirFd, AgentDirectory.ATTACH_SOCKET, uid, gid);
        } catch (ErrnoException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Removes what the directory holds (entries themselves, never what links name), then the directory. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(hostPath())) {
            for (Path p : entries) {
                if (names.size() >= 100_000) break;
                names.add(p.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            // what cannot be listed cannot be removed
        }
        for (String entry : names) {
            try {
                DirectoryCalls.unlinkAt(dirFd, entry, false);
            } catch (ErrnoException e) {
                try {
                    DirectoryCalls.unlinkAt(dirFd, entry, true); // an empty directory the JVM made
                } catch (ErrnoException again) {
                    // left, like anything the target made unremovable
                }
            }
        }
        try {
            DirectoryCalls.unlinkAt(tmpFd, name, true);
        } catch (ErrnoException e) {
            // not empty, or renamed by the target: nothing more is ours to remove
        }
        closeQuietly(dirFd);
        closeQuietly(tmpFd);
    }

    private static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            dev.jthreadtrace.sys.Libc.close(fd);
        } catch (ErrnoException e) {
            // closed is closed
        }
    }
}
