package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.agent.PreparedClasses;
import dev.jthreadtrace.sys.MountPoints;
import dev.jthreadtrace.sys.ProcStatus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The run's private directory (mode 0700, new for every run that starts a JVM, removed at its end), shared by the
 * tool and the agents of the traced JVMs: a copy of the agent jar (so a JVM's command line names a
 * short path of ours, never the installation's, which may hold a {@code =} or a {@code ,}), its
 * classes unpacked for the boot class path, the agent's options, the classes the tool prepared,
 * and the record file each agent writes. Nothing here outlives the run, so nothing a traced program
 * writes here reaches a later run.
 *
 * <p>The directory is held open from its creation to its removal, and everything the tool writes
 * after the traced command started (the prepared classes) goes through that descriptor, relative
 * to it, never following a link, into new files only: a path under {@code /tmp} can be deleted and
 * made again by anyone, and a write by name after the removal (a JVM that ended before the classes
 * were ready) once followed a {@code classes} link another user had planted there. After
 * {@link #close} begins nothing is written at all, and the directory is never made again.
 *
 * <p>Off the path of the traced command, on a thread of its own started with the directory, the
 * run marks it as this tool's ({@link RunKey}: so a later run may remove it if this one is killed)
 * and removes what killed tools left ({@link StaleRunDirectories}); {@link #close} waits for that
 * thread, which has had the whole run for a bounded task.
 */
final class AgentDirectory implements AutoCloseable {
    /** The jar's name is fixed: the agent's manifest names its boot class path relative to it. */
    static final String JAR = AgentOptions.JAR;
    /**
     * The agent's classes, unpacked: its manifest's {@code Boot-Class-Path}. A directory, not the
     * jar: the JVM opens a jar on its boot class path once and keeps it open without close-on-exec,
     * so every process the program starts outside the JDK's own launcher (a native {@code system()})
     * would inherit that descriptor; a directory's class files are opened, read and closed.
     */
    static final String BOOT = AgentOptions.BOOT;
    /** The socket {@code attach} listens on; the agent's {@code AttachWatch.SOCKET}. */
    static final String ATTACH_SOCKET = "attach.sock";
    /** Entries of ours, not the agents' records. */
    private static final Set<String> OWN = Set.of(JAR, AgentOptions.ATTACH_JAR, BOOT, AgentOptions.FILE, PreparedClasses.DIRECTORY,
            ATTACH_SOCKET);
    private static final long CAP_DAC_OVERRIDE = 1L << 1, CAP_DAC_READ_SEARCH = 1L << 2;

    private final Path path;
    private final int ownerUid;
    /** The directory itself, open since its creation: every later write is relative to it. */
    private final SecureDirectoryStream<Path> held;
    private boolean closed, removed, attachJarWritten;
    /** The mark's name once it is written (under the lock), removed last; null before. */
    private String mark;
    /** Marks the directory, then sweeps: started with the directory, joined at its removal. */
    private volatile Thread sweeper;
    private int tempFiles;
    /** The installation's agent jar as it was when the run began, for {@link #attachJar}. */
    private byte[] agentJar;
    /** The agent's options as written at the start, for the directories made in other JVMs' /tmp. */
    private byte[] options;
    /** The file names of the agent's classes in {@code boot}, linked into each launched JVM's own directory. */
    private List<String> bootClasses = List.of();

    private AgentDirectory(Path path, int ownerUid, SecureDirectoryStream<Path> held) {
        this.path = path;
        this.ownerUid = ownerUid;
        this.held = held;
    }

    /**
     * Makes the directory in the temp directory, writes the agent jar's copy, its classes (read and
     * inflated beforehand, {@link AgentFiles}) and the options; all before the first JVM that gets
     * the agent runs (made when one needs it, {@link AgentDirectoryOnDemand}). Not {@code createTempDirectory}: its
     * random name seeds SecureRandom (~35 ms of CPU at every start). The name ({@link RunDirectoryName})
     * holds random bits, so no one can guess it beforehand, and says whose it is, so that a later run
     * can remove it if this tool is killed before its end ({@link StaleRunDirectories}). {@code
     * createDirectory} is mkdir(2) with mode 0700: it fails if anything (a file, a link someone
     * planted) has the name, never following it, and then another name is tried.
     */
    static AgentDirectory create(AgentFiles files, AgentOptions options) throws IOException {
        Path tmp = temp();
        Path dir = null;
        for (int attempt = 0; dir == null; attempt++) {
            try {
                dir = ExactModes.newDirectory(tmp.resolve(RunDirectoryName.ofThisProcess().name()));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
        AgentDirectory directory;
        try {
            directory = new AgentDirectory(dir, (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS), open(dir));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        try {
            directory.agentJar = files.jar();
            directory.write(directory.held, dir, JAR, directory.agentJar);
            directory.options = options.encode().getBytes(StandardCharsets.UTF_8);
            directory.write(directory.held, dir, AgentOptions.FILE, directory.options);
            ExactModes.newDirectory(dir.resolve(PreparedClasses.DIRECTORY));
            writeBootClasses(files, ExactModes.newDirectory(dir.resolve(BOOT)));
            directory.bootClasses = List.copyOf(files.bootClasses().keySet());
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        directory.sweeper = Thread.ofPlatform().daemon().name("jthreadtrace-sweep").start(directory::markAndSweep);
        return directory;
    }

    /**
     * The sweeping thread's work: the user's key (read, or made on the first run), this directory's
     * mark (unless the run is ending already), then the sweep of killed tools' directories. No
     * key, no mark and no sweep: a killed tool's directory is then left to the system's cleaning
     * of /tmp, never removed unproven.
     */
    private void markAndSweep() {
        RunKey key = RunKey.ofUser(temp(), ownerUid);
        if (key == null) return;
        String name = key.markOf(path.getFileName().toString());
        synchronized (this) {
            if (closed) return;
            try {
                write(held, path, name, new byte[0]);
                mark = name;
            } catch (IOException | RuntimeException e) {
                // unmarked: if this tool is killed, its directory stays for the system's cleaning
            }
        }
        StaleRunDirectories.sweep(temp(), ownerUid, key);
    }

    private static Path temp() {
        return Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
    }

    /** The directory just made, held open; it must be the one made (same file), not whatever now has its name. */
    private static SecureDirectoryStream<Path> open(Path dir) throws IOException {
        BasicFileAttributes made = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
            stream.close();
            throw new IOException("this platform cannot write relative to an open directory");
        }
        Object key = secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        if (!made.isDirectory() || !Objects.equals(key, made.fileKey())) {
            secure.close();
            throw new IOException(dir + " changed while it was being made");
        }
        return secure;
    }

    /** The agent's own classes into {@code boot}: the boot class path its manifest names. */
    private static void writeBootClasses(AgentFiles files, Path boot) throws IOException {
        Path classes = boot;
        for (String name : AgentFiles.AGENT_CLASSES.split("/")) classes = ExactModes.newDirectory(classes.resolve(name));
        for (var entry : files.bootClasses().entrySet()) {
            ExactModes.give(Files.write(classes.resolve(entry.getKey()), entry.getValue(),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), ExactModes.FILE);
        }
    }

    Path path() {
        return path;
    }

    /**
     * The directory of the launched JVM {@code hostPid}'s own ({@link AgentOptions#ownDirectory}):
     * a hard link to the jar, and {@code boot/} of hard links to the agent's classes, which that
     * JVM's agent removes once it has loaded them (the boot class path's directory is a resource
     * root of every class loader: {@code getResource("/")} named it). One JVM's removal leaves
     * every other JVM's entry; what is missing is made again (a JVM relaunched with its parent's
     * option finds the {@code boot/} its parent's agent removed). Made by name, inside this 0700
     * directory, while it is open, each name new (mkdir and link follow no link at the new name).
     */
    synchronized Path forJvm(int hostPid) throws IOException {
        if (closed) throw new IOException("the run's directory is closed");
        Path own = madeDirectory(path.resolve(AgentOptions.ownDirectory(hostPid)));
        linked(own.resolve(JAR), path.resolve(JAR));
        Path classes = own;
        for (String part : (BOOT + "/" + AgentFiles.AGENT_CLASSES).split("/")) classes = madeDirectory(classes.resolve(part));
        Path shared = path.resolve(BOOT).resolve(AgentFiles.AGENT_CLASSES);
        for (String name : bootClasses) linked(classes.resolve(name), shared.resolve(name));
        return own;
    }

    /** {@code dir}, 0700 whatever the umask ({@link ExactModes}), or the directory already there. */
    private static Path madeDirectory(Path dir) throws IOException {
        try {
            return ExactModes.newDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) throw e;
        }
        return dir;
    }

    private static void linked(Path link, Path existing) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (FileAlreadyExistsException e) {
            // there from before: this JVM's pid had a directory already
        }
    }

    Path jar() {
        return path.resolve(JAR);
    }

    /**
     * The jar {@code attach} loads into a running JVM ({@link AttachJar}), written on the first
     * attach through the held directory, as a new file.
     */
    synchronized Path attachJar() throws IOException {
        if (closed) throw new IOException("the run's directory is closed");
        if (!attachJarWritten) {
            write(held, path, AgentOptions.ATTACH_JAR, AttachJar.of(agentJar));
            attachJarWritten = true;
        }
        return path.resolve(AgentOptions.ATTACH_JAR);
    }

    /**
     * For a JVM that cannot reach this directory ({@link #reachableFrom} is null): one of its own in
     * its /tmp, holding the same attach jar and options ({@link TargetDirectory}).
     */
    synchronized TargetDirectory forTarget(int pid) throws IOException {
        if (closed) throw new IOException("the run's directory is closed");
        return TargetDirectory.create(pid, AttachJar.of(agentJar), options);
    }

    /** Whether {@code name} is one of the directory's own entries rather than an agent's records. */
    static boolean isOwn(String name) {
        return OWN.contains(name) || RunKey.isMark(name) || name.startsWith(AgentOptions.OWN_DIRECTORY);
    }

    /**
     * A class the tool prepared for this run ({@code classes/NAME.class}, then {@code NAME.orig},
     * which the agent reads first): written into the {@code classes} directory made at the start,
     * reached from the held directory without following a link, each file new and then renamed in
     * place. False when the run's directory is closed, or {@code classes} is no longer a directory
     * of ours: nothing is written then.
     */
    synchronized boolean storePrepared(String internalName, byte[] original, byte[] transformed) {
        if (closed) return false;
        String base = internalName.replace('/', '.');
        try (SecureDirectoryStream<Path> classes = held.newDirectoryStream(Path.of(PreparedClasses.DIRECTORY), LinkOption.NOFOLLOW_LINKS)) {
            Path where = path.resolve(PreparedClasses.DIRECTORY);
            replace(classes, where, base + ".class", transformed);
            replace(classes, where, base + ".orig", original);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * After the classes: which runtime image they were made from ({@link PreparedClasses#IMAGE}), so
     * that a JVM running the same image file need not read its own class files to compare them.
     */
    synchronized boolean storePreparedImage(String identity) {
        if (closed) return false;
        try (SecureDirectoryStream<Path> classes = held.newDirectoryStream(Path.of(PreparedClasses.DIRECTORY), LinkOption.NOFOLLOW_LINKS)) {
            replace(classes, path.resolve(PreparedClasses.DIRECTORY), PreparedClasses.IMAGE, identity.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code name} in {@code dir} (at {@code where}) holding {@code bytes}: a new file, renamed over the name. */
    private void replace(SecureDirectoryStream<Path> dir, Path where, String name, byte[] bytes) throws IOException {
        Path temp = Path.of("tmp" + (tempFiles++) + ".part");
        write(dir, where, temp.toString(), bytes);
        dir.move(temp, dir, Path.of(name));
    }

    /**
     * A new file {@code name} in {@code dir} (O_CREAT|O_EXCL|O_NOFOLLOW, relative to the open
     * directory, which is at {@code where}), 0600 whatever the umask ({@link ExactModes}).
     */
    private void write(SecureDirectoryStream<Path> dir, Path where, String name, byte[] bytes) throws IOException {
        var mode = PosixFilePermissions.asFileAttribute(ExactModes.FILE);
        try (SeekableByteChannel out = dir.newByteChannel(Path.of(name), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), mode)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) out.write(buffer);
        }
        ExactModes.give(where.resolve(name), ExactModes.FILE);
    }

    /** Whether {@link #close} began: nothing may be written into the directory any more. */
    synchronized boolean closed() {
        return closed;
    }

    /** From now on nothing is written here; what is being written finishes first. */
    synchronized void stopWriting() {
        closed = true;
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

    /**
     * Stops all writing, then removes what the directory holds (links themselves, never what they
     * point to), reached through the held descriptor, its mark last (a tool killed meanwhile leaves
     * it provably ours), and the directory itself; then waits for the sweeping thread.
     */
    @Override
    public void close() {
        String markName;
        synchronized (this) {
            closed = true;
            if (removed) return;
            removed = true;
            markName = mark;
        }
        try {
            // Nothing is removed across a mount point a traced program (as root) made inside.
            if (!MountPoints.read().within(path)) {
                if (markName == null) TreeRemoval.empty(held, new int[] {0}, TreeRemoval.MAX_REMOVED, null);
                else TreeRemoval.emptyKeepingLast(held, new int[] {0}, TreeRemoval.MAX_REMOVED, Path.of(markName));
            }
        } catch (IOException | RuntimeException e) {
            // a leftover temp directory is not worth failing the run
        }
        try {
            held.close();
        } catch (IOException e) {
            // closed is closed
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException | RuntimeException e) {
            // not empty: something was left that could not be removed
        }
        awaitSweep();
    }

    /** The sweep's remainder, if the run was shorter than it: bounded ({@link StaleRunDirectories#MAX_ENTRIES}). */
    private void awaitSweep() {
        Thread thread = sweeper;
        if (thread == null) return;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
