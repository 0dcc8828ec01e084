package dev.jthreadtrace.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A local client of {@link dev.jthreadtrace.fixtures.AttachServer}: "spawn N" requests one after
 * another, {@code pause} apart (each makes the server start a thread lazy-worker-N), from before an
 * attach until the test stops it after the detach, so the server is asked during and after the
 * attach however long each takes. Bounded: at most {@link #MAX_REQUESTS}.
 */
final class SpawnRequests {
    private static final int MAX_REQUESTS = 10_000;
    private final AtomicInteger sent = new AtomicInteger(), answered = new AtomicInteger();
    private final Thread client;
    private volatile boolean stop;

    SpawnRequests(int port, Duration pause) {
        client = Thread.ofPlatform().name("spawn-requests").start(() -> ask(port, pause));
    }

    private void ask(int port, Duration pause) {
        for (int i = 1; i <= MAX_REQUESTS && !stop; i++) {
            sent.incrementAndGet();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                 PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                s.setSoTimeout(60_000);
                out.println("spawn " + i);
                if (("done req-" + i).equals(in.readLine())) answered.incrementAndGet();
                Thread.sleep(pause);
            } catch (IOException | InterruptedException e) {
                return; // unanswered: stop() tells
            }
        }
    }

    /** Until {@code more} requests past those answered now are answered: the server works on (fails after 90 s or if the client ended). */
    void awaitMoreAnswered(int more) throws InterruptedException {
        int target = answered.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (answered.get() < target) {
            assertTrue(client.isAlive() && System.nanoTime() < deadline, "answered " + answered.get() + " of " + sent.get() + " requests");
            Thread.sleep(20);
        }
    }

    /** Stops after the request under way. */
    void stop() throws InterruptedException {
        stop = true;
        client.join(90_000);
        assertTrue(!client.isAlive(), "the client ended");
    }

    int sent() {
        return sent.get();
    }

    int answered() {
        return answered.get();
    }
}
