package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;
import dev.jthreadtrace.ptrace.ExecArguments;
import dev.jthreadtrace.ptrace.ExecImage;

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
 * JDK 25 or newer, the {@code java.instrument} module, no AOT cache or CDS archive of its own (the
 * agent would make the JVM refuse it), the run's directory visible and usable from where the JVM
 * runs. Every file is looked at as the process sees it ({@code /proc/PID/exe}, {@code
 * /proc/PID/root}, its cwd), never in the tool's own namespace. A JVM left alone gets its reason
 * recorded ({@link #decisions}) and keeps the kernel's view.
 */
final class JdkLaunchers implements ExecArguments {
    /** What became of a JDK launcher's exec: the agent went in, or why it did not. */
    sealed interface Decision {
        record Injected() implements Decision {}

        record LeftAlone(String why) implements Decision {}
    }

    private final AgentDirectory directory;
    private final Runnable firstJvm;
    private final Map<Integer, Decision> decisions = new ConcurrentHashMap<>();

    /**
     * @param firstJvm run once, at the first JDK launcher seen (the tool prepares the agent's classes then)
     */
    JdkLaunchers(AgentDirectory directory, Runnable firstJvm) {
        this.directory = directory;
        this.firstJvm = firstJvm;
    }

    /** Each JDK launcher the trace saw exec'd, by pid: the last decision for it. */
    Map<Integer, Decision> decisions() {
        return Map.copyOf(decisions);
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
        firstJvm.run();
        String name = exe.getFileName().toString();
        String why = reasonToLeaveAlone(image, root, home, name.equals("java"));
        if (why != null) {
            decisions.put(pid, new Decision.LeftAlone(why));
            return List.of();
        }
        String reachable = directory.reachableFrom(pid);
        if (reachable == null) {
            decisions.put(pid, new Decision.LeftAlone("the agent's directory " + directory.path()
                    + " is not visible where it runs (a private /tmp or another mount namespace)"));
            return List.of();
        }
        decisions.put(pid, new Decision.Injected());
        String option = "-javaagent:" + reachable + "/" + AgentDirectory.JAR + "="
                + AgentOptions.launchArgument(reachable);
        return List.of(name.equals("java") ? option : "-J" + option);
    }

    @Override
    public void notInserted(int pid, String why) {
        decisions.put(pid, new Decision.LeftAlone(why));
    }

    /** Null when the agent may go in; else why not, in words for a note. */
    private String reasonToLeaveAlone(ExecImage image, Path root, Path home, boolean java) {
        if (image.argv().isEmpty()) return "it was started with no arguments at all (argc 0)";
        for (String arg : image.argv()) {
            if (arg.contains("/" + AgentDirectory.JAR + "=")) return null; // a launcher re-executing itself: already in
        }
        JdkRelease release = JdkRelease.read(inRoot(root, home.resolve("release")));
        if (release == null) return "its runtime " + home + " has no release file to tell its version";
        if (release.feature() < 25) return "it is JDK " + release.feature() + " (the agent needs JDK 25 or newer)";
        if (!release.modules().isEmpty() && !release.hasModule("java.instrument")) {
            return "its runtime " + home + " has no java.instrument module (a jlink image without it), which agents need";
        }
        String cwd = readCwd(image.pid());
        String archive = ArchiveOptions.find(java, image.argv(), image.variable("JDK_JAVA_OPTIONS"),
                image.variable("JAVA_TOOL_OPTIONS"), image.variable("_JAVA_OPTIONS"),
                path -> path.startsWith("/") ? inRoot(root, Path.of(path)) : cwd == null ? null : inRoot(root, Path.of(cwd, path)));
        if (archive != null) {
            return "it uses an AOT cache or CDS archive (" + archive + "), which an agent would make it refuse";
        }
        return directory.unreadableBy(image.pid());
    }

    /** {@code path} as the process sees it, reached through its root. */
    private static Path inRoot(Path root, Path path) {
        return Path.of(root.toString(), path.toString());
    }

    private static String readCwd(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd")).toString();
        } catch (Exception e) {
            return null;
        }
    }
}
