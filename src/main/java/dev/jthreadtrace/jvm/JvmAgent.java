package dev.jthreadtrace.jvm;

import dev.jthreadtrace.event.JavaRecord;

import dev.jthreadtrace.model.ProcessInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tool's side of the JVM layer: puts the bundled agent into every traced JVM (on the JDK
 * launcher's command line, or through {@code JAVA_TOOL_OPTIONS}), gives it a private directory
 * (0700) to write to, and afterwards reads what it wrote, joins it to the model and removes the
 * directory.
 */
public final class JvmAgent implements AutoCloseable {
    public static final String AGENT_JAR = "jthreadtrace-agent.jar";
    private final Path agentJar;
    private final Path directory;
    /** Remarks made while preparing (e.g. a class cache not used), reported with the others. */
    private final List<String> notes = new ArrayList<>();
    private ClassCache cache;
    private LiveJavaNames liveNames;
    private int stackDepth = 8;
    private boolean jdkFrames;
    private boolean virtualStacks;
    /** Threads running in JVMs the tool attached to ({@code attach}), from their thread dumps. */
    private final List<JavaRecord> existing = new ArrayList<>();
    /**
     * attach: the socket each agent loaded into a running JVM holds open ({@code AttachWatch} in the
     * agent); closing our side, or our death, stops it.
     */
    private java.nio.channels.ServerSocketChannel attachSocket;
    private final Map<Integer, java.nio.channels.SocketChannel> loadedInto = new LinkedHashMap<>();
    /** The running JVMs the tool connected to: each started an Attach Listener for it. */
    private final List<Integer> connectedTo = new ArrayList<>();
    /** The running JVMs the tool tried to attach to: each had its note already, if it failed. */
    private final java.util.Set<Integer> attachTried = new java.util.HashSet<>();

    private JvmAgent(Path agentJar, Path directory) {
        this.agentJar = agentJar;
        this.directory = directory;
    }

    /** Prepares the directory; the agent jar is the one built beside the tool's jar (or classes). */
    public static JvmAgent prepare(Path agentJar) throws IOException {
        if (!Files.isRegularFile(agentJar)) throw new IOException("agent jar not found: " + agentJar);
        return new JvmAgent(agentJar, privateDirectory());
    }

    /**
     * A new directory of ours, mode 0700, in the temp directory. Not {@code createTempDirectory}:
     * its random name seeds SecureRandom (~35 ms of CPU at every start). The name need not be
     * secret, only new: {@code createDirectory} fails if anything (a file, a link someone planted)
     * has it, and then another name is tried; its permissions are set as it is made.
     */
    private static Path privateDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        String pid = Files.readSymbolicLink(Path.of("/proc/self")).toString();
        for (int attempt = 0; ; attempt++) {
            Path dir = tmp.resolve("jthreadtrace-" + pid + "-" + Long.toHexString(System.nanoTime()));
            try {
                return Files.createDirectory(dir, mode);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }

    /**
     * Work that can run on a second core before the trace starts (the agent jar's cache key, whose
     * digest initialises the security providers); nothing observable.
     */
    public static void warmUp() {
        Path jar = defaultAgentJar();
        if (Files.isRegularFile(jar)) ClassCache.prepareKey(jar);
    }

    /**
     * Where the agent jar is: as the launcher names it ({@code -Djthreadtrace.agent.jar}), else
     * beside the jar (or the classes directory) this class came from, else beside the class path.
     */
    public static Path defaultAgentJar() {
        String named = System.getProperty("jthreadtrace.agent.jar");
        if (named != null && !named.isBlank()) return Path.of(named);
        try {
            var source = JvmAgent.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                return Path.of(source.getLocation().toURI()).getParent().resolve(AGENT_JAR);
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            // fall through to the class path
        }
        String classPath = System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)[0];
        return Path.of(classPath).toAbsolutePath().getParent().resolve(AGENT_JAR);
    }

    /**
     * The default route: the tracer adds {@code -javaagent:...} to the command line of every JDK
     * launcher the traced command execs ({@code java}, or {@code -J-javaagent:...} for {@code javac},
     * {@code jshell}...). The environment stays the user's, so no JVM prints "Picked up
     * JAVA_TOOL_OPTIONS" and the program's output is its own.
     */
    public ExecArguments execArguments(Map<String, String> environment) {
        return new JdkLaunchers(agentOption(environment), agentJar);
    }

