package dev.jthreadtrace.cli;

import dev.jthreadtrace.check.Assertion;
import dev.jthreadtrace.check.AssertionParser;
import dev.jthreadtrace.check.AssertionResult;
import dev.jthreadtrace.check.DiffEvaluator;
import dev.jthreadtrace.check.Vocabulary;
import dev.jthreadtrace.diff.DiffMetric;
import dev.jthreadtrace.diff.RunDiff;
import dev.jthreadtrace.diff.RunProfile;
import dev.jthreadtrace.jsonl.DiffRecords;
import dev.jthreadtrace.jsonl.SavedAssertion;
import dev.jthreadtrace.render.DiffReport;
import dev.jthreadtrace.render.Output;
import dev.jthreadtrace.render.Palette;
import dev.jthreadtrace.session.SavedTrace;
import dev.jthreadtrace.text.Escape;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static dev.jthreadtrace.cli.Specs.bind;

/**
 * {@code jthreadtrace diff [OPTIONS] BASE.jsonl NEW.jsonl}: what changed between two runs of the
 * same program, for a CI job that keeps the base run's trace as an artifact. Exits 0 whatever
 * changed (assert on it to fail the build), 90 when an assertion failed.
 */
final class DiffCommand implements Callable<Integer> {
    final AssertOptions assertOptions = new AssertOptions();
    Path base;
    Path now;
    Path output;
    Format format;
    OutputOptions.ColorMode color;
    boolean allowTruncated;
    final CommandSpec spec = Specs.command("diff", this, true,
            "Shows what changed between two runs of the same program, each saved with 'run --format jsonl -o FILE'.",
            "Threads are compared by where they come from: a Java thread by its creation site (the method that started it), "
                    + "any other, and a process a task created (exec'd or not), by its creator's name and its own, numbers "
                    + "folded (main -> pool-#-thread-#), so that tids, "
                    + "addresses and hash suffixes, which differ every run, do not count. Changes: sites that appear or "
                    + "vanish, how many threads or processes a site made, the values a site's threads inherited (ccl, itl:..., the signal "
                    + "mask...), the programs exec'd. Peak and futex wait time per site are shown beside them; they vary "
                    + "from run to run and count only in assertions (diff.threads.peak, diff.futex.wait.time). The JVM's own "
                    + "threads (GC, compilers) are not compared. --assert takes the diff.* metrics (diff.new_sites, "
                    + "diff.threads{created_at=\"com.acme.*\"}.count: the new run's threads minus the base run's, ...) and any "
                    + "metric of the new run (threads.leaked, threads.peak, ...).");

    DiffCommand() {
        spec.addPositional(Specs.parameters(Path.class, Specs.<Path>bind(() -> base, v -> base = v))
                .index("0").paramLabel("BASE.jsonl").description("The trace of the run to compare with (the baseline).").build());
        spec.addPositional(Specs.parameters(Path.class, Specs.<Path>bind(() -> now, v -> now = v))
                .index("1").paramLabel("NEW.jsonl").description("The trace of the new run.").build());
        spec.addOption(Specs.option(Path.class, Specs.<Path>bind(() -> output, v -> output = v), "-o", "--output")
                .paramLabel("FILE").description("Write the comparison to FILE instead of standard output.").build());
        spec.addOption(Specs.option(Format.class, Specs.<Format>bind(() -> format, v -> format = v), "--format")
                .paramLabel("FORMAT").defaultValue("text")
                .description("text (the changes, then every site) or jsonl (a diff record, a site record per site, a change "
                        + "record per change, the assertions, a diff_summary with every diff.* metric). Default: ${DEFAULT-VALUE}.").build());
        spec.addOption(Specs.option(OutputOptions.ColorMode.class, Specs.<OutputOptions.ColorMode>bind(() -> color, v -> color = v),
                        "--color").paramLabel("WHEN").defaultValue("auto")
                .description("Colour: auto (only on a terminal, and not when NO_COLOR is set), always, never.").build());
        assertOptions.addChecksTo(spec);
        spec.addOption(Specs.flag(bind(() -> allowTruncated, v -> allowTruncated = v), "--allow-truncated")
                .description("Compare traces that were cut short on the records they hold, with a warning; without it such a "
                        + "trace is refused (exit 125).").build());
        Specs.finish(spec, new String[] {
                "  jthreadtrace diff base.jsonl new.jsonl",
                "  jthreadtrace diff --assert 'diff.new_sites == 0' --assert 'diff.inherited_changes == 0' base.jsonl new.jsonl",
                "  jthreadtrace diff --assert 'diff.threads{created_at=\"com.acme.*\"}.count <= 2' --junit-xml diff.xml base.jsonl new.jsonl",
                "  jthreadtrace diff --format jsonl base.jsonl new.jsonl | jq 'select(.type==\"change\")'",
        }, "0:compared (whatever changed) and every assertion passed", ExitCodes.HELP_USAGE,
                "90:an --assert failed (any --assert also checks diff.command_changed == 0 and diff.end_changed == 0:"
                        + " a new run that crashed or ran another program fails the gate)", ExitCodes.HELP_TOOL);
    }

