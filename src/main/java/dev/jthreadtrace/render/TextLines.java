package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.Captures;
import dev.jthreadtrace.decode.KernelBytes;
import dev.jthreadtrace.decode.Siginfo;
import dev.jthreadtrace.decode.Signals;
import dev.jthreadtrace.decode.SyscallDecoder;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.Exit;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.Escape;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The live, greppable lines: {@code TIME [TID NAME] call(args) = ret <duration>} and
 * {@code +++ ... +++} / {@code --- ... ---} lines for thread events, like strace with the thread
 * name on every line. Lines come in time order, strace's way: a call is printed when it begins
 * ({@link TraceEvent.SyscallEntered}); if another line comes before it returns, its line ends
 * with {@code  <unfinished ...>} and its return is printed later as
 * {@code <... NAME resumed>ARGS) = RET <DURATION>}. A call still pending when its thread ends
 * (or is detached) ends with {@code = ?}.
 */
public final class TextLines implements LiveSink {
    private final Output out;
    private final Palette palette;
    private final boolean[] shown;
    private final LineOptions options;
    private LineFormat format;
    private final ThreadNames names;
    private final StartClock clock;
    /**
     * "+++ thread started" lines waiting for the creator's clone line, so the output reads as
     * strace's does (the call, then its child); printed early if the child speaks first.
     */
    private final Map<Integer, String> pendingStarts = new LinkedHashMap<>();
    /** Calls printed at their entry and not yet returned, by thread: the text printed then. Bounded by {@link #MAX_OPEN}. */
    private final Map<Integer, String> open = new HashMap<>();
    /** Names a restart_syscall by the call it continues, as strace does. */
    private final RestartNames restarts = new RestartNames(MAX_OPEN);
    /** The thread whose call's line is written up to its arguments, its end not yet (0: none). */
    private int held;
    static final int MAX_OPEN = 1 << 16;

    /**
     * @param shown   by syscall number, which calls to print (thread events always are)
     * @param options strace's choices: time column, durations, statuses, signals, fd paths, {@code -s}
     * @param names   the name on each line: the kernel's, or the Java name where the agent told it
     */
    public TextLines(Output out, Palette palette, boolean[] shown, LineOptions options, ThreadNames names) {
        this(out, palette, shown, options, names, StartClock.live());
    }

    /** @param clock the wall-clock time of the start, for -t/-tt/-ttt: the system's now, or a saved trace's */
    public TextLines(Output out, Palette palette, boolean[] shown, LineOptions options, ThreadNames names, StartClock clock) {
        this.clock = clock;
        this.names = names;
        this.options = options;
        this.out = out;
        this.palette = palette;
        this.shown = shown.clone();
        this.format = LineFormat.relative();
    }

    @Override
    public void event(TraceEvent event, TraceModel model) {
        int tid = switch (event) {
            case TraceEvent.Syscall s -> s.tid();
            case TraceEvent.SyscallEntered s -> s.tid();
            case TraceEvent.Exited e -> e.tid();
            case TraceEvent.Killed k -> k.tid();
            case TraceEvent.SignalDelivered s -> s.tid();
            case TraceEvent.GroupStopped g -> g.tid();
            case TraceEvent.Exec e -> e.tid();
            case TraceEvent.CommWritten c -> c.tid();
            case TraceEvent.CommSeen c -> c.tid();
            case TraceEvent.UntracedChild u -> u.creator();
            default -> 0;
        };
        String pending = pendingStarts.remove(tid);
        if (pending != null) line(pending);
        render(event, model);
        if (event instanceof TraceEvent.Syscall s && s.returned() && !s.error() && s.ret() > 0) {
            String child = pendingStarts.remove((int) s.ret());
            if (child != null) line(child);
        }
        if (event instanceof TraceEvent.Exited || event instanceof TraceEvent.Killed) {
            open.remove(tid);
            restarts.saw(event);
        }
        if (event instanceof TraceEvent.TraceEnded) end();
    }

    /**
     * A saved trace that stops short: its last lines as a live run ends them, a call still
     * pending marked {@code <unfinished ...>}, and nothing more (no result it never had).
     */
    @Override
    public void cutShort(TraceModel model) {
        end();
    }

    /** The end of the lines: thread starts still waiting for their creator's call, a call still open left unfinished. */
    private void end() {
        pendingStarts.values().forEach(this::line);
        pendingStarts.clear();
        unhold();
        open.clear();
        out.flush();
    }