    /**
     * The fallback route ({@code --jvm env}), for JVMs started by launchers the tracer cannot
     * recognise: the user's JAVA_TOOL_OPTIONS plus our -javaagent, quoted, so paths with spaces (the
     * install directory, $HOME, $XDG_CACHE_HOME) stay one option. Every JVM then prints "Picked up
     * JAVA_TOOL_OPTIONS" on stderr.
     */
    public Map<String, String> environment(Map<String, String> base) {
        Map<String, String> env = new LinkedHashMap<>(base);
        String agent = quoted(agentOption(base));
        if (agent == null) {
            notes.add("no Java-level view: the agent's path " + agentJar + " holds both kinds of quote");
            return env;
        }
        String existing = base.get("JAVA_TOOL_OPTIONS");
        env.put("JAVA_TOOL_OPTIONS", existing == null || existing.isBlank() ? agent : existing + " " + agent);
        return env;
    }

    /** Creation stacks: how many frames (0: none), and whether the JDK's frames above the application's stay. */
    public void creationStacks(int depth, boolean keepJdkFrames, boolean ofVirtualThreads) {
        this.stackDepth = depth;
        this.jdkFrames = keepJdkFrames;
        this.virtualStacks = ofVirtualThreads;
    }

    /** {@code -javaagent:JAR=RECORDS_DIR[,CACHE...],+stack=N[,+stackall]}; opens the class cache the first time. */
    private String agentOption(Map<String, String> environment) {
        return "-javaagent:" + agentJar + "=" + agentArguments(environment);
    }

    /** The agent's own arguments: {@code RECORDS_DIR[,CACHE...],+stack=N[,+stackall][,+vstack]}. */
    private String agentArguments(Map<String, String> environment) {
        if (cache == null) {
            cache = ClassCache.open(environment, agentJar, ourUid());
            if (cache.note() != null) notes.add(cache.note());
        }
        return directory + cache.agentArgument() + ",+stack=" + stackDepth
                + (jdkFrames ? ",+stackall" : "") + (virtualStacks ? ",+vstack" : "");
    }

    /**
     * {@code attach}: loads the agent into the running JVM {@code pid} (JDK 25+) and takes the
     * Java names and OS tids of the threads it already has from its thread dump. Blocks for as
     * long as the JVM takes to answer: call it off the consumer thread. Safe from any thread.
     * Without the socket the agent ties itself to, the thread dump's names only.
     */
    public void attachToRunningJvm(int pid) {
        String arguments = null;
        synchronized (this) {
            try {
                if (attachSocket == null) {
                    attachSocket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
                    attachSocket.bind(java.net.UnixDomainSocketAddress.of(directory.resolve(ATTACH_SOCKET)));
                    attachSocket.configureBlocking(false);
                }
                arguments = agentArguments(System.getenv()) + ",+attached";
            } catch (IOException | RuntimeException e) {
                notes.add("no agent for JVM " + pid + " (cannot listen on " + directory.resolve(ATTACH_SOCKET) + ": "
                        + e.getMessage() + "): names of the threads it had, kernel view of the new ones");
            }
        }
        JvmAttach.Result result = JvmAttach.attach(pid, arguments != null ? agentJar : null, arguments);
        synchronized (this) {
            existing.addAll(result.existing());
            notes.addAll(result.notes());
            attachTried.add(pid);
            if (result.connected()) connectedTo.add(pid);
            if (result.agentLoaded()) {
                // The agent connected during loadAgent (its agentmain has returned): take the connection.
                java.nio.channels.SocketChannel channel = acceptWithin(2_000);
                if (channel != null) loadedInto.put(pid, channel);
                else notes.add("the agent in JVM " + pid + " did not connect back: it stopped at once");
            }
        }
    }

    /** The socket's name in the records directory; the agent's {@code AttachWatch.SOCKET}. */
    private static final String ATTACH_SOCKET = "attach.sock";

