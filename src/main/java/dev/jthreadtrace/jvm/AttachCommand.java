package dev.jthreadtrace.jvm;

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

/**
 * One diagnostic command ({@code jcmd}) over a JVM's attach socket, its reply read to a byte cap.
 * The socket ({@code /tmp/.java_pidPID}) is the traced program's to bind: a JVM may answer on it
 * itself, with an endless stream. The JDK's client reads such a reply without a bound (the
 * version-2 handshake's {@code getversion} reply, a status line, an error message: each read whole
 * into a String; a program took the tool from 78 to 232 MB in 2 s), so it does only what needs no
 * read here: {@link #attach} (finding the socket, starting the JVM's attach listener with SIGQUIT
 * only when the JVM catches it, checking the socket's owner and mode) with the version-1 protocol,
 * which reads nothing at the attach. The command goes over a connection of ours: a status line of
 * at most {@link #MAX_STATUS} bytes, an error message of at most {@link #MAX_MESSAGE}, and a body
 * that ends at the caller's cap ({@link Reply#cut()} says whether more came).
 */
final class AttachCommand {
    static final int MAX_STATUS = 16, MAX_MESSAGE = 1024;
    /** The protocol version the request says; the JVM's reply to it has no header beyond the status. */
    private static final String VERSION_1 = "1";

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
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socketOf(pid)));
            channel.write(ByteBuffer.wrap(request("jcmd", command)));
            InputStream in = Channels.newInputStream(channel);
            String status = readUpTo(in, MAX_STATUS, true);
            if (!status.equals("0")) {
                String message = readUpTo(in, MAX_MESSAGE, false);
                throw new IOException(status.matches("-?\\d{1,9}") ? "the JVM answered " + status + ": " + Escape.text(message.strip())
                        : "not a JVM's answer (status line \"" + Escape.text(status) + "\")");
            }
            return new Reply(in, cap);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The version-1 request: the version, the command and three arguments, each NUL-terminated. */
    private static byte[] request(String command, String argument) {
        String request = VERSION_1 + '\0' + command + '\0' + argument + '\0' + '\0' + '\0';
        return request.getBytes(StandardCharsets.UTF_8);
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
