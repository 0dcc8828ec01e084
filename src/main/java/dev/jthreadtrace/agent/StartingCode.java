package dev.jthreadtrace.agent;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The class whose code called a thread's start(), past the frames of the agent, of {@code Thread} and
 * of {@code InnocuousThread}; optionally past an executor's too (a {@code java.util.concurrent} executor
 * starts a worker for its caller's task through its thread container, {@code jdk.internal.vm}, and
 * {@code System}'s JavaLangAccess: the caller is the code that wanted the thread). A class, not a
 * lambda (see {@link CreationStacks}); null when no frame is left.
 */
final class StartingCode implements Function<Stream<StackWalker.StackFrame>, String> {
    static final String INNOCUOUS = "jdk.internal.misc.InnocuousThread";
    private static final String AGENT = "dev.jthreadtrace.agent.";
    private static final String[] EXECUTORS = {"java.util.concurrent.", "jdk.internal.vm.", "java.lang.System$"};
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final StartingCode DIRECT = new StartingCode(false), PAST_EXECUTORS = new StartingCode(true);

    private final boolean pastExecutors;

    private StartingCode(boolean pastExecutors) {
        this.pastExecutors = pastExecutors;
    }

    /** The class that called start(). */
    static String caller() {
        return WALKER.walk(DIRECT);
    }

    /** The class that called start(), or that handed an executor of java.util.concurrent the task it started a thread for. */
    static String callerPastExecutors() {
        return WALKER.walk(PAST_EXECUTORS);
    }

    private static boolean executors(String className) {
        for (String prefix : EXECUTORS) if (className.startsWith(prefix)) return true;
        return false;
    }

    @Override
    public String apply(Stream<StackWalker.StackFrame> frames) {
        Iterator<StackWalker.StackFrame> it = frames.iterator();
        while (it.hasNext()) {
            String c = it.next().getClassName();
            if (c.startsWith(AGENT) || c.equals("java.lang.Thread") || c.equals(INNOCUOUS)) continue;
            if (!pastExecutors || !executors(c)) return c;
        }
        return null;
    }
}
