package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.sys.ThreadCredentials;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntBinaryOperator;
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
    /** The run's directory, made when the first JVM needs it: a run that starts none makes none. */
    private final AgentDirectoryOnDemand directory;
    /** The agent's files and prepared classes, made early or when the first JVM needs them. */
    private final AgentPreparation preparation;
    /** Remarks made while preparing and tracing, reported with the others. */
    private final List<String> notes = new ArrayList<>();
    private JdkLaunchers launchers;
    private final AtomicBoolean classesPrepared = new AtomicBoolean();
    /** The thread preparing the classes, joined before the directory is removed. */
    private volatile Thread preparing;
    /** Closed: nothing more is bound, written or prepared in the directory. */
    private boolean closed;
    private LiveJavaNames liveNames;
    private final RunningJvms running;
    /** The JVMs' lock views taken as a trace ended on a signal or a --duration, and the JVMs asked. */
    private final List<JavaRecord> lockViews = new ArrayList<>();
    private final Set<Integer> askedForLocks = new HashSet<>();
    /** The running JVMs an attach is under way to (slow on a loaded machine): a last look waits for it first. */
    private final Set<Integer> attaching = new HashSet<>();

    private JvmAgent(AgentPreparation preparation, AgentOptions options) {
        this.preparation = preparation;
        this.directory = new AgentDirectoryOnDemand(preparation, options);
        this.running = new RunningJvms();
    }

    /**
     * The agent for this run; its directory is made when the first JVM needs it (the agent jar,
     * the one built beside the tool's jar or classes, must be there now).
     *
     * @param stackDepth creation stack frames kept (0: none)
     * @param jdkFrames  whether the JDK's frames above the application's stay
     * @param virtualStacks whether virtual threads get creation stacks too
     */
    public static JvmAgent prepare(Path agentJar, int stackDepth, boolean jdkFrames, boolean virtualStacks) throws IOException {
        if (!Files.isRegularFile(agentJar)) throw new IOException("agent jar not found: " + agentJar);
        return new JvmAgent(new AgentPreparation(agentJar), new AgentOptions(stackDepth, jdkFrames, virtualStacks));
    }

    /**
     * Before a launch: starts reading the agent's files and transforming the classes it rewrites,
     * on a thread of their own while the tool starts the trace, when {@code command} (the file the
     * command resolved to; null when unknown) may start a JVM: a JDK launcher, or a script (mvn,
     * gradle: a shell script that execs java). Done at the first JVM's exec instead, they held it
     * stopped 10-40 ms and took a core from its start. Any other program (an ELF file that needs no
     * {@code libjli.so}) still gets them at its first JVM, if it starts one: a run of a C program
     * pays nothing for a JVM it never starts.
     */
    public void prepareEarlyFor(Path command) {
        if (command == null || JdkLaunchers.mayStartJvm(command)) preparation.startEarly();
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
        AgentDirectory made;
        try {
            // Made now: the variable names it, and any process of the command may be a JVM.
            made = directory.get();
        } catch (IOException e) {
            notes.add("no Java-level view (the agent's directory could not be made: " + e.getMessage() + ")");
            return base;
        }
        String agent = JavaToolOptions.quoted(agentOption(made.path().toString()));
        if (agent == null) {
            notes.add("no Java-level view: the agent's path " + made.jar() + " holds both kinds of quote");
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
     * The same for process {@code pid} (our pid of it), which names its record file with it; its jar
     * is the link in its own directory ({@link AgentDirectory#forJvm}), whose {@code boot/} its agent removes.
     */
    static String agentOption(String reachableDirectory, int pid) {
        return "-javaagent:" + reachableDirectory + "/" + AgentOptions.ownDirectory(pid) + "/" + AgentDirectory.JAR + "="
                + AgentOptions.launchArgument(reachableDirectory, pid);
    }

    /**
     * The classes the agent rewrites, transformed here from this runtime's own, for JVMs of the same
     * build to take ready-made: stored once per run when the first JVM appears, at once when they
     * were made early (a few small files: the JVM finds them at its agent's start), else by a thread
     * of its own as soon as they are made. Classes that cannot be made: each agent transforms its own.
     */
    private void prepareClassesOnce() {
        AgentDirectory made = directory.ifMade();
        if (made == null || !classesPrepared.compareAndSet(false, true)) return;
        PreparedJdkClasses ready = preparation.classesIfReady();
        if (ready != null) {
            ready.storeIn(made);
            return;
        }
        preparing = Thread.ofPlatform().daemon().name("jthreadtrace-prepare").start(() -> {
            PreparedJdkClasses classes = preparation.classes();
            if (classes != null) classes.storeIn(made);
        });
    }


    /**
     * {@code attach}: loads the agent into the running JVM {@code pid} (JDK 25+) and takes the
     * Java names and OS tids of the threads it already has from its thread dump. Blocks for as
     * long as the JVM takes to answer: call it off the consumer thread. Safe from any thread.
     * Without the socket the agent ties itself to, the thread dump's names only.
     */
    public void attachToRunningJvm(int pid) {
        AgentDirectory made;
        synchronized (this) {
            if (closed) return;
            // As the tool's own user, before any thread takes a JVM's ids: the run's directory is ours.
            made = made(pid);
        }
        TargetDirectory.UserOutside user = TargetDirectory.inOtherUserNamespace(pid);
        if (user == null) {
            attachAs(pid, made, true);
            return;
        }
        // A JVM in a user namespace of its own accepts only a peer its namespace maps: its own user.
        // Nothing else runs as that user: the classes for the run's directory are not prepared there
        // (a thread started from it would have its ids; the agent in that JVM transforms its own).
        try {
            ThreadCredentials.runAs(user.uid(), user.gid(), () -> attachAs(pid, made, false));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            synchronized (this) {
                notes.add("cannot attach to JVM " + pid + " as its user " + user.uid() + " (" + e.getMessage()
                        + "; it runs in a user namespace of its own, which accepts no other): kernel view only");
            }
        }
    }

    private void attachAs(int pid, AgentDirectory made, boolean prepareClasses) {
        RunningJvms.Prepared prepared;
        synchronized (this) {
            if (closed) return;
            prepared = made == null ? null : running.prepare(pid, made, notes);
            attaching.add(pid);
        }
        try {
            if (prepared != null && prepareClasses) prepareClassesOnce();
            JvmAttach.Result result = prepared == null ? JvmAttach.attach(pid, null, null)
                    : JvmAttach.attach(pid, prepared.jar(), prepared.arguments());
            synchronized (this) {
                running.attached(pid, result, notes);
            }
        } finally {
            synchronized (this) {
                attaching.remove(pid);
                notifyAll();
            }
        }
    }

    /** The run's directory for the running JVM {@code pid}, made now if need be; null (and a note) when it cannot be. */
    private AgentDirectory made(int pid) {
        try {
            return directory.get();
        } catch (IOException e) {
            notes.add("no agent for JVM " + pid + " (the agent's directory could not be made: " + e.getMessage()
                    + "): names of the threads it had, kernel view of the new ones");
            return null;
        }
    }

    /**
     * The JVMs among {@code pids} not to ask for a lock view: those whose attach failed (it said
     * why, once), after waiting up to {@code deadline} for attaches still under way to decide; one
     * still under way then is left to its own attach as well (asked twice, a JVM that refuses says so twice).
     */
    private synchronized Set<Integer> notToAsk(Collection<Integer> pids, long deadline) {
        while (pids.stream().anyMatch(attaching::contains)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Set<Integer> refused = new HashSet<>(running.tried());
        refused.removeAll(running.connectedTo());
        refused.addAll(attaching);
        return refused;
    }

    /**
     * "My program hangs": the JVMs among {@code pids} give their own view of their threads' locks
     * (states, locks, owners, frames, deadlocks; {@link JvmAttach#lockView}), asked for only when a
     * trace ends on a signal or a --duration, so a run that ends by itself pays nothing. Waits at
     * most {@code limit} in all; a JVM that has not answered by then is left out (one note).
     */
    public void takeLockViews(Collection<Integer> pids, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Set<Integer> refused = notToAsk(pids, deadline);
        List<Integer> jvms = pids.stream().filter(p -> !refused.contains(p) && JvmAttach.isJvm(p)).sorted().toList();
        if (jvms.isEmpty()) return;
        List<JvmAttach.LockView> got = Collections.synchronizedList(new ArrayList<>());
        Thread asking = Thread.ofPlatform().daemon().name("jthreadtrace-locks").start(() -> {
            for (int pid : jvms) got.add(lockViewOf(pid));
        });
        try {
            asking.join(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JvmAttach.LockView> answers;
        synchronized (got) {
            answers = List.copyOf(got);
        }
        synchronized (this) {
            askedForLocks.addAll(jvms);
            // The views come in the order asked. A JVM without one is recorded so: deadlocks is unknown, not 0.
            for (int i = 0; i < answers.size(); i++) {
                JvmAttach.LockView v = answers.get(i);
                lockViews.add(v.locks() != null ? v.locks() : JavaRecord.Locks.unavailable(jvms.get(i), System.nanoTime(),
                        v.notes().isEmpty() ? "no Java lock view of JVM " + jvms.get(i) : v.notes().getFirst().replace(": kernel view only", "")));
                notes.addAll(v.notes());
            }
            if (answers.size() < jvms.size()) {
                notes.add("JVM " + jvms.get(answers.size()) + " gave no Java lock view within " + limit.toMillis()
                        + " ms (busy, or its attach mechanism is off): kernel view only");
                for (int pid : jvms.subList(answers.size(), jvms.size())) {
                    lockViews.add(JavaRecord.Locks.unavailable(pid, System.nanoTime(), "JVM " + pid + " gave no Java lock view within "
                            + limit.toMillis() + " ms"));
                }
            }
        }
    }

    /** {@link JvmAttach#lockView}, asked as the JVM's own user when it runs in a user namespace of its own. */
    private static JvmAttach.LockView lockViewOf(int pid) {
        TargetDirectory.UserOutside user = TargetDirectory.inOtherUserNamespace(pid);
        if (user == null) return JvmAttach.lockView(pid);
        JvmAttach.LockView[] view = new JvmAttach.LockView[1];
        try {
            ThreadCredentials.runAs(user.uid(), user.gid(), () -> view[0] = JvmAttach.lockView(pid));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // said below
        }
        return view[0] != null ? view[0] : new JvmAttach.LockView(null, List.of("no Java lock view of JVM " + pid
                + " (it runs in a user namespace of its own, and the tool could not speak to it as its user " + user.uid() + ")"));
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
        if (liveNames == null) liveNames = new LiveJavaNames(directory::pathIfMade);
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
        // No directory: no JVM on this host's /tmp got the agent, so there is nothing to read there.
        Path made = directory.pathIfMade();
        IntBinaryOperator placed = (pid, hostPid) -> NamespaceIds.place(model, pid, hostPid);
        AgentRecords reader = new AgentRecords(placed);
        if (made != null) read(reader, made);
        for (Path inside : running.insideDirectories()) read(reader, inside);
        AgentRecords.Read read = reader.result();
        List<JavaRecord> java = new ArrayList<>(running.existing());
        java.addAll(read.records());
        java.addAll(lockViews);
        java.sort(Comparator.comparingLong(JavaRecord::ns));
        // A JVM in a PID namespace of its own names itself and its threads by that namespace's ids.
        java = NamespaceIds.toKernelIds(model, java);
        List<String> notes = new ArrayList<>(this.notes);
        notes.addAll(JvmNotes.aboutTheDirectory(read));
        notes.addAll(JvmNotes.aboutEachJvm(model, java, launchers == null ? Map.of() : launchers.decisions(), launchers != null,
                running.tried(), outputClosed));
        read.errors().forEach((pid, e) -> notes.add(JvmNotes.agentErrors(pid, e)));
        model.attachJava(JavaJoin.join(model, java, notes));
        Set<Integer> toolAttached = new HashSet<>(running.connectedTo());
        toolAttached.addAll(askedForLocks);
        model.markStartedForAttach(toolAttached, RunningJvms.TOOL_THREAD_NAMES);
    }

    private void read(AgentRecords reader, Path records) {
        try {
            reader.read(records);
        } catch (IOException | RuntimeException e) {
            notes.add("could not list the agent's directory " + records + ": " + e.getMessage());
        }
    }

    /**
     * Stops every writer of the tool's (the class preparation, which may still run when a JVM ended
     * at once, is told to stop and joined), then removes the directory. Nothing is written into it
     * afterwards, and it is never made again.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        directory.stopWriting();
        Thread prepare = preparing;
        if (prepare != null) {
            try {
                prepare.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (liveNames != null) liveNames.close();
        synchronized (this) {
            running.close();
        }
        directory.close();
    }
}
