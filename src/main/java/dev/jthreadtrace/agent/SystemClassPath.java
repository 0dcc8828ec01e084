package dev.jthreadtrace.agent;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
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
     * {@value AgentOptions#ATTACH_JAR}) from the application class loader's path, if still unopened,
     * reading java.base's private fields through {@code javaBase} ({@link JavaBaseHandOver}).
     */
    static void leave(String directory, MethodHandles.Lookup javaBase) {
        try {
            Set<File> jars = Set.of(new File(directory, AgentOptions.JAR).getCanonicalFile(),
                    new File(directory, AgentOptions.ATTACH_JAR).getCanonicalFile());
            // URLClassPath's fields are private to java.base: read through java.base's own Lookup.
            Class<?> loaders = JdkFields.named("jdk.internal.loader.ClassLoaders"), builtin = JdkFields.named("jdk.internal.loader.BuiltinClassLoader");
            Class<?> urlClassPath = JdkFields.named("jdk.internal.loader.URLClassPath");
            Object app = JdkFields.ofStatic(javaBase, loaders, "APP_LOADER", JdkFields.named("jdk.internal.loader.ClassLoaders$AppClassLoader")).get();
            Object ucp = JdkFields.of(javaBase, builtin, "ucp", urlClassPath).get(app);
            if (ucp == null) return;
            Collection<?> path = (Collection<?>) JdkFields.of(javaBase, urlClassPath, "path", ArrayList.class).get(ucp);
            Collection<?> unopened = (Collection<?>) JdkFields.of(javaBase, urlClassPath, "unopenedUrls", ArrayDeque.class).get(ucp);
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
}
