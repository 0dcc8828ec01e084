package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.event.TraceEvent;

import java.util.concurrent.BlockingQueue;

/**
 * What the ptrace thread hands to the consumer: a bounded queue of events (the ptrace thread
 * waits when it is full), nothing once the consumer has gone.
 */
final class Events {
    private final BlockingQueue<TraceEvent> queue;
    private volatile boolean consumerGone;
    /** Events made, for --stats; written by the ptrace thread, read after it has ended. */
    private long made;

    Events(BlockingQueue<TraceEvent> queue) {
        this.queue = queue;
    }

    void emit(TraceEvent event) {
        made++;
        if (consumerGone) return;
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            consumerGone = true;
        }
    }

    /**
     * From a thread other than the ptrace thread: queued unless the consumer is gone or the queue
     * stays full for {@code millis} (the trace may be ending: never block the caller for ever).
     */
    void offer(TraceEvent event, long millis) {
        if (consumerGone) return;
        try {
            queue.offer(event, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The consumer stopped reading: stop blocking on the queue. Safe from any thread. */
    void consumerGone() {
        consumerGone = true;
        queue.clear();
    }

    long made() {
        return made;
    }
}
