package dev.jthreadtrace.agent;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The current thread's stack where it creates (or starts) a thread, as a record's STACK field: the
 * hook's own frames (not the rest of the agent's) and java.lang.Thread's dropped, then, unless asked to keep them, the JDK's
 * frames above the first application frame (ThreadPoolExecutor.addWorker, ...), so the first frame
 * shown is the code that asked for a thread. A stack of JDK frames only is kept as it is. A class
 * rather than a lambda: the first lambda would spin up java.lang.invoke in every traced JVM.
 */
final class CreationStacks implements Function<Stream<StackWalker.StackFrame>, String> {
    /** Made at the first stack taken, not when the agent starts (configure). */
    private static final class Walker {
        static final StackWalker WALKER = StackWalker.getInstance();
        static final CreationStacks INSTANCE = new CreationStacks();
    }
    /** Frames kept of a creation stack (0: none), and whether the JDK's frames above the application's stay. */
    private static int depth = 8;
    private static boolean keepJdkFrames;
    /** Stacks of virtual threads too: ~18 µs each, and a program may start millions (off unless asked). */
    private static boolean ofVirtualThreads;

    private CreationStacks() {}

    static void configure(int frames, boolean jdkFrames, boolean virtual) {
        depth = Math.max(0, Math.min(frames, 256));
        keepJdkFrames = jdkFrames;
        ofVirtualThreads = virtual;
    }

    static boolean ofVirtualThreads() {
        return ofVirtualThreads;
    }

    /**
     * {@code \tSTACK\tframes}, or nothing when stacks are off. Read from a {@link Throwable}'s stack
     * trace: for a thread's start, a cold JVM and a short stack, 2.5x faster than a
     * {@link StackWalker} (whose stream costs more than the frames), and 3.5x with 40 frames. It is
     * never thrown; JFR's exception statistics count it. A JVM that keeps no stack traces in
     * throwables ({@code -XX:-StackTraceInThrowable}) gets the walker's.
     */
    static String field() {
        if (depth == 0) return "";
        StackTraceElement[] trace = new Throwable().getStackTrace();
        String frames = trace.length > 0 ? format(trace, trace.length) : Walker.WALKER.walk(Walker.INSTANCE);
        return frames.isEmpty() ? "" : RecordFormat.FIELD + RecordFormat.STACK + RecordFormat.FIELD + frames;
    }

    @Override
    public String apply(Stream<StackWalker.StackFrame> frames) {
        int limit = depth + 64 + 8; // the hook's frames, the JDK frames above the application's, then the depth wanted
        StackTraceElement[] trace = new StackTraceElement[limit];
        int n = 0;
        for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext() && n < limit; ) trace[n++] = it.next().toStackTraceElement();
        return format(trace, n);
    }

    /**
     * The first {@code n} frames of {@code trace} as a STACK field: the hook's own frames (not the
     * rest of the agent's: the agent's Installer starting its watch thread is a creation site like
     * any other) and reflection's dropped, as a {@link StackWalker} drops them, then the JDK's
     * frames above the application's unless kept (within {@code depth + 64} frames), then
     * {@link #depth} frames.
     */
    private static String format(StackTraceElement[] trace, int n) {
        int first = 0;
        while (first < n && isHookFrame(trace[first].getClassName())) first++;
        int end = (int) Math.min(n, first + depth + 64L), from = first;
        if (!keepJdkFrames) {
            while (from < end && isJdk(trace[from].getClassName())) from++;
            if (from == end) from = first;
        }
        StringBuilder out = new StringBuilder();
        for (int i = from, kept = 0; i < end && kept < depth && out.length() < ThreadHook.LINE_BUDGET; i++) {
            StackTraceElement f = trace[i];
            if (isReflection(f.getClassName())) continue;
            RecordFormat.frame(out, f.getClassName(), f.getMethodName(), f.getFileName() == null ? "" : f.getFileName(),
                    f.getLineNumber());
            kept++;
        }
        return out.toString();
    }

    private static boolean isHookFrame(String c) {
        return c.equals(CreationStacks.class.getName()) || c.equals(ThreadHook.class.getName()) || c.equals("java.lang.Thread")
                || c.startsWith("java.lang.ThreadBuilders") || c.equals("java.lang.VirtualThread");
    }

    /** What a {@link StackWalker} leaves out unless asked: Method.invoke, Constructor.newInstance and their accessors. */
    private static boolean isReflection(String c) {
        return c.equals("java.lang.reflect.Method") || c.equals("java.lang.reflect.Constructor")
                || c.startsWith("jdk.internal.reflect.") && c.contains("Accessor") || c.startsWith("java.lang.invoke.LambdaForm");
    }

    private static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.");
    }
}
