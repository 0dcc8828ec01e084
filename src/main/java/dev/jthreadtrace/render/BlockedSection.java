package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.HangAnalysis;
import dev.jthreadtrace.model.PendingCall;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.text.Escape;
import dev.jthreadtrace.text.Units;

import java.util.List;
import java.util.stream.Collectors;

/**
 * "My program hangs": every call still pending when the trace ended, in the order the calls
 * began (thread, call decoded, since when, for how long, how it was left), with who the thread
 * waited for; then each deadlock as its cycle, each thread with its call, its lock, its creator
 * and, for a JVM, its Java state and waiting frames.
 */
final class BlockedSection extends SectionRenderer {
    BlockedSection(ReportContext ctx) {
        super(ctx);
    }

    @Override
    public void render() {
        HangAnalysis hang = model.hang();
        out.accept("");
        out.accept(palette.heading("BLOCKED AT THE END (calls still pending when the trace ended, in the order they began)"));
        List<HangAnalysis.Blocked> blocked = hang.blocked();
        if (blocked.isEmpty() && hang.stopped().isEmpty()) out.accept("  (no thread was inside a traced call when the trace ended)");
        for (HangAnalysis.Blocked b : blocked.subList(0, Math.min(blocked.size(), ReportContext.MAX_ROWS))) {
            out.accept("  " + Units.pad(Units.cut(label(b.thread()), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH)
                    + (b.call() == null ? javaState(b.java()) : call(b.call()) + "  " + since(b.call())));
            String waits = waits(b);
            if (!waits.isEmpty()) out.accept("      " + waits);
        }
        if (blocked.size() > ReportContext.MAX_ROWS) out.accept("  … " + (blocked.size() - ReportContext.MAX_ROWS) + " more (see --format jsonl)");
        if (hang.dropped() > 0) out.accept("  (" + hang.dropped() + " more threads' pending calls were not kept)");
        for (HangAnalysis.Stopped st : hang.stopped().subList(0, Math.min(hang.stopped().size(), ReportContext.MAX_ROWS))) {
            out.accept("  " + Units.pad(Units.cut(label(st.thread()), ReportContext.LABEL_WIDTH - 1), ReportContext.LABEL_WIDTH) + stop(st)
                    + "; still stopped when the trace ended (in no call)");
        }
        if (!blocked.isEmpty()) deadlocks(hang); // a cycle needs blocked threads: no second empty heading
    }

    private void deadlocks(HangAnalysis hang) {
        out.accept("");
        out.accept(palette.heading("DEADLOCKS (cycles of threads, each waiting for the next)"));
        if (hang.deadlocks().isEmpty()) out.accept("  (none found" + jvmCount(hang) + ")");
        for (int i = 0; i < hang.deadlocks().size(); i++) {
            HangAnalysis.Deadlock d = hang.deadlocks().get(i);
            out.accept(palette.error("  deadlock " + (i + 1) + " (" + kind(d.kind()) + ", " + d.cycle().size() + (d.cycle().size() == 1 ? " thread, waiting for itself): " : " threads): ")
                    + d.cycle().stream().map(b -> label(b.thread())).collect(Collectors.joining(" → "))
                    + " → " + label(d.cycle().getFirst().thread())));
            for (HangAnalysis.Blocked b : d.cycle()) link(b);
        }
        if (!hang.deadlocks().isEmpty() && !jvmCount(hang).isEmpty()) out.accept("  " + jvmCount(hang).substring(2));
    }

    /** One thread of a cycle: who it is and who made it, what it is in, what it waits for, where in Java. */
    private void link(HangAnalysis.Blocked b) {
        ThreadInfo t = b.thread();
        out.accept("    " + label(t) + "  created by " + creator(t));
        if (b.call() != null) out.accept("      in " + call(b.call()) + "  " + since(b.call()));
        if (b.java() != null) out.accept("      Java: " + javaState(b.java()));
        HangAnalysis.WaitsFor w = b.waitsFor();
        out.accept("      waits on " + Escape.text(w.lock()) + " for " + label(w.target()) + ", which " + w.via().words());
        if (b.java() != null) {
            // All the frames the lock view kept: a parked thread's first ones are the JDK's own.
            for (JavaRecord.Frame f : b.java().frames()) out.accept("        at " + Escape.text(f.toString()));
        }
    }

    private String creator(ThreadInfo t) {
        String kernel = t.creatorInfo() != null ? label(t.creatorInfo()) : t.existedAtAttach() ? "? (it existed at attach)" : "-";
        if (t.java() == null || t.java().constructorName() == null || t.java().constructorName().isEmpty()) return kernel;
        return kernel + " (Java: constructed by " + Escape.text(t.java().constructorName()) + ")";
    }

    /** {@code futex(0x55d0..., FUTEX_WAIT_PRIVATE, 2, NULL) = ?}, with the restart code of an interrupted one. */
    private String call(PendingCall c) {
        String result = c.ending() == PendingCall.Ending.INTERRUPTED ? SyscallDecoder.result(c.nr(), c.ret(), true, true) : "?";
        return SyscallDecoder.call(c.nr(), c.args(), c.captures(), 32) + " = " + result;
    }

    private String since(PendingCall c) {
        if (c.beganBeforeAttach()) {
            return "since before the attach, for at least " + Units.duration(c.forNs()) + "; " + c.ending().words();
        }
        if (c.ending() == PendingCall.Ending.UNRECORDED) {
            return "since before " + Units.at(c.sinceNs()) + " (unknown), for at least " + Units.duration(c.forNs()) + "; " + c.ending().words();
        }
        // A thread ended by another's execve never returns from its call: say who ended it.
        String ending = c.ending() == PendingCall.Ending.ENDED && c.thread().exit() instanceof Exit.ReplacedByExec r
                ? c.ending().words() + " (" + r.how() + "): it never returned" : c.ending().words();
        return "since " + Units.at(c.sinceNs()) + ", for " + Units.duration(c.forNs()) + "; " + ending
                + (c.restarts() == 0 ? "" : "; begun again after " + (c.restarts() == 1 ? "a signal" : c.restarts() + " signals"));
    }

    /** {@code stopped by SIGSTOP @1.20s, sent by 4242 main (kill)}: the end of a chain of waits. */
    private String stop(HangAnalysis.Stopped st) {
        String how = st.byTgkill() ? " (tgkill)" : " (kill)";
        // A sender its PID namespace names but no traced task is: its pid there, with no name (0: from outside it).
        String by = st.senderAsSeen() == 0 ? ", sent from outside its PID namespace" + how
                : st.senderAsSeen() > 0 ? ", sent by pid " + st.senderAsSeen() + " of its PID namespace" + how
                : st.senderPid() < 0 ? "" : st.senderPid() == 0 ? ", sent by the kernel (a terminal's job control)"
                : ", sent by " + label(st.senderPid(), st.ns()) + how;
        return "stopped by " + Signals.name(st.signal()) + " " + (st.beforeAttach() ? "before the attach" : Units.at(st.ns())) + by;
    }

    /** The futex word's side, the JVM's side, and the thread waited for. */
    private String waits(HangAnalysis.Blocked b) {
        StringBuilder s = new StringBuilder();
        HangAnalysis.FutexWait f = b.futex();
        if (f != null) {
            s.append(f.words().size() > 1 ? "words " : "word ")
                    .append(f.words().isEmpty() ? "0x" + Long.toHexString(f.uaddr())
                            : f.words().stream().map(w -> "0x" + Long.toHexString(w)).collect(Collectors.joining(", ")));
            // The owner's kernel tid, and the id the word held where its PID namespace gives it another ([ns 3]).
            if (f.owner() != null) s.append(", owner ").append(f.owner().tid()).append(ReportContext.nsTid(model.thread(f.owner().tid())))
                    .append(" (").append(f.owner().source())
                    .append(f.ownerReadAtEnd() ? ", read at the end" : "").append(')');
            if (f.ownerUnknown() != null) s.append(", owner unknown (").append(f.ownerUnknown()).append(')');
            if (!f.otherWaiters().isEmpty()) {
                s.append(", other waiters ").append(f.otherWaiters().stream().map(this::label).collect(Collectors.joining(", ")));
            }
            s.append(f.lastWake() == null ? ", never woken" : ", last woken by " + label(f.lastWake().waker(), f.lastWake().ns()) + " " + Units.at(f.lastWake().ns()));
            // An owner that held the lock at the read and has folded since: it ended holding it (no wake came after the read).
            if (f.owner() != null && b.waitsFor() == null && model.thread(f.owner().tid()) == null && model.folded().gone(f.owner().tid()) != null) {
                s.append("; waits for ").append(label(f.owner().tid())).append(", which ended holding it");
            }
        }
        if (b.java() != null && b.call() != null) s.append(s.isEmpty() ? "" : "; ").append("Java: ").append(javaState(b.java()));
        if (b.waitsFor() != null) {
            s.append(s.isEmpty() ? "" : "; ").append("waits for ").append(label(b.waitsFor().target())).append(", which ")
                    .append(b.waitsFor().via().words());
            HangAnalysis.Stopped st = model.hang().stopOf(b.waitsFor().target());
            if (st != null) s.append(", and which is ").append(stop(st))
                    .append(b.waitsFor().via() == HangAnalysis.Via.CHILD ? ": it does not end until it is continued" : "");
        }
        return s.toString();
    }

    /** {@code "locker-left" BLOCKED (on object monitor), waiting to lock <0x...> (a java.lang.Object)}. */
    private static String javaState(JavaRecord.LockedThread j) {
        String wait = j.waiting() == null ? "" : ", " + switch (j.waiting().kind()) {
            case ENTER -> "waiting to lock";
            case PARK -> "parked for";
            case WAIT -> "waiting on";
        } + " <" + Escape.text(j.waiting().lock().id()) + "> (a " + Escape.text(j.waiting().lock().className()) + ")";
        return "\"" + Escape.text(j.name()) + "\" " + Escape.text(j.state()) + wait;
    }

    private static String kind(HangAnalysis.Kind kind) {
        return switch (kind) {
            case NATIVE -> "native";
            case JAVA -> "Java";
            case MIXED -> "native and Java";
        };
    }

    /** What the JVMs' own deadlock search said, beside ours: {@code , the JVM 1234 found 1}. */
    private static String jvmCount(HangAnalysis hang) {
        return hang.javaViews().stream().map(v -> "; JVM " + v.pid() + (v.unavailable() == null ? " itself found " + v.deadlocksFound()
                        : " gave no lock view, so its monitors are not searched"))
                .collect(Collectors.joining(""));
    }
}
