package dev.jthreadtrace.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Random bytes from the kernel's pool ({@code /dev/urandom}). Not SecureRandom: seeding it costs
 * ~35 ms of CPU at every start, and the kernel's pool is what it would read.
 */
final class KernelRandom {
    private KernelRandom() {}

    static byte[] bytes(int count) throws IOException {
        byte[] random;
        try (InputStream in = Files.newInputStream(Path.of("/dev/urandom"))) {
            random = in.readNBytes(count);
        }
        if (random.length != count) throw new IOException("/dev/urandom gave " + random.length + " bytes");
        return random;
    }
}
