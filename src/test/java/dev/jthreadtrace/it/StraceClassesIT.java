package dev.jthreadtrace.it;

import dev.jthreadtrace.decode.SyscallClass;
import dev.jthreadtrace.decode.SyscallSpec;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.decode.TraceSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * strace's syscall classes, decoded as strace decodes them: the fixtures that make each decoded
 * call (native/decode_*.c) traced by strace 6.1 and by jthreadtrace with the same {@code -e %class},
 * each process's lines compared in order, once what differs between any two runs is masked
 * (addresses, pids, ports, clocks, random bytes, IPC ids, inode numbers, the working directory).
 * The same with {@code -e all}, with and without {@code -y}; and every decoded call is in a fixture.
 */
@Timeout(600)
class StraceClassesIT {
    static final List<String> FIXTURES = List.of("decode_files", "decode_net", "decode_poll", "decode_signals", "decode_process",
            "decode_uring");
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{8,}");
    /** Calls whose time values are a clock reading or what was left of a timeout: the values differ every run. */
    private static final Pattern CLOCK_READINGS = Pattern.compile("^(clock_gettime\\(CLOCK_(REALTIME|PROCESS_CPUTIME_ID)"
            + "|(gettimeofday|timerfd_gettime|timer_gettime|getrusage|wait4|time)\\().*");
    /**
     * The decoded calls no decode_* fixture makes, and where they are checked instead: the thread,
     * futex and settings calls (decode_mix and threads in StraceComparisonIT, execat in StraceFlagsIT).
     */
    private static final Set<String> CHECKED_ELSEWHERE = Set.of("clone3", "fork", "vfork", "execveat", "exit", "futex",
            "futex_waitv", "set_robust_list", "mremap", "madvise", "prctl", "sched_setaffinity", "sched_getaffinity", "seccomp",
            "rseq", "restart_syscall", // restart_syscall: FutexRestartIT compares its lines with strace's
            "ptrace"); // PtraceCallsIT: a program that ptraces its children and a process outside the trace

    /** Masks what differs between two runs of a fixture; {@code dirs} are the working directories of both runs. */
    static UnaryOperator<String> mask(List<Path> dirs) {
        return line -> {
            String l = line;
            for (Path d : dirs) l = l.replace(d.toString(), "DIR");
            l = ADDRESS.matcher(l).replaceAll("ADDR");
            l = l.replaceAll("htons\\(\\d+\\)", "htons(PORT)").replaceAll("si_pid=\\d+", "si_pid=PID").replaceAll(":\\[\\d+\\]", ":[INODE]");
            if (CLOCK_READINGS.matcher(l).matches()) l = l.replaceAll("(tv_sec|tv_nsec|tv_usec)=\\d+", "$1=N");
            l = l.replaceAll("left \\{tv_sec=\\d+, (tv_nsec|tv_usec)=\\d+\\}", "left {...}");
            l = l.replaceAll("^time\\(NULL\\) = \\d+ \\(.*\\)$", "time(NULL) = T");
            l = l.replaceAll("it_value=\\{tv_sec=0, tv_nsec=\\d+\\}\\}\\) = 0$", "it_value={tv_sec=0, tv_nsec=N}}) = 0");
            l = l.replaceAll("^getrandom\\(\"[^\"]*\"", "getrandom(RANDOM");
            l = l.replaceAll("^sysinfo\\(\\{.*\\}\\) = 0$", "sysinfo({...}) = 0");
            l = l.replaceAll("^(getppid\\(\\)|getpgrp\\(\\)|getpgid\\(0\\)|getsid\\(0\\)) = \\d+$", "$1 = ID");
            l = l.replaceAll("^((shm|sem|msg)get\\(.*\\)) = \\d+$", "$1 = ID").replaceAll("^((shm|sem|msg)\\w+)\\(\\d+", "$1(ID");
            return l;
        };
    }

