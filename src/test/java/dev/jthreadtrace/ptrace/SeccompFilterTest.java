package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.decode.TraceSelection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BPF program, run through a small interpreter of the instructions it uses. */
class SeccompFilterTest {
    @Test
    void tracesExactlyTheRecordedSyscalls() {
        boolean[] recorded = TraceSelection.defaults().recorded();
        List<SeccompFilter.Instruction> program = SeccompFilter.build(recorded).orElseThrow();
        for (int nr = 0; nr < SyscallTable.MAX_NR; nr++) {
            // creat and openat2 are always traced: they (may) open for writing, and a thread's name may be written that way;
            // io_uring_setup and io_uring_enter too: a ring writes names with no stop (RingNames).
            int expected = recorded[nr] || nr == SyscallTable.CREAT || nr == SyscallTable.OPENAT2 || RingNames.filtered().contains(nr)
                    ? SeccompFilter.SECCOMP_RET_TRACE : SeccompFilter.SECCOMP_RET_ALLOW;
            assertEquals(expected, SeccompFilter.evaluate(program, SeccompFilter.AUDIT_ARCH_X86_64, nr), SyscallTable.name(nr));
        }
    }

    @Test
    void aStraceClassTracesItsCallsAndWhatTheModelNeedsNothingElse() {
        boolean[] recorded = TraceSelection.parse("%file").recorded();
        var program = SeccompFilter.build(recorded).orElseThrow();
        int x86 = SeccompFilter.AUDIT_ARCH_X86_64, trace = SeccompFilter.SECCOMP_RET_TRACE, allow = SeccompFilter.SECCOMP_RET_ALLOW;
        for (String call : List.of("openat", "open", "stat", "newfstatat", "statx", "access", "readlink", "unlink", "rename", "mkdir",
                "execve", "clone3", "prctl", "exit_group")) {
            assertEquals(trace, SeccompFilter.evaluate(program, x86, SyscallTable.number(call).orElseThrow()), call + ": file or model");
        }
        for (String call : List.of("read", "write", "close", "fstat", "lseek", "mmap", "futex", "socket", "poll", "getpid")) {
            assertEquals(allow, SeccompFilter.evaluate(program, x86, SyscallTable.number(call).orElseThrow()), call + ": not asked for");
        }
        for (String call : List.of("io_uring_setup", "io_uring_enter")) {
            assertEquals(trace, SeccompFilter.evaluate(program, x86, SyscallTable.number(call).orElseThrow()), call + ": a ring names threads");
        }
        assertEquals(allow, SeccompFilter.evaluate(program, x86, SyscallTable.number("io_uring_register").orElseThrow()),
                "io_uring_register submits nothing");
    }

    @Test
    void opensForWritingAreTracedOpensForReadingAreNot() {
        boolean[] recorded = TraceSelection.defaults().recorded();
        var program = SeccompFilter.build(recorded).orElseThrow();
        int x86 = SeccompFilter.AUDIT_ARCH_X86_64, trace = SeccompFilter.SECCOMP_RET_TRACE, allow = SeccompFilter.SECCOMP_RET_ALLOW;
        long rdonlyCloexec = 02000000, rdwr = 2, wronlyCreat = 01 | 0100, rdwrHigh = 2 | (1L << 40);
        assertEquals(allow, SeccompFilter.evaluate(program, x86, SyscallTable.OPENAT, new long[] {-100, 0, rdonlyCloexec, 0, 0, 0}));
        assertEquals(trace, SeccompFilter.evaluate(program, x86, SyscallTable.OPENAT, new long[] {-100, 0, rdwr, 0, 0, 0}));
        assertEquals(trace, SeccompFilter.evaluate(program, x86, SyscallTable.OPENAT, new long[] {-100, 0, wronlyCreat, 0644, 0, 0}));
        assertEquals(trace, SeccompFilter.evaluate(program, x86, SyscallTable.OPENAT, new long[] {-100, 0, rdwrHigh, 0, 0, 0}));
        assertEquals(allow, SeccompFilter.evaluate(program, x86, SyscallTable.OPEN, new long[] {0, rdonlyCloexec, 0, 0, 0, 0}));
        assertEquals(trace, SeccompFilter.evaluate(program, x86, SyscallTable.OPEN, new long[] {0, rdwr, 0, 0, 0, 0}));
        assertEquals(allow, SeccompFilter.evaluate(program, x86, SyscallTable.OPEN, new long[] {0, 0, rdwr, 0, 0, 0}),
                "open's flags are its second argument");
        // Asked for whole (-e openat): every openat, reading or not.
        recorded[SyscallTable.OPENAT] = true;
        var whole = SeccompFilter.build(recorded).orElseThrow();
        assertEquals(trace, SeccompFilter.evaluate(whole, x86, SyscallTable.OPENAT, new long[] {-100, 0, rdonlyCloexec, 0, 0, 0}));
        assertEquals(trace, SeccompFilter.evaluate(whole, x86, SyscallTable.OPEN, new long[] {0, rdwr, 0, 0, 0, 0}));
        assertEquals(allow, SeccompFilter.evaluate(whole, x86, SyscallTable.OPEN, new long[] {0, 0, 0, 0, 0, 0}));
    }

