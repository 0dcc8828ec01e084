package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.agent.PreparedClasses;
import dev.jthreadtrace.event.JavaRecord;

import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tool's side of the JVM layer: puts the bundled agent into every traced JVM (on the JDK
 * launcher's command line, {@link JdkLaunchers}, or through {@code JAVA_TOOL_OPTIONS} with
 * {@code --jvm env}), gives the agents the run's private directory ({@link AgentDirectory}) to
 * read their options from and write their records to, and afterwards reads what they wrote, joins
 * it to the model and removes the directory.
 */
public final class JvmAgent implements AutoCloseable {
    public static final String AGENT_JAR = AgentDirectory.JAR;
    private final AgentDirectory directory;
    /** Remarks made while preparing and tracing, reported with the others. */
    private final List<String> notes = new ArrayList<>();
    private JdkLaunchers launchers;
    private final java.util.concurrent.atomic.AtomicBoolean classesPrepared = new java.util.concurrent.atomic.AtomicBoolean();
    private LiveJavaNames liveNames;
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

    private JvmAgent(AgentDirectory directory) {
        this.directory = directory;
    }

    /**
     * Makes the run's directory; the agent jar is the one built beside the tool's jar (or classes).
     *
     * @param stackDepth creation stack frames kept (0: none)
     * @param jdkFrames  whether the JDK's frames above the application's stay
     * @param virtualStacks whether virtual threads get creation stacks too
     */
    public static JvmAgent prepare(Path agentJar, int stackDepth, boolean jdkFrames, boolean virtualStacks) throws IOException {
        if (!Files.isRegularFile(agentJar)) throw new IOException("agent jar not found: " + agentJar);
        return new JvmAgent(AgentDirectory.create(agentJar, new AgentOptions(stackDepth, jdkFrames, virtualStacks)));
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
    public synchronized ExecArguments execArguments() {
        if (launchers == null) launchers = new JdkLaunchers(directory, this::prepareClassesOnce);
        return launchers;
    }

    /**
     * The fallback route ({@code --jvm env}), for JVMs started by launchers the tracer cannot
     * recognise: the user's JAVA_TOOL_OPTIONS plus our -javaagent, quoted, so a path with a space
     * stays one option. Every JVM then prints "Picked up JAVA_TOOL_OPTIONS" on stderr.
     */
    public List<byte[]> environment(List<byte[]> base) {
        String agent = quoted(agentOption(directory.path().toString()));
        if (agent == null) {
            notes.add("no Java-level view: the agent's path " + directory.jar() + " holds both kinds of quote");
            return base;
        }
        prepareClassesOnce();
        byte[] prefix = "JAVA_TOOL_OPTIONS=".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<byte[]> env = new ArrayList<>();
        boolean added = false;
        for (byte[] entry : base) {
            if (!added && startsWith(entry, prefix)) {
                String existing = new String(entry, prefix.length, entry.length - prefix.length, java.nio.charset.StandardCharsets.UTF_8);
                env.add(("JAVA_TOOL_OPTIONS=" + (existing.isBlank() ? agent : existing + " " + agent))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                added = true;
            } else {
                env.add(entry);
            }
        }
        if (!added) env.add(("JAVA_TOOL_OPTIONS=" + agent).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return env;
    }

    private static boolean startsWith(byte[] entry, byte[] prefix) {
        return entry.length >= prefix.length && java.util.Arrays.equals(entry, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** {@code -javaagent:DIR/jthreadtrace-agent.jar=DIR}: the one option a JVM's command line gets. */
    static String agentOption(String reachableDirectory) {
        return "-javaagent:" + reachableDirectory + "/" + AgentDirectory.JAR + "=" + AgentOptions.launchArgument(reachableDirectory);
    }

    /**
     * The classes the agent rewrites, transformed here from this runtime's own, for JVMs of the same
     * build to take ready-made: once per run, on a thread of its own, when the first JVM appears.
     */
    private void prepareClassesOnce() {
        if (!classesPrepared.compareAndSet(false, true)) return;
        Thread.ofPlatform().daemon().name("jthreadtrace-prepare").start(() -> {
            for (String name : dev.jthreadtrace.agent.Installer.REWRITTEN) {
                try (var in = Object.class.getModule().getResourceAsStream(name + ".class")) {
                    if (in == null) continue;
                    byte[] original = in.readAllBytes();
                    PreparedClasses.store(directory.path(), name, original, dev.jthreadtrace.agent.Installer.transform(name, original));
                } catch (IOException | RuntimeException | LinkageError e) {
                    // the agent transforms the class itself
                }
            }
        });
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
                    attachSocket.bind(java.net.UnixDomainSocketAddress.of(directory.path().resolve(AgentDirectory.ATTACH_SOCKET)));
                    attachSocket.configureBlocking(false);
                }
                arguments = AgentOptions.attachArgument(directory.path().toString());
            } catch (IOException | RuntimeException e) {
                notes.add("no agent for JVM " + pid + " (cannot listen on " + directory.path().resolve(AgentDirectory.ATTACH_SOCKET)
                        + ": " + e.getMessage() + "): names of the threads it had, kernel view of the new ones");
            }
        }
        if (arguments != null) prepareClassesOnce();
        JvmAttach.Result result = JvmAttach.attach(pid, arguments != null ? directory.jar() : null, arguments);
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

    /** Java names for the live lines, read from the agents' files as the trace runs. */
    public LiveJavaNames liveNames() {
        if (liveNames == null) liveNames = new LiveJavaNames(directory.path());
        return liveNames;
    }

    /**
     * Reads every JVM's records, joins them to the model, and says, for each JVM without a Java
     * view, why.
     *
     * @param outputClosed the trace was cut short because its reader went away (the JVMs were
     *                     killed then, perhaps before their agents wrote anything)
     */
    public synchronized void attachTo(TraceModel model, boolean outputClosed) {
        AgentRecords.Read read;
        try {
            read = AgentRecords.read(directory.path());
        } catch (IOException | RuntimeException e) {
            notes.add("could not list the agent's directory " + directory.path() + ": " + e.getMessage());
            read = new AgentRecords.Read(List.of(), Map.of(), List.of(), 0, 0);
        }
        List<JavaRecord> records = new ArrayList<>(existing);
        records.addAll(read.records());
        records.sort(Comparator.comparingLong(JavaRecord::ns));
        List<String> notes = new ArrayList<>(this.notes);
        notes.addAll(JvmNotes.aboutTheDirectory(read));
        notes.addAll(JvmNotes.aboutEachJvm(model, records, launchers == null ? Map.of() : launchers.decisions(),
                attachTried, outputClosed));
        read.errors().forEach((pid, e) -> notes.add("the agent in JVM " + pid + " swallowed errors: " + e.replace('\t', ' ')));
        model.attachJava(JavaJoin.join(model, records, notes));
        model.markAttachListeners(connectedTo);
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
        directory.close();
    }
}
