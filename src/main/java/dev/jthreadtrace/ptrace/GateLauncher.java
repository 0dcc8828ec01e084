package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Starts the target behind a start gate, so the tracer can seize it before its first instruction.
 *
 * <p>Java cannot fork and call PTRACE_TRACEME, and {@code ProcessBuilder} is out of the question
 * (its reaper thread calls waitpid and would steal ptrace stops). So {@code posix_spawnp} starts
 * {@code /bin/sh} blocked on a pipe on fd 3; the tracer seizes it, and only then releases the gate
 * by writing a line, after which the shell execs the real command. Everything before that exec is
 * the gate's and is hidden from the trace.
 */
final class GateLauncher {
    /** Waits for the release line (EOF means the tool died: exit 127 without running anything). */
    static final String GATE_SCRIPT = "read _ <&3 || exit 127; exec 3<&-; exec \"$@\"";
    static final String GATE_NAME = "jthreadtrace-gate";

    /** A started gate: the process to seize and the fd whose write releases it. */
    record Gate(int pid, int releaseFd) {}

    private GateLauncher() {}

    static Gate spawn(List<String> command, Map<String, String> environment) {
        return spawnShell(GATE_SCRIPT, GATE_NAME, command, environment);
    }

    /**
     * The attach loop's doorbell: a shell that exits when a line is written to (or EOF reaches) its
     * pipe. The ptrace thread blocks in {@code waitpid(-1)}, which no Java call can interrupt; the
     * doorbell's exit is a wait result like a tracee's, so another thread wakes the loop by ringing.
     */
    static Gate spawnDoorbell() {
        return spawnShell("read _ <&3; exit 0", "jthreadtrace-doorbell", List.of(), Map.of());
    }

    private static Gate spawnShell(String script, String name, List<String> command, Map<String, String> environment) {
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Libc.POSIX_SPAWN_FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(Libc.POSIX_SPAWNATTR_SIZE, 16);
            MemorySegment emptySet = arena.allocate(Libc.SIGSET_SIZE, 8);
            MemorySegment fullSet = arena.allocate(Libc.SIGSET_SIZE, 8);
            Libc.fileActionsInit(actions);
            Libc.spawnAttrInit(attr);
            try {
                // dup2 clears FD_CLOEXEC on fd 3; every other descriptor of the JVM above 2 is closed.
                Libc.fileActionsAddDup2(actions, pipe[0], 3);
                Libc.fileActionsAddCloseFrom(actions, 4);
                // The JVM blocks and handles signals; the target must start with none blocked and
                // every disposition at its default, as from a shell.
                Libc.sigEmptySet(emptySet);
                Libc.sigFillSet(fullSet);
                Libc.spawnAttrSetFlags(attr, (short) (Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF));
                Libc.spawnAttrSetSigMask(attr, emptySet);
                Libc.spawnAttrSetSigDefault(attr, fullSet);

                List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, name));
                argv.addAll(command);
                List<String> envp = new ArrayList<>();
                environment.forEach((k, v) -> envp.add(k + "=" + v));

                MemorySegment pid = arena.allocate(JAVA_INT);
                Libc.posixSpawnp(pid, arena.allocateFrom("/bin/sh"), actions, attr,
                        stringArray(arena, argv), stringArray(arena, envp));
                return new Gate(pid.get(JAVA_INT, 0), pipe[1]);
            } finally {
                Libc.fileActionsDestroy(actions);
                Libc.spawnAttrDestroy(attr);
                Libc.close(pipe[0]);
            }
        }
    }

    /** Opens the gate: the shell reads the line and execs the command. */
    static void release(Gate gate) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment line = arena.allocate(1);
            line.set(JAVA_BYTE, 0, (byte) '\n');
            Libc.write(gate.releaseFd(), line, 1);
        } finally {
            Libc.close(gate.releaseFd());
        }
    }

    /** Closes the gate without releasing it: the shell exits 127 having run nothing. */
    static void abandon(Gate gate) {
        Libc.close(gate.releaseFd());
    }

    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) array.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i)));
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }
}
