package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One version number everywhere: the pom's (which the build writes for --version, and
 * scripts/package names the tarball and the .deb by) is the newest CHANGELOG heading's, the man
 * page's, --version's, and the one the README's install commands name.
 */
class VersionTest {
    private static String first(Pattern pattern, String text, String where) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.find(), "no version found in " + where + " (" + pattern + ")");
        return m.group(1);
    }

    /** Every version {@code pattern} finds (group 1) in {@code text}. */
    private static java.util.Set<String> all(Pattern pattern, String text) {
        return pattern.matcher(text).results().map(m -> m.group(1)).collect(java.util.stream.Collectors.toSet());
    }

    private static String pomVersion() throws IOException {
        return first(Pattern.compile("<artifactId>jthreadtrace</artifactId>\\s*<version>([^<]+)</version>"),
                Files.readString(Path.of("pom.xml")), "pom.xml");
    }

    @Test
    void thePomTheChangelogTheManPageTheReadmeAndVersionAgree() throws IOException {
        String pom = pomVersion();
        assertTrue(pom.matches("\\d+\\.\\d+\\.\\d+"), "a version of three numbers: " + pom);
        assertEquals(pom, first(Pattern.compile("(?m)^## (\\S+)"), Files.readString(Path.of("CHANGELOG.md")), "CHANGELOG.md"),
                "the newest CHANGELOG heading");
        assertEquals(pom, first(Pattern.compile("(?m)^\\.TH \\S+ 1 \"[^\"]*\" \"jthreadtrace (\\S+)\""),
                Files.readString(Path.of("man/jthreadtrace.1")), "the man page's .TH line"), "man page");
        String readme = Files.readString(Path.of("README.md"));
        assertEquals(java.util.Set.of(pom), all(Pattern.compile("jthreadtrace-(\\d[^-/\\s]*)-linux-x86_64\\.tar\\.gz"), readme),
                "the tarball the README's Install names");
        assertEquals(java.util.Set.of(pom), all(Pattern.compile("jthreadtrace_(\\d[^_\\s]*)_amd64\\.deb"), readme),
                "the .deb the README's Install names");
        assertEquals(java.util.Set.of(pom), all(Pattern.compile("jthreadtrace-(\\d[0-9.]*[0-9])/"), readme),
                "the directory the tarball unpacks into, in the README");
        assertEquals("jthreadtrace " + pom, CliTest.run("--version").out().lines().findFirst().orElseThrow(), "--version");
    }

    @Test
    void versionNamesTheCommitTheBuildDateAndTheRuntimeItRunsOn() {
        CliTest.Result r = CliTest.run("--version");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        // A build from a git checkout names its commit; from sources without git, "unknown".
        String commit = Files.exists(Path.of(".git")) ? "[0-9a-f]{12}(-dirty)?" : "unknown";
        assertTrue(lines[1].matches("commit " + commit + ", built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), lines[1]);
        assertTrue(lines[2].startsWith("running on Java " + System.getProperty("java.runtime.version") + " (")
                && lines[2].contains(" at " + System.getProperty("java.home") + ", Linux amd64"), lines[2]);
        assertEquals(r.out(), CliTest.run("run", "--version").out(), "a command's --version is the same");
    }
}
