package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command block of the README and of the man page's EXAMPLES runs as written, after the
 * README's own set-up, and does what its text says (#30). The convention, which the README states
 * and this test enforces so that nothing is skipped silently: every fence names its language; a
 * {@code sh} block runs, unless its first line is {@code # Illustrative: REASON}; {@code text}
 * blocks are output and hold no {@code $ } command. The man page's EXAMPLES introduce each block
 * with "These run as written" or "These stand for your own program".
 * <p>
 * The blocks run with {@code bash -e -o pipefail}, one logical line at a time (each with a time
 * limit), in a directory that links to this checkout's {@code scripts}, {@code native} and
 * {@code target} (so {@code trace.jsonl} and {@code demo.jsonl} are not written into the checkout),
 * with {@code HOME} a fresh directory whose {@code ~/.local/bin} is on {@code PATH}, as a login
 * after the set-up has it.
 */
@Timeout(300)
class DocBlocksIT {
    private static final Set<String> LANGUAGES = Set.of("sh", "text", "yaml");
    private static final String ILLUSTRATIVE = "# Illustrative: ";
    private static final int SECONDS_PER_LINE = 60;
    /** A live line of the thread named inner-1: the time, then the thread field. */
    private static final Pattern INNER_1 = Pattern.compile("^ *\\S+ \\[\\d+ inner-1\\] .*");

    record Block(String where, String language, List<String> lines) {
        boolean runs() {
            return language.equals("sh") && !(lines.isEmpty() || lines.getFirst().startsWith(ILLUSTRATIVE));
        }
    }

    /** The README's fenced blocks, in order. */
    static List<Block> readmeBlocks() throws IOException {
        List<String> text = Files.readAllLines(Tool.basedir().resolve("README.md"));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            if (!text.get(i).startsWith("```")) continue;
            int start = i;
            List<String> lines = new ArrayList<>();
            while (++i < text.size() && !text.get(i).startsWith("```")) lines.add(text.get(i));
            blocks.add(new Block("README.md:" + (start + 1), text.get(start).substring(3).strip(), lines));
        }
        return blocks;
    }

    /** The man page's EXAMPLES blocks, unescaped, each runnable or not as its introduction says. */
    static List<Block> manExamples() throws IOException {
        String man = Files.readString(Tool.basedir().resolve("man/jthreadtrace.1"));
        int from = man.indexOf(".SH EXAMPLES\n");
        String section = man.substring(from, man.indexOf("\n.SH ", from + 1) + 1);
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while (true) {
            int nf = section.indexOf("\n.nf\n", at);
            if (nf < 0) break;
            String intro = section.substring(at, nf);
            int fi = section.indexOf("\n.fi\n", nf);
            List<String> lines = section.substring(nf + 5, fi + 1).lines()
                    .map(l -> l.replace("\\-", "-").replace("\\e", "\\")).toList();
            String language = intro.contains("These run as written") ? "sh"
                    : intro.contains("These stand for your own program") ? "illustrative" : "unmarked";
            blocks.add(new Block("man EXAMPLES block " + (blocks.size() + 1), language, lines));
            at = fi + 4;
        }
        return blocks;
    }

    /** The block's commands: lines continued with a backslash joined, comment lines left out. */
    static List<String> commands(Block block) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : block.lines()) {
            if (current.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) continue;
            current.append(line).append('\n');
            if (!line.endsWith("\\")) {
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) out.add(current.toString().strip());
        return out;
    }

    @Test
    void everyBlockFollowsTheConvention() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Block> all = new ArrayList<>(readmeBlocks());
        all.addAll(manExamples());
        for (Block b : all) {
            if (b.where().startsWith("man")) {
                if (b.language().equals("unmarked")) problems.add(b.where() + ": neither 'These run as written' nor 'These stand for your own program'");
                continue;
            }
            if (!LANGUAGES.contains(b.language())) problems.add(b.where() + ": fence language '" + b.language() + "' (sh, text or yaml)");
            if (b.language().equals("text") && b.lines().stream().anyMatch(l -> l.startsWith("$ "))) {
                problems.add(b.where() + ": a command in a text block");
            }
            if (b.language().equals("sh") && !b.runs() && b.lines().getFirst().substring(ILLUSTRATIVE.length()).isBlank()) {
                problems.add(b.where() + ": illustrative without saying why");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(all.stream().filter(Block::runs).count() >= 4, "runnable blocks found: " + all);
    }

    /** The man page as man(1) shows it in an 80-column terminal: no line wider, no groff warning. */
    @Test
    void theManPageFitsEightyColumns() throws Exception {
        Path page = Tool.basedir().resolve("man/jthreadtrace.1").toAbsolutePath();
        ProcessBuilder man = new ProcessBuilder("man", "-l", page.toString()).redirectErrorStream(true);
        man.environment().put("MANWIDTH", "80");
        man.environment().remove("MAN_KEEP_FORMATTING");
        Process p = man.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor());
        assertTrue(lines.size() > 500, "the page was rendered: " + lines.size() + " lines");
        assertEquals(List.of(), lines.stream().filter(l -> l.codePointCount(0, l.length()) > 80).toList());
        Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", page.toString()).redirectErrorStream(true).start();
        assertEquals("", new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "groff warnings");
        assertEquals(0, groff.waitFor());
    }

    @Test
    void everyRunnableBlockRunsAsWrittenAndDoesWhatItSays(@TempDir Path tmp) throws Exception {
        Path checkout = Tool.basedir().toAbsolutePath().normalize();
        Path work = Files.createDirectories(tmp.resolve("checkout"));
        for (String d : List.of("scripts", "native", "target")) Files.createSymbolicLink(work.resolve(d), checkout.resolve(d));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", home.resolve(".local/bin") + ":" + System.getenv("PATH"));
        env.put("COLUMNS", "100");

        List<Block> runnable = new ArrayList<>(readmeBlocks().stream().filter(Block::runs).toList());
        runnable.addAll(manExamples().stream().filter(Block::runs).toList());
        List<String> problems = new ArrayList<>();
        List<String> times = new ArrayList<>();
        int ran = 0;
        long start = System.nanoTime();
        for (Block block : runnable) {
            for (String command : commands(block)) {
                long t0 = System.nanoTime();
                Tool.Result r = Tool.run(List.of("bash", "-c", "set -e -o pipefail\ncd '" + work + "'\n" + command), env,
                        SECONDS_PER_LINE);
                ran++;
                times.add(String.format("%5.1f s  %s", (System.nanoTime() - t0) / 1e9, command.lines().findFirst().orElse("")));
                String what = block.where() + ": " + command + " -> " + r.code() + "\n" + tail(r.out()) + tail(r.err());
                if (r.code() != 0) {
                    problems.add(what);
                    continue;
                }
                String claim = claimFailed(command, r);
                if (claim != null) problems.add(what + "\n  but: " + claim);
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(ran >= 10, "commands run: " + ran);
        System.out.printf("DocBlocksIT: %d commands in %.1f s%n%s%n", ran, (System.nanoTime() - start) / 1e9, String.join("\n", times));
    }

    /** What the command's text says about its output, where it says something checkable; null when it holds. */
    static String claimFailed(String command, Tool.Result r) {
        String out = r.out();
        if (command.contains("inner-1\\]'") || command.contains("# every line of the thread inner-1, and only those")) {
            // "every line of the thread inner-1, and only those": from its start to its exit, nothing else.
            List<String> lines = out.lines().toList();
            if (lines.isEmpty()) return "no line";
            List<String> others = lines.stream().filter(Predicate.not(INNER_1.asMatchPredicate())).toList();
            if (!others.isEmpty()) return "lines of something else: " + others;
            if (lines.stream().noneMatch(l -> l.contains("+++ thread started")) || lines.stream().noneMatch(l -> l.contains("+++ exited"))) {
                return "not every line of the thread (its start and its exit)";
            }
            return null;
        }
        if (command.startsWith("jq ")) return out.contains("\"name\": \"inner-1\"") ? null : "no thread inner-1 in the records";
        if (command.startsWith("jthreadtrace diff ") && command.contains("trace.jsonl trace.jsonl")
                || command.equals("jthreadtrace diff demo.jsonl demo.jsonl")) {
            return out.contains("no change:") ? null : "a trace compared with itself shows changes";
        }
        if (command.startsWith("jthreadtrace check ")) return out.contains(" 0 failed") ? null : "an assertion failed";
        if (command.contains(" -c ")) return out.contains("% time") ? null : "no strace -c table";
        if (command.contains("--report tree ") || command.contains("--report tree,")) {
            return out.contains("THREADS BY CREATOR") ? null : "no tree";
        }
        if (command.contains("-o demo.jsonl") || command.contains("-o trace.jsonl") && !command.contains("&&")) return null;
        if (command.startsWith("scripts/jthreadtrace demo") || command.equals("jthreadtrace demo")
                || command.contains("jthreadtrace report ")) {
            // "traces the bundled Java demo": its threads, the report
            return out.contains("inner-2") && out.contains("THREADS BY CREATOR") ? null : "no report of inner-1, inner-2";
        }
        return null;
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size())) + (lines.isEmpty() ? "" : "\n");
    }
}
