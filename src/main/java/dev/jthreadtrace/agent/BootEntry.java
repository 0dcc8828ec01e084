package dev.jthreadtrace.agent;

import java.io.File;

/**
 * Takes the agent's boot class path entry out of the JVM's sight once every class of the agent is
 * loaded ({@link OwnClasses}): the entry is a directory, and a directory on the boot class path is a
 * resource root of every class loader (parent first), so {@code getClass().getResource("/")},
 * {@code getResources("")} and {@code getResources("dev")} answered from it, ahead of the program's
 * own class path. The JVM keeps the entry, but its lookups check each file when asked: with the
 * directory gone they find nothing there, as untraced, and no descriptor is kept. Only a launched
 * JVM's own directory is removed ({@link AgentOptions#ownDirectory}, named by the pid the tool
 * gave); the run's shared one ({@code --jvm env}, the same for every JVM) stays. Plain
 * {@code java.io}: no file system of the program's is touched on its way to {@code main}.
 */
final class BootEntry {
    private BootEntry() {}

    /** Removes {@code DIR/agent-PID/boot}, the classes it holds (the agent's, by name) first; silent when it cannot. */
    static void leave(String argument) {
        if (AgentOptions.hostPid(argument) == null) return;
        File boot = new File(AgentOptions.jarDirectory(argument), AgentOptions.BOOT);
        File classes = new File(boot, "dev/jthreadtrace/agent");
        for (String name : OwnClasses.NAMES) new File(classes, name + ".class").delete();
        // Innermost first: a directory still holding anything (not ours) stays, and so does the entry.
        for (File dir = classes; dir != null && !dir.equals(boot.getParentFile()); dir = dir.getParentFile()) dir.delete();
    }
}
