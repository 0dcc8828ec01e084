package dev.jthreadtrace.agent;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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

    /** {@code \tSTACK\tframes}, or nothing when stacks are off. */
    static String field() {
        if (depth == 0) return "";
        String frames = Walker.WALKER.walk(Walker.INSTANCE);
        return frames.isEmpty() ? "" : RecordFormat.FIELD + RecordFormat.STACK + RecordFormat.FIELD + frames;
    }

    @Override
    public String apply(Stream<StackWalker.StackFrame> frames) {
        List<StackWalker.StackFrame> all = new ArrayList<>();
        Iterator<StackWalker.StackFrame> it = frames.iterator();
        int limit = depth + 64; // the JDK frames above the application's, then the depth wanted
        // Walked no further than the frames shown: from the first application frame (or the top, when
        // the JDK's frames stay) the depth wanted. A server's thread is created 40-60 frames deep, and
        // each frame walked is work in every thread start.
        int firstApplication = keepJdkFrames ? 0 : -1;
        while (it.hasNext() && all.size() < limit && (firstApplication < 0 || all.size() < firstApplication + depth)) {
            StackWalker.StackFrame f = it.next();
            String c = f.getClassName();
            // The hook's own frames only: the agent's Installer starting its watch thread is a creation site like any other.
            if (all.isEmpty() && (c.equals(CreationStacks.class.getName()) || c.equals(ThreadHook.class.getName())
                    || c.equals("java.lang.Thread") || c.startsWith("java.lang.ThreadBuilders") || c.equals("java.lang.VirtualThread"))) {
                continue;
            }
            if (firstApplication < 0 && !isJdk(c)) firstApplication = all.size();
            all.add(f);
        }
        int first = 0;
        if (!keepJdkFrames) {
            while (first < all.size() && isJdk(all.get(first).getClassName())) first++;
            if (first == all.size()) first = 0;
        }
        StringBuilder out = new StringBuilder();
        for (int i = first; i < all.size() && i < first + depth && out.length() < ThreadHook.LINE_BUDGET; i++) {
            StackWalker.StackFrame f = all.get(i);
            RecordFormat.frame(out, f.getClassName(), f.getMethodName(), f.getFileName() == null ? "" : f.getFileName(),
                    f.getLineNumber());
        }
        return out.toString();
    }

    private static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.");
    }
}
