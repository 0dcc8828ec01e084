package dev.jthreadtrace.cli;

import dev.jthreadtrace.decode.Syscalls;
import dev.jthreadtrace.diff.DiffMetric;
import dev.jthreadtrace.model.Hook;
import dev.jthreadtrace.model.Metric;
import dev.jthreadtrace.render.ReportSection;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line through Picocli with captured streams: help, usage errors, docs in sync. */
class CliTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    static List<String> allOptionNames() {
        List<String> names = new ArrayList<>();
        CommandLine top = Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandLine> commands = new ArrayList<>(List.of(top));
        commands.addAll(top.getSubcommands().values());
        for (CommandLine c : commands) {
            for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) names.addAll(List.of(o.names()));
        }
        return names.stream().distinct().toList();
    }

    @Test
    void helpListsExamplesAndTheExitCodes() {
        Result r = run("run", "--help");
        assertEquals(0, r.code());
        for (String code : new String[] {"0", "128+N", "2", "90", "125", "126", "127"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith(code + " ")), "exit code " + code + " in --help");
        }
        assertTrue(r.out().contains("Examples:"));
        assertTrue(r.out().contains("jthreadtrace run -- java -jar app.jar"));
        assertTrue(run("--help").out().contains("Exit status:"));
    }

    @Test
    void helpNeverWrapsInsideAnExample() {
        CommandLine top = Cli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        for (var entry : top.getSubcommands().entrySet()) {
            for (int width : new int[] {80, 200}) {
                StringWriter help = new StringWriter();
                entry.getValue().getCommandSpec().usageMessage().width(width);
                entry.getValue().usage(new PrintWriter(help, true));
                String text = help.toString();
                int at = text.indexOf("Examples:");
                if (at < 0) continue;
                List<String> examples = text.substring(at).lines().skip(1).takeWhile(l -> !l.isBlank()).toList();
                String what = entry.getKey() + " --help at " + width + ": " + examples;
                assertFalse(examples.isEmpty(), what);
                for (int i = 0; i < examples.size(); i++) {
                    String line = examples.get(i);
                    assertTrue(line.length() <= 80, "fits 80 columns: " + what);
                    // A line is a command, or continues the one before, which then ends in a backslash.
                    boolean continues = i > 0 && examples.get(i - 1).endsWith(" \\");
                    assertTrue(continues ? line.startsWith("      ") : line.startsWith("  ") && !line.startsWith("   "),
                            "line " + i + " starts a command or continues one: " + what);
                }
            }
        }
    }

    @Test
    void theDefaultTraceSetComesFromTheRegistryInHelpAndForScripts() {
        Result printed = run("--print-default-set");
        assertEquals(0, printed.code(), printed.err());
        assertEquals(String.join(",", Syscalls.defaultSet()) + "\n", printed.out());
        assertTrue(printed.out().startsWith("clone,clone3,fork,vfork,execve,"), printed.out());
        String help = run("run", "--help").out().replaceAll("\\s+", ""); // the help wraps the long default
        assertTrue(help.contains("Default:" + Syscalls.defaultSpec() + "."), help);
    }

    @Test
    void versionNamesTheToolAndTheJdk() {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("jthreadtrace "));
        assertTrue(r.out().contains("Java " + Runtime.version().feature()));
    }

    @Test
    void usageErrorsAreOneLinePlusAHintAndExit2() {
        Result unknown = run("run", "--bogus", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.err().startsWith("jthreadtrace: Unknown option: '--bogus'"), unknown.err());
        assertEquals(2, unknown.err().lines().count(), unknown.err());
        assertFalse(unknown.err().contains("\tat "), "no stack trace");

        Result unknownAlone = run("run", "--bogus");
        assertEquals(ExitCodes.USAGE, unknownAlone.code());
        assertTrue(unknownAlone.err().startsWith("jthreadtrace: Unknown option: '--bogus'"), unknownAlone.err());

        Result noCommand = run("run");
        assertEquals(ExitCodes.USAGE, noCommand.code());
        assertTrue(noCommand.err().contains("Missing required parameter: 'COMMAND'"), noCommand.err());

        Result badTrace = run("run", "-e", "clone4", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, badTrace.code());
        assertTrue(badTrace.err().contains("unknown syscall 'clone4'"));

        Result badReport = run("run", "--report", "trees", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, badReport.code());
        assertTrue(badReport.err().contains("unknown report section 'trees'"));

        // --width below what the report needs was once taken silently and widened to 60: refused like the others.
        for (String[] narrow : new String[][] {{"run", "--width", "5", "--", "/bin/true"}, {"report", "--width", "59", "t.jsonl"}}) {
            Result r = run(narrow);
            assertEquals(ExitCodes.USAGE, r.code(), r.err());
            assertTrue(r.err().startsWith("jthreadtrace: Invalid value for option '--width': the report needs 60 columns at least, but was "
                    + narrow[2]), r.err());
            assertEquals(2, r.err().lines().count(), r.err());
        }
        Result notANumber = run("report", "--width", "wide", "t.jsonl");
        assertEquals(ExitCodes.USAGE, notANumber.code());
        assertTrue(notANumber.err().contains("'wide' is not a number of columns"), notANumber.err());
    }

    @Test
    void aKeepEndedBelowOneIsAUsageErrorBeforeAnythingRunsOrIsRead() {
        for (String[] args : new String[][] {{"run", "--keep-ended", "0", "--", "/definitely/not/there"},
                {"attach", "--keep-ended", "-1", "1"}, {"report", "--keep-ended", "0", "no-such.jsonl"},
                {"check", "--keep-ended", "-5", "--assert", "threads.total > 0", "no-such.jsonl"}}) {
            Result r = run(args);
            assertEquals(ExitCodes.USAGE, r.code(), r.err());
            assertTrue(r.err().startsWith("jthreadtrace: --keep-ended must be 1 or more (ended threads kept in full), not " + args[2]),
                    r.err());
            assertEquals(2, r.err().lines().count(), r.err());
        }
    }

    @Test
    void aMalformedAssertionIsAUsageErrorNamingTheColumnBeforeAnythingRuns() {
        Result r = run("run", "--assert", "threads.peak <= lots", "--", "/definitely/not/there");
        assertEquals(ExitCodes.USAGE, r.code(), "parsed before the command is even looked up");
        assertTrue(r.err().startsWith("jthreadtrace: invalid --assert 'threads.peak <= lots' at column 17: expected a number"),
                r.err());
    }

    @Test
    void missingAndNonExecutableCommands() throws IOException {
        Result missing = run("run", "--", "no-such-command-jthreadtrace");
        assertEquals(ExitCodes.NOT_FOUND, missing.code());
        assertEquals("jthreadtrace: no-such-command-jthreadtrace: command not found\n", missing.err());

        Result missingPath = run("run", "--", "/no/such/file");
        assertEquals(ExitCodes.NOT_FOUND, missingPath.code());

        Path plain = Files.createTempFile("not-executable", ".sh");
        try {
            Result r = run("run", "--", plain.toString());
            assertEquals(ExitCodes.NOT_EXECUTABLE, r.code());
            assertTrue(r.err().contains("Permission denied (not executable)"), r.err());
        } finally {
            Files.delete(plain);
        }
        Result dir = run("run", "--", "/tmp");
        assertEquals(ExitCodes.NOT_EXECUTABLE, dir.code());
    }

    @Test
    void badOutputFilesNumbersHooksAndSetsAreOneLineWithTheReasonBeforeAnythingRuns() {
        Result noDir = run("run", "-o", "/nonexistent-dir/x.txt", "--", "/bin/true");
        assertEquals(ExitCodes.TOOL_FAILED, noDir.code());
        assertEquals("jthreadtrace: -o: cannot write /nonexistent-dir/x.txt: No such file or directory\n", noDir.err());

        Result junit = run("run", "--assert", "threads.total >= 1", "--junit-xml", "/nonexistent-dir/t.xml", "--", "/bin/true");
        assertEquals(ExitCodes.TOOL_FAILED, junit.code());
        assertEquals("jthreadtrace: --junit-xml: cannot write /nonexistent-dir/t.xml: No such file or directory\n", junit.err());

        Result huge = run("run", "--assert", "duration < 99999999999999s", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, huge.code());
        assertTrue(huge.err().startsWith("jthreadtrace: invalid --assert 'duration < 99999999999999s' at column 12: number out of range"),
                huge.err());

        Result hook = run("run", "--assert", "inherits{name=\"x\", hook=\"afinity\"} == \"0\"", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, hook.code());
        assertTrue(hook.err().contains("unknown hook 'afinity'"), hook.err());

        Result empty = run("run", "-e", "", "--", "/bin/true");
        assertEquals(ExitCodes.USAGE, empty.code());
        assertTrue(empty.err().startsWith("jthreadtrace: -e/--trace needs syscall names or classes"), empty.err());
    }

    /** A small complete trace as the writer makes it: start, one exit, end, one thread, one process, summary. */
    private static List<String> completeTrace() {
        String r = "\"run\":\"00ff00ff00ff00ff\"";
        return new ArrayList<>(List.of(
                "{\"v\":1,\"type\":\"start\",\"seq\":1," + r + ",\"ns\":0,\"t\":0.0,\"pid\":5,\"tracer_pid\":4,\"path\":\"/bin/true\",\"argv\":[\"true\"]}",
                "{\"v\":1,\"type\":\"exit\",\"seq\":2," + r + ",\"ns\":1000,\"t\":0.000001,\"tid\":5,\"name\":\"true\",\"code\":0}",
                "{\"v\":1,\"type\":\"end\",\"seq\":3," + r + ",\"ns\":2000,\"t\":0.000002,\"interrupted_by\":0}",
                "{\"v\":1,\"type\":\"thread\",\"seq\":4," + r + ",\"tid\":5}",
                "{\"v\":1,\"type\":\"process\",\"seq\":5," + r + ",\"pid\":5}",
                "{\"v\":1,\"type\":\"summary\",\"seq\":6," + r + ",\"pid\":5}"));
    }

    private static Path file(List<String> lines) throws IOException {
        Path f = Files.createTempFile("trace", ".jsonl");
        f.toFile().deleteOnExit();
        return Files.writeString(f, String.join("\n", lines) + "\n");
    }

    @Test
    void savedTracesThatAreMissingOrNotTracesAreOneLineAnd125() throws IOException {
        Result missing = run("report", "/no/such/trace.jsonl");
        assertEquals(ExitCodes.TOOL_FAILED, missing.code());
        assertEquals("jthreadtrace: /no/such/trace.jsonl: no such file\n", missing.err());

        Path notJson = file(List.of("hello world"));
        Result r1 = run("report", notJson.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r1.code());
        assertEquals("jthreadtrace: " + notJson + ": no trace records (empty, or not a jthreadtrace --format jsonl trace)\n", r1.err());

        Path binary = Files.write(Files.createTempFile("trace", ".bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});
        Result r2 = run("report", binary.toString());
        assertEquals(ExitCodes.TOOL_FAILED, r2.code());
        assertEquals("jthreadtrace: " + binary + ":1: not UTF-8 text: not a jthreadtrace --format jsonl trace\n", r2.err());
        Files.delete(binary);

        // A file with no end of line (/dev/zero) is refused after a bounded line, not read into memory whole.
        for (List<String> command : List.of(List.of("report", "--no-live", "/dev/zero"), List.of("check", "--assert", "exit.code == 0", "/dev/zero"),
                List.of("diff", "/dev/zero", "/dev/zero"))) {
            Result endless = run(command.toArray(String[]::new));
            assertEquals(ExitCodes.TOOL_FAILED, endless.code(), command + ": " + endless.err());
            assertEquals("jthreadtrace: /dev/zero: line 1 is longer than 16777216 characters: not a jthreadtrace --format jsonl trace\n",
                    endless.err(), command.toString());
        }
        // A pipe or FIFO cannot be read twice (the call lines are a second reading): one line, unless --no-live.
        Result device = run("report", "/dev/null");
        assertEquals(ExitCodes.TOOL_FAILED, device.code());
        assertTrue(device.err().startsWith("jthreadtrace: /dev/null: not a regular file (a pipe?)"), device.err());
        Result endlessAssertions = run("check", "--assert-file", "/dev/zero", file(completeTrace()).toString());
        assertEquals(ExitCodes.USAGE, endlessAssertions.code());
        assertTrue(endlessAssertions.err().startsWith("jthreadtrace: --assert-file /dev/zero: line 1 is longer than 65536 characters"),
                endlessAssertions.err());

        Result complete = run("check", "--assert", "exit.code == 0", file(completeTrace()).toString());
        assertEquals(0, complete.code(), complete.err());
    }

    @Test
    void aTraceCutShortIsReportedWithOneWarningAndCheckedOnlyWhenAllowed() throws IOException {
        List<String> lines = completeTrace();
        Path cut = file(List.of(lines.get(0), lines.get(1), lines.get(2).substring(0, 30)));
        Path out = Files.createTempFile("report", ".txt");
        out.toFile().deleteOnExit();
        Result report = run("report", "--report", "tree", "-o", out.toString(), cut.toString());
        assertEquals(ExitCodes.TOOL_FAILED, report.code(), "scripts notice");
        assertTrue(Files.readString(out).contains("5 true"), "what the complete records hold is reported: " + Files.readString(out));
        assertEquals("jthreadtrace: warning: " + cut + " is cut short after line 2 (no end or summary record: the run was killed,"
                + " or the disk filled up); reporting what it holds\n", report.err());

        Result refused = run("check", "--assert", "threads.total == 1", cut.toString());
        assertEquals(ExitCodes.TOOL_FAILED, refused.code());
        assertTrue(refused.err().contains("cut short after line 2") && refused.err().contains("--allow-truncated"), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
        Result allowed = run("check", "--allow-truncated", "--assert", "threads.total == 1", cut.toString());
        assertEquals(0, allowed.code(), allowed.err());
        assertTrue(allowed.err().startsWith("jthreadtrace: warning: "), allowed.err());
    }

    @Test
    void duplicatedShuffledAndMistypedRecordsAreRefusedWithTheLine() throws IOException {
        List<String> dup = completeTrace();
        dup.add(2, dup.get(1));
        Result r1 = run("report", file(dup).toString());
        assertEquals(ExitCodes.TOOL_FAILED, r1.code());
        assertTrue(r1.err().matches("jthreadtrace: .*:3: record 2 where record 3 belongs: .*\n"), r1.err());

        List<String> shuffled = completeTrace();
        shuffled.add(1, shuffled.remove(2));
        Result r2 = run("report", file(shuffled).toString());
        assertTrue(r2.err().matches("jthreadtrace: .*:2: record 3 where record 2 belongs: .*\n"), r2.err());

        List<String> mistyped = completeTrace();
        mistyped.set(1, mistyped.get(1).replace("\"tid\":5", "\"tid\":\"five\""));
        Result r3 = run("report", file(mistyped).toString());
        assertEquals(ExitCodes.TOOL_FAILED, r3.code());
        assertEquals("malformed \"exit\" record (tid is not an integer)", r3.err().replaceAll("^.*:2: |\n$", ""), r3.err());
    }

    @Test
    void theTargetsOwnLinesAreSkippedAndItsForgedRecordsCannotPassForOurs() throws IOException {
        List<String> mixed = completeTrace();
        mixed.add(1, "hello from the program");
        mixed.add(3, "{\"v\":1,\"type\":\"spawn\",\"ns\":5,\"tid\":9,\"creator\":5,\"kind\":\"clone\",\"flags_raw\":0}");
        Result r = run("check", "--assert", "threads.total == 1", file(mixed).toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("skipped 2 lines of ") && r.err().contains("not this trace's records"), r.err());

        List<String> forged = completeTrace();
        forged.add(0, forged.get(0).replace("00ff00ff00ff00ff", "1234123412341234"));
        Result refused = run("report", file(forged).toString());
        assertEquals(ExitCodes.TOOL_FAILED, refused.code());
        assertTrue(refused.err().contains(":2: a second \"start\" record"), refused.err());
    }

    @Test
    void reportRefusesToOverwriteTheTraceItReads() throws IOException {
        Path trace = file(completeTrace());
        String before = Files.readString(trace);
        Result r = run("report", "--format", "jsonl", "-o", trace.toString(), trace.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("is the trace being read"), r.err());
        assertEquals(before, Files.readString(trace));
    }

    @Test
    void noOutputMayBeAFileReadOrAnotherOutput(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path trace = file(completeTrace()), asserts = Files.writeString(tmp.resolve("a.txt"), "threads.total >= 1\n");
        String before = Files.readString(trace);
        for (String[] args : List.of(
                new String[] {"report", "--html", trace.toString(), trace.toString()},
                new String[] {"report", "-o", tmp.resolve("x").toString(), "--html", tmp.resolve("y/../x").toString(), trace.toString()},
                new String[] {"check", "--assert", "threads.total >= 1", "--junit-xml", trace.toString(), trace.toString()},
                new String[] {"check", "--assert-file", asserts.toString(), "--junit-xml", asserts.toString(), trace.toString()},
                new String[] {"run", "--format", "jsonl", "-o", tmp.resolve("o").toString(), "--html", tmp.resolve("o").toString(),
                        "--", "/bin/true"},
                new String[] {"attach", "--junit-xml", tmp.resolve("j").toString(), "--html", tmp.resolve("j").toString(), "1"})) {
            Result r = run(args);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("jthreadtrace: ") && (r.err().contains("one would overwrite the other")
                    || r.err().contains(": it would be overwritten")), r.err());
        }
        assertEquals(before, Files.readString(trace));
        assertEquals("threads.total >= 1\n", Files.readString(asserts));
        assertFalse(Files.exists(tmp.resolve("o")) || Files.exists(tmp.resolve("x")) || Files.exists(tmp.resolve("j")), "nothing written");
    }

    /** Whether {@code text} names the option as a whole word: -r in --report or -tt does not count. */
    static boolean documents(String text, String option) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(option) + "(?![\\w-])").matcher(text).find();
    }

    @Test
    void optionsAreFoundAsWholeWordsOnly() {
        assertTrue(documents("use -r, or -t.", "-r") && documents("`-t`", "-t"));
        assertFalse(documents("--report and -tt and x-r", "-r") || documents("-tt", "-t") || documents("--reporter", "--report"));
    }

    @Test
    void everyOptionIsInTheManPageAndTheReadme() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1")).replace("\\-", "-");
        String readme = Files.readString(Path.of("README.md"));
        List<String> names = allOptionNames();
        assertTrue(names.size() > 15, names.toString());
        for (String name : names) {
            assertTrue(documents(man, name), "man/jthreadtrace.1 does not document " + name);
            assertTrue(documents(readme, name), "README.md does not document " + name);
        }
        for (String code : new String[] {"125", "126", "127", "90", "128+N"}) {
            assertTrue(man.contains(code) && readme.contains(code), "exit status " + code + " documented");
        }
    }

    @Test
    void everySyscallClassAndTheSignalQualifierAreInTheHelpTheManPageAndTheReadme() throws IOException {
        String help = run("run", "--help").out().replaceAll("\\s+", ""); // the help wraps anywhere, even after a %
        String man = Files.readString(Path.of("man/jthreadtrace.1")).replace("\\-", "-");
        String readme = Files.readString(Path.of("README.md"));
        for (dev.jthreadtrace.decode.SyscallClass c : dev.jthreadtrace.decode.SyscallClass.values()) {
            assertTrue(help.contains(c.spelling()), "--help lists " + c.spelling());
            assertTrue(man.contains(c.spelling()), "the man page lists " + c.spelling());
            assertTrue(readme.contains("`" + c.spelling() + "`"), "the README lists " + c.spelling());
        }
        for (String text : List.of(help, man, readme)) assertTrue(text.contains("signal="), "-e signal= documented");
        assertTrue(man.contains("--- SIG {siginfo} ---") && readme.contains("--- SIG {siginfo} ---"), "the signal line has its siginfo");
    }

    @Test
    void everyDecodedSyscallIsListedInTheManPageAndTheReadme() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1"));
        String section = man.substring(man.indexOf(".SH DECODED SYSCALLS"), man.indexOf(".SH ", man.indexOf(".SH DECODED SYSCALLS") + 4));
        String readme = Files.readString(Path.of("README.md"));
        String table = readme.substring(readme.indexOf("## What the lines decode"), readme.indexOf("## For strace users"));
        java.util.regex.Pattern word = java.util.regex.Pattern.compile("[a-z_0-9]+");
        java.util.Set<String> inMan = new java.util.HashSet<>(), inReadme = new java.util.HashSet<>();
        word.matcher(section).results().forEach(m -> inMan.add(m.group()));
        word.matcher(table).results().forEach(m -> inReadme.add(m.group()));
        for (dev.jthreadtrace.decode.SyscallSpec spec : dev.jthreadtrace.decode.Syscalls.all()) {
            if (!spec.decoded()) continue;
            assertTrue(inMan.contains(spec.name()), "DECODED SYSCALLS lists " + spec.name());
            assertTrue(inReadme.contains(spec.name()), "the README's table lists " + spec.name());
        }
    }

    @Test
    void everyMetricReportSectionAndHookFromTheTablesIsInTheManPageAndTheReadme() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1")).replace("\\-", "-");
        String readme = Files.readString(Path.of("README.md"));
        for (Metric m : Metric.values()) {
            // threads.count is written with its selector: threads{name="GLOB"}.count
            String spelled = m == Metric.THREADS_COUNT ? "}.count" : m.key();
            assertTrue(man.contains(spelled), "man page lists metric " + m.key());
            assertTrue(readme.contains(spelled), "README lists metric " + m.key());
        }
        for (DiffMetric m : DiffMetric.values()) {
            assertTrue(man.contains(m.key()) && readme.contains(m.key()), "diff metric " + m.key() + " in the man page and README");
        }
        for (ReportSection section : ReportSection.values()) {
            assertTrue(man.contains(section.key()) && readme.contains(section.key()), "report section " + section.key());
        }
        for (String hook : Hook.inheritedKeys()) {
            assertTrue(man.contains(hook) && readme.contains(hook), "hook " + hook);
        }
        String help = run("run", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains(String.join(", ", new ReportSection.Keys())), help);
    }

    @Test
    void diffHasItsHelpAndRefusesWhatItCannotReadInOneLine() throws IOException {
        Result help = run("diff", "--help");
        assertEquals(0, help.code());
        for (String key : List.of("BASE.jsonl", "NEW.jsonl", "--assert", "--junit-xml", "--format", "--allow-truncated", "diff.new_sites")) {
            assertTrue(help.out().contains(key), "diff --help names " + key);
        }
        assertTrue(run("--help").out().contains("diff"), "the top help lists diff");
        Path trace = file(completeTrace());
        Path out = Files.createTempFile("diff", ".txt");
        out.toFile().deleteOnExit();
        Result same = run("diff", "-o", out.toString(), "--assert", "diff.changes == 0", trace.toString(), trace.toString());
        assertEquals(0, same.code(), same.out() + same.err());
        assertTrue(Files.readString(out).contains("PASS  diff.changes == 0"), Files.readString(out));
        Result missing = run("diff", trace.toString(), "/no/such.jsonl");
        assertEquals(ExitCodes.TOOL_FAILED, missing.code());
        assertEquals("jthreadtrace: /no/such.jsonl: no such file\n", missing.err());
        Result bad = run("diff", "--assert", "diff.new_sites = 0", trace.toString(), trace.toString());
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.err().startsWith("jthreadtrace: invalid --assert 'diff.new_sites = 0' at column 16: use == to compare"), bad.err());
        Result checkRefuses = run("check", "--assert", "diff.new_sites == 0", trace.toString());
        assertEquals(ExitCodes.USAGE, checkRefuses.code());
        assertTrue(checkRefuses.err().contains("diff.new_sites compares two traces: use it with jthreadtrace diff"), checkRefuses.err());
    }

    @Test
    void completionIsGeneratedFromTheModel() {
        Result r = run("completion");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("complete -F _complete_jthreadtrace"), r.out().lines().limit(5).toList().toString());
        assertTrue(r.out().contains("--assert-file"));
        Result zsh = run("completion", "--shell", "zsh");
        assertEquals(0, zsh.code(), zsh.err());
        assertTrue(zsh.out().startsWith("#compdef jthreadtrace\n"), zsh.out().lines().limit(3).toList().toString());
        assertTrue(zsh.out().contains("complete -F _complete_jthreadtrace") && zsh.out().contains("--assert-file"));
        assertEquals(ExitCodes.USAGE, run("completion", "--shell", "fish").code());
    }

    @Test
    void platformCheckRefusesAnythingButLinuxX8664() {
        assertEquals(null, Main.platformProblem("Linux", "amd64"));
        assertTrue(Main.platformProblem("Linux", "aarch64").startsWith("Linux x86-64 only"));
        assertTrue(Main.platformProblem("Mac OS X", "x86_64").startsWith("Linux x86-64 only"));
    }
}
