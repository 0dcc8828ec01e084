package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.agent.Installer;
import dev.jthreadtrace.agent.PreparedClasses;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tool's side of the JVM layer: puts the bundled agent into every traced JVM (on the JDK
 * launcher's command line, {@link JdkLaunchers}, or through {@code JAVA_TOOL_OPTIONS} with
 * {@code --jvm env}), gives the agents the run's private directory ({@link AgentDirectory}) to
 * read their options from and write their records to, loads it into running JVMs on {@code attach}
 * ({@link RunningJvms}), and afterwards reads what they wrote ({@link AgentRecords}), joins it to
 * the model and removes the directory.
 */
public final class JvmAgent implements AutoCloseable {
    public static final String AGENT_JAR = AgentDirectory.JAR;
    private final AgentDirectory directory;
    /** Remarks made while preparing and tracing, reported with the others. */
    private final List<String> notes = new ArrayList<>();
    private JdkLaunchers launchers;
    private final AtomicBoolean classesPrepared = new AtomicBoolean();
    private LiveJavaNames liveNames;
    private final RunningJvms running;

    private JvmAgent(AgentDirectory directory) {
        this.directory = directory;
        this.running = new RunningJvms(directory);
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
        } catch (URISyntaxException | IllegalArgumentException e) {
            // fall through to the class path
        }
        String classPath = System.getProperty("java.class.path", "").split(File.pathSeparator)[0];
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
        String agent = JavaToolOptions.quoted(agentOption(directory.path().toString()));
        if (agent == null) {
            notes.add("no Java-level view: the agent's path " + directory.jar() + " holds both kinds of quote");
            return base;
        }
        prepareClassesOnce();
        return JavaToolOptions.with(base, agent);
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
            for (String name : Installer.REWRITTEN) {
                try (var in = Object.class.getModule().getResourceAsStream(name + ".class")) {
                    if (in == null) continue;
                    byte[] original = in.readAllBytes();
                    PreparedClasses.store(directory.path(), name, original, Installer.transform(name, original));
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
        String arguments;
        synchronized (this) {
            arguments = running.prepare(pid, notes);
        }
        if (arguments != null) prepareClassesOnce();
        JvmAttach.Result result = JvmAttach.attach(pid, arguments != null ? directory.jar() : null, arguments);
        synchronized (this) {
            running.attached(pid, result, notes);
        }
    }

    /**
     * After an attach's detach: the agent in each JVM it was loaded into stops and restores the
     * JVM's own classes, then its last records are read. JVMs that exited meanwhile need nothing.
     */
    public synchronized void stopInRunningJvms() {
        running.stopAgents(notes);
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
        List<JavaRecord> records = new ArrayList<>(running.existing());
        records.addAll(read.records());
        records.sort(Comparator.comparingLong(JavaRecord::ns));
        List<String> notes = new ArrayList<>(this.notes);
        notes.addAll(JvmNotes.aboutTheDirectory(read));
        notes.addAll(JvmNotes.aboutEachJvm(model, records, launchers == null ? Map.of() : launchers.decisions(),
                running.tried(), outputClosed));
        read.errors().forEach((pid, e) -> notes.add("the agent in JVM " + pid + " swallowed errors: " + e.replace('\t', ' ')));
        model.attachJava(JavaJoin.join(model, records, notes));
        model.markStartedForAttach(running.connectedTo(), RunningJvms.TOOL_THREAD_NAMES);
    }

    @Override
    public void close() {
        if (liveNames != null) liveNames.close();
        running.close();
        directory.close();
    }
}