    @Test
    void aSignalMaskReadRunsWithoutAStopOnlyWhenNothingPrintsCalls() {
        boolean[] recorded = TraceSelection.defaults().recorded();
        int x86 = SeccompFilter.AUDIT_ARCH_X86_64, trace = SeccompFilter.SECCOMP_RET_TRACE, allow = SeccompFilter.SECCOMP_RET_ALLOW;
        int mask = SyscallTable.number("rt_sigprocmask").orElseThrow();
        long[] read = {0, 0, 0x7f0000001000L, 8, 0, 0}, block = {0, 0x7f0000001000L, 0, 8, 0, 0}, high = {0, 1L << 40, 0, 8, 0, 0};
        var quiet = SeccompFilter.build(recorded, true).orElseThrow();
        assertEquals(allow, SeccompFilter.evaluate(quiet, x86, mask, read), "no new set: nothing changes");
        assertEquals(trace, SeccompFilter.evaluate(quiet, x86, mask, block));
        assertEquals(trace, SeccompFilter.evaluate(quiet, x86, mask, high), "a set above 4 GiB is no NULL");
        for (int nr = 0; nr < SyscallTable.MAX_NR; nr++) {
            if (nr == mask) continue;
            assertEquals(SeccompFilter.evaluate(SeccompFilter.build(recorded).orElseThrow(), x86, nr, block),
                    SeccompFilter.evaluate(quiet, x86, nr, block), SyscallTable.name(nr));
        }
        long[] writeOpen = {-100, 0, 2, 0, 0, 0};
        assertEquals(trace, SeccompFilter.evaluate(quiet, x86, SyscallTable.OPENAT, writeOpen), "the opens' checks still run first");
        assertEquals(trace, SeccompFilter.evaluate(quiet, x86, SyscallTable.OPEN, new long[] {0, 2, 0, 0, 0, 0}));
        assertEquals(allow, SeccompFilter.evaluate(quiet, x86, SyscallTable.OPEN, new long[] {0, 0, 0, 0, 0, 0}));
        var every = SeccompFilter.build(recorded, false).orElseThrow();
        assertEquals(trace, SeccompFilter.evaluate(every, x86, mask, read), "printed or counted: every call stops");
        boolean[] noMask = new boolean[SyscallTable.MAX_NR];
        noMask[SyscallTable.CLONE] = true;
        assertEquals(allow, SeccompFilter.evaluate(SeccompFilter.build(noMask, true).orElseThrow(), x86, mask, block), "not recorded");
    }

