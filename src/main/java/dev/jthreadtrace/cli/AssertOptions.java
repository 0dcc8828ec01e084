package dev.jthreadtrace.cli;

import dev.jthreadtrace.check.Assertion;
import dev.jthreadtrace.check.AssertionEvaluator;
import dev.jthreadtrace.check.AssertionParser;
import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.check.JunitXml;
import dev.jthreadtrace.check.Vocabulary;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.text.BoundedLines;
import dev.jthreadtrace.text.Escape;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static dev.jthreadtrace.cli.Specs.bind;

/** CI assertion mode: shared by run, attach, demo and check. */
final class AssertOptions {
    // The option values, set by Picocli through the bindings made in addTo.
    List<String> expressions = new ArrayList<>();
    Path assertFile;
    Path junitXml;
    boolean ignoreExit;

    /**
     * Declares these options on {@code command}, bound to this object's fields, in the order help
     * lists them; --ignore-exit only where the command's own exit status is passed through.
     */
    void addTo(CommandSpec command, boolean passesExitThrough) {
        addChecksTo(command);
        if (passesExitThrough) command.addOption(Specs.flag(bind(() -> ignoreExit, v -> ignoreExit = v), "--ignore-exit")
                .description("Exit 0 when all assertions pass, whatever the command's own exit status.").build());
    }

    /** --assert, --assert-file and --junit-xml: what a command that runs nothing (diff) takes. */
    void addChecksTo(CommandSpec command) {
        command.addOption(Specs.list(bind(() -> expressions, v -> expressions = v), "--assert").paramLabel("EXPR")
                .description("Check a thread metric after the trace, e.g. 'threads.peak <= 40', "
                        + "'threads{name=\"pool-*\"}.count == 8', 'futex.wait.time{name=\"worker-*\"} < 500ms', "
                        + "'spawned_by{child=\"lazy-*\"} == \"main\"', 'inherits{name=\"inner-2\", hook=\"affinity\"} == \"0\"'. "
                        + "Repeatable. Any failure makes the exit status 90. A selector or hook that matches nothing fails "
                        + "(except a count of threads); empty=\"pass\" in the selector accepts that: "
                        + "'futex.wait.time{name=\"lazy-*\", empty=\"pass\"} < 1ms'. Metrics and syntax: man jthreadtrace (in a checkout: man ./man/jthreadtrace.1).").build());
        command.addOption(Specs.option(Path.class, Specs.<Path>bind(() -> assertFile, v -> assertFile = v), "--assert-file")
                .paramLabel("FILE")
                .description("Read assertions from FILE, one per line; blank lines and lines starting with # are ignored.").build());
        command.addOption(Specs.option(Path.class, Specs.<Path>bind(() -> junitXml, v -> junitXml = v), "--junit-xml")
                .paramLabel("FILE")
                .description("Write the assertion results to FILE as JUnit XML (one testcase per assertion; when none could be "
                        + "evaluated, one error testcase saying why). Checked as -o FILE "
                        + "is: not the trace, not --assert-file, not another output.").build());
    }


    /** The parsed assertions, ready to evaluate once the trace is done. */
    record Checks(List<Assertion> assertions, Path junitXml) {
        /** No assertion: report checks nothing. */
        static final Checks NONE = new Checks(List.of(), null);

        List<AssertionResult> evaluate(TraceModel model) {
            return AssertionEvaluator.evaluate(assertions, model);
        }

        void printTable(List<AssertionResult> results, Consumer<String> out) {
            printResults(SavedAssertion.of(results), out);
        }

        /** The PASS/FAIL table with the actual values, and how many passed; nothing when there are none. */
        static void printResults(List<SavedAssertion> results, Consumer<String> out) {
            if (results.isEmpty()) return;
            out.accept("");
            out.accept("ASSERTIONS");
            // The expression as written (a backslash as typed), its controls made visible: an
            // --assert-file's escape sequence must not reach a terminal or CI log.
            int width = results.stream().mapToInt(r -> Escape.typed(r.expr()).length()).max().orElse(0);
            for (SavedAssertion r : results) {
                String expr = Escape.typed(r.expr());
                out.accept("  " + (r.passed() ? "PASS" : "FAIL") + "  " + expr + " ".repeat(width - expr.length())
                        + "   actual " + r.actual());
            }
            long failed = results.stream().filter(r -> !r.passed()).count();
            out.accept((results.size() - failed) + " passed, " + failed + " failed");
        }

        /** Writes the JUnit file if asked; false (with one line on err) when it cannot be written. */
        boolean writeJunit(List<AssertionResult> results, PrintWriter err, OutputFiles files) {
            if (junitXml == null) return true;
            try {
                files.replace(junitXml, out -> JunitXml.write(out, "jthreadtrace", results, 0));
                return true;
            } catch (IOException e) {
                err.println("jthreadtrace: " + FileProblems.cannotWrite(junitXml, e));
                return false;
            }
        }
    }

    /** The file these options read: --assert-file. */
    List<OutputFiles.Named> inputs() {
        return assertFile == null ? List.of() : List.of(new OutputFiles.Named("--assert-file", assertFile));
    }

    /** The file these options write: --junit-xml. */
    List<OutputFiles.Named> outputs() {
        return junitXml == null ? List.of() : List.of(new OutputFiles.Named("--junit-xml", junitXml));
    }

    /** The longest line of an --assert-file: an assertion is a line a person wrote. */
    private static final int MAX_ASSERTION = 64 << 10;

    /** Parses every assertion now, before the target starts; throws IllegalArgumentException on the first bad one. */
    Checks parse() {
        return parse(Vocabulary.TRACE);
    }

    /** The same in the metrics of {@code vocabulary} (diff's include what changed between two traces). */
    Checks parse(Vocabulary vocabulary) {
        List<Assertion> parsed = new ArrayList<>();
        for (String e : expressions) parsed.add(AssertionParser.parse(e, vocabulary));
        if (assertFile != null) {
            // The file's name is the user's, but may be anything a directory holds: ESC, a newline (a forged line).
            String named = Escape.text(assertFile.toString());
            int before = parsed.size();
            try (BoundedLines lines = new BoundedLines(Files.newBufferedReader(assertFile, StandardCharsets.UTF_8), MAX_ASSERTION)) {
                int lineNo = 0;
                for (String line; (line = lines.next()) != null; ) {
                    lineNo++;
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) continue;
                    try {
                        parsed.add(AssertionParser.parse(line, vocabulary));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(named + ":" + lineNo + ": " + e.getMessage());
                    }
                }
            } catch (BoundedLines.TooLong e) {
                throw new IllegalArgumentException("--assert-file " + named + ": " + e.getMessage() + ": not a file of assertions");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --assert-file " + named + ": " + FileProblems.reason(e));
            }
            // A budget file a bad merge left with comments only would check nothing and pass.
            if (parsed.size() == before) throw new IllegalArgumentException("--assert-file " + named + " holds no assertion");
        }
        return new Checks(parsed, junitXml);
    }
}
