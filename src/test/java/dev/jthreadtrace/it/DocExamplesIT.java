package dev.jthreadtrace.it;

import dev.jthreadtrace.fixtures.JavaHooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every --assert example of the README and the man page is a working assertion: extracted from
 * the documents, each is checked against a real JVM trace and must be evaluated (pass or fail,
 * exit 0 or 90), never refused as malformed (2) or as an error (125).
 */
@Timeout(120)
class DocExamplesIT {
    private static final Pattern README_ASSERT = Pattern.compile("--assert '([^']+)'");
    private static final Pattern MAN_ASSERT = Pattern.compile("--assert '([^']+)'|\\.BR \"((?:inherits|spawned_by|threads)[^\\n]*?)\" \\.");

    static Set<String> documentedAssertions() throws Exception {
        Set<String> out = new LinkedHashSet<>();
        Matcher readme = README_ASSERT.matcher(Files.readString(Tool.basedir().resolve("README.md")));
        while (readme.find()) out.add(readme.group(1));
        String man = Files.readString(Tool.basedir().resolve("man/jthreadtrace.1")).replace("\\-", "-");
        Matcher m = MAN_ASSERT.matcher(man);
        while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(2).replace("\"\"", "\""));
        return out;
    }

    @Test
    void everyDocumentedAssertionIsEvaluatedOnARealTrace(@TempDir Path tmp) throws Exception {
        Set<String> examples = documentedAssertions();
        assertTrue(examples.size() >= 7, "the documents' examples were found: " + examples);
        Path trace = tmp.resolve("trace.jsonl");
        List<String> run = new ArrayList<>(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--"));
        run.addAll(JvmIT.java(JavaHooks.class.getName()));
        Tool.Result traced = Tool.run(Tool.jar(run.toArray(String[]::new)));
        assertEquals(0, traced.code(), traced.err());
        // All of a kind in one command (each is a JVM start); only when that one is refused, one by
        // one, to name the example at fault. A diff.* example compares two traces: here the trace with itself.
        List<String> problems = new ArrayList<>();
        for (boolean diff : new boolean[] {false, true}) {
            List<String> kind = examples.stream().filter(e -> e.startsWith("diff.") == diff).toList();
            if (kind.isEmpty() || evaluated(kind, diff, trace) == null) continue;
            for (String example : kind) {
                String problem = evaluated(List.of(example), diff, trace);
                if (problem != null) problems.add(example + " -> " + problem);
            }
        }
        assertEquals(List.of(), problems);
        // The documented "== none" form passes where a thread did not inherit a thread-local that others did.
        Tool.Result none = Tool.run(Tool.jar("check", "--assert",
                "inherits{name=\"Common-Cleaner\", hook=\"itl:JavaHooks$RequestContext\"} == \"none\"", trace.toString()));
        assertEquals(0, none.code(), none.out());
        // With a key no thread has (here the class is JavaHooks$RequestContext) it checks nothing: it fails, naming the real keys.
        Tool.Result typo = Tool.run(Tool.jar("check", "--assert",
                "inherits{name=\"pool-*\", hook=\"itl:RequestContext\"} == \"none\"", trace.toString()));
        assertEquals(90, typo.code(), typo.out());
        assertTrue(typo.out().contains("actual no thread has hook \"itl:RequestContext\"; hooks seen: itl:JavaHooks$RequestContext"),
                typo.out());
        Tool.Result accepted = Tool.run(Tool.jar("check", "--assert",
                "inherits{name=\"pool-*\", hook=\"itl:RequestContext\", empty=\"pass\"} == \"none\"", trace.toString()));
        assertEquals(0, accepted.code(), accepted.out());
    }

    /** Null when the assertions were evaluated (passed or failed: exit 0 or 90), else the exit code and stderr. */
    private static String evaluated(List<String> assertions, boolean diff, Path trace) {
        List<String> args = new ArrayList<>(List.of(diff ? "diff" : "check"));
        for (String a : assertions) args.addAll(List.of("--assert", a));
        args.add(trace.toString());
        if (diff) args.add(trace.toString());
        Tool.Result r = Tool.run(Tool.jar(args.toArray(String[]::new)));
        return r.code() == 0 || r.code() == 90 ? null : r.code() + ": " + r.err().strip();
    }
}
