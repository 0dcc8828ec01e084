package dev.jthreadtrace.model;

import dev.jthreadtrace.event.TraceEvent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Threads a stop signal stopped (a group stop: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU), until they run
 * again: a thread stopped when the trace ended is the end of a chain of waits (main joins a worker
 * that sits stopped) though it is in no call. Under ptrace the stop signal is first delivered (its
 * siginfo says who sent it: si_pid, and si_code SI_USER for kill, SI_TKILL for tkill/tgkill), then
 * the task enters the group stop. A SIGCONT delivered to any thread of the process continues all of
 * them; any later call or signal of a thread says it ran. A sender is kept from the delivery until
 * the thread runs again or ends (its group stop, and its fellow threads', come in between), so a
 * later stop whose delivery was not seen never takes an old one. At most {@link #MAX} threads are kept.
 */
final class Stops {
    static final int MAX = 4096;
    static final int SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
    private static final int SI_USER = 0, SI_TKILL = -6;

    /** The sender's kernel pid (0: the kernel, -1: not known), and, untranslated, the pid its siginfo gave (-1: none kept). */
    private record Sent(int pid, boolean tgkill, int asSeen) {}

    private final Map<ThreadInfo, HangAnalysis.Stopped> stopped = new IdentityHashMap<>();
    private final Map<ThreadInfo, Sent> sender = new IdentityHashMap<>();

    /**
     * A signal delivered to {@code t}: a stop signal's sender is kept for its group stop (the live
     * task its pid names in t's PID namespace, among {@code table}'s); SIGCONT continues the process.
     */
    void delivered(ThreadInfo t, TraceEvent.SignalDelivered s, ThreadTable table) {
        ran(t);
        if (s.signal() == SIGCONT) {
            stopped.keySet().removeIf(other -> other.tgid() == t.tgid());
            sender.keySet().removeIf(other -> other.tgid() == t.tgid());
            return;
        }
        if (!isStop(s.signal()) || sender.size() >= MAX) return;
        byte[] info = s.siginfo();
        if (info == null || info.length < 24) {
            sender.put(t, new Sent(-1, false, -1));
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN);
        int code = b.getInt(8);
        boolean user = code == SI_USER || code == SI_TKILL;
        if (!user) {
            sender.put(t, new Sent(code > 0 ? 0 : -1, false, -1));
        } else if (t.nsTid() == 0) {
            sender.put(t, new Sent(b.getInt(16), code == SI_TKILL, -1));
        } else {
            // si_pid is the sender's pid in t's PID namespace (0 when the sender is outside it): the
            // traced task it names now, else the pid as t saw it, with no name.
            int asSeen = b.getInt(16);
            ThreadInfo from = table.liveNamedBy(t, asSeen);
            sender.put(t, from != null ? new Sent(from.tgid(), code == SI_TKILL, -1) : new Sent(-1, code == SI_TKILL, asSeen));
        }
    }

    /** {@code t} entered a group stop at {@code ns}. */
    void groupStopped(ThreadInfo t, int signal, long ns) {
        if (stopped.containsKey(t) || stopped.size() >= MAX) return;
        // The thread the signal was delivered to names the sender; its fellow threads stop for the same signal.
        Sent sent = sender.get(t);
        if (sent == null) {
            for (Map.Entry<ThreadInfo, Sent> e : sender.entrySet()) if (e.getKey().tgid() == t.tgid()) sent = e.getValue();
        }
        // No delivery seen for a thread that was there at the attach: it was stopped before (seized in its stop).
        stopped.put(t, new HangAnalysis.Stopped(t, signal, ns, sent == null ? -1 : sent.pid(), sent != null && sent.tgkill(),
                sent == null && t.existedAtAttach(), sent == null ? -1 : sent.asSeen()));
    }

    /** {@code t} made a call or took a signal: it runs. */
    void ran(ThreadInfo t) {
        if (!stopped.isEmpty()) stopped.remove(t);
        if (!sender.isEmpty()) sender.remove(t);
    }

    /** {@code t} ended: its sender goes (its stop, if any, stays: {@link #atEnd} tells a stop ended by a kill). */
    void ended(ThreadInfo t) {
        if (!sender.isEmpty()) sender.remove(t);
    }

    /** How many senders are kept (for a test of the bound). */
    int senders() {
        return sender.size();
    }

    /**
     * The threads still stopped when the trace ended, in the order they stopped: not seen running
     * since, and, when a look was taken at the end, in no call then (a continued thread asleep in
     * a call it began again has no event yet: the look sees it in the call).
     */
    List<HangAnalysis.Stopped> atEnd(TraceEvent.EndLook look, long endNs) {
        List<HangAnalysis.Stopped> out = new ArrayList<>();
        for (HangAnalysis.Stopped s : stopped.values()) {
            if (look != null && inACall(look, s.thread().tid())) continue;
            // Ended before the end (killed while stopped, mid-trace; a kill after the look is the trace's end): not stopped then.
            if (s.thread().end() != null && s.thread().end() < (look != null ? look.ns() : endNs)) continue;
            out.add(s);
        }
        out.sort(java.util.Comparator.comparingLong(HangAnalysis.Stopped::ns));
        return out;
    }

    private static boolean inACall(TraceEvent.EndLook look, int tid) {
        for (TraceEvent.LookedTask t : look.tasks()) if (t.tid() == tid) return t.nr() != TraceEvent.LookedTask.NOT_IN_A_CALL;
        return false;
    }

    static boolean isStop(int signal) {
        return signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU;
    }
}
