package dev.jthreadtrace.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the tool tells the agent, in one codec both sides use. The agent's argument is the run's
 * directory alone ({@code DIR}, or {@code DIR,+attached} from {@code jthreadtrace attach}), so a
 * traced JVM's command line carries one short option; the rest is the file {@value #FILE} there,
 * one {@code key=value} per line:
 * <pre>
 * stack=8        creation stack frames kept (0: none)
 * jdkframes=0    1: keep the JDK's frames above the application's
 * vstack=0       1: creation stacks of virtual threads too
 * </pre>
 * Unknown keys are ignored, a missing or unreadable file gives the defaults.
 */
public record AgentOptions(int stackDepth, boolean jdkFrames, boolean virtualStacks) {
    public static final String FILE = "options";
    /** The agent jar's name in the run's directory: its manifest names its boot class path relative to it. */
    public static final String JAR = "jthreadtrace-agent.jar";
    /** The same agent for a running JVM ({@code jthreadtrace attach}), whose boot class path takes only jars. */
    public static final String ATTACH_JAR = "jthreadtrace-attach.jar";
    public static final String ATTACHED = "+attached";
    /** The agent's classes, unpacked beside its jar: the manifest's {@code Boot-Class-Path}. */
    public static final String BOOT = "boot";
    public static final AgentOptions DEFAULT = new AgentOptions(8, false, false);
    private static final int MAX_BYTES = 4096;

    public AgentOptions {
        stackDepth = Math.max(0, Math.min(stackDepth, 256));
    }

    public String encode() {
        return "stack=" + stackDepth + "\njdkframes=" + (jdkFrames ? 1 : 0) + "\nvstack=" + (virtualStacks ? 1 : 0) + "\n";
    }

    public static AgentOptions decode(String text) {
        int stack = DEFAULT.stackDepth;
        boolean jdk = DEFAULT.jdkFrames, virtual = DEFAULT.virtualStacks;
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 0) continue;
            String key = line.substring(0, eq).trim(), value = line.substring(eq + 1).trim();
            try {
                if (key.equals("stack")) stack = Integer.parseInt(value);
                else if (key.equals("jdkframes")) jdk = value.equals("1");
                else if (key.equals("vstack")) virtual = value.equals("1");
            } catch (NumberFormatException e) {
                // the default stays
            }
        }
        return new AgentOptions(stack, jdk, virtual);
    }

    /** The options in {@code directory}: a regular file, never followed through a link, capped. */
    public static AgentOptions read(Path directory) {
        Path file = directory.resolve(FILE);
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return decode(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return DEFAULT;
        }
    }

    /** The agent's argument for a JVM the tool launches: the directory. */
    public static String launchArgument(String directory) {
        return directory;
    }

    /**
     * The same with the JVM's pid as the tool sees it ({@code DIR,+pid=N}), which names its record
     * file: two JVMs that are pid 1 of sibling PID namespaces both wrote {@code jvm-1.tsv}.
     */
    public static String launchArgument(String directory, int hostPid) {
        return directory + "," + HOST_PID + hostPid;
    }

    /** The pid the tool gave ({@link #launchArgument(String, int)}), or null. */
    public static String hostPid(String argument) {
        if (argument == null) return null;
        int at = argument.lastIndexOf("," + HOST_PID);
        if (at < 0) return null;
        String digits = argument.substring(at + 1 + HOST_PID.length());
        return digits.matches("[0-9]{1,9}") ? digits : null;
    }

    private static final String HOST_PID = "+pid=";
    /** The start of each {@link #ownDirectory}'s name. */
    public static final String OWN_DIRECTORY = "agent-";

    /**
     * The directory, in the run's, of the launched JVM the tool knows as {@code hostPid}: its own
     * link to the jar and its own {@value #BOOT} directory of links to the agent's classes, which
     * its agent removes once it has loaded them ({@link BootEntry}).
     */
    public static String ownDirectory(int hostPid) {
        return OWN_DIRECTORY + hostPid;
    }

    /** Where the jar of the agent given {@code argument} is: its JVM's own directory when the tool gave a pid, else the run's. */
    public static String jarDirectory(String argument) {
        String pid = hostPid(argument);
        String directory = directoryOf(argument);
        return pid == null ? directory : directory + "/" + ownDirectory(Integer.parseInt(pid));
    }

    /** The agent's argument for a running JVM the tool attaches to. */
    public static String attachArgument(String directory) {
        return directory + "," + ATTACHED;
    }

    /** The directory named by an argument of either kind ("" when there is none). */
    public static String directoryOf(String argument) {
        if (argument == null) return "";
        String hostPid = hostPid(argument);
        if (hostPid != null) return argument.substring(0, argument.length() - HOST_PID.length() - hostPid.length() - 1);
        return argument.endsWith("," + ATTACHED) ? argument.substring(0, argument.length() - ATTACHED.length() - 1) : argument;
    }

    public static boolean attached(String argument) {
        return argument != null && argument.endsWith("," + ATTACHED);
    }
}
