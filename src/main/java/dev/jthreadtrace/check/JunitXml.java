package dev.jthreadtrace.check;

import dev.jthreadtrace.text.Escape;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes assertion results as JUnit XML (the Ant/Surefire schema that Jenkins, GitLab and GitHub
 * reporters read): one {@code <testcase>} per assertion, {@code <failure>} for the failed ones; an
 * invocation that evaluated none writes one {@code <error>} testcase saying why.
 * Written with the JDK's StAX so names with quotes or {@code <} stay well-formed.
 */
public final class JunitXml {
    private JunitXml() {}

    public static void write(Path file, String suiteName, List<AssertionResult> results, double seconds) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, suiteName, results, seconds);
        }
    }

    /** The document on {@code out}, which stays open (the caller opened it: a FIFO, say). */
    public static void write(OutputStream out, String suiteName, List<AssertionResult> results, double seconds) throws IOException {
        List<Case> cases = results.stream().map(r -> r.passed()
                ? new Case(r.assertion().text(), null, r.message())
                : new Case(r.assertion().text(), new Problem("failure", "ThreadAssertionFailed", r.message()), null)).toList();
        writeCases(out, suiteName, cases, seconds);
    }

    /**
     * The document of an invocation that evaluated no assertion (the trace could not be read, the
     * command was not found, the tool failed): one {@code <error>} testcase named {@code testName}
     * with the one-line {@code reason}, so a CI report shows this failure, not a previous run's pass.
     */
    public static void writeError(OutputStream out, String suiteName, String testName, String reason) throws IOException {
        writeCases(out, suiteName, List.of(new Case(testName, new Problem("error", "NotEvaluated", reason), null)), 0);
    }

    /** A failure or error element: its tag, type attribute and message. */
    private record Problem(String tag, String type, String message) {}

    /** One testcase: its name, and either its problem or (passed) its system-out text. */
    private record Case(String name, Problem problem, String out) {}

    private static void writeCases(OutputStream out, String suiteName, List<Case> cases, double seconds) throws IOException {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            String failures = Long.toString(count(cases, "failure")), errors = Long.toString(count(cases, "error"));
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("tests", Integer.toString(cases.size()));
            xml.writeAttribute("failures", failures);
            xml.writeAttribute("errors", errors);
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", Escape.xml(suiteName));
            xml.writeAttribute("tests", Integer.toString(cases.size()));
            xml.writeAttribute("failures", failures);
            xml.writeAttribute("errors", errors);
            xml.writeAttribute("skipped", "0");
            xml.writeAttribute("time", String.format(Locale.ROOT, "%.3f", seconds));
            for (Case c : cases) {
                xml.writeCharacters("\n    ");
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", Escape.xml(suiteName));
                xml.writeAttribute("name", Escape.xml(c.name()));
                xml.writeAttribute("time", "0");
                if (c.problem() != null) {
                    xml.writeCharacters("\n      ");
                    xml.writeStartElement(c.problem().tag());
                    xml.writeAttribute("type", c.problem().type());
                    xml.writeAttribute("message", Escape.xml(c.problem().message()));
                    xml.writeCharacters(Escape.xml(c.name() + ": " + c.problem().message()));
                    xml.writeEndElement();
                    xml.writeCharacters("\n    ");
                } else {
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(Escape.xml(c.out()));
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static long count(List<Case> cases, String tag) {
        return cases.stream().filter(c -> c.problem() != null && c.problem().tag().equals(tag)).count();
    }
}
