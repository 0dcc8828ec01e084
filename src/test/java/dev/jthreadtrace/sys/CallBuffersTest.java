package dev.jthreadtrace.sys;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallBuffersTest {
    @Test
    void aThreadKeepsItsOwnBuffersWhileAnotherCallsInBetween() throws InterruptedException {
        CallBuffers mine = CallBuffers.current();
        assertSame(Thread.currentThread(), mine.owner);
        assertSame(mine, CallBuffers.current());

        AtomicReference<CallBuffers> theirs = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> theirs.set(CallBuffers.current()));
        other.join();

        assertSame(other, theirs.get().owner);
        assertNotSame(mine, theirs.get());
        // The other thread called last: this one must still get its own, not the other's.
        assertSame(mine, CallBuffers.current());
        assertNotSame(mine.state, theirs.get().state);
        assertTrue(mine.state.byteSize() >= java.lang.foreign.Linker.Option.captureStateLayout().byteSize());
        assertEquals(8, mine.word.byteSize());
    }
}
