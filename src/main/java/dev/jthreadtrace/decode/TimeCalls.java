package dev.jthreadtrace.decode;

import dev.jthreadtrace.sys.Errno;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.jthreadtrace.decode.Capture.When.AT_ENTRY;
import static dev.jthreadtrace.decode.Capture.When.AT_EXIT;

/**
 * The registry rows of sleeping, clocks and timers, and their renderers: nanosleep and
 * clock_nanosleep (the time left shown only when a signal interrupted them, as strace does),
 * clock_gettime/getres, gettimeofday, time, interval timers and POSIX timers.
 */
final class TimeCalls {
    static final ValueTable ITIMERS = ValueTable.of(0, "ITIMER_REAL", 1, "ITIMER_VIRTUAL", 2, "ITIMER_PROF");
    static final ValueTable SIGEV_NOTIFY = ValueTable.of(0, "SIGEV_SIGNAL", 1, "SIGEV_NONE", 2, "SIGEV_THREAD", 4, "SIGEV_THREAD_ID");
    private static final int SIGEVENT_SIZE = 64, SIGEV_SIGNAL = 0, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;

    private TimeCalls() {}

    static List<SyscallSpec> rows() {
        return List.of(
                Row.of("nanosleep").capture(new Capture.Bytes(0, Times.TIMESPEC, AT_ENTRY), remaining(1))
                        .render((a, c, s) -> Times.timespec(a[0], c.bytes(0)) + ", " + Times.timespec(a[1], c.bytes(1))),
                Row.of("clock_nanosleep").capture(new Capture.Bytes(2, Times.TIMESPEC, AT_ENTRY), remaining(3))
                        .render((a, c, s) -> Times.clock(a[0]) + ", " + Times.TIMER_FLAGS.render(a[1] & 0xffffffffL, "0", "TIMER_")
                                + ", " + Times.timespec(a[2], c.bytes(2)) + ", " + Times.timespec(a[3], c.bytes(3))),
                Row.of("clock_gettime").capture(new Capture.Bytes(1, Times.TIMESPEC, AT_EXIT))
                        .render((a, c, s) -> Times.clock(a[0]) + ", " + Times.timespec(a[1], c.bytes(1))),
                Row.of("clock_getres").capture(new Capture.Bytes(1, Times.TIMESPEC, AT_EXIT))
                        .render((a, c, s) -> Times.clock(a[0]) + ", " + Times.timespec(a[1], c.bytes(1))),
                Row.of("clock_settime").capture(new Capture.Bytes(1, Times.TIMESPEC, AT_ENTRY))
                        .render((a, c, s) -> Times.clock(a[0]) + ", " + Times.timespec(a[1], c.bytes(1))),
                Row.of("gettimeofday").capture(new Capture.Bytes(0, Times.TIMEVAL, AT_EXIT), new Capture.Bytes(1, 8, AT_EXIT))
                        .render((a, c, s) -> Times.timeval(a[0], c.bytes(0)) + ", " + timezone(a[1], c.bytes(1))),
                Row.of("time").capture(new Capture.Bytes(0, 8, AT_EXIT))
                        .result((a, r, c) -> r + dateInParentheses(r))
                        .render((a, c, s) -> timeArg(a[0], c.bytes(0))),
                Row.of("getitimer").capture(new Capture.Bytes(1, Times.ITIMERVAL, AT_EXIT))
                        .render((a, c, s) -> ITIMERS.render(a[0] & 0xffffffffL, "ITIMER_") + ", " + Times.itimerval(a[1], c.bytes(1))),
                Row.of("setitimer").capture(new Capture.Bytes(1, Times.ITIMERVAL, AT_ENTRY), new Capture.Bytes(2, Times.ITIMERVAL, AT_EXIT))
                        .render((a, c, s) -> ITIMERS.render(a[0] & 0xffffffffL, "ITIMER_") + ", " + Times.itimerval(a[1], c.bytes(1))
                                + ", " + Times.itimerval(a[2], c.bytes(2))),
                Row.of("alarm").render((a, c, s) -> Args.uintArg(a[0])),
                Row.of("timer_create").capture(new Capture.Bytes(1, SIGEVENT_SIZE, AT_ENTRY), new Capture.Bytes(2, 4, AT_EXIT))
                        .render((a, c, s) -> Times.clock(a[0]) + ", " + sigevent(a[1], c.bytes(1)) + ", "
                                + (c.bytes(2) == null ? Args.pointer(a[2]) : "[" + Args.le(c.bytes(2)).getInt(0) + "]")),
                Row.of("timer_settime").capture(new Capture.Bytes(2, Times.ITIMERSPEC, AT_ENTRY), new Capture.Bytes(3, Times.ITIMERSPEC, AT_EXIT))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + Times.TIMER_FLAGS.render(a[1] & 0xffffffffL, "0", "TIMER_")
                                + ", " + Times.itimerspec(a[2], c.bytes(2)) + ", " + Times.itimerspec(a[3], c.bytes(3))),
                Row.of("timer_gettime").capture(new Capture.Bytes(1, Times.ITIMERSPEC, AT_EXIT))
                        .render((a, c, s) -> Args.intArg(a[0]) + ", " + Times.itimerspec(a[1], c.bytes(1))),
                Row.of("timer_getoverrun").render((a, c, s) -> Args.intArg(a[0])),
                Row.of("timer_delete").render((a, c, s) -> Args.intArg(a[0])));
    }

    /**
     * The "remaining" timespec of nanosleep/clock_nanosleep: strace shows it only when a signal
     * interrupted the sleep (the kernel wrote it then); otherwise its address.
     */
    private static Capture remaining(int arg) {
        return new Capture.Gather(arg, AT_EXIT, (memory, args, ret) ->
                args[arg] != 0 && Errno.restarts((int) -ret) && (arg == 1 || args[1] == 0) ? memory.read(args[arg], Times.TIMESPEC) : null);
    }

    /** time()'s result: the seconds and {@code (2026-12-04T17:16:35+0000)}. */
    private static String dateInParentheses(long seconds) {
        String date = Times.date(seconds, 0, 9);
        return date == null ? "" : " (" + date + ")";
    }

    private static String timezone(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        return "{tz_minuteswest=" + b.getInt(0) + ", tz_dsttime=" + b.getInt(4) + "}";
    }

    private static String timeArg(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        long t = Args.le(bytes).getLong(0);
        return "[" + t + Times.comment(Times.date(t, 0, 9)) + "]";
    }

    /** {@code {sigev_value={sival_int=7, sival_ptr=0x7}, sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}}. */
    static String sigevent(long pointer, byte[] bytes) {
        if (pointer == 0) return "NULL";
        if (bytes == null) return Args.pointer(pointer);
        ByteBuffer b = Args.le(bytes);
        long value = b.getLong(0);
        int signo = b.getInt(8), notify = b.getInt(12);
        StringBuilder out = new StringBuilder("{");
        if (value != 0) out.append("sigev_value={sival_int=").append((int) value).append(", sival_ptr=").append(Args.pointer(value)).append("}, ");
        boolean signal = notify == SIGEV_SIGNAL || notify == SIGEV_THREAD || notify == SIGEV_THREAD_ID;
        out.append("sigev_signo=").append(signal ? Signals.name(signo) : Integer.toUnsignedString(signo))
                .append(", sigev_notify=").append(SIGEV_NOTIFY.render(notify & 0xffffffffL, "SIGEV_"));
        if (notify == SIGEV_THREAD_ID) out.append(", sigev_notify_thread_id=").append(b.getInt(16));
        if (notify == SIGEV_THREAD) {
            out.append(", sigev_notify_function=").append(Args.pointer(b.getLong(16)))
                    .append(", sigev_notify_attributes=").append(Args.pointer(b.getLong(24)));
        }
        return out.append('}').toString();
    }
}
