package dev.jthreadtrace.jvm;

import dev.jthreadtrace.ptrace.ExecArguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Recognises the launchers of a JDK (9 or later) by where they live, and says how each takes a
 * JVM option: {@code bin/java} directly, every other program of a JDK's {@code bin/} ({@code javac},
 * {@code jshell}, {@code jar}, {@code jcmd}...) with {@code -J}. A JDK's {@code bin/} holds only such
 * launchers; anything else named {@code java} (a wrapper script, a JDK 8 JRE) is left alone.
 */
final class JdkLaunchers implements ExecArguments {
    private final String agentOption;
    private final String agentJar;

    /**
     * @param agentOption the whole {@code -javaagent:JAR=ARGS} option
     * @param agentJar    its jar, to recognise a command line that has it already (a launcher that
     *                    re-executes itself passes its arguments on)
     */
    JdkLaunchers(String agentOption, Path agentJar) {
        this.agentOption = agentOption;
        this.agentJar = agentJar.toString();
    }

    @Override
    public boolean mayInsertInto(Path executable) {
        return isJdkLauncher(executable);
    }

    @Override
    public List<String> insertAfterArgv0(Path executable, List<String> argv) {
        if (!isJdkLauncher(executable)) return List.of();
        for (String arg : argv) {
            if (arg.contains(agentJar)) return List.of();
        }
        String name = executable.getFileName().toString();
        return List.of(name.equals("java") ? agentOption : "-J" + agentOption);
    }

    /** {@code HOME/bin/NAME} where {@code HOME/lib/modules} is a JDK's run-time image and {@code HOME/bin/java} exists. */
    static boolean isJdkLauncher(Path executable) {
        Path bin = executable.getParent();
        if (bin == null || bin.getFileName() == null || !bin.getFileName().toString().equals("bin")) return false;
        Path home = bin.getParent();
        return home != null && Files.isRegularFile(home.resolve("lib/modules")) && Files.isRegularFile(bin.resolve("java"));
    }
}
