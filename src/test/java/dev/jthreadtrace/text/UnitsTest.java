package dev.jthreadtrace.text;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UnitsTest {
    /** What Units printed before it stopped using Formatter (its first use costs every report several milliseconds). */
    private static String formatted(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }

    private static String durationByFormat(long ns) {
        if (ns < 1_000) return ns + "ns";
        if (ns < 1_000_000) return formatted("%.1fus", ns / 1e3);
        if (ns < 1_000_000_000) return formatted("%.1fms", ns / 1e6);
        return formatted("%.2fs", ns / 1e9);
    }

    private static String bytesByFormat(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return formatted("%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return formatted("%.1f MiB", n / (1024.0 * 1024));
        return formatted("%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    @Test
    void roundsHalfUpAsFormatterDid() {
        assertEquals("1.3us", Units.duration(1_250));
        assertEquals("1.1ms", Units.duration(1_050_000));
        assertEquals("1000.0us", Units.duration(999_950));
        assertEquals("999.9us", Units.duration(999_949));
        assertEquals("1.00s", Units.duration(1_000_000_000));
        assertEquals("10.01s", Units.duration(10_005_000_000L));
        assertEquals("0 B", Units.bytes(0));
        assertEquals("1.5 KiB", Units.bytes(1536));
        assertEquals("1024.0 KiB", Units.bytes(1024 * 1024 - 1));
        assertEquals("2.00 GiB", Units.bytes(2L << 30));
        assertEquals("-5ns", Units.duration(-5));
        assertEquals("@12.3ms", Units.at(12_345_678));
    }

    @Test
    void sameTextAsFormatterAtEveryBoundaryAndAtRandom() {
        long[] bases = {1_000, 1_000_000, 1_000_000_000, 1024, 1024 * 1024, 1024L * 1024 * 1024};
        for (long base : bases) {
            for (long step : new long[] {base / 100, base / 20, base / 10}) {
                for (long k = 0; k < 3000; k++) {
                    for (long v : new long[] {k * step / 2 - 1, k * step / 2, k * step / 2 + 1}) {
                        if (v < 0) continue;
                        assertEquals(durationByFormat(v), Units.duration(v), "duration " + v);
                        assertEquals(bytesByFormat(v), Units.bytes(v), "bytes " + v);
                    }
                }
            }
        }
        SplittableRandom random = new SplittableRandom(34);
        for (int i = 0; i < 200_000; i++) {
            // Up to 2^50: beyond 2^53 a double no longer holds every integer, and Formatter printed the rounded double.
            long v = random.nextLong(1L << random.nextInt(1, 51));
            assertEquals(durationByFormat(v), Units.duration(v), "duration " + v);
            assertEquals(bytesByFormat(v), Units.bytes(v), "bytes " + v);
        }
    }
}
