package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Starts the start gate, the process that becomes the target once the tracer has seized it.
 *
 * <p>Java cannot fork and call PTRACE_TRACEME, and {@code ProcessBuilder} is out of the question
 * (its reaper thread calls waitpid and would steal ptrace stops). So {@code posix_spawnp} starts
 * {@code /bin/sh} blocked reading a pipe on its stdin; the tracer seizes it and makes it exec the
 * command ({@link GateExec}). The user's stdin waits on a spare descriptor meanwhile and is put
 * back on fd 0 first. If the tool dies before that, the pipe's end is closed and the gate exits
 * 127 having run nothing. Everything before the exec is the gate's and is hidden from the trace.
 */
final class GateLauncher {
    /** Blocks until the tracer takes over; EOF (the tool died first) exits 127 without running anything. */
    static final String GATE_SCRIPT = "read _; exit 127";
    static final String GATE_NAME = "jthreadtrace-gate";

    /**
     * A started gate: the process to seize, the fd whose closing ends it (or rings the doorbell),
     * and where the gate keeps the user's stdin until the tracer puts it back (-1: the doorbell has none).
     */
    record Gate(int pid, int releaseFd, int stdinKeptAt) {}

    private GateLauncher() {}

    /**
     * @param launch the command: the gate must not reuse the numbers of the descriptors it will inherit
     */
    static Gate spawn(Launch launch) {
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC);
        int stdinKeptAt = launch.keeps(0) ? spareDescriptor(launch, pipe) : -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Libc.POSIX_SPAWN_FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(Libc.POSIX_SPAWNATTR_SIZE, 16);
            Libc.fileActionsInit(actions);
            Libc.spawnAttrInit(attr);
            try {
                // The user's stdin moves aside; the pipe becomes the gate's stdin. Every other
                // descriptor is inherited and sorted out by the tracer, which knows the user's.
                if (stdinKeptAt >= 0) Libc.fileActionsAddDup2(actions, 0, stdinKeptAt);
                Libc.fileActionsAddDup2(actions, pipe[0], 0);
                cleanSignals(arena, attr);
                return new Gate(spawnArgv(arena, actions, attr, List.of("/bin/sh", "-c", GATE_SCRIPT, GATE_NAME)),
                        pipe[1], stdinKeptAt);
            } finally {
                Libc.fileActionsDestroy(actions);
                Libc.spawnAttrDestroy(attr);
                Libc.close(pipe[0]);
            }
        }
    }

    /**
     * Where the gate keeps the user's stdin: the lowest number above 2 that is neither one of the
     * command's descriptors nor the pipe's. Whatever of the tool's own is open there is replaced in
     * the gate only. Low, because dup2 to a number at or above the soft RLIMIT_NOFILE fails
     * (EBADF): the command may inherit a descriptor above its own limit (exec 100</dev/null; ulimit
     * -Sn 64), or run with a small limit (ulimit -n 12).
     */
    static int spareDescriptor(Launch launch, int[] pipe) {
        int fd = 3;
        while (launch.keeps(fd) || fd == pipe[0] || fd == pipe[1]) fd++;
        return fd;
    }

    /**
     * The attach loop's doorbell: a shell that exits when a line is written to (or EOF reaches) its
     * pipe. The ptrace thread blocks in {@code waitpid(-1)}, which no Java call can interrupt; the
     * doorbell's exit is a wait result like a tracee's, so another thread wakes the loop by ringing.
     */
    static Gate spawnDoorbell() {
        int[] pipe = Libc.pipe2(Libc.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(Libc.POSIX_SPAWN_FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(Libc.POSIX_SPAWNATTR_SIZE, 16);
            Libc.fileActionsInit(actions);
            Libc.spawnAttrInit(attr);
            try {
                // dup2 clears FD_CLOEXEC on fd 3; every other descriptor of the JVM above 2 is closed.
                Libc.fileActionsAddDup2(actions, pipe[0], 3);
                Libc.fileActionsAddCloseFrom(actions, 4);
                cleanSignals(arena, attr);
                // It ignores what a terminal sends the tool's whole process group (Ctrl-C, Ctrl-\\, a hang-up,
                // Ctrl-Z): dead before the detach was asked for, it could not wake the loop for it, which then
                // waited for the attached program's next stop (a process in sleep(40): 40 s).
                return new Gate(spawnArgv(arena, actions, attr, List.of("/bin/sh", "-c",
                        "trap '' INT QUIT HUP TERM TSTP TTIN TTOU; read _ <&3; exit 0", "jthreadtrace-doorbell")), pipe[1], -1);
            } finally {
                Libc.fileActionsDestroy(actions);
                Libc.spawnAttrDestroy(attr);
                Libc.close(pipe[0]);
            }
        }
    }

    /** The JVM blocks and handles signals; the shell starts with none blocked and every disposition at its default. */
    private static void cleanSignals(Arena arena, MemorySegment attr) {
        MemorySegment emptySet = arena.allocate(Libc.SIGSET_SIZE, 8);
        MemorySegment fullSet = arena.allocate(Libc.SIGSET_SIZE, 8);
        Libc.sigEmptySet(emptySet);
        Libc.sigFillSet(fullSet);
        Libc.spawnAttrSetFlags(attr, (short) (Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF));
        Libc.spawnAttrSetSigMask(attr, emptySet);
        Libc.spawnAttrSetSigDefault(attr, fullSet);
    }

    /** posix_spawnp of {@code argv} with an empty environment (the shell needs none); the child's pid. */
    private static int spawnArgv(Arena arena, MemorySegment actions, MemorySegment attr, List<String> argv) {
        MemorySegment pid = arena.allocate(JAVA_INT);
        Libc.posixSpawnp(pid, arena.allocateFrom("/bin/sh"), actions, attr, stringArray(arena, argv),
                stringArray(arena, List.of()));
        return pid.get(JAVA_INT, 0);
    }

    /** Closes the gate's pipe: a gate not yet taken over exits 127 having run nothing; the doorbell rings. */
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
