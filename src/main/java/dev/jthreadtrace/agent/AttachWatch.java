package dev.jthreadtrace.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The agent's tie to {@code jthreadtrace attach}: a Unix socket the tool listens on in the records
 * directory. A daemon thread blocks reading it; when the tool detaches it shuts its side, and when
 * the tool dies the kernel closes it. Either way the read ends, and the agent stops writing and
 * restores the JVM's own classes ({@link Installer#stop}), then answers "stopped" so the tool
 * reads the last records only after they are written. No lambda: the agent uses no invokedynamic.
 */
final class AttachWatch implements Runnable {
    /** The socket's name in the records directory (the tool's {@code JvmAgent} binds it). */
    static final String SOCKET = "attach.sock";
    static final String THREAD_NAME = "jthreadtrace-agent";

    private final SocketChannel channel;
    private final Instrumentation instrumentation;

    private AttachWatch(SocketChannel channel, Instrumentation instrumentation) {
        this.channel = channel;
        this.instrumentation = instrumentation;
    }

    /** The watch thread, not started; null when the tool's socket is not there (it is gone: do nothing). */
    static Thread connect(String directory, Instrumentation instrumentation) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(Path.of(directory, SOCKET)));
            Thread thread = new Thread(new AttachWatch(channel, instrumentation), THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void run() {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (channel.read(buffer) >= 0) buffer.clear();
        } catch (IOException e) {
            // the tool is gone: stop as on a detach
        }
        try {
            Installer.stop(instrumentation);
        } catch (Throwable t) {
            ThreadHook.disable();
        }
        try {
            channel.write(ByteBuffer.wrap("stopped\n".getBytes(StandardCharsets.US_ASCII)));
            channel.close();
        } catch (IOException e) {
            // nobody listens any more
        }
    }
}
