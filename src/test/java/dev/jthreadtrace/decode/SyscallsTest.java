package dev.jthreadtrace.decode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The syscall registry: every row complete, and the views computed from it what they were as tables. */
class SyscallsTest {
    private static final long[][] ARGUMENT_SAMPLES = {
            new long[6], {1, 2, 3, 4, 5, 6}, {-1, -1, -1, -1, -1, -1}, {0x7f0000001000L, 4096, 0x22, 0x22, 3, 0}};

    @Test
    void everyDecodedRowHasEveryPartAndRendersAnyArguments() {
        List<String> problems = new ArrayList<>();
        for (SyscallSpec spec : Syscalls.all()) {
            assertEquals(spec.name(), SyscallTable.name(spec.nr()), "row and syscall table agree on the number");
            assertNotNull(spec.capture(), spec.name());
            assertNotNull(spec.returns(), spec.name());
            assertNotNull(spec.effect(), spec.name());
            if (!spec.decoded()) {
                if (spec.shownByDefault() || spec.modelNeeds() || spec.effect() != ModelEffect.NONE) {
                    problems.add(spec.name() + " is shown, needed or modelled but has no decoder");
                }
                continue;
            }
            for (long[] args : ARGUMENT_SAMPLES) {
                // A capture plan for any register values, and a rendering with or without the captured memory.
                List<Capture> plan = spec.capture().captures(args);
                for (Capture c : plan) {
                    boolean slot = c instanceof Capture.Gather || c instanceof Capture.ReturnedFdPath ? c.arg() < Captures.SLOTS : c.arg() < 6;
                    assertTrue(c.arg() >= 0 && slot, spec.name() + ": capture of argument " + c.arg());
                }
                String text = SyscallDecoder.call(spec.nr(), args, Captures.NONE, 32);
                if (!text.startsWith(spec.name() + "(") || !text.endsWith(")")) problems.add(spec.name() + " renders " + text);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theDefaultSetIsWhatItWasAsALiteral() {
        // The literal the tool had before the registry: behaviour must not change with the reshaping.
        // (restart_syscall joined it in 0.2: a futex wait a signal interrupted goes on there, and its line is the wait's end.)
        Set<Integer> before = numbers(TraceSelection.parse("%thread,futex,futex_waitv,restart_syscall,mmap,munmap,mprotect,mremap,madvise,%hooks"));
        assertEquals(before, numbers(TraceSelection.defaults()));
        assertEquals("%thread,%hooks,futex,futex_waitv,restart_syscall,mmap,munmap,mprotect,mremap,madvise", Syscalls.defaultSpec());
    }

    @Test
    void theModelSetAndTheClassesAreWhatTheyWereAsLiterals() {
        // (ptrace joined the model set in 0.2: a traced program's own PTRACE_TRACEME refused with EPERM gets a note;
        // rt_sigreturn too: the mask it puts back ends a handler's, which the kernel set with no call)
        assertEquals(List.of("clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
                "set_tid_address", "prctl", "rt_sigprocmask", "rt_sigreturn", "sched_setaffinity", "seccomp", "ptrace"), Syscalls.modelSet());
        assertEquals(Set.copyOf(List.of("clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
                "set_tid_address", "set_robust_list")), Set.copyOf(Syscalls.members(SyscallClass.THREAD)));
        // %process and %memory are strace's now: what they were, and the calls strace adds
        assertTrue(Syscalls.members(SyscallClass.PROCESS).containsAll(List.of("clone", "clone3", "fork", "vfork", "execve",
                "execveat", "exit", "exit_group", "wait4", "waitid", "kill", "tkill", "tgkill")));
        assertEquals(Set.of("rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal"), difference(Syscalls.members(SyscallClass.PROCESS),
                List.of("clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "kill",
                        "tkill", "tgkill")));
        assertEquals(Set.copyOf(List.of("futex", "futex_waitv", "futex_wake", "futex_wait", "futex_requeue",
                "set_robust_list")), Set.copyOf(Syscalls.members(SyscallClass.FUTEX)));
        assertTrue(Syscalls.members(SyscallClass.MEMORY).containsAll(List.of("mmap", "munmap", "mprotect", "mremap", "madvise", "brk")));
        assertTrue(Syscalls.members(SyscallClass.MEMORY).containsAll(List.of("msync", "mlock", "shmat", "mincore")));
        assertEquals(Set.copyOf(List.of("prctl", "rt_sigprocmask", "sched_setaffinity", "sched_getaffinity", "seccomp",
                "execve", "execveat")), Set.copyOf(Syscalls.members(SyscallClass.HOOKS)));
    }

    @Test
    void onlyTheToolsOwnRowsAreShownByDefaultNeededOrInItsClasses() {
        // The default set, the model set and the tool's classes are read from the tool's own rows alone, so a
        // default trace never builds the families' rows: a family row that claimed any of them would be lost.
        assertEquals(Syscalls.all().stream().filter(SyscallSpec::shownByDefault).map(SyscallSpec::name).toList(), Syscalls.defaultSet());
        assertEquals(Syscalls.all().stream().filter(SyscallSpec::modelNeeds).map(SyscallSpec::name).toList(), Syscalls.modelSet());
        for (SyscallClass c : SyscallClass.values()) {
            if (c.fromStrace()) continue;
            assertEquals(Syscalls.all().stream().filter(r -> r.classes().contains(c)).map(SyscallSpec::name).toList(),
                    Syscalls.members(c), c.spelling());
        }
        // and a row that changes the model is one of the tool's own, whatever the families decode: open, openat,
        // creat, write and close change nothing (a name written to a /proc comm file is the tracer's own event)
        for (String name : List.of("open", "openat", "creat", "write", "close")) {
            assertEquals(ModelEffect.NONE, Syscalls.byNumber(SyscallTable.number(name).orElseThrow()).effect(), name);
            assertFalse(Syscalls.defaultSet().contains(name) || Syscalls.modelSet().contains(name), name);
        }
        for (SyscallSpec row : Syscalls.all()) {
            boolean own = Syscalls.modelSet().contains(row.name()) || Syscalls.defaultSet().contains(row.name());
            assertTrue(row.effect() == ModelEffect.NONE || own, row.name());
        }
    }

    @Test
    void capturePlansFollowTheArguments() {
        assertEquals(new Capture.BytesSizedByArg(0, 1, 88, AT_ENTRY), Syscalls.captures(SyscallTable.CLONE3, new long[6]).getFirst());
        assertEquals(List.of(new Capture.Bytes(3, 16, AT_ENTRY)), Syscalls.captures(SyscallTable.FUTEX, new long[] {0, 128, 0, 0, 0, 0}));
        assertEquals(List.of(), Syscalls.captures(SyscallTable.FUTEX, new long[] {0, 131, 0, 0, 0, 0}), "REQUEUE has no timeout");
        assertEquals(List.of(new Capture.CString(1, 16, AT_ENTRY)), Syscalls.captures(SyscallTable.PRCTL, new long[] {15, 0, 0, 0, 0, 0}));
        assertEquals(List.of(new Capture.CString(1, 16, AT_EXIT)), Syscalls.captures(SyscallTable.PRCTL, new long[] {16, 0, 0, 0, 0, 0}));
        assertEquals(List.of(new Capture.FdPath(4)), Syscalls.captures(SyscallTable.MMAP, new long[] {0, 4096, 1, 2, 3, 0}));
        assertEquals(List.of(), Syscalls.captures(SyscallTable.MMAP, new long[] {0, 4096, 1, 0x22, -1, 0}));
        assertEquals(List.of(), Syscalls.captures(SyscallTable.MUNMAP, new long[6]));
        assertEquals(List.of(), Syscalls.captures(SyscallTable.number("getpid").orElseThrow(), new long[6]), "no row, no capture");
    }

    @Test
    void onlyExitAndExitGroupNeverReturn() {
        Set<String> never = new TreeSet<>();
        for (SyscallSpec s : Syscalls.all()) if (Syscalls.neverReturns(s.nr())) never.add(s.name());
        assertEquals(Set.of("exit", "exit_group"), never);
        assertFalse(Syscalls.neverReturns(-1));
    }

    private static Set<String> difference(List<String> a, List<String> b) {
        Set<String> out = new TreeSet<>(a);
        b.forEach(out::remove);
        return out;
    }

    private static Set<Integer> numbers(TraceSelection selection) {
        Set<Integer> out = new TreeSet<>();
        boolean[] shown = selection.shown();
        for (int nr = 0; nr < shown.length; nr++) if (shown[nr]) out.add(nr);
        return out;
    }
}
