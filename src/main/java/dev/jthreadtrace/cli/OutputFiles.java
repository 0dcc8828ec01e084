package dev.jthreadtrace.cli;

import dev.jthreadtrace.check.JunitXml;
import dev.jthreadtrace.sys.Errno;
import dev.jthreadtrace.sys.ErrnoException;
import dev.jthreadtrace.sys.FdOutputStream;
import dev.jthreadtrace.sys.InheritedDescriptors;
import dev.jthreadtrace.sys.Libc;
import dev.jthreadtrace.text.Escape;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The files one command writes (-o, --html, --junit-xml), settled before anything runs:
 * <ul>
 * <li>{@link #clash}: none may be a file the command reads (the trace, --assert-file) or another
 * output, or one would silently replace the other ({@code report --html T T} overwrote the trace);</li>
 * <li>{@link #prepare}: a regular file must be writable later (a run of minutes must not be lost to
 * a typo); a FIFO is opened now, once a process reads it, waiting at most
 * {@link #FIFO_WAIT_MS} (a socket is refused): opened at the end, a FIFO without a reader blocked the tool forever after
 * the command had run, and its exit status was lost; a name of an inherited descriptor ({@link DescriptorPaths}) is
 * written through that descriptor, never opened anew.</li>
 * </ul>
 * The writers then take their stream from {@link #open}.
 */
final class OutputFiles implements AutoCloseable {
    /** One file on the command line: the option that named it ({@code TRACE.jsonl} for the positional) and its path. */
    record Named(String option, Path path) {}

    static final long FIFO_WAIT_MS = 5000;
    private static final int S_IFMT = 0170000, S_IFIFO = 0010000, S_IFSOCK = 0140000;

    private final Map<Path, OutputStream> early = new HashMap<>();
    /** The outputs opened for writing: a --junit-xml FILE among them needs no error document at the end. */
    private final Set<Path> written = new HashSet<>();

    /**
     * The usage error when an output is one of {@code inputs} or another output (the same file by
     * {@link Files#isSameFile} when both exist, else the same normalized absolute path); null when
     * every file is distinct.
     */
    static String clash(List<Named> inputs, List<Named> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            Named out = outputs.get(i);
            for (Named in : inputs) {
                if (same(out.path(), in.path())) {
                    return out.option() + " " + out.path() + " is " + (in.option().startsWith("-") ? "the file " + in.option()
                            + " reads" : "the trace being read") + (in.path().equals(out.path()) ? "" : " (" + in.path() + ")")
                            + ": it would be overwritten";
                }
            }
            for (Named other : outputs.subList(0, i)) {
                if (same(out.path(), other.path())) {
                    return other.option() + " " + other.path() + " and " + out.option() + " " + out.path()
                            + " are the same file: one would overwrite the other";
                }
            }
        }
        return null;
    }

    private static boolean same(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            // fall back to the names
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /**
     * Runs {@code body} with {@code outputs} prepared and closes what it left open; without running
     * it, one line on {@code err} and 125 when an output cannot be written.
     */
    static int using(List<Named> outputs, PrintWriter err, ToIntFunction<OutputFiles> body) {
        try (OutputFiles files = new OutputFiles()) {
            return prepared(outputs, err, body, files);
        }
    }

    /** The same for a command given --junit-xml {@code junitXml} (or null): that file describes this invocation however it ends. */
    static int using(List<Named> outputs, Path junitXml, String testName, ErrorLines err, ToIntFunction<OutputFiles> body) {
        try (OutputFiles files = new OutputFiles()) {
            int code = prepared(outputs, err, body, files);
            files.junitUnlessWritten(junitXml, testName, code, err.last());
            return code;
        }
    }

    private static int prepared(List<Named> outputs, PrintWriter err, ToIntFunction<OutputFiles> body, OutputFiles files) {
        String problem = files.prepare(outputs);
        if (problem != null) {
            err.println("jthreadtrace: " + problem);
            return ExitCodes.TOOL_FAILED;
        }
        return body.applyAsInt(files);
    }

    /**
     * Checks every output and opens the FIFOs among them; the one-line problem
     * ({@code --html out.html: cannot write ...}), or null when all can be written.
     */
    String prepare(List<Named> outputs) {
        for (Named out : outputs) {
            String problem = prepare(out.path());
            if (problem != null) return out.option() + ": " + problem;
        }
        return null;
    }

    private String prepare(Path path) {
        OptionalInt inherited = DescriptorPaths.descriptor(path);
        if (inherited.isPresent()) return shareDescriptor(path, inherited.getAsInt());
        int type = fileType(path);
        if (type == S_IFSOCK) return "cannot write " + path + ": a socket";
        if (type != S_IFIFO) return FileProblems.writableLater(path);
        long deadline = System.nanoTime() + FIFO_WAIT_MS * 1_000_000;
        while (true) {
            try {
                early.put(path, new FdOutputStream(Libc.openForWritingWithoutWaiting(path.toString())));
                return null;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENXIO) return "cannot write " + path + ": " + Errno.text(e.errno());
                if (System.nanoTime() > deadline) {
                    return "cannot write " + path + ": no process reads this FIFO (waited " + FIFO_WAIT_MS / 1000
                            + " s; start its reader first)";
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "cannot write " + path + ": interrupted while waiting for the FIFO's reader";
            }
        }
    }

    /**
     * {@code /dev/stderr} and its kin: written through a duplicate of the descriptor the tool inherited
     * (its offset and O_APPEND shared with the command and the tool's own messages, nothing truncated);
     * the problem when that descriptor is not open for writing.
     */
    private String shareDescriptor(Path path, int fd) {
        try {
            early.put(path, new FdOutputStream(InheritedDescriptors.duplicateForWriting(fd)));
            return null;
        } catch (ErrnoException e) {
            return "cannot write " + Escape.text(path.toString()) + ": descriptor " + fd + " is not open for writing";
        }
    }

    /** The file type bits of an existing file ({@code S_IFIFO}, ...), following links; 0 when there is none to read. */
    private static int fileType(Path path) {
        try {
            if (!Files.exists(path) || Files.isRegularFile(path) || Files.isDirectory(path)) return 0;
            return (Integer) Files.getAttribute(path, "unix:mode") & S_IFMT;
        } catch (IOException | RuntimeException e) {
            return 0; // writableLater says what is wrong with it
        }
    }

    /** The stream for an output that {@link #prepare} checked: the one opened then, or the file opened (created, truncated) now. */
    OutputStream open(Path path) throws IOException {
        written.add(path);
        OutputStream opened = early.remove(path);
        return opened != null ? opened : Files.newOutputStream(path);
    }

    /** What writes a whole file at once. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} as the whole of {@code path}: a regular file is replaced at once (a
     * temporary file beside it, renamed over it), so a reader never sees half of it and a failure
     * leaves no half-written file; a FIFO or an inherited descriptor gets it as a stream. In place
     * when the directory cannot take the temporary file.
     */
    void replace(Path path, Content content) throws IOException {
        Path target = target(path);
        if (early.containsKey(path) || Files.exists(target) && !Files.isRegularFile(target) || !Files.isWritable(target.getParent())) {
            try (OutputStream out = open(path)) {
                content.writeTo(out);
            }
            return;
        }
        written.add(path);
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            // CREATE_NEW: mode 0666 less the umask, as the file itself would get; an existing file's mode is kept.
            try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            if (Files.exists(target)) Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** The file a rename must replace: a link's target (the link stays), absolute. */
    private static Path target(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        return Files.exists(absolute) ? absolute.toRealPath() : absolute;
    }

    /**
     * The end of an invocation that was given --junit-xml FILE (null: none): when FILE was not
     * written (the trace could not be read, the command was not found, the tool failed), it becomes
     * one error testcase named {@code testName} with {@code reason} (else the exit status), so a CI
     * report never shows a previous run's pass. Silent when even that cannot be written: the
     * failure itself was already reported.
     */
    void junitUnlessWritten(Path junitXml, String testName, int exitCode, String reason) {
        if (junitXml == null || written.contains(junitXml)) return;
        String why = reason != null ? reason : "jthreadtrace ended with exit status " + exitCode + " before the assertions were evaluated";
        try {
            // Not prepared yet (the failure came first): a descriptor or a FIFO is opened as any output is.
            if (!early.containsKey(junitXml) && prepare(junitXml) != null) return;
            replace(junitXml, out -> JunitXml.writeError(out, "jthreadtrace", testName, why));
        } catch (IOException | RuntimeException e) {
            // the invocation's own failure is on stderr already
        }
    }

    /** Closes what was opened early and never written (the run failed before the end). */
    @Override
    public void close() {
        for (OutputStream s : new ArrayList<>(early.values())) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing was written to it
            }
        }
        early.clear();
    }
}
