package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every strace flag of the table is either taken (a real trace of /bin/true runs, exit 0) or
 * answered in exactly one line with exit status 2; and the man page and README list each one.
 */
class StraceFlagsTest {
    /** A value for each flag of the table that takes one and that jthreadtrace has. */
    private static final Map<String, String> VALUES = Map.of("-S", "calls", "-e", "futex", "-s", "64");

    @Test
    void everyFlagIsTakenOrAnsweredInOneLine(@TempDir Path tmp) {
        for (StraceFlags.Flag f : StraceFlags.FLAGS) {
            // Lines and tables go to a file: in-process, standard output is the test runner's.
            List<String> args = new ArrayList<>(List.of("run", "--report", "none", "-o", tmp.resolve("out.txt").toString()));
            if (f.flag().equals("-V") || f.flag().equals("-h")) {
                assertEquals(0, CliTest.run(f.flag()).code(), f.flag());
                continue;
            }
            if (!f.flag().equals("-o")) {
                args.add(f.flag());
                if (f.takesValue()) args.add(VALUES.getOrDefault(f.flag(), "1"));
            }
            args.addAll(List.of("--", "/bin/true"));
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            if (f.kind() == StraceFlags.Kind.ANSWERED) {
                assertEquals(2, r.code(), f.flag() + ": " + r.err());
                assertEquals("jthreadtrace: " + f.here() + "\n", r.err(), f.flag() + " is answered in one line");
            } else {
                assertEquals(0, r.code(), f.flag() + " is taken: " + r.err());
            }
        }
    }

    @Test
    void theManPageAndTheReadmeHaveTheWholeTable() throws Exception {
        String man = Files.readString(Path.of("man/jthreadtrace.1"));
        String section = man.substring(man.indexOf(".SH FOR STRACE USERS"), man.indexOf(".SH ", man.indexOf(".SH FOR STRACE USERS") + 4));
        String readme = Files.readString(Path.of("README.md"));
        for (StraceFlags.Flag f : StraceFlags.FLAGS) {
            String manText = f.here().replace("\\", "\\e").replace("-", "\\-");
            assertTrue(section.contains(f.flag().replace("-", "\\-") + "\t" + f.kind().name().toLowerCase()), "man: " + f.flag());
            assertTrue(section.contains(manText), "man has the text for " + f.flag());
            assertTrue(readme.contains("| `" + f.flag() + "` | " + f.kind().name().toLowerCase() + " | " + f.here().replace("|", "\\|") + " |"),
                    "README: " + f.flag());
        }
    }
}
