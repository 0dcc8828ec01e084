package dev.jthreadtrace.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code --version}: the version, the git commit and date of the build (written by the build into
 * {@value #BUILD_INFO}, see src/build/build-info) and the Java runtime running the tool, with its
 * place: an installed jthreadtrace runs on the runtime bundled with it, a checkout's on a JDK.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    static final String BUILD_INFO = "/META-INF/jthreadtrace/build.properties";

    /** What the build recorded; "unknown" for what it did not (classes compiled outside Maven). */
    record BuildInfo(String version, String commit, String date) {
        static BuildInfo read() {
            Properties p = new Properties();
            try (InputStream in = VersionProvider.class.getResourceAsStream(BUILD_INFO)) {
                if (in != null) p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                // Unreadable: the same as absent.
            }
            return new BuildInfo(p.getProperty("version", "unknown"), p.getProperty("commit", "unknown"),
                    p.getProperty("date", "unknown"));
        }
    }

    @Override
    public String[] getVersion() {
        BuildInfo build = BuildInfo.read();
        return new String[] {
                "jthreadtrace " + build.version(),
                "commit " + build.commit() + ", built " + build.date(),
                // The property, not Runtime.version(): its toString builds the string with streams (~8 ms).
                "running on Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                        + ") at " + System.getProperty("java.home") + ", "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        };
    }
}
