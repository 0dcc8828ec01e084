package dev.jthreadtrace.session;

import dev.jthreadtrace.decode.PtraceCalls;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.SeenIds;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The traced processes whose own tracing the kernel refused because jthreadtrace traces them, and
 * the note that says so at the end of the trace.
 *
 * <p>A task has one tracer. Under the tool every task of the command is traced already (as under
 * {@code strace -f}), so its {@code PTRACE_TRACEME} fails with EPERM (kernel/ptrace.c,
 * {@code ptrace_traceme}), and so does its {@code PTRACE_ATTACH} or {@code PTRACE_SEIZE} of another
 * traced task ({@code ptrace_attach}: {@code task->ptrace} set): a debugger, strace, a crash
 * reporter or a sanitizer the command runs then fails in its own words, and this says why. An
 * attach to a task the tool does not trace, or to a thread of the caller's own process (refused
 * untraced too), gets no note: its EPERM is not the tool's doing.
 */
final class RefusedPtraces {
    /** Processes named one by one; past them, a count. */
    static final int MAX_NAMED = 16;
    private static final int PTRACE = SyscallTable.number("ptrace").orElseThrow(), EPERM = 1;

    /** The first refused call of a process (its name then), and how many more it made. */
    private static final class Refusal {
        final int pid;
        final String name, call;
        final int target;
        long more;

        Refusal(int pid, String name, String call, int target) {
            this.pid = pid;
            this.name = name;
            this.call = call;
            this.target = target;
        }
    }

    private final Map<Integer, Refusal> byProcess = new LinkedHashMap<>();
    private long morePids;

    /** A finished call: kept when it is a ptrace the kernel refused because the tool traces. Before the model takes it. */
    void look(TraceEvent.Syscall s, TraceModel model) {
        if (s.nr() != PTRACE || !s.returned() || !s.error() || s.ret() != -EPERM) return;
        long request = s.args()[0];
        if (!PtraceCalls.mayBeRefusedAsTraced(request)) return;
        ThreadInfo caller = model.thread(s.tid());
        int pid = caller != null ? caller.tgid() : s.tid();
        int target = 0;
        if (PtraceCalls.namesAnotherTask(request)) {
            ThreadInfo traced = SeenIds.live(model, caller, (int) s.args()[1]);
            if (traced == null || traced.tgid() == pid) return;
            target = (int) s.args()[1];
        }
        Refusal known = byProcess.get(pid);
        if (known != null) {
            known.more++;
        } else if (byProcess.size() < MAX_NAMED) {
            String call = "ptrace(" + PtraceCalls.requestName(request) + (target != 0 ? ", " + target : "") + ")";
            byProcess.put(pid, new Refusal(pid, model.nameOf(s.tid()), call, target));
        } else {
            morePids++;
        }
    }

    /** The notes for the end of the trace: one per process, then a count of the processes past {@link #MAX_NAMED}. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        for (Refusal r : byProcess.values()) {
            notes.add(r.pid + " " + r.name + ": " + r.call + " failed with EPERM" + (r.more > 0 ? " (and " + r.more + " more refused)" : "")
                    + ": a task has one tracer, and jthreadtrace is " + (r.target != 0 ? r.target + "'s" : "this one's")
                    + " (as under strace -f); debuggers, strace and crash reporters the command runs cannot trace its processes");
        }
        if (morePids > 0) notes.add(morePids + " more processes had a PTRACE_TRACEME, PTRACE_ATTACH or PTRACE_SEIZE refused so;"
                + " they are not named here");
        return notes;
    }
}
