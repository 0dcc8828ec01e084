package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.agent.PreparedClasses;
import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The run's private directory (mode 0700, new for every run, removed at its end), shared by the
 * tool and the agents of the traced JVMs: a copy of the agent jar (so a JVM's command line names a
 * short path of ours, never the installation's, which may hold a {@code =} or a {@code ,}), the
 * agent's options, the classes the tool prepared, and the record file each agent writes. Nothing
 * here outlives the run, so nothing a traced program writes here reaches a later run.
 */
final class AgentDirectory implements AutoCloseable {
    /** The jar's name is fixed: its manifest's Boot-Class-Path names it, relative to its directory. */
    static final String JAR = "jthreadtrace-agent.jar";
    /** The socket {@code attach} listens on; the agent's {@code AttachWatch.SOCKET}. */
    static final String ATTACH_SOCKET = "attach.sock";
    /** Entries of ours, not the agents' records. */
    private static final Set<String> OWN = Set.of(JAR, AgentOptions.FILE, PreparedClasses.DIRECTORY, ATTACH_SOCKET);
    private static final long CAP_DAC_OVERRIDE = 1L << 1, CAP_DAC_READ_SEARCH = 1L << 2;

    private final Path path;
    private final int ownerUid;

    private AgentDirectory(Path path, int ownerUid) {
        this.path = path;
        this.ownerUid = ownerUid;
    }

    /**
     * Makes the directory in the temp directory, copies the agent jar in and writes the options.
     * Not {@code createTempDirectory}: its random name seeds SecureRandom (~35 ms of CPU at every
     * start). The name need not be secret, only new: {@code createDirectory} fails if anything (a
     * file, a link someone planted) has it, and then another name is tried.
     */
    static AgentDirectory create(Path agentJar, AgentOptions options) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        String pid = Files.readSymbolicLink(Path.of("/proc/self")).toString();
        Path dir = null;
        for (int attempt = 0; dir == null; attempt++) {
            try {
                dir = Files.createDirectory(tmp.resolve("jthreadtrace-" + pid + "-" + Long.toHexString(System.nanoTime())), mode);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
        AgentDirectory directory = new AgentDirectory(dir, (Integer) Files.getAttribute(dir, "unix:uid"));
        try {
            Files.copy(agentJar, dir.resolve(JAR), StandardCopyOption.COPY_ATTRIBUTES);
            Files.writeString(dir.resolve(AgentOptions.FILE), options.encode());
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        return directory;
    }

    Path path() {
        return path;
    }

    Path jar() {
        return path.resolve(JAR);
    }

    /** Whether {@code name} is one of the directory's own entries rather than an agent's records. */
    static boolean isOwn(String name) {
        return OWN.contains(name);
    }

    /**
     * The path under which process {@code pid} finds this directory, or null when it cannot: its
     * mount namespace may have a /tmp of its own (systemd's PrivateTmp, bwrap, a container), where
     * the same path names another directory or none. (A path through {@code /proc/TOOLPID/root}
     * would reach ours, but the JVM canonicalises the agent's path and then fails to start.)
     */
    String reachableFrom(int pid) {
        try {
            return Files.isSameFile(Path.of("/proc/" + pid + "/root" + path, JAR), jar()) ? path.toString() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Why process {@code pid} could not read and write this directory (mode 0700, ours), or null
     * when it can: it runs with our file-system uid, or as root with the capability to pass file
     * permissions.
     */
    String unreadableBy(int pid) {
        ProcStatus status = ProcStatus.of(pid);
        if (status == null) return "it is gone";
        String[] uids = status.text("Uid").split("\\s+");
        int fsUid;
        try {
            fsUid = Integer.parseInt(uids[uids.length - 1]);
        } catch (NumberFormatException e) {
            return "its uid cannot be read";
        }
        if (fsUid == ownerUid) return null;
        if (fsUid == 0 && (status.hex("CapEff", 0) & (CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH)) == (CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH)) {
            return null;
        }
        return "it runs as uid " + fsUid + ", which cannot use the agent's private directory (uid " + ownerUid + ", mode 0700)";
    }

    /** Removes the directory and whatever the traced programs left in it (links themselves, not what they point to). */
    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException | RuntimeException e) {
            // a leftover temp directory is not worth failing the run
        }
    }
}
