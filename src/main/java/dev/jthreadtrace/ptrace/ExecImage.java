package dev.jthreadtrace.ptrace;

import java.util.List;

/**
 * A process that has just exec'd, before its first instruction, as it sees itself.
 *
 * @param pid         its pid (the tool's view)
 * @param executable  {@code /proc/PID/exe}: the program's path in the process's own mount namespace
 * @param argv        its arguments, as the kernel put them on its stack
 * @param environment its {@code NAME=VALUE} entries
 */
public record ExecImage(int pid, String executable, List<String> argv, List<String> environment) {
    public ExecImage {
        argv = List.copyOf(argv);
        environment = List.copyOf(environment);
    }

    /** The value of {@code name} in the environment, or null. */
    public String variable(String name) {
        String prefix = name + "=";
        for (String entry : environment) if (entry.startsWith(prefix)) return entry.substring(prefix.length());
        return null;
    }
}
