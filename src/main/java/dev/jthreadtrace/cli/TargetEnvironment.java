package dev.jthreadtrace.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment the traced command gets: the user's, as it was before the launcher started the
 * tool's own JVM. The JVM options variables ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS},
 * {@code _JAVA_OPTIONS}) are meant for the user's JVMs, not for the tool's (a GC flag there made
 * the tool die with "Multiple garbage collectors selected", an APM agent there would load into the
 * tracer): the launcher moves each to {@code JTHREADTRACE_USER_<NAME>} and clears it, and this
 * puts it back for the command.
 */
final class TargetEnvironment {
    static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final String SAVED_PREFIX = "JTHREADTRACE_USER_";

    private TargetEnvironment() {}

    static Map<String, String> of(Map<String, String> tool) {
        Map<String, String> target = new LinkedHashMap<>(tool);
        for (String name : JVM_OPTION_VARIABLES) {
            String saved = target.remove(SAVED_PREFIX + name);
            if (saved != null) target.put(name, saved);
        }
        return target;
    }
}
