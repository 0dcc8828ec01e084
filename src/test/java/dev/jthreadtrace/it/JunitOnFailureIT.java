package dev.jthreadtrace.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whenever --junit-xml FILE is given, FILE afterwards describes this invocation: a run or check that
 * evaluated no assertion (the trace unreadable or cut short, the command not found) replaces a
 * previous run's passing XML with one error testcase giving the reason; a CI report read with
 * {@code if: always()} no longer shows yesterday's pass. The file is replaced whole (no temporary
 * file is left beside it).
 */
@Timeout(120)
class JunitOnFailureIT {
    private static Document parse(Path xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    }

    /** A green report from an earlier run, as a CI workspace kept between builds holds it. */
    private static Path greenReport(Path tmp, Path trace) throws Exception {
        Path xml = tmp.resolve("threads.xml");
        Tool.Result r = Tool.run(Tool.jar("check", "--assert", "threads.peak < 10", "--junit-xml", xml.toString(), trace.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals("0", parse(xml).getDocumentElement().getAttribute("failures"));
        assertEquals(1, parse(xml).getElementsByTagName("system-out").getLength(), "one passing testcase");
        return xml;
    }

    /** One error testcase whose message is the line the tool printed on stderr, and nothing that reads as a pass. */
    private static void saysWhy(Path xml, Tool.Result r, String reason) throws Exception {
        Document doc = parse(xml);
        assertEquals("1", doc.getDocumentElement().getAttribute("errors"), Files.readString(xml));
        assertEquals(1, doc.getElementsByTagName("testcase").getLength());
        assertEquals(0, doc.getElementsByTagName("system-out").getLength(), "no testcase passes");
        String message = doc.getElementsByTagName("error").item(0).getAttributes().getNamedItem("message").getNodeValue();
        assertTrue(message.contains(reason), message);
        assertTrue(r.err().contains("jthreadtrace: " + message), "the same line as on stderr: " + r.err());
        try (var files = Files.list(xml.getParent())) {
            List<String> left = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertEquals(List.of(), left, "no temporary file left beside it");
        }
    }

    @Test
    void aCheckOfAnUnreadableOrCutTraceReplacesThePassWithTheReason(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        assertEquals(0, Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "sh", "-c", "/bin/true")).code());
        Path xml = greenReport(tmp, trace);

        Path cut = Files.write(tmp.resolve("cut.jsonl"), Files.readAllLines(trace).subList(0, 2));
        Tool.Result r = Tool.run(Tool.jar("check", "--assert", "threads.peak < 10", "--junit-xml", xml.toString(), cut.toString()));
        assertEquals(125, r.code(), r.err());
        saysWhy(xml, r, "cut short");

        greenReport(tmp, trace);
        Tool.Result missing = Tool.run(Tool.jar("check", "--assert", "threads.peak < 10", "--junit-xml", xml.toString(),
                tmp.resolve("nosuch.jsonl").toString()));
        assertEquals(125, missing.code(), missing.err());
        saysWhy(xml, missing, "nosuch.jsonl");
    }

    @Test
    void aRunWhoseCommandIsNotFoundReplacesThePassWithTheReason(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("t.jsonl");
        assertEquals(0, Tool.run(Tool.jar("run", "--format", "jsonl", "-o", trace.toString(), "--", "/bin/true")).code());
        Path xml = greenReport(tmp, trace);
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--assert", "threads.peak < 10",
                "--junit-xml", xml.toString(), "--", tmp.resolve("no-such-command").toString()));
        assertEquals(127, r.code(), r.err());
        saysWhy(xml, r, "no-such-command: No such file or directory");
    }

    @Test
    void aPassingRunReplacesTheFileKeepingItsModeAndTheLinkToIt(@TempDir Path tmp) throws Exception {
        Path real = Files.writeString(tmp.resolve("real.xml"), "old");
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
        Path link = Files.createSymbolicLink(tmp.resolve("link.xml"), real);
        Tool.Result r = Tool.run(Tool.jar("run", "--no-live", "--report", "none", "--assert", "threads.total == 1",
                "--junit-xml", link.toString(), "--", "/bin/true"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals("1", parse(real).getDocumentElement().getAttribute("tests"));
        assertEquals("rw-rw-r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    }
}
