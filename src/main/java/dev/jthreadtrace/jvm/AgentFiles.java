package dev.jthreadtrace.jvm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What the run's directory holds of the agent, read once from the installation: the jar's bytes
 * (copied in, and the source of the attach jar) and its own classes, inflated, for the boot class
 * path. Read before the directory is made ({@link AgentPreparation}): inflating the classes at the
 * first JVM's exec stop held that JVM stopped for 10-40 ms.
 *
 * @param jar        the agent jar as it was when read
 * @param bootClasses the agent's own class files by file name ({@code Installer.class})
 */
record AgentFiles(byte[] jar, Map<String, byte[]> bootClasses) {
    /** The package the boot class path holds: the agent's own classes, no deeper package. */
    static final String AGENT_CLASSES = "dev/jthreadtrace/agent/";

    /** Reads {@code agentJar} and inflates its agent classes. */
    static AgentFiles read(Path agentJar) throws IOException {
        byte[] jar = Files.readAllBytes(agentJar);
        Map<String, byte[]> classes = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(AGENT_CLASSES) || !name.endsWith(".class")
                        || name.indexOf('/', AGENT_CLASSES.length()) >= 0) {
                    continue;
                }
                classes.put(name.substring(AGENT_CLASSES.length()), zip.readAllBytes());
            }
        }
        return new AgentFiles(jar, Map.copyOf(classes));
    }
}
