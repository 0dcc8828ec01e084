package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.fixtures.HostileJavaNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strings from the target keep what they hold: the JSONL has the exact value (a kernel byte that is
 * not UTF-8 as the escape of U+DC00+byte, an unpaired surrogate as its escape), text, HTML and
 * Perfetto show it escaped strace's way; two names that differ stay different everywhere; a Java
 * name of 70 KiB keeps its record (creator, thread-local), cut with a marker.
 */
@Timeout(120)
class ExactStringsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> records(Path trace) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) out.add(JSON.readTree(line));
        return out;
    }

    private static List<JsonNode> threads(List<JsonNode> records) {
        return records.stream().filter(r -> r.path("type").asText().equals("thread")).toList();
    }

    @Test
    void kernelNamesThatAreNotUtf8StayDistinctAndAreShownAsHexEscapes(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl"), html = tmp.resolve("t.html"), perfetto = tmp.resolve("t.json");
        List<String> command = List.of(Traced.fixture("hostile_names").toString(), tmp.toString());
        Tool.Result live = Tool.run(Tool.jar(runArgs(List.of("run", "-e", "prctl"), command)));
        assertEquals(0, live.code(), live.err());
        // the thread's name as \xNN (on its lines after the rename: the prctl itself is printed when it
        // begins, under the old name, and may be '<unfinished ...>'); the syscall's string argument in
        // octal, as strace prints it
        assertTrue(live.out().contains(" \\xff\\xfe-bad] +++ ") && live.out().contains("prctl(PR_SET_NAME, \"\\377\\376-bad\""), live.out());
        assertTrue(live.out().contains(" \\xfe\\xff-bad] +++ ") && live.out().contains("prctl(PR_SET_NAME, \"\\376\\377-bad\""), live.out());
        assertFalse(live.out().contains("\ufffd"), "no U+FFFD: " + live.out());

        Tool.Result saved = Tool.run(Tool.jar(runArgs(List.of("run", "--format", "jsonl", "-o", trace.toString(), "--html", html.toString()),
                command)));
        assertEquals(0, saved.code(), saved.err());
        List<String> names = threads(records(trace)).stream().map(t -> t.path("name").asText()).toList();
        assertTrue(names.contains("\udcff\udcfe-bad") && names.contains("\udcfe\udcff-bad"), "the exact bytes, as surrogate escapes: " + names);
        assertTrue(Files.readString(trace).contains("\"name\":\"\\udcff\\udcfe-bad\""), "written as JSON escapes");

        String page = Files.readString(html);
        assertTrue(page.contains("\\xff\\xfe-bad") && page.contains("\\xfe\\xff-bad"), "the HTML shows the escapes");
        assertFalse(page.contains("\ufffd"), "no U+FFFD in the HTML");

        Tool.Result report = Tool.run(Tool.jar("report", "--report", "tree", trace.toString()));
        assertTrue(report.out().contains("\\xff\\xfe-bad") && report.out().contains("\\xfe\\xff-bad"), report.out());

        Tool.Result picture = Tool.run(Tool.jar("report", "--format", "perfetto", "-o", perfetto.toString(), trace.toString()));
        assertEquals(0, picture.code(), picture.err());
        List<String> tracks = new ArrayList<>();
        for (JsonNode e : JSON.readTree(perfetto.toFile()).path("traceEvents")) {
            if (e.path("name").asText().equals("thread_name")) tracks.add(e.path("args").path("name").asText());
        }
        assertTrue(tracks.stream().anyMatch(n -> n.startsWith("\\xff\\xfe-bad (")) && tracks.stream().anyMatch(n -> n.startsWith("\\xfe\\xff-bad (")),
                "Perfetto's track names show the escapes: " + tracks);
    }

    private static String[] runArgs(List<String> prefix, List<String> command) {
        List<String> all = new ArrayList<>(prefix);
        all.add("--");
        all.addAll(command);
        return all.toArray(String[]::new);
    }

    @Test
    void javaNamesAndThreadLocalValuesAreExactInJsonlAndEscapedInText(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("java.jsonl");
        Tool.Result r = Tool.run(Tool.jar(runArgs(List.of("run", "--format", "jsonl", "-o", trace.toString()),
                JvmIT.java(HostileJavaNames.class.getName()))));
        assertEquals(0, r.code(), r.err());
        Map<String, JsonNode> byJavaName = new HashMap<>();
        JsonNode main = null;
        for (JsonNode t : threads(records(trace))) {
            String name = t.path("java").path("name").asText();
            byJavaName.put(name, t);
            if (name.equals("main")) main = t;
        }
        assertNotNull(main, byJavaName.keySet().toString());
        String itl = "itl:HostileJavaNames$Context";
        String longName = "L".repeat(16 * 1024) + "...[" + (70 * 1024 - 16 * 1024) + " more chars]";
        // A lone high surrogate is U+FFFD in JSONL: its escape is a parse error to jq 1.6, which then read no record after it.
        String lone = HostileJavaNames.LONE_NAME.replace('\ud800', '\ufffd'), value = HostileJavaNames.VALUE.replace('\ud800', '\ufffd');
        for (String name : List.of(HostileJavaNames.CONTROL_NAME, lone, longName)) {
            JsonNode t = byJavaName.get(name);
            assertNotNull(t, "the exact Java name " + name.substring(0, Math.min(20, name.length())) + " among " + byJavaName.keySet()
                    .stream().map(n -> n.substring(0, Math.min(30, n.length()))).toList());
            assertEquals(main.path("tid").asInt(), t.path("java").path("constructed_by").asInt(), "its Java creator: " + t);
            assertEquals(value, t.path("inherited").path(itl).asText(), "the exact value it inherited");
        }
        // jq 1.6 (Debian 12's, Ubuntu 22.04's) reads every record, the README's recipe finds every thread.
        Process jq = new ProcessBuilder("jq", "-c", "select(.type==\"thread\")|.tid", trace.toString()).redirectErrorStream(true).start();
        String jqOut = new String(jq.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, jq.waitFor(), jqOut);
        assertEquals(threads(records(trace)).size(), jqOut.lines().count(), jqOut);

        Tool.Result report = Tool.run(Tool.jar("report", "--report", "tree,timeline", "--width", "400", trace.toString()));
        assertEquals(0, report.code(), report.err());
        assertTrue(report.out().contains("java\\nname\\tx\\33[31m"), "strace's escapes: " + report.out());
        assertTrue(report.out().contains("lone-\ufffd-x"), report.out());
        assertTrue(report.out().contains(itl + "=v\\nw\\tx\\33y\ufffd"), "the value escaped in the inherited table: " + report.out());
        assertFalse(report.out().contains("\u001b") || report.out().contains("java name"), report.out());
    }
}