    private java.nio.channels.SocketChannel acceptWithin(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            while (System.nanoTime() < deadline) {
                java.nio.channels.SocketChannel channel = attachSocket.accept();
                if (channel != null) return channel;
                Thread.sleep(5);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /**
     * After an attach's detach: the agent in each JVM it was loaded into stops and restores the
     * JVM's own classes, then its last records are read. JVMs that exited meanwhile need nothing.
     */
    public synchronized void stopInRunningJvms() {
        loadedInto.forEach((pid, channel) -> {
            if (!stopped(channel) && Files.exists(Path.of("/proc", Integer.toString(pid)))) {
                notes.add("the agent in JVM " + pid + " did not confirm it stopped within 5 s: its last records may be missing");
            }
        });
        loadedInto.clear();
    }

    /** Shuts our side (the agent stops, restores the JVM's classes) and waits up to 5 s for its "stopped". */
    private static boolean stopped(java.nio.channels.SocketChannel channel) {
        try (channel) {
            channel.shutdownOutput();
            channel.configureBlocking(false);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64);
            long deadline = System.nanoTime() + 5_000_000_000L;
            StringBuilder answer = new StringBuilder();
            while (System.nanoTime() < deadline) {
                int n = channel.read(buffer);
                if (n < 0) break;
                if (n == 0) {
                    Thread.sleep(5);
                    continue;
                }
                answer.append(new String(buffer.array(), 0, buffer.position(), java.nio.charset.StandardCharsets.US_ASCII));
                buffer.clear();
            }
            return answer.toString().startsWith("stopped");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One option for JAVA_TOOL_OPTIONS, which the JVM splits at white space unless quoted (single
     * or double quotes, no escapes inside); null when the text holds both quotes.
     */
    static String quoted(String option) {
        if (!option.contains("\"")) return "\"" + option + "\"";
        if (!option.contains("'")) return "'" + option + "'";
        return null;
    }

    /** The uid that owns what we create: the agent's private directory is ours. */
    private int ourUid() {
        try {
            return (Integer) Files.getAttribute(directory, "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1; // no cache then: nothing matches
        }
    }

    /** Java names for the live lines, read from the agents' files as the trace runs. */
    public LiveJavaNames liveNames() {
        if (liveNames == null) liveNames = new LiveJavaNames(directory);
        return liveNames;
    }

    /** Reads every JVM's records, joins them to the model, and notes JVMs that reported nothing. */
    public synchronized void attachTo(TraceModel model) {
        List<JavaRecord> records = new ArrayList<>(existing);
        Map<Integer, String> errors = new HashMap<>();
        List<String> ignored = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.sorted().toList()) {
                if (file.getFileName().toString().equals(ATTACH_SOCKET)) continue;
                if (!readRecords(file, records, errors)) ignored.add(file.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            notes.add("could not list the agent's directory " + directory + ": " + e.getMessage());
        }
        if (!ignored.isEmpty()) {
            notes.add("ignored " + ignored.size() + " entr" + (ignored.size() == 1 ? "y" : "ies") + " in the agent's directory"
                    + " that are not its record files (regular files jvm-PID.tsv of at most " + (AgentFile.MAX_BYTES >> 20)
                    + " MiB): " + String.join(", ", ignored.subList(0, Math.min(5, ignored.size())))
                    + (ignored.size() > 5 ? ", ..." : ""));
        }
        records.sort(Comparator.comparingLong(JavaRecord::ns));
        if (cache != null) cache.recordNewEntries();
        List<String> notes = new ArrayList<>(this.notes);
        java.util.Set<Integer> reporting = new java.util.TreeSet<>();
        for (JavaRecord r : records) reporting.add(r.pid());
        java.util.Set<Integer> traced = new java.util.HashSet<>();
        for (ProcessInfo p : model.processes()) traced.add(p.pid());
        // Records under a pid that is no traced process: a JVM in a PID namespace of its own (unshare,
        // a container) sees other pids than the kernel shows the tracer; they cannot be joined.
        List<Integer> foreign = reporting.stream().filter(pid -> !traced.contains(pid)).toList();
        if (!foreign.isEmpty()) {
            notes.add("a JVM reported its threads under pid " + foreign.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ")) + ", which is no traced process: it runs in a PID"
                    + " namespace of its own, whose pids cannot be joined to the kernel's; its threads have kernel names only");
        }
        for (ProcessInfo p : model.processes()) {
            boolean jvm = p.exec().stream().anyMatch(path -> path.endsWith("/java") || path.equals("java"));
            if (jvm && !reporting.contains(p.pid()) && foreign.isEmpty() && !attachTried.contains(p.pid())) {
                notes.add("JVM " + p.pid() + " reported no Java threads (the agent needs JDK 25+); its threads have kernel names only");
            }
        }
        errors.forEach((pid, e) -> notes.add("the agent in JVM " + pid + " swallowed errors: " + e.replace('\t', ' ')));
        model.attachJava(JavaJoin.join(model, records, notes));
        model.markAttachListeners(connectedTo);
    }

    /** Reads one record file (see {@link AgentFile}); false when it is not such a file. */
    private static boolean readRecords(Path file, List<JavaRecord> records, Map<Integer, String> errors) {
        AgentFile agentFile = AgentFile.open(file);
        if (agentFile == null) return false;
        try (agentFile) {
            records.addAll(agentFile.newRecords());
            if (agentFile.errors() != null) errors.put(agentFile.pid(), agentFile.errors());
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (liveNames != null) liveNames.close();
        // Closing the channels (if stopInRunningJvms did not) stops the agents too.
        for (var channel : loadedInto.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                // closed is closed
            }
        }
        if (attachSocket != null) {
            try {
                attachSocket.close();
            } catch (IOException e) {
                // the directory goes next
            }
        }
        // Whatever the traced program left here goes too (links themselves, not what they point to).
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException | RuntimeException e) {
            // a leftover temp directory is not worth failing the run
        }
    }
}
