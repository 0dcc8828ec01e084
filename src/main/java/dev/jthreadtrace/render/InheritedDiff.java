package dev.jthreadtrace.render;

import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.Hooks;
import dev.jthreadtrace.model.JavaThread;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a thread inherited that says something, for the report's INHERITED AT CREATION and the HTML
 * page's table: kernel settings that differ from the first task's at its start (the name left out:
 * every thread renames), and Java settings other than the ones its creator started with (Java copies
 * daemon, priority, group and loader from the starting thread) or, without a Java creator, the
 * ordinary ones of a thread started by main. Values raw; renderers escape them.
 */
final class InheritedDiff {
    private InheritedDiff() {
    }

    /** Inherited kernel settings whose value differs from {@code base} (the root's at its start). */
    static Map<String, String> kernel(ThreadInfo t, Hooks base) {
        Map<String, String> diff = new LinkedHashMap<>();
        for (Hook hook : Hook.inheritedHooks()) {
            if (hook == Hook.NAME) continue;
            String v = t.inherited().value(hook);
            if (!v.equals(base.value(hook))) diff.put(hook.key(), v);
        }
        return diff;
    }

    /** {@link #kernel} and the Java settings that say something, in that order. */
    static Map<String, String> of(TraceModel model, ThreadInfo t, Hooks base) {
        Map<String, String> diff = kernel(t, base);
        diff.putAll(t.inheritedJavaValues());
        diff.entrySet().removeIf(e -> javaAttributeAsExpected(model, t, e.getKey(), e.getValue()));
        return diff;
    }

    /** The value {@code t}'s creator started with for Java setting {@code key}, when it differs from {@code value}; else null. */
    static String creatorStartedWith(TraceModel model, ThreadInfo t, String key, String value) {
        ThreadInfo creator = t.creator() == null ? null : model.thread(t.creator());
        if (creator == null || creator.java() == null) return null;
        String started = creator.java().attributes().get(key);
        return started != null && !started.equals(value) ? started : null;
    }

    private static boolean javaAttributeAsExpected(TraceModel model, ThreadInfo t, String key, String value) {
        if (!JavaThread.ATTRIBUTE_HOOKS.contains(key)) return false;
        ThreadInfo creator = t.creator() == null ? null : model.thread(t.creator());
        String creatorStarted = creator == null || creator.java() == null ? null : creator.java().attributes().get(key);
        return value.equals(creatorStarted != null ? creatorStarted : JavaThread.ORDINARY_ATTRIBUTES.get(key));
    }
}
