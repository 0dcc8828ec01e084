package dev.jthreadtrace.it;

import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.session.TraceSession;

import dev.jthreadtrace.decode.TraceSelection;
import dev.jthreadtrace.model.ThreadInfo;
import dev.jthreadtrace.model.TraceModel;
import dev.jthreadtrace.ptrace.TraceFailure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Traces a real program in this JVM through the same session the CLI uses, and keeps every event
 * and the finished model for assertions. A refused ptrace fails the test with the tool's message:
 * integration tests never skip.
 */
record Traced(TraceModel model, List<TraceEvent> events) {
    static Path fixture(String name) {
        Path p = Path.of(System.getProperty("jthreadtrace.native", "target/native"), name);
        assertTrue(Files.isExecutable(p), "C fixture not built: " + p + " (run the Maven build, which compiles native/)");
        return p;
    }

    static Traced run(List<String> command) {
        return run(command, TraceSelection.defaults(), System.getenv());
    }

    static Traced run(List<String> command, TraceSelection selection, Map<String, String> env) {
        return run(command, selection, env, true);
    }

    static Traced run(List<String> command, TraceSelection selection, Map<String, String> env, boolean seccomp) {
        List<TraceEvent> events = new ArrayList<>();
        try {
            TraceSession.Outcome outcome = TraceSession.run(command, env, selection.recorded(), seccomp,
                    (event, model) -> events.add(event), () -> { });
            return new Traced(outcome.model(), events);
        } catch (TraceFailure e) {
            return fail("cannot trace (ptrace must work on this machine and in CI): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted", e);
        }
    }

    ThreadInfo named(String name) {
        List<ThreadInfo> found = model.threads().stream().filter(t -> t.name().equals(name)).toList();
        assertTrue(found.size() == 1, "expected exactly one thread named " + name + ", found " + found.size()
                + " among " + model.threads().stream().map(t -> t.tid() + ":" + t.name()).toList());
        return found.getFirst();
    }

    <T extends TraceEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
