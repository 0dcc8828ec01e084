package dev.jthreadtrace.jvm;

import dev.jthreadtrace.agent.AgentOptions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The agent jar as {@code jthreadtrace attach} loads it: the same classes, with a manifest whose
 * {@code Boot-Class-Path} names the jar itself. A JVM already running adds only jar files to its
 * boot class path (the directory {@code boot} that a starting JVM takes, so that no jar of ours stays
 * open in it, would be refused with a warning on the program's standard error, and the agent would
 * not start); in a running JVM the jar stays open like every other the JVM loaded.
 */
final class AttachJar {
    private AttachJar() {}

    static byte[] of(byte[] agentJar) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(agentJar.length + 512);
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(agentJar))) {
            Manifest manifest = in.getManifest();
            if (manifest == null) throw new IOException("the agent jar has no manifest");
            manifest.getMainAttributes().put(new Attributes.Name("Boot-Class-Path"), AgentOptions.ATTACH_JAR);
            // The manifest comes first (JarInputStream hands on every other entry), then the entries as they were.
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }
}
