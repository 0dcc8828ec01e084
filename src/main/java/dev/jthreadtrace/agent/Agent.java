package dev.jthreadtrace.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry point that jthreadtrace puts into every traced JVM (on the JDK
 * launcher's command line, or through {@code JAVA_TOOL_OPTIONS} with {@code --jvm env}). Compiled for Java 8 on purpose: any JVM in the traced tree (a Java 17
 * build tool, say) loads this class, and an agent class it cannot load would abort that JVM. Only
 * on JDK 25+ does it hand over to {@link Installer}; anywhere else, and on any failure, it does
 * nothing at all: the agent must never change the target's behaviour.
 */
public final class Agent {
    private Agent() {}

    /** {@code jthreadtrace attach}: the same agent, loaded into a running JVM through the Attach API. */
    public static void agentmain(String args, Instrumentation instrumentation) {
        premain(args, instrumentation);
    }

    public static void premain(String args, Instrumentation instrumentation) {
        try {
            String version = System.getProperty("java.specification.version", "0");
            int feature = Integer.parseInt(version.startsWith("1.") ? version.substring(2) : version);
            if (feature < 25) return;
            // A direct call, not reflection (which spins method-handle classes at its first use): the JVM
            // resolves Installer, compiled for 25, only when the call runs, so an older JVM never sees it.
            Installer.install(args, instrumentation);
        } catch (Throwable ignored) {
            // The JVM runs on unchanged; the tool notices the missing records and says so.
        }
    }
}
