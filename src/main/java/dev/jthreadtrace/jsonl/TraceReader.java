package dev.jthreadtrace.jsonl;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jthreadtrace.decode.SyscallTable;
import dev.jthreadtrace.event.JavaRecord;
import dev.jthreadtrace.event.TraceEvent;
import dev.jthreadtrace.text.BoundedLines;

import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a {@code --format jsonl} trace back into the events it was written from, so
 * {@code report} and {@code check} build the very model the live run built. The events are
 * handed on one at a time, never kept: a trace of millions of syscalls is read in flat memory.
 *
 * <p>Lines that are not this run's records — not JSON, or without the run token of its
 * {@code start} record (the traced program's own output, when it shared stdout) — are skipped and
 * counted; a record after the program's bytes on one line (a partial line it left) is read and counted. A record of the run that is duplicated, lost or moved (its {@code seq} is not the next
 * one), of another version, or with a field of the wrong type is refused with the file and line, as
 * is one repeated with its {@code seq} renumbered where the kernel could not have said it (a thread
 * born or ended twice, a call that overlaps its thread's previous one: {@link TaskLedger}). A
 * trace cut short (no {@code end} or {@code summary}: the writer was killed, the disk filled up) is
 * returned with the line where it stops, for the caller to report what it holds and say so.
 */
public final class TraceReader {
    private TraceReader() {}

    /**
     * The longest line read: the tool's records are a few KiB at most (a thread's names and a Java
     * stack are bounded), so a longer line is no record of a trace, and reading it whole costs memory.
     */
    static final int MAX_LINE = 16 << 20;

    /**
     * What a saved trace holds besides its events: its header, what the JVM agents reported
     * (attached after the events), the assertion results it was written with, how many lines
     * were not its records, where it stops when cut short (0: complete), and how many of its records
 * were read from after foreign bytes on their line.
     */
    public record Saved(Header header, List<JavaRecord> java, List<SavedAssertion> assertions, int skippedLines,
                        int truncatedAfterLine, int gluedLines) {
        public boolean truncated() {
            return truncatedAfterLine > 0;
        }
    }

    /**
     * What the live run decided that the events do not say, for writing them again as it did.
     *
     * @param run         the run's token, on every record
     * @param wallNs      wall-clock time of the command's exec in nanoseconds since the epoch (for -t, -tt,
     *                    -ttt); null in a trace written before jthreadtrace recorded it
     * @param stringLimit the live run's {@code -s}; null when not recorded
     * @param shown       by syscall number, the calls the live run showed (its {@code -e})
     * @param unshown     by syscall number, calls the live run recorded without showing them: only
     *                    those its report needed, some at their entry only (a replay cannot print them whole)
     * @param keepEnded   the live run's {@code --keep-ended}: where its model folded ended tasks; null in a
     *                    trace written before the bound existed (every task kept)
     */
    public record Header(String run, Long wallNs, Integer stringLimit, boolean[] shown, boolean[] unshown, Integer keepEnded) {
        public Header {
            shown = shown.clone();
            unshown = unshown.clone();
        }

        @Override
        public boolean[] shown() {
            return shown.clone();
        }

        @Override
        public boolean[] unshown() {
            return unshown.clone();
        }
    }

    /** Every event of the file, in a list: for tests and small traces. */
    public static List<TraceEvent> read(Path file) throws TraceFileException {
        List<TraceEvent> events = new ArrayList<>();
        read(file, events::add);
        return events;
    }

    /** Reads the file, handing each event to {@code events} in order; throws at the first record it refuses. */
    public static Saved read(Path file, Consumer<TraceEvent> events) throws TraceFileException {
        return readInto(file, keepEnded -> events);
    }

    /**
     * Where a reading hands its events, chosen at the trace's {@code start} record, before its first
     * event: the model that takes them must fold as the live run's did, with the bound saved there.
     */
    @FunctionalInterface
    public interface Opening {
        /** {@code keepEnded}: the start record's bound, null when it has none (a trace written before the bound existed). */
        Consumer<TraceEvent> events(Integer keepEnded);
    }

    /** The same, the events' consumer chosen by {@code opening} at the start record. */
    public static Saved readInto(Path file, Opening opening) throws TraceFileException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Lines lines = new Lines(file, opening);
        try (BoundedLines reader = new BoundedLines(new InputStreamReader(Files.newInputStream(file), decoder), MAX_LINE)) {
            for (String line; (line = reader.next()) != null; ) lines.next(line);
        } catch (BoundedLines.TooLong e) {
            throw new TraceFileException(file + ": " + e.getMessage() + ": not a jthreadtrace --format jsonl trace");
        } catch (NoSuchFileException e) {
            throw new TraceFileException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new TraceFileException(file + ":" + (lines.lineNo + 1) + ": not UTF-8 text: not a jthreadtrace --format jsonl trace");
        } catch (IOException e) {
            throw new TraceFileException(file + ": cannot read: " + e.getMessage());
        }
        return lines.end();
    }

    /** The state of one reading: where it is, what it has seen, what it keeps. */
    private static final class Lines {
        private final Path file;
        private final Opening opening;
        /** Where the events go: chosen at the start record. */
        private Consumer<TraceEvent> events;
        private final List<JavaRecord> java = new ArrayList<>();
        private final List<SavedAssertion> assertions = new ArrayList<>();
        private final boolean[] shown = new boolean[SyscallTable.MAX_NR], unshown = new boolean[SyscallTable.MAX_NR];
        private boolean sawStart, sawEnd, sawSummary, sawRecordsWithoutStart;
        private String run;
        private Long wallNs;
        private Integer stringLimit;
        private Integer keepEnded;
        private long lastSeq;
        /** The latest moment a call's record says it ended, and the line of that record: none may pass the trace's end. */
        private long latestCallEnd = Long.MIN_VALUE;
        private int latestCallEndLine;
        /** What the events said of each task so far: a record repeated with its seq renumbered is refused. */
        private final TaskLedger ledger = new TaskLedger();
        /**
         * By tid, the first line of an {@code enter} record of a task no record had made: a task let go
         * without its creator's event has its {@code thread} record at the end, a forged tid none (it
         * made a task that never was). A tid leaves when its thread record comes.
         */
        private final Map<Integer, Integer> enteredUnmade = new HashMap<>();
        int lineNo;
        private int skipped, lastRecordLine, lastSkippedLine, glued;
        /** The first line skipped since the last record, and why: where a record found missing next was. */
        private int skippedSinceRecord;
        private String skippedWhy;

        Lines(Path file, Opening opening) {
            this.file = file;
            this.opening = opening;
        }

        void next(String line) throws TraceFileException {
            lineNo++;
            if (line.isBlank()) return;
            JsonNode node;
            String notJson = null;
            try {
                node = line.startsWith("{") ? JsonTree.read(line) : null;
            } catch (StreamConstraintsException e) {
                node = null; // the parser's bound on nesting (1000 levels); no record of the tool's is deeper than a few
                notJson = "JSON nested deeper than the reader follows (" + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels)";
            } catch (IOException e) {
                node = null; // not ours: skipped and counted (or the last, cut-off line of a truncated trace)
            }
            boolean afterForeignBytes = node == null && notJson == null && (node = gluedRecord(line)) != null;
            boolean record = node != null && node.isObject() && node.hasNonNull(JsonlFields.TYPE);
            String type = record ? node.path(JsonlFields.TYPE).asText() : "";
            if (record && sawStart && type.equals(JsonlFields.T_START)) {
                // A second start: the traced program printed records of its own into the trace (it
                // shared stdout), perhaps before ours. Refuse rather than report the wrong one.
                throw refused("a second \"start\" record: this file holds lines that are not this trace's"
                        + " (the traced program's output?); trace with -o FILE");
            }
            boolean ours = record && (sawStart ? run == null || run.equals(node.path(JsonlFields.RUN).asText(null))
                    : type.equals(JsonlFields.T_START));
            if (!ours) {
                sawRecordsWithoutStart |= record && !sawStart;
                skipped++;
                lastSkippedLine = lineNo;
                if (skippedSinceRecord == 0) {
                    skippedSinceRecord = lineNo;
                    skippedWhy = notJson != null ? notJson : node == null ? "not JSON" : record ? "a record of another run" : "no record";
                }
                return;
            }
            if (afterForeignBytes) glued++;
            checkVersionAndSequence(node);
            if (sawSummary) throw refused("a \"" + type + "\" record after the summary");
            try {
                take(type, node);
            } catch (IllegalArgumentException e) {
                // The decoders' own words (a field, what it is not); nothing of the JDK's.
                throw refused("malformed \"" + type + "\" record" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            } catch (NullPointerException e) {
                throw refused("malformed \"" + type + "\" record (a field is missing or null)");
            } catch (ArithmeticException e) {
                throw refused("malformed \"" + type + "\" record (a number out of range)");
            }
            lastRecordLine = lineNo;
            skippedSinceRecord = 0;
            if (type.equals(JsonlFields.T_END)) sawEnd = true;
            if (type.equals(JsonlFields.T_SUMMARY)) sawSummary = true;
        }

        private void checkVersionAndSequence(JsonNode node) throws TraceFileException {
            // Only an integer is a version (2.5, "2" or 2^32+2 once read as 2); quoted as written.
            JsonNode v = node.path(JsonlFields.V);
            int version = v.isIntegralNumber() && v.canConvertToInt() ? v.intValue() : -1;
            if (version != JsonlFields.VERSION && version != JsonlFields.OLDEST_READ) {
                throw refused("trace format version " + (v.isMissingNode() ? "missing" : v.toString()) + ", this jthreadtrace reads versions "
                        + JsonlFields.OLDEST_READ + " to " + JsonlFields.VERSION
                        + (v.isIntegralNumber() && v.bigIntegerValue().compareTo(BigInteger.valueOf(JsonlFields.VERSION)) > 0
                        ? ": a newer jthreadtrace wrote it, read it with that one" : ""));
            }
            if (!sawStart) run = node.path(JsonlFields.RUN).asText(null);
            if (run == null) return;
            JsonNode seqNode = node.path(JsonlFields.SEQ);
            long seq = seqNode.isIntegralNumber() && seqNode.canConvertToLong() ? seqNode.longValue() : -1;
            if (seq != lastSeq + 1 && lastSeq != 0 || seq <= 0) {
                // The seq as written (9223372036854775808 once read as -9223372036854775808).
                String written = seqNode.isMissingNode() ? "a record with no seq" : "record " + seqNode;
                if (skippedSinceRecord > 0 && lastSeq != 0) {
                    // A line skipped since the last record may be the one missing: that line is what is wrong.
                    throw new TraceFileException(file + ":" + skippedSinceRecord + ": " + skippedWhy + ", where record " + (lastSeq + 1)
                            + " belongs (line " + lineNo + " is " + written + "): the trace has a record damaged or lost");
                }
                throw refused(written + " where record " + (lastSeq + 1) + " belongs: the trace has a record duplicated,"
                        + " lost or out of order");
            }
            lastSeq = seq;
        }

        private void take(String type, JsonNode node) throws TraceFileException {
            TraceEvent event = RecordDecoder.event(type, node);
            if (type.equals(JsonlFields.T_START)) {
                Long bound = RecordDecoder.longOrNull(node, JsonlFields.KEEP_ENDED);
                if (bound != null && (bound < 1 || bound > Integer.MAX_VALUE)) throw refused("\"keep_ended\" " + bound + " is no bound (1 or more)");
                keepEnded = bound == null ? null : bound.intValue();
                events = opening.events(keepEnded);
            }
            if (event != null) {
                if (sawEnd) throw refused("an event after the \"end\" record");
                checkSpan(event);
                String impossible = ledger.check(event, lineNo);
                if (impossible != null) throw refused(impossible);
                // A call the run showed, or one it recorded unshown ("shown": false; a trace written before 0.2.0 says neither).
                if (event instanceof TraceEvent.Syscall s && node.path(JsonlFields.SHOWN).isBoolean() && s.nr() >= 0 && s.nr() < shown.length) {
                    (node.path(JsonlFields.SHOWN).booleanValue() ? shown : unshown)[s.nr()] = true;
                }
                // Only a shown call's entry is saved: in a trace cut short it may be all there is of the call.
                if (event instanceof TraceEvent.SyscallEntered s && s.nr() >= 0 && s.nr() < shown.length) shown[s.nr()] = true;
                if (event instanceof TraceEvent.SyscallEntered s && !ledger.made(s.tid())) enteredUnmade.putIfAbsent(s.tid(), lineNo);
                events.accept(event);
            }
            switch (type) {
                case JsonlFields.T_START -> {
                    sawStart = true;
                    wallNs = RecordDecoder.longOrNull(node, JsonlFields.WALL_NS);
                    Long limit = RecordDecoder.longOrNull(node, JsonlFields.STRING_LIMIT);
                    stringLimit = limit == null ? null : Math.toIntExact(Math.max(0, Math.min(limit, Integer.MAX_VALUE)));
                }
                case JsonlFields.T_THREAD -> enteredUnmade.remove(node.path(JsonlFields.TID).asInt());
                case JsonlFields.T_JAVA -> java.add(RecordDecoder.javaRecord(node));
                case JsonlFields.T_ASSERTION -> assertions.add(RecordDecoder.assertion(node));
                default -> { }
            }
        }

        /**
         * A call's dur_ns that runs past the trace's own end (the end record's ns) is no time the
         * run measured: one such record makes syscalls.time or futex.wait.time whatever it says.
         */
        private void checkSpan(TraceEvent event) throws TraceFileException {
            if (event instanceof TraceEvent.Syscall s && s.exitNs() > latestCallEnd) {
                latestCallEnd = s.exitNs();
                latestCallEndLine = lineNo;
            }
            if (event instanceof TraceEvent.TraceEnded e && latestCallEnd > e.ns()) {
                throw new TraceFileException(file + ":" + latestCallEndLine + ": a call whose dur_ns ends it "
                        + "after the trace's end (line " + lineNo + "): not a time the run measured");
            }
        }

        Saved end() throws TraceFileException {
            if (!sawStart) {
                throw new TraceFileException(file + ": no trace records (empty, or not a jthreadtrace --format jsonl trace"
                        + (sawRecordsWithoutStart ? "; its records have no \"start\": a jthreadtrace before 0.2 wrote only the"
                        + " final records with report --format jsonl" : "") + ")");
            }
            boolean complete = sawEnd && sawSummary;
            if (complete && !enteredUnmade.isEmpty()) {
                var first = enteredUnmade.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
                throw new TraceFileException(file + ":" + first.getValue() + ": an \"enter\" record of thread " + first.getKey()
                        + ", which no record of the trace made (no start, spawn or attach of it, and no \"thread\" record):"
                        + " a record forged");
            }
            // In a trace cut short, a last line that is not a record is the record the writer was cut off in.
            if (!complete && lastSkippedLine == lineNo && lastSkippedLine > lastRecordLine) skipped--;
            return new Saved(new Header(run, wallNs, stringLimit, shown, unshown, keepEnded), java, assertions, skipped,
                    complete ? 0 : lastRecordLine, glued);
        }

        /** A record's type or a value the decoder quotes is the trace's text: the exception escapes it. */
        private TraceFileException refused(String why) {
            return new TraceFileException(file + ":" + lineNo + ": " + why);
        }

        /** Where a record begins: every record's first field is its version. */
        private static final String RECORD_START = "{\"" + JsonlFields.V + "\":";
        /** How many record starts a line is tried from: the command's bytes before a record are a few, not thousands. */
        private static final int GLUE_TRIES = 4;

        /**
         * The record at the end of a line that begins with the traced program's bytes: a partial line
         * it wrote to the shared stdout (a progress indicator, a buffered printf) without a newline,
         * glued to the tool's next record. The writer cannot know (on a pipe there is no offset to look
         * at), so the reader looks for the record start; null when none parses as a record.
         */
        private static JsonNode gluedRecord(String line) {
            int at = line.indexOf(RECORD_START, 1);
            for (int tries = 0; at > 0 && tries < GLUE_TRIES; tries++, at = line.indexOf(RECORD_START, at + 1)) {
                JsonNode node = parse(line.substring(at));
                if (node != null && node.isObject() && node.hasNonNull(JsonlFields.TYPE)) return node;
            }
            return null;
        }

        private static JsonNode parse(String line) {
            if (!line.startsWith("{")) return null;
            try {
                return JsonTree.read(line);
            } catch (IOException e) {
                return null; // not ours: skipped and counted (or the last, cut-off line of a truncated trace)
            }
        }
    }
}
