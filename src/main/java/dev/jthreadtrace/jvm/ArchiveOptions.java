package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a JVM's command line asks for an AOT cache or a CDS archive of its own: an agent added
 * to such a JVM makes it refuse the archive (with {@code -XX:AOTMode=on}, the JVM does not start;
 * otherwise it prints {@code [error][aot]} lines on the program's standard output). The options are
 * looked for where the launcher and the JVM read them: the arguments (with {@code -J} for the JDK's
 * tools), {@code @argfiles} of {@code java}, {@code -XX:VMOptionsFile}, and the
 * {@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS} and {@code _JAVA_OPTIONS} variables.
 */
final class ArchiveOptions {
    private static final List<String> ARCHIVE_PREFIXES = List.of("-XX:AOTCache=", "-XX:AOTCacheOutput=",
            "-XX:AOTConfiguration=", "-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=", "-XX:+AutoCreateSharedArchive");
    private static final int MAX_FILE = 1 << 20;

    private ArchiveOptions() {}

    /**
     * The first archive option found, or null.
     *
     * @param java  whether the launcher is {@code java} (argfiles, JDK_JAVA_OPTIONS) rather than a tool ({@code -J})
     * @param files how the JVM's own paths are reached from here ({@code /proc/PID/root}, its cwd)
     */
    static String find(boolean java, List<String> argv, String jdkJavaOptions, String toolOptions, String underscoreOptions,
                       FileView files) {
        for (String arg : argv.subList(Math.min(1, argv.size()), argv.size())) {
            String option = java ? arg : arg.startsWith("-J") ? arg.substring(2) : null;
            if (option == null) continue;
            String found = archiveOption(option, files);
            if (found != null) return found;
            if (java && option.startsWith("@") && !option.startsWith("@@")) {
                found = inText(read(files.resolve(option.substring(1))), files);
                if (found != null) return found;
            }
        }
        for (String variable : java ? new String[] {jdkJavaOptions, toolOptions, underscoreOptions}
                : new String[] {toolOptions, underscoreOptions}) {
            String found = variable == null ? null : inText(variable, files);
            if (found != null) return found;
        }
        return null;
    }

    /** How a path the JVM names is reached from the tool. */
    interface FileView {
        Path resolve(String path);
    }

    private static String archiveOption(String option, FileView files) {
        for (String prefix : ARCHIVE_PREFIXES) if (option.startsWith(prefix)) return option;
        if (option.startsWith("-XX:AOTMode=") && !option.equals("-XX:AOTMode=off")) return option;
        if (option.startsWith("-XX:VMOptionsFile=")) return inText(read(files.resolve(option.substring("-XX:VMOptionsFile=".length()))), files);
        return null;
    }

    /** Options in a file's or a variable's text: separated by white space (quotes need no care: no archive option holds a space before its value). */
    private static String inText(String text, FileView files) {
        if (text == null) return null;
        for (String token : text.split("\\s+")) {
            String t = token.replace("\"", "").replace("'", "");
            for (String prefix : ARCHIVE_PREFIXES) if (t.startsWith(prefix)) return t;
            if (t.startsWith("-XX:AOTMode=") && !t.equals("-XX:AOTMode=off")) return t;
        }
        return null;
    }

    private static String read(Path file) {
        if (file == null) return null;
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_FILE), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
