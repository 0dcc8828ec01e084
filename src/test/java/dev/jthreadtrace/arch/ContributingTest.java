package dev.jthreadtrace.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CONTRIBUTING.md's recipes name real things: every file it names exists, every class it names
 * (a test, a table, a type) is one of ours, and the commit it shows is in the history with the
 * files it says.
 */
class ContributingTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/jthreadtrace"), TESTS = Path.of("src/test/java/dev/jthreadtrace");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static List<String> codeSpans() throws IOException {
        List<String> spans = new ArrayList<>();
        Matcher m = CODE.matcher(Files.readString(Path.of("CONTRIBUTING.md")));
        while (m.find()) spans.add(m.group(1));
        return spans;
    }

    /** A path as the recipes write it: from the top, or from the sources' package root. */
    private static boolean exists(String path) {
        return Files.exists(Path.of(path)) || Files.exists(SOURCES.resolve(path)) || Files.exists(TESTS.resolve(path));
    }

    /** A class of ours by its simple name (or Outer.Inner: the outer one), in the sources or the tests. */
    private static boolean isOurClass(String name) throws IOException {
        String outer = name.split("\\.")[0];
        try (Stream<Path> files = Stream.concat(Files.walk(SOURCES), Files.walk(TESTS))) {
            return files.anyMatch(f -> f.getFileName().toString().equals(outer + ".java"));
        }
    }

    @Test
    void everyFileItNamesExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String span : codeSpans()) {
            boolean path = span.matches("[\\w./-]+/[\\w./-]*") || span.matches("[\\w.-]+\\.(md|java|sh|1)");
            // target/ is what the build makes
            if (!path || span.startsWith("-") || span.startsWith("target/")) continue;
            checked++;
            if (!exists(span)) missing.add(span);
        }
        assertTrue(checked >= 15, "paths checked: " + checked);
        assertEquals(List.of(), missing);
    }

    @Test
    void everyClassItNamesIsOurs() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String span : codeSpans()) {
            // OutputFormat.ALL, SyscallsTest, FutexLog, Specs.choices: a capitalised identifier, perhaps with a member
            if (!span.matches("[A-Z][A-Za-z0-9]+(\\.[A-Za-z_]+)*(\\(\\))?") || span.equals(span.toUpperCase())
                    || span.matches(".*\\.(md|java|sh)")) {
                continue;
            }
            if (span.startsWith("Locale.")) continue; // the JDK's
            checked++;
            if (!isOurClass(span)) missing.add(span);
        }
        assertTrue(checked >= 20, "classes checked: " + checked);
        assertEquals(List.of(), missing);
    }

    private static boolean shallowClone() throws Exception {
        Process git = new ProcessBuilder("git", "rev-parse", "--is-shallow-repository").redirectErrorStream(true).start();
        String answer = new String(git.getInputStream().readAllBytes()).strip();
        assertEquals(0, git.waitFor(), "git rev-parse: " + answer);
        return answer.equals("true");
    }

    @Test
    void theCommitItShowsAddsASyscallInTheFilesItSays() throws Exception {
        Matcher m = Pattern.compile("git show --stat ([0-9a-f]{7,40})").matcher(Files.readString(Path.of("CONTRIBUTING.md")));
        assertTrue(m.find(), "a commit to show");
        if (shallowClone()) return; // a CI checkout of depth 1 has no history to show; the paths are checked above
        Process git = new ProcessBuilder("git", "show", "--name-only", "--format=", m.group(1)).redirectErrorStream(true).start();
        String files = new String(git.getInputStream().readAllBytes());
        assertEquals(0, git.waitFor(), files);
        for (String expected : List.of("decode/Rseq.java", "decode/Syscalls.java", "decode/RseqTest.java", "it/StraceComparisonIT.java")) {
            assertTrue(files.contains(expected), expected + " in " + files);
        }
    }
}