    /** Each process's lines from strace and from jthreadtrace for one fixture and one set, masked. */
    static List<List<List<String>>> both(Path tmp, String fixture, String set, boolean y) throws Exception {
        Path theirDir = Files.createDirectories(tmp.resolve(fixture + "-s")), ourDir = Files.createDirectories(tmp.resolve(fixture + "-j"));
        String exe = Traced.fixture(fixture).toString();
        StraceLines theirs = StraceLines.strace(theirDir, set, y ? List.of("-y") : List.of(), List.of(exe, theirDir.toString()));
        StraceLines ours = StraceLines.ours(ourDir, set, y, List.of(exe, ourDir.toString()));
        UnaryOperator<String> mask = mask(List.of(theirDir, ourDir));
        return List.of(theirs.masked(mask, ours), ours.masked(mask, theirs));
    }

    private static void compare(Path tmp, String set, boolean y) throws Exception {
        int lines = 0;
        for (String fixture : FIXTURES) {
            List<List<List<String>>> both = both(tmp.resolve(set.replace('%', 'c') + (y ? "-y" : "")), fixture, set, y);
            assertEquals(String.join("\n", flatten(both.get(0))), String.join("\n", flatten(both.get(1))),
                    fixture + " -e " + set + (y ? " -y" : ""));
            lines += flatten(both.get(0)).size();
        }
        assertTrue(lines > 0, set + " selected nothing in " + FIXTURES);
    }

    /** Each process's lines after a {@code [process i]} header: one text to compare. */
    static List<String> flatten(List<List<String>> processes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < processes.size(); i++) {
            out.add("[process " + i + "]");
            out.addAll(processes.get(i));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"%file", "%desc", "%network", "%net", "%signal", "%ipc", "%process", "%memory", "%creds", "%clock",
            "%pure", "%stat", "%lstat", "%fstat", "%%stat", "%statfs", "%fstatfs", "%%statfs"})
    void everyStraceClassSelectsAndDecodesTheCallsStraceDoes(String set, @TempDir Path tmp) throws Exception {
        compare(tmp, set, false);
    }

    @Test
    void everyCallOfTheFixturesReadsAsStraceReadsIt(@TempDir Path tmp) throws Exception {
        compare(tmp, "all", false);
    }

    @Test
    void withMinusYEveryDescriptorShowsStracesPath(@TempDir Path tmp) throws Exception {
        compare(tmp, "all", true);
    }

    @Test
    void everyDecodedCallIsMadeByAFixture(@TempDir Path tmp) throws Exception {
        Set<String> made = new TreeSet<>();
        for (String fixture : FIXTURES) {
            Path dir = Files.createDirectories(tmp.resolve(fixture));
            for (String line : StraceLines.ours(dir, "all", false, List.of(Traced.fixture(fixture).toString(), dir.toString())).all()) {
                made.add(line.substring(0, Math.max(0, line.indexOf('('))));
            }
        }
        Set<String> missing = new TreeSet<>();
        for (SyscallSpec spec : Syscalls.all()) {
            if (spec.decoded() && !made.contains(spec.name()) && !CHECKED_ELSEWHERE.contains(spec.name())) missing.add(spec.name());
        }
        assertEquals(Set.of(), missing, "decoded calls no fixture makes");
    }

    @Test
    void aClassAsStraceSpellsItSelectsStracesMembers() {
        for (String alias : List.of("%net", "%NETWORK", "network", "file", "desc")) {
            String canonical = SyscallClass.named(alias).orElseThrow().spelling();
            assertEquals(numbers(TraceSelection.parse(canonical)), numbers(TraceSelection.parse(alias)), alias);
        }
        assertTrue(Syscalls.members(SyscallClass.FILE).containsAll(List.of("open", "openat", "stat", "execve", "statfs")));
        assertTrue(!Syscalls.members(SyscallClass.FILE).contains("read"));
        assertEquals(List.of("stat"), Syscalls.members(SyscallClass.STAT));
        assertTrue(SyscallTable.number("newfstatat").isPresent());
    }

    private static Set<Integer> numbers(TraceSelection selection) {
        Set<Integer> out = new TreeSet<>();
        boolean[] shown = selection.shown();
        for (int nr = 0; nr < shown.length; nr++) if (shown[nr]) out.add(nr);
        return out;
    }
}