    /** What the comparison is written as. */
    enum Format {
        text {
            @Override
            void write(RunDiff diff, List<SavedAssertion> results, Palette palette, Output out) {
                DiffReport.render(diff, palette, out::line);
                AssertOptions.Checks.printResults(results, out::line);
            }
        },
        jsonl {
            @Override
            void write(RunDiff diff, List<SavedAssertion> results, Palette palette, Output out) {
                DiffRecords.write(diff, results, out);
            }
        };

        abstract void write(RunDiff diff, List<SavedAssertion> results, Palette palette, Output out);
    }

    @Override
    public Integer call() {
        AssertOptions.Checks checks;
        try {
            checks = alike(assertOptions.parse(Vocabulary.DIFF));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ErrorLines err = new ErrorLines(spec.commandLine().getErr());
        List<OutputFiles.Named> outputs = new ArrayList<>(assertOptions.outputs());
        if (!OutputOptions.toStdout(output)) outputs.addFirst(new OutputFiles.Named("-o", output));
        List<OutputFiles.Named> inputs = new ArrayList<>(List.of(new OutputFiles.Named("BASE.jsonl", base),
                new OutputFiles.Named("NEW.jsonl", now)));
        inputs.addAll(assertOptions.inputs());
        String clash = OutputFiles.clash(inputs, outputs);
        if (clash != null) throw new CommandLine.ParameterException(spec.commandLine(), clash);
        return OutputFiles.using(outputs, assertOptions.junitXml, "jthreadtrace diff", err, files -> diff(checks, files, err));
    }

    /**
     * The runs' own changes every gate checks too: a new build that crashes before it starts its
     * pools makes no new site, and {@code diff.new_sites == 0} passed. Unless an assertion names it,
     * {@code diff.command_changed == 0} and {@code diff.end_changed == 0} are added to any assertions.
     */
    static AssertOptions.Checks alike(AssertOptions.Checks checks) {
        if (checks.assertions().isEmpty()) return checks;
        List<Assertion> all = new ArrayList<>(checks.assertions());
        for (DiffMetric metric : List.of(DiffMetric.COMMAND_CHANGED, DiffMetric.END_CHANGED)) {
            if (all.stream().noneMatch(a -> a.metric() == metric)) all.add(AssertionParser.parse(metric.key() + " == 0", Vocabulary.DIFF));
        }
        return new AssertOptions.Checks(all, checks.junitXml());
    }

    private int diff(AssertOptions.Checks checks, OutputFiles files, PrintWriter err) {
        SavedTrace before = load(base, err), after = before == null ? null : load(now, err);
        if (after == null) return ExitCodes.TOOL_FAILED;
        RunDiff diff = RunDiff.of(RunProfile.of(base.toString(), before.model()), RunProfile.of(now.toString(), after.model()));
        if (diff.unlike() != null) err.println("jthreadtrace: note: " + Escape.text(diff.unlike()) + ": this diff compares unlike runs");
        List<AssertionResult> results = DiffEvaluator.evaluate(checks.assertions(), diff);
        Palette palette = OutputOptions.palette(color, OutputOptions.toStdout(output));
        int code = ReportCommand.write(spec, output, files, out -> format.write(diff, SavedAssertion.of(results), palette, out));
        if (code != ExitCodes.OK) return code;
        if (!checks.writeJunit(results, err, files)) return ExitCodes.TOOL_FAILED;
        return results.stream().allMatch(AssertionResult::passed) ? ExitCodes.OK : ExitCodes.ASSERTION_FAILED;
    }

    /** A trace to compare, or null after one line on err (unreadable, or cut short without --allow-truncated). */
    private SavedTrace load(Path file, PrintWriter err) {
        SavedTrace saved = SavedTrace.load(file, err);
        if (saved == null) return null;
        if (saved.truncated() && !allowTruncated) {
            err.println("jthreadtrace: " + saved.truncationWarning() + "; --allow-truncated compares what it holds");
            return null;
        }
        if (saved.truncated()) err.println("jthreadtrace: warning: " + saved.truncationWarning() + "; comparing what it holds");
        return saved;
    }
}