    /** A whole line: a call whose line is still open is marked unfinished first, as strace does. */
    private void line(String text) {
        unhold();
        out.line(text);
    }

    private void unhold() {
        if (held == 0) return;
        held = 0;
        out.line(" <unfinished ...>");
    }

    private void render(TraceEvent event, TraceModel model) {
        switch (event) {
            case TraceEvent.TargetStarted s -> format = new LineFormat(options.time(), clock.wallNsAt(s.ns()));
            case TraceEvent.Attached a -> {
                format = new LineFormat(options.time(), clock.wallNsAt(a.ns()));
                long processes = a.tasks().stream().mapToInt(TraceEvent.ExistingTask::tgid).distinct().count();
                eventLine(model, a.ns(), a.pid(), "+++ attached to " + a.tasks().size() + " existing thread"
                        + (a.tasks().size() == 1 ? "" : "s") + (processes > 1 ? " of " + processes + " processes" : "") + " +++");
            }
            case TraceEvent.EndLook l -> { } // read by the hang analysis, no line of its own
            case TraceEvent.ParentSeen p -> { } // read into the kernel tree, no line of its own
            case TraceEvent.Detached d -> eventLine(model, d.ns(), model.rootPid(), "+++ detached from " + d.detached()
                    + " task" + (d.detached() == 1 ? "" : "s") + ", which run on untraced +++");
            case TraceEvent.SyscallEntered s -> {
                if (!shows(s.nr()) || !options.allStatuses()) return;
                unhold();
                String entry = restarts.entryPart(s.tid(), s.nr(), s.args(), captures(s.captures()), options.stringMax());
                out.text(prefix(model, s.ns(), s.tid()) + palette.call(entry));
                held = s.tid();
                if (open.size() < MAX_OPEN || open.containsKey(s.tid())) open.put(s.tid(), entry);
            }
            case TraceEvent.Syscall s -> syscall(s, model);
            case TraceEvent.Spawned s -> {
                ThreadInfo child = model.thread(s.child());
                String what = child != null && child.isThread() ? "thread started" : "process started ("
                        + s.kind().name().toLowerCase(Locale.ROOT) + ")";
                String osParent = child == null ? "?" : Integer.toString(child.osParent());
                String line = prefix(model, s.ns(), s.child()) + palette.event("+++ " + what + ", created by "
                        + s.creator() + " " + Escape.name(names.of(model, s.creator())) + ", OS parent " + osParent + " +++");
                if (shows(SyscallTable.CLONE) || shows(SyscallTable.CLONE3) || shows(SyscallTable.FORK)
                        || shows(SyscallTable.VFORK)) {
                    pendingStarts.put(s.child(), line);
                } else {
                    line(line);
                }
            }
            case TraceEvent.UntracedChild u -> eventLine(model, u.ns(), u.creator(),
                    "+++ created " + u.child() + " with CLONE_UNTRACED: not traced"
                            + (u.filterInherited() ? "; it inherited the seccomp filter, so its traced syscalls fail"
                            + " with ENOSYS (use --no-seccomp)" : "") + " +++");
            case TraceEvent.Exec e -> {
                if (e.formerTid() != e.tid()) {
                    eventLine(model, e.ns(), e.tid(), "+++ thread " + e.formerTid() + " exec'd and took over tid "
                            + e.tid() + " +++");
                    // Its execve returns under the leader's tid: a "resumed" line at the return, as strace
                    // prints it, not the whole call again at its entry time (a time before the line above).
                    // The leader's own unfinished call is gone with it.
                    open.remove(e.tid());
                    String entry = open.remove(e.formerTid());
                    if (entry != null) open.put(e.tid(), entry);
                }
            }
            case TraceEvent.CommWritten c -> eventLine(model, c.ns(), c.tid(), named(c));
            case TraceEvent.CommSeen c -> eventLine(model, c.ns(), c.tid(), seen(c));
            case TraceEvent.MaskSeen m -> { } // a read-back, made at every spawn after a signal: the hook timeline shows what changed
            case TraceEvent.Exited e -> {
                ThreadInfo t = model.thread(e.tid());
                Exit exit = t != null ? t.exit() : null;
                String torn = exit instanceof Exit.GroupExit g && g.tornDown() ? " (" + g.how() + ")" : "";
                eventLine(model, e.ns(), e.tid(), "+++ exited with " + e.code() + torn + " +++");
            }
            case TraceEvent.Killed k -> eventLine(model, k.ns(), k.tid(), "+++ killed by " + Signals.name(k.signal())
                    + (k.coreDumped() ? " (core dumped)" : "") + " +++");
            case TraceEvent.SignalDelivered s -> {
                if (options.showsSignal(s.signal())) {
                    String info = s.siginfo() == null ? "" : " " + Siginfo.render(s.siginfo());
                    eventLine(model, s.ns(), s.tid(), "--- " + Signals.name(s.signal()) + info + " ---");
                }
            }
            case TraceEvent.GroupStopped g -> eventLine(model, g.ns(), g.tid(), "--- stopped by "
                    + Signals.name(g.signal()) + " ---");
            case TraceEvent.TraceEnded e -> { }
        }
    }