    @Test
    void aProgramsOwnPtraceStopsWhenNothingPrintsCallsOnlyForTheRequestsTheKernelMayRefuseItsTracee() {
        boolean[] recorded = TraceSelection.defaults().recorded();
        int x86 = SeccompFilter.AUDIT_ARCH_X86_64, trace = SeccompFilter.SECCOMP_RET_TRACE, allow = SeccompFilter.SECCOMP_RET_ALLOW;
        int ptrace = SyscallTable.number("ptrace").orElseThrow(), mask = SyscallTable.number("rt_sigprocmask").orElseThrow();
        assertTrue(recorded[ptrace], "recorded whatever -e says (the note on a refused PTRACE_TRACEME)");
        var quiet = SeccompFilter.build(recorded, true).orElseThrow();
        for (long request : new long[] {0 /* TRACEME */, 0x10 /* ATTACH */, 0x4206 /* SEIZE */}) {
            assertEquals(trace, SeccompFilter.evaluate(quiet, x86, ptrace, new long[] {request, 42, 0, 0, 0, 0}), "request " + request);
        }
        for (long request : new long[] {2 /* PEEKDATA */, 7 /* CONT */, 0x11 /* DETACH */, 0x18 /* SYSCALL */, 0x4200, 0x4207, 0x420e}) {
            assertEquals(allow, SeccompFilter.evaluate(quiet, x86, ptrace, new long[] {request, 42, 0, 0, 0, 0}), "request " + request);
        }
        // the mask reads' check after it still runs, and every other call is decided as before
        assertEquals(allow, SeccompFilter.evaluate(quiet, x86, mask, new long[] {0, 0, 0x7f0000001000L, 8, 0, 0}));
        assertEquals(trace, SeccompFilter.evaluate(quiet, x86, mask, new long[] {0, 0x7f0000001000L, 0, 8, 0, 0}));
        for (int nr = 0; nr < SyscallTable.MAX_NR; nr++) {
            if (nr == mask || nr == ptrace) continue;
            assertEquals(SeccompFilter.evaluate(SeccompFilter.build(recorded).orElseThrow(), x86, nr), SeccompFilter.evaluate(quiet, x86, nr),
                    SyscallTable.name(nr));
        }
        // printed or counted: every request stops; alone (no mask section after it) the same three
        var every = SeccompFilter.build(recorded, false).orElseThrow();
        assertEquals(trace, SeccompFilter.evaluate(every, x86, ptrace, new long[] {2, 42, 0, 0, 0, 0}));
        boolean[] alone = new boolean[SyscallTable.MAX_NR];
        alone[ptrace] = true;
        var only = SeccompFilter.build(alone, true).orElseThrow();
        assertEquals(trace, SeccompFilter.evaluate(only, x86, ptrace, new long[] {0x4206, 42, 0, 0, 0, 0}));
        assertEquals(allow, SeccompFilter.evaluate(only, x86, ptrace, new long[] {0x4207, 42, 0, 0, 0, 0}));
        assertEquals(allow, SeccompFilter.evaluate(only, x86, SyscallTable.CLONE, new long[6]));
    }

    @Test
    void otherArchitecturesAndX32CallsAreAllowed() {
        boolean[] recorded = new boolean[SyscallTable.MAX_NR];
        recorded[SyscallTable.CLONE] = true;
        List<SeccompFilter.Instruction> program = SeccompFilter.build(recorded).orElseThrow();
        assertEquals(SeccompFilter.SECCOMP_RET_ALLOW, SeccompFilter.evaluate(program, 0x40000003 /* i386 */, SyscallTable.CLONE));
        assertEquals(SeccompFilter.SECCOMP_RET_ALLOW,
                SeccompFilter.evaluate(program, SeccompFilter.AUDIT_ARCH_X86_64, SeccompFilter.X32_SYSCALL_BIT | SyscallTable.CLONE));
        assertEquals(SeccompFilter.SECCOMP_RET_TRACE, SeccompFilter.evaluate(program, SeccompFilter.AUDIT_ARCH_X86_64, SyscallTable.CLONE));
    }

    @Test
    void encodesEightBytesPerInstructionAndGivesUpWhenJumpsCannotReach() {
        boolean[] recorded = new boolean[SyscallTable.MAX_NR];
        recorded[SyscallTable.FUTEX] = true;
        var program = SeccompFilter.build(recorded).orElseThrow();
        byte[] bytes = SeccompFilter.encode(program);
        assertEquals(program.size() * 8, bytes.length);
        assertEquals(0x20, bytes[0]); // ld [4]
        assertEquals(4, bytes[4]);
        assertTrue(SeccompFilter.build(TraceSelection.parse("all").recorded()).isEmpty(), "-e all: every stop is needed");
    }
}
