package dev.jthreadtrace.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Takes the agent's jar off the application class path, where the JVM put it for the
 * {@code -javaagent} option (and for an attach). The agent's classes come from the boot class path
 * (the directory {@code boot} beside the jar), so nothing needs the jar there; but the application
 * class loader opens every entry of its path the first time a class or resource is not found before
 * it ({@code Class.forName} of a missing class, a {@code ServiceLoader} lookup), and keeps that jar
 * open, without close-on-exec, for the JVM's life: one more descriptor than the program has
 * untraced, inherited by every process it starts outside the JDK's own launcher.
 *
 * <p>Removed only while still unopened (the entry waits at the end of the path until a lookup
 * reaches it, and the agent runs before the main class is loaded); an entry some lookup already
 * opened stays, as does everything on any failure: the JVM runs on either way.
 */
final class SystemClassPath {
    private SystemClassPath() {}

    /**
     * Removes the agent's jar in {@code directory} ({@value AgentOptions#JAR}, or
     * {@value AgentOptions#ATTACH_JAR}) from the application class loader's path, if still unopened.
     */
    static void leave(String directory, Instrumentation instrumentation) {
        try {
            Set<File> jars = Set.of(new File(directory, AgentOptions.JAR).getCanonicalFile(),
                    new File(directory, AgentOptions.ATTACH_JAR).getCanonicalFile());
            Module base = Object.class.getModule();
            // URLClassPath's fields are private to java.base: opened to the agent (the boot loader's unnamed module) alone.
            instrumentation.redefineModule(base, Set.of(), Map.of(),
                    Map.of("jdk.internal.loader", Set.of(SystemClassPath.class.getModule())), Set.of(), Map.of());
            Class<?> loaders = Class.forName("jdk.internal.loader.ClassLoaders", false, null);
            Object app = field(loaders, "APP_LOADER").get(null);
            Object ucp = field(Class.forName("jdk.internal.loader.BuiltinClassLoader", false, null), "ucp").get(app);
            if (ucp == null) return;
            Collection<?> path = (Collection<?>) field(ucp.getClass(), "path").get(ucp);
            Collection<?> unopened = (Collection<?>) field(ucp.getClass(), "unopenedUrls").get(ucp);
            // URLClassPath's own locks, in its own order (addURL, getLoader).
            synchronized (ucp) {
                synchronized (unopened) {
                    for (Object url : unopened.toArray()) {
                        if (url instanceof URL u && isOneOf(u, jars)) {
                            unopened.remove(u);
                            path.remove(u);
                        }
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            // The jar stays on the path: found by a lookup, it is one more open descriptor, no more.
        }
    }

    private static boolean isOneOf(URL url, Set<File> jars) throws IOException {
        if (!"file".equals(url.getProtocol())) return false;
        try {
            return jars.contains(new File(url.toURI()).getCanonicalFile());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
