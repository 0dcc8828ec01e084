package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;

import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.ptrace.ExecImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives the agent to the JVMs of the traced tree, and to no other program: at each exec, a process
 * that runs a JDK launcher (a program of a runtime's {@code bin/} that needs {@code libjli.so})
 * gets {@code -javaagent:DIR/jthreadtrace-agent.jar=DIR} after argv[0] ({@code -J-javaagent...}
 * for the tools: {@code javac}, {@code jshell}...), when everything the JVM needs for it holds:
 * JDK 25 or newer, the {@code java.instrument} module, options ({@link JvmOptions}, read as its
 * launcher and JVM read them) that ask for no AOT cache or CDS archive (the agent would make the JVM
 * refuse it) nor a class list to dump one from (it would list the agent's classes) and no system class loader of its own (the JVM would abort), the run's directory
 * visible and usable from where the JVM runs. A JVM whose options already hold this run's agent (it
 * relaunched itself) gets no second one. Every file is looked at as the process sees it ({@code /proc/PID/exe}, {@code
 * /proc/PID/root}, its cwd), never in the tool's own namespace. A JVM left alone gets its reason
 * recorded ({@link #decisions}) and keeps the kernel's view.
 */
final class JdkLaunchers implements ExecArguments {
    /** What became of a JDK launcher's exec: the agent went in, or why it did not. */
    sealed interface Decision {
        record Injected() implements Decision {}

        record LeftAlone(String why) implements Decision {}
    }

    private final AgentDirectoryOnDemand directories;
    private final Runnable firstJvm;
    private final Map<Integer, Decision> decisions = new ConcurrentHashMap<>();

    /**
     * @param directories the run's directory, made at the first JVM that can take the agent
     * @param firstJvm run once the directory is there, at the first such JVM (the tool prepares the agent's classes then)
     */
    JdkLaunchers(AgentDirectoryOnDemand directories, Runnable firstJvm) {
        this.directories = directories;
        this.firstJvm = firstJvm;
    }

    /** Each JDK launcher the trace saw exec'd, by pid: the last decision for it. */
    Map<Integer, Decision> decisions() {
        return Map.copyOf(decisions);
    }

    /**
     * Whether running {@code command} may start a JVM, told from its file alone before the launch:
     * a JDK launcher (an ELF file that needs {@code libjli.so}) or anything that is no ELF file (a
     * script such as mvn's, which execs java; unreadable: taken as may). Only a guess, for work
     * done early ({@link JvmAgent#prepareEarlyFor}): the exec stops decide.
     */
    static boolean mayStartJvm(Path command) {
        try (InputStream in = Files.newInputStream(command)) {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4 || magic[0] != 0x7f || magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F') return true;
        } catch (IOException | RuntimeException e) {
            return true;
        }
        return ElfDependencies.of(command).contains("libjli.so");
    }

    @Override
    public boolean mayInsertInto(String executable) {
        int slash = executable.lastIndexOf('/');
        return slash > 4 && executable.startsWith("/bin/", slash - 4) && !executable.endsWith(" (deleted)");
    }

    @Override
    public List<String> insertAfterArgv0(ExecImage image) {
        int pid = image.pid();
        Path root = Path.of("/proc", Integer.toString(pid), "root");
        Path exe = Path.of(image.executable());
        Path home = exe.getParent().getParent();
        if (home == null || !Files.isRegularFile(inRoot(root, home.resolve("lib/modules")))
                || !ElfDependencies.of(Path.of("/proc", Integer.toString(pid), "exe")).contains("libjli.so")) {
            return List.of(); // not a JDK launcher: not a JVM, nothing to say
        }
        boolean java = exe.getFileName().toString().equals("java");
        String why = runtimeCannotTakeIt(image, root, home);
        JvmOptions options = why != null ? null : JvmOptions.of(java, image.argv(), image::variable, FileText.of(pid));
        if (why == null && options.unknown() != null) {
            why = "not all of its options can be read as its launcher and JVM read them: " + options.unknown();
        }
        AgentDirectory directory = null;
        if (why == null) {
            // Made now, at this exec stop, before the JVM runs: a run that starts no JVM makes none.
            try {
                directory = directories.get();
                firstJvm.run();
            } catch (IOException e) {
                why = "the agent's directory could not be made (" + e.getMessage() + ")";
            }
        }
        String reachable = directory == null ? null : directory.reachableFrom(pid);
        if (why == null && reachable == null) {
            why = "the agent's directory " + directory.path() + " is not visible where it runs (a private /tmp or another mount namespace)";
        }
        String option = reachable == null ? null : JvmAgent.agentOption(reachable, pid);
        String inherited = why == null ? options.jthreadtraceAgentIn(reachable) : null;
        if (inherited != null) {
            // A JVM relaunching itself with its own input arguments: the agent is in already, once,
            // with the boot directory its parent's agent removed made again.
            String parent = AgentOptions.hostPid(inherited);
            if (parent != null) {
                try {
                    directory.forJvm(Integer.parseInt(parent));
                } catch (IOException e) {
                    // its agent then finds no classes on its boot path and does nothing
                }
            }
            decisions.put(pid, new Decision.Injected());
            return List.of();
        }
        if (why == null) why = optionsForbidIt(options);
        if (why == null) why = directory.unreadableBy(pid);
        if (why == null) {
            try {
                directory.forJvm(pid);
            } catch (IOException e) {
                why = "its own agent directory could not be made (" + e.getMessage() + ")";
            }
        }
        if (why != null) {
            decisions.put(pid, new Decision.LeftAlone(why));
            return List.of();
        }
        decisions.put(pid, new Decision.Injected());
        return List.of(java ? option : "-J" + option);
    }

    /**
     * A note for a JVM only: the initial stack is read before the program is known to be a JDK
     * launcher ({@link #mayInsertInto} looks at its path alone), and a process killed at its exec
     * (the trace ended there: /bin/true, a shell) had no stack to read and ran no JVM. Its
     * /proc/PID/exe, gone with the process, says so.
     */
    @Override
    public void notInserted(int pid, String why) {
        if (decisions.get(pid) instanceof Decision.Injected || JvmNotes.isJdkLauncher("/proc/" + pid + "/exe")) {
            decisions.put(pid, new Decision.LeftAlone(why));
        }
    }

    /** Null when the runtime can take the agent; else why not, in words for a note. */
    private static String runtimeCannotTakeIt(ExecImage image, Path root, Path home) {
        if (image.argv().isEmpty()) return "it was started with no arguments at all (argc 0)";
        JdkRelease release = JdkRelease.read(inRoot(root, home.resolve("release")));
        if (release == null) return "its runtime " + home + " has no release file to tell its version";
        if (release.feature() < 25) return "it is JDK " + release.feature() + " (the agent needs JDK 25 or newer)";
        if (!release.modules().isEmpty() && !release.hasModule("java.instrument")) {
            return "its runtime " + home + " has no java.instrument module (a jlink image without it), which agents need";
        }
        return null;
    }

    /** Null when the JVM's options let the agent in; else why not. */
    private static String optionsForbidIt(JvmOptions options) {
        String agent = options.jthreadtraceAgent();
        if (agent != null) return "it already loads a jthreadtrace agent of another run (" + agent + ")";
        String loader = options.systemClassLoader();
        if (loader != null) {
            return "it names its own system class loader (" + loader + "), to which no agent jar can be appended"
                    + " (the JVM would abort)";
        }
        String archive = options.archive();
        if (archive != null) {
            return "it uses or makes an AOT cache or CDS archive (" + archive + "), which an agent would make it refuse or fill with"
                    + " the agent's classes";
        }
        return null;
    }

    /** {@code path} as the process sees it, reached through its root. */
    private static Path inRoot(Path root, Path path) {
        return Path.of(root.toString(), path.toString());
    }
}