    /**
     * {@code +++ named 1237 "worker-0" through its /proc comm file (write on fd 3) +++}: the exact
     * name escaped, a quote in it too, since the name sits between quotes.
     */
    private static String named(TraceEvent.CommWritten c) {
        String name = Escape.name(KernelBytes.decode(c.name())).replace("\"", "\\\"");
        return "+++ named " + (c.target() == c.tid() ? "itself" : Integer.toString(c.target())) + " \"" + name
                + "\" through its /proc comm file (" + SyscallTable.name(c.nr()) + " on fd " + c.fd() + ") +++";
    }

    /**
     * {@code +++ named "via-uring", seen in /proc at io_uring_enter of 1236 (no stop showed the write: io_uring) +++}:
     * the name the kernel has, read where the tracer looked, which is not when it was set.
     */
    private static String seen(TraceEvent.CommSeen c) {
        String name = Escape.name(KernelBytes.decode(c.name())).replace("\"", "\\\"");
        String where = c.at().name().toLowerCase(Locale.ROOT) + (c.by() == 0 ? "" : " of " + c.by());
        return "+++ named \"" + name + "\", seen in /proc at " + where + " (no stop showed the write: io_uring) +++";
    }

    /**
     * A call's end: the rest of its line when nothing came since it began, a {@code resumed} line
     * when something did, the whole line when its beginning was not printed (status filters print
     * at the end, as strace does; a call begun before an attach).
     */
    private void syscall(TraceEvent.Syscall s, TraceModel model) {
        String entry = open.remove(s.tid());
        if (!shows(s.nr()) || !options.shows(s)) {
            restarts.saw(s);
            if (held == s.tid()) unhold();
            return;
        }
        String call = restarts.call(s.tid(), s.nr(), s.args(), captures(s.captures()), options.stringMax());
        restarts.saw(s);
        String end = " = " + result(s);
        if (entry == null) {
            line(prefix(model, s.ns(), s.tid()) + palette.call(call) + end);
        } else if (held == s.tid() && call.startsWith(entry)) {
            held = 0;
            out.line(palette.call(SyscallDecoder.resumedPart(entry, call)) + end);
        } else {
            // (Also the call's own line when its arguments read otherwise at the exit: a name a
            // non-dumpable process set, unreadable at the entry, is the kernel's at the exit.)
            line(prefix(model, s.exitNs(), s.tid()) + palette.call("<... " + SyscallTable.name(s.nr()) + " resumed>"
                    + SyscallDecoder.resumedPart(entry, call)) + end);
        }
    }

    /** {@code 0 <0.000031>}, {@code -1 EAGAIN (...)} in the error colour, {@code ?} (and why, for a detach). */
    private String result(TraceEvent.Syscall s) {
        String result = SyscallDecoder.result(s.nr(), s.args(), s.ret(), s.error(), s.returned(), captures(s.captures()));
        String text = s.error() ? palette.error(result) : result;
        if (s.returned() && options.durations()) text += " <" + LineFormat.seconds(s.exitNs() - s.ns(), 0).trim() + ">";
        if (s.cut() == TraceEvent.Cut.DETACHED) text += " <detached ...>";
        return text;
    }

    /** Without -y an fd is a number, as strace prints it; the path stays in the capture (and JSONL). */
    private Captures captures(Captures c) {
        return options.fdPaths() ? c : c.withoutFdPaths();
    }

    private boolean shows(int nr) {
        return nr >= 0 && nr < shown.length && shown[nr];
    }

    private String prefix(TraceModel model, long ns, int tid) {
        return palette.time(format.time(model.rel(ns))) + " " + palette.thread("[" + tid + " " + Escape.name(names.of(model, tid)) + "]") + " ";
    }

    private void eventLine(TraceModel model, long ns, int tid, String text) {
        line(prefix(model, ns, tid) + palette.event(text));
    }
}
