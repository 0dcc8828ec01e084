package dev.jthreadtrace.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DescriptorPathsTest {
    private static OptionalInt fd(String path) {
        return DescriptorPaths.descriptor(Path.of(path), 4242);
    }

    @Test
    void everySpellingOfAnInheritedDescriptorIsThatDescriptor() {
        assertEquals(OptionalInt.of(0), fd("/dev/stdin"));
        assertEquals(OptionalInt.of(1), fd("/dev/stdout"));
        assertEquals(OptionalInt.of(2), fd("/dev/stderr"));
        assertEquals(OptionalInt.of(7), fd("/dev/fd/7"));
        assertEquals(OptionalInt.of(1), fd("/proc/self/fd/1"));
        assertEquals(OptionalInt.of(2), fd("/proc/thread-self/fd/2"));
        assertEquals(OptionalInt.of(3), fd("/proc/4242/fd/3"));
        assertEquals(OptionalInt.of(2), fd("/dev/./fd/../stderr"), "normalized as the kernel walks it");
    }

    @Test
    void otherFilesAndOtherProcessesDescriptorsAreFiles() {
        assertEquals(OptionalInt.empty(), fd("/proc/4243/fd/1"), "another process's descriptor is a file it has open");
        assertEquals(OptionalInt.empty(), fd("/dev/null"));
        assertEquals(OptionalInt.empty(), fd("/dev/fd/x"));
        assertEquals(OptionalInt.empty(), fd("/dev/fd/99999999999"));
        assertEquals(OptionalInt.empty(), fd("/tmp/dev/stdout"));
        assertEquals(OptionalInt.empty(), fd("/dev/fd"));
    }
}
