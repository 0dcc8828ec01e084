package dev.jthreadtrace.render;

import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.model.TraceModel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The live lines the tool prints for recorded events: no colour, every call shown, the kernel's names (the tests' one set-up). */
final class PlainLines {
    private PlainLines() {}

    static String of(List<TraceEvent> events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceModel model = new TraceModel();
        try (Output out = new Output(bytes, false)) {
            TextLines lines = new TextLines(out, Palette.PLAIN, TraceSelection.parse("all").shown(), LineOptions.defaults(32), ThreadNames.KERNEL);
            for (TraceEvent e : events) {
                model.accept(e);
                lines.event(e, model);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
