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
 * reporters read): one {@code <testcase>} per assertion, {@code <failure>} for the failed ones.
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
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            long failures = results.stream().filter(r -> !r.passed()).count();
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("tests", Integer.toString(results.size()));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", Escape.xml(suiteName));
            xml.writeAttribute("tests", Integer.toString(results.size()));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", "0");
            xml.writeAttribute("time", String.format(Locale.ROOT, "%.3f", seconds));
            for (AssertionResult r : results) {
                xml.writeCharacters("\n    ");
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", Escape.xml(suiteName));
                xml.writeAttribute("name", Escape.xml(r.assertion().text()));
                xml.writeAttribute("time", "0");
                if (!r.passed()) {
                    xml.writeCharacters("\n      ");
                    xml.writeStartElement("failure");
                    xml.writeAttribute("type", "ThreadAssertionFailed");
                    xml.writeAttribute("message", Escape.xml(r.message()));
                    xml.writeCharacters(Escape.xml(r.assertion().text() + ": " + r.message()));
                    xml.writeEndElement();
                    xml.writeCharacters("\n    ");
                } else {
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(Escape.xml(r.message()));
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
}
