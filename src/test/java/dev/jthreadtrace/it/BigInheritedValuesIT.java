package dev.jthreadtrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jthreadtrace.agent.RecordField;
import dev.jthreadtrace.fixtures.BigInheritedValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent renders an inherited value at a cost bounded whatever the value: a 30 MiB String in a
 * 64 MiB heap with {@code -XX:+ExitOnOutOfMemoryError} (the agent copied it whole at every new
 * Thread: the JVM ended with an OutOfMemoryError, status 3, traced only) keeps its first 16 Ki chars
 * in the record; a 4-million-bit BigInteger or BigDecimal (converted to decimal at every new Thread:
 * seconds each) is recorded by its size, a small one by its digits. The untraced run is the oracle
 * for the program's output and status.
 */
@Timeout(300)
class BigInheritedValuesIT {
    @Test
    void aHugeInheritedStringIsReadOnlyUpToItsCut(@TempDir Path tmp) throws Exception {
        List<JsonNode> records = tracedAsUntraced(tmp, "string");
        int total = BigInheritedValues.PATTERN.length() * BigInheritedValues.STRING_REPEATS;
        String expected = BigInheritedValues.PATTERN.repeat(RecordField.MAX_CHARS / 10 + 1).substring(0, RecordField.MAX_CHARS)
                + "...[" + (total - RecordField.MAX_CHARS) + " more chars]";
        List<JsonNode> big = records.stream().filter(j -> j.path("name").asText().startsWith("big-")).toList();
        assertTrue(big.size() >= 20, "a record for each thread: " + big.size());
        for (JsonNode j : big) assertEquals(expected, j.path("itl").path("BigInheritedValues$Text").asText(), j.path("name").asText());
    }

    @Test
    void aHugeNumberIsRecordedByItsSizeASmallOneByItsDigits(@TempDir Path tmp) throws Exception {
        List<JsonNode> records = tracedAsUntraced(tmp, "number");
        String bits = (BigInheritedValues.BIG_BITS + 1) + " bits";
        JsonNode t = records.stream().filter(j -> j.path("name").asText().equals("big-19")).findFirst().orElseThrow();
        assertEquals("<java.math.BigInteger: " + bits + ">", t.path("itl").path("BigInheritedValues$Huge").asText(), t.toString());
        assertEquals("<java.math.BigDecimal: " + bits + ", scale 7>", t.path("itl").path("BigInheritedValues$HugeDecimal").asText(), t.toString());
        assertEquals("12345678901234567890", t.path("itl").path("BigInheritedValues$Small").asText(), t.toString());
    }

    /** Both ways under -Xmx64m and ExitOnOutOfMemoryError: the same output and status 0; the traced run's Java records. */
    private static List<JsonNode> tracedAsUntraced(Path tmp, String mode) throws Exception {
        List<String> java = new ArrayList<>(JvmIT.java(BigInheritedValues.class.getName(), mode));
        java.addAll(1, List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"));
        Tool.Result untraced = Tool.run(java);
        assertEquals(0, untraced.code(), untraced.err());
        assertEquals("done " + mode + "\n", untraced.out());
        Path trace = tmp.resolve("trace.jsonl");
        List<String> traced = new ArrayList<>(List.of("run", "--no-live", "--report", "none", "--format", "jsonl", "-o", trace.toString(), "--"));
        traced.addAll(java);
        Tool.Result r = Tool.run(Tool.jar(traced.toArray(String[]::new)));
        assertEquals(untraced.out(), r.out(), r.err());
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.err().contains("swallowed"), r.err());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            JsonNode n = json.readTree(line);
            if (n.path("type").asText().equals("java") && n.path("kind").asText().equals("constructed")) records.add(n);
        }
        return records;
    }
}
