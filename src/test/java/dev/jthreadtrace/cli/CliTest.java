package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    void theDefaultTraceSetComesFromTheRegistryInHelpAndForScripts() {
        Result printed = run("--print-default-set");
        assertEquals(0, printed.code(), printed.err());
        assertEquals(String.join(",", dev.jthreadtrace.decode.Syscalls.defaultSet()) + "\n", printed.out());
        assertTrue(printed.out().startsWith("clone,clone3,fork,vfork,execve,"), printed.out());
        String help = run("run", "--help").out().replaceAll("\\s+", ""); // the help wraps the long default
        assertTrue(help.contains("Default:" + dev.jthreadtrace.decode.Syscalls.defaultSpec() + "."), help);
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
    void savedTracesThatAreMissingBrokenOrTruncatedAreOneLineAnd125() throws IOException {
        Result missing = run("report", "/no/such/trace.jsonl");
        assertEquals(ExitCodes.TOOL_FAILED, missing.code());
        assertEquals("jthreadtrace: /no/such/trace.jsonl: no such file\n", missing.err());

        Path notJson = Files.writeString(Files.createTempFile("trace", ".jsonl"), "hello world\n");
        Path truncated = Files.writeString(Files.createTempFile("trace", ".jsonl"),
                "{\"v\":1,\"type\":\"start\",\"ns\":0,\"t\":0.0,\"pid\":5,\"tracer_pid\":4,\"path\":\"/bin/true\",\"argv\":[\"true\"]}\n{\"v\":1,\"ty");
        Path cutClean = Files.writeString(Files.createTempFile("trace", ".jsonl"),
                "{\"v\":1,\"type\":\"start\",\"ns\":0,\"t\":0.0,\"pid\":5,\"tracer_pid\":4,\"path\":\"/bin/true\",\"argv\":[\"true\"]}\n");
        try {
            Result r1 = run("report", notJson.toString());
            assertEquals(ExitCodes.TOOL_FAILED, r1.code());
            assertTrue(r1.err().startsWith("jthreadtrace: " + notJson + ":1: not JSON"), r1.err());
            assertEquals(1, r1.err().lines().count());

            Result r2 = run("check", "--assert", "threads.total > 0", truncated.toString());
            assertEquals(ExitCodes.TOOL_FAILED, r2.code());
            assertTrue(r2.err().startsWith("jthreadtrace: " + truncated + ":2: not JSON"), r2.err());

            Result r3 = run("report", cutClean.toString());
            assertEquals(ExitCodes.TOOL_FAILED, r3.code());
            assertTrue(r3.err().contains("truncated: the trace has no end record"), r3.err());
        } finally {
            Files.delete(notJson);
            Files.delete(truncated);
            Files.delete(cutClean);
        }
    }

    @Test
    void everyOptionIsInTheManPageAndTheReadme() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1")).replace("\\-", "-");
        String readme = Files.readString(Path.of("README.md"));
        List<String> names = allOptionNames();
        assertTrue(names.size() > 15, names.toString());
        for (String name : names) {
            assertTrue(man.contains(name), "man/jthreadtrace.1 does not document " + name);
            assertTrue(readme.contains(name), "README.md does not document " + name);
        }
        for (String code : new String[] {"125", "126", "127", "90", "128+N"}) {
            assertTrue(man.contains(code) && readme.contains(code), "exit status " + code + " documented");
        }
    }

    @Test
    void everyMetricReportSectionAndHookFromTheTablesIsInTheManPageAndTheReadme() throws IOException {
        String man = Files.readString(Path.of("man/jthreadtrace.1")).replace("\\-", "-");
        String readme = Files.readString(Path.of("README.md"));
        for (dev.jthreadtrace.model.Metric m : dev.jthreadtrace.model.Metric.values()) {
            // threads.count is written with its selector: threads{name="GLOB"}.count
            String spelled = m == dev.jthreadtrace.model.Metric.THREADS_COUNT ? "}.count" : m.key();
            assertTrue(man.contains(spelled), "man page lists metric " + m.key());
            assertTrue(readme.contains(spelled), "README lists metric " + m.key());
        }
        for (dev.jthreadtrace.render.ReportSection section : dev.jthreadtrace.render.ReportSection.values()) {
            assertTrue(man.contains(section.key()) && readme.contains(section.key()), "report section " + section.key());
        }
        for (String hook : dev.jthreadtrace.model.Hook.inheritedKeys()) {
            assertTrue(man.contains(hook) && readme.contains(hook), "hook " + hook);
        }
        String help = run("run", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains(String.join(", ", new dev.jthreadtrace.render.ReportSection.Keys())), help);
    }

    @Test
    void completionIsGeneratedFromTheModel() {
        Result r = run("completion");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("complete -F _complete_jthreadtrace"), r.out().lines().limit(5).toList().toString());
        assertTrue(r.out().contains("--assert-file"));
    }

    @Test
    void platformCheckRefusesAnythingButLinuxX8664() {
        assertEquals(null, Main.platformProblem("Linux", "amd64"));
        assertTrue(Main.platformProblem("Linux", "aarch64").startsWith("Linux x86-64 only"));
        assertTrue(Main.platformProblem("Mac OS X", "x86_64").startsWith("Linux x86-64 only"));
    }
}
