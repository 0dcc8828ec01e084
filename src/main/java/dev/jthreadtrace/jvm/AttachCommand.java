package dev.jthreadtrace.jvm;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import dev.jthreadtrace.text.Escape;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The attach operations the tool sends a JVM ({@code properties}, the agent's {@code load}, a
 * diagnostic command), each reply read to a byte cap. The socket ({@code /tmp/.java_pidPID}) is the
 * traced program's to bind: a JVM may answer on it itself, with an endless stream. The JDK's client
 * reads such a reply without a bound (the version-2 handshake's {@code getversion} reply, a status
 * line, an error message, the properties, the load's result: each read whole; a program took the
 * tool from 78 to 232 MB in 2 s, an endless properties line to 2.1 GB), so it does only what needs
 * no read here: {@link #attach} (finding the socket, starting the JVM's attach listener with SIGQUIT
 * only when the JVM catches it, checking the socket's owner and mode) with the version-1 protocol,
 * which reads nothing at the attach. Each operation goes over a connection of ours: a status line of
 * at most {@link #MAX_STATUS} bytes, an error message of at most {@link #MAX_MESSAGE}, and a reply
 * that ends at a cap ({@link Reply#cut()} says whether more came); an answer no JVM gives is
 * {@link NotAJvm}.
 */
final class AttachCommand {
    static final int MAX_STATUS = 16, MAX_MESSAGE = 1024;
    /** The protocol version the request says; the JVM's reply to it has no header beyond the status. */
    private static final String VERSION_1 = "1";
    private static final int VERSION_1_ARGUMENTS = 3;

    private AttachCommand() {}

    /**
     * The JDK's attach to {@code pid} (its handshake and checks), with the version-1 protocol: the
     * JDK reads nothing from the socket before the first command ({@code jdk.attach.compat}, read at
     * each attach; every attach of the tool's goes so).
     */
    static com.sun.tools.attach.VirtualMachine attach(int pid) throws com.sun.tools.attach.AttachNotSupportedException, IOException {
        System.setProperty("jdk.attach.compat", "true");
        return com.sun.tools.attach.VirtualMachine.attach(Integer.toString(pid));
    }

    /** A command's output, ending at the cap; {@link #cut()} once it ended there with more to come. */
    static final class Reply extends InputStream {
        private final InputStream in;
        private long left;
        private boolean cut;

        private Reply(InputStream in, long cap) {
            this.in = in;
            this.left = cap;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (left == 0) {
                if (!cut) cut = in.read(new byte[1], 0, 1) > 0;
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        boolean cut() {
            return cut;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * {@code jcmd command} in JVM {@code pid}, attached to with {@link #attach}: its output, read to
     * {@code cap} bytes. A status other than 0 is an IOException with the JVM's message (cut).
     */
    static Reply jcmd(int pid, String command, long cap) throws IOException {
        return execute(pid, cap, "jcmd", command);
    }

    /** What is read of the {@code properties} operation's reply at most: a JVM's are a few KiB, a class path of 128 KiB (one argument's limit) too. */
    static final long MAX_PROPERTIES = 1L << 20;

    /**
     * The system property {@code key} of JVM {@code pid} (the JDK's {@code getSystemProperties},
     * its reply read to {@link #MAX_PROPERTIES}, only that key kept); {@link NotAJvm} when the
     * reply has no such key there: every JVM sets {@code java.*}.
     */
    static String property(int pid, String key) throws IOException {
        try (Reply in = execute(pid, MAX_PROPERTIES, "properties")) {
            String[] value = new String[1];
            new Properties() {
                @Override
                public synchronized Object put(Object k, Object v) {
                    if (k.equals(key)) value[0] = (String) v;
                    return null;
                }
            }.load(in);
            if (value[0] == null) {
                throw new NotAJvm("its properties" + (in.cut() ? " (read to " + (MAX_PROPERTIES >> 20) + " MiB)" : "") + " have no " + key);
            }
            return value[0];
        }
    }

    /** The JPLIS agent's return codes, in the JDK client's words ({@code HotSpotVirtualMachine.loadAgent}). */
    private static final Map<Integer, String> AGENT_LOAD_FAILURES = Map.of(
            -4, "Insufficient memory",
            100, "Agent JAR not found or no Agent-Class attribute",
            101, "Unable to add JAR file to system class path");
    private static final int AGENT_START_FAILED = 102;
    private static final Pattern RETURN_CODE = Pattern.compile("return code: (-?\\d{1,9})");

    /**
     * The JDK's {@code loadAgent(jar, options)} in JVM {@code pid}: the {@code load} operation of
     * {@code instrument} (JPLIS), whose reply is one line, {@code return code: N}, read to
     * {@link #MAX_MESSAGE}. A code other than 0 is the exception the JDK's client throws for it; a
     * reply of any other form is {@link NotAJvm}.
     */
    static void loadAgent(int pid, String jar, String options) throws IOException, AgentLoadException, AgentInitializationException {
        String result;
        try (Reply in = execute(pid, MAX_MESSAGE, "load", "instrument", "false", options == null ? jar : jar + "=" + options)) {
            result = readUpTo(in, MAX_MESSAGE, true);
        }
        Matcher code = RETURN_CODE.matcher(result);
        if (!code.matches()) throw new NotAJvm("its answer to the agent's load is " + quoted(result));
        int rc = Integer.parseInt(code.group(1));
        if (rc == 0) return;
        if (rc == AGENT_START_FAILED) throw new AgentInitializationException("Agent JAR loaded but agent failed to initialize", rc);
        throw new AgentLoadException(AGENT_LOAD_FAILURES.getOrDefault(rc, "Failed to load agent - unknown reason: " + rc));
    }

    /**
     * An answer on a JVM's attach socket that no JVM gives (a status line that is no number, a
     * reply of the wrong form): the socket is the program's to bind, and another program answers.
     */
    static final class NotAJvm extends IOException {
        NotAJvm(String message) {
            super(message);
        }
    }

    /** What a note quotes of an answer: its start, escaped; a forged one may be a KiB of anything. */
    private static String quoted(String answer) {
        int shown = 40;
        return answer.length() <= shown ? '"' + Escape.text(answer) + '"'
                : '"' + Escape.text(answer.substring(0, shown)) + "\"... (" + answer.length() + " characters)";
    }

    /**
     * The attach operation {@code operation} with up to three arguments (version 1's) in JVM
     * {@code pid}, attached to with {@link #attach}: its reply after the status, read to {@code cap}
     * bytes. A status other than 0 is an IOException with the JVM's message (cut); a status line
     * that is no number, {@link NotAJvm}.
     */
    private static Reply execute(int pid, long cap, String operation, String... arguments) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socketOf(pid)));
            channel.write(ByteBuffer.wrap(request(operation, arguments)));
            InputStream in = Channels.newInputStream(channel);
            String status = readUpTo(in, MAX_STATUS, true);
            if (status.isEmpty()) throw new IOException("the connection closed with no answer"); // a JVM that is ending
            if (!status.matches("-?\\d{1,9}")) throw new NotAJvm("its status line is " + quoted(status));
            if (!status.equals("0")) {
                throw new IOException("the JVM answered " + status + ": " + Escape.text(readUpTo(in, MAX_MESSAGE, false).strip()));
            }
            return new Reply(in, cap);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The version-1 request: the version, the operation and three arguments (missing ones empty), each NUL-terminated. */
    private static byte[] request(String operation, String... arguments) {
        StringBuilder request = new StringBuilder(VERSION_1).append('\0').append(operation).append('\0');
        for (int i = 0; i < VERSION_1_ARGUMENTS; i++) request.append(i < arguments.length ? arguments[i] : "").append('\0');
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Up to {@code max} bytes, to the first newline when {@code line} (not included), else to the end. */
    private static String readUpTo(InputStream in, int max, boolean line) throws IOException {
        byte[] bytes = new byte[max];
        int n = 0;
        for (int b; n < max && (b = in.read()) >= 0; ) {
            if (line && b == '\n') break;
            bytes[n++] = (byte) b;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Where the JDK's client finds the socket: {@code .java_pidNSPID} (the pid the JVM sees itself
     * as, the last of {@code NSpid}) in the JVM's {@code /tmp}, through {@code /proc/PID/root} when
     * that is writable, else the tool's.
     */
    private static Path socketOf(int pid) throws IOException {
        Path proc = Path.of("/proc", Integer.toString(pid));
        long nsPid = pid;
        for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.ISO_8859_1)) {
            if (!line.startsWith("NSpid:")) continue;
            String[] pids = line.substring("NSpid:".length()).strip().split("\\s+");
            nsPid = Long.parseLong(pids[pids.length - 1]);
        }
        Path rootTmp = proc.resolve("root/tmp");
        return (Files.isWritable(rootTmp) ? rootTmp : Path.of("/tmp")).resolve(".java_pid" + nsPid);
    }
}
